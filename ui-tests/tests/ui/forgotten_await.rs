// A group used without `.await`: the type in the message is the future and its output, and
// rustc suggests the `.await`.
use async_dsl::{parallel, race, try_parallel};

async fn count() -> u32 {
    1
}

async fn read() -> Result<u32, std::io::Error> {
    Ok(1)
}

async fn run() {
    let r = parallel! { user => count(), posts => count() };
    let _ = r.user;
    let t = try_parallel! { user => read(), posts => read() };
    let _ = t.unwrap();
    let w = race! { x => count(), y => count() };
    let _: u32 = w;
    let all = parallel! { for n in 0..3u32 => async move { n } };
    let _ = all.len();
    let timed = parallel! { timeout = "1s"; x => count() };
    let _ = timed.expect("in time");
}

fn main() {
    let _ = run();
}
