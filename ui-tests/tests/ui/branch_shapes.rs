// Branch lists that do not parse, each reported where it goes wrong.
use async_dsl::{parallel, race};

async fn one() -> u32 {
    1
}

async fn run(ids: Vec<u32>) {
    // A mapping is for the races.
    let _ = parallel! { a => one() => |v: u32| v + 1 }.await;
    // The `for` form's `=>`.
    let _ = parallel! { for id in ids.clone() async move { id } }.await;
    // The `for` form with other branches, after them or before them.
    let _ = parallel! { a => one(), for id in ids.clone() => async move { id } }.await;
    let _ = parallel! { for id in ids.clone() => async move { id }, b => one() }.await;
    // A mapping on a positional branch.
    let _ = race! { one() => |v: u32| v, one() }.await;
    // A missing `,`.
    let _ = parallel! { a => one() b => one() }.await;
}

fn main() {}
