use async_dsl::{Pool, Scope, Task};

fn main() {}
