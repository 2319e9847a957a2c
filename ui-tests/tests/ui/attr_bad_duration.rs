use async_dsl::{throttled, timeout};

#[throttled(rate = 5, per = "5 sec")]
async fn call() {}

#[timeout("1x")]
async fn cut() {}

#[timeout(5)]
async fn not_a_string() {}

fn main() {}
