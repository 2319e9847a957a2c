// A branch that can only fail, or only succeed, must not set off `unreachable_code` (or any
// other lint) in the caller's crate, whatever macro and form it is in.
#![deny(warnings)]

use std::convert::Infallible;

use async_dsl::{parallel, race, race_ok, try_parallel};

async fn fails() -> Result<Infallible, String> {
    Err("no".into())
}

async fn succeeds() -> Result<u32, Infallible> {
    Ok(1)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let only_fails = try_parallel! { a => fails(), b => async { Ok::<_, String>(2) } }.await;
    assert!(only_fails.is_err());
    let never_fails = try_parallel!(succeeds(), succeeds()).await;
    assert_eq!(never_fails, Ok((1, 1)));
    let all = try_parallel! { for _ in 0..2 => fails() }.await;
    assert!(all.is_err());
    let first = race_ok!(fails(), async { Err::<Infallible, String>("also".into()) }).await;
    assert!(first.is_err());
    let won = race_ok! { a => succeeds(), b => succeeds() }.await;
    assert_eq!(won, Ok(1));
    let r = parallel! { a => succeeds(), b => fails() }.await;
    assert!(r.a.is_ok() && r.b.is_err());
    let x = race!(async { 1 }, std::future::pending::<u32>()).await;
    assert_eq!(x, 1);

    // Branches whose output is uninhabited, built and dropped unpolled: only the lints of
    // the expansion are under test here.
    let never = || std::future::pending::<Result<Infallible, Infallible>>();
    drop(try_parallel!(never(), never()));
    drop(try_parallel! { a => never(), b => succeeds() });
    drop(race_ok!(never(), never()));
    drop(race_ok! { for _ in 0..2 => never() });
    drop(try_parallel! { for _ in 0..2 => never() });
    drop(parallel!(std::future::pending::<Infallible>(), async { 1 }));
    drop(race!(std::future::pending::<Infallible>(), std::future::pending::<Infallible>()));
    let never_ok = || std::future::pending::<Result<Infallible, String>>();
    drop(try_parallel! { error = String; a => never_ok(), b => fails() });
    drop(try_parallel! { timeout = "1s"; a => never(), b => never() });
    drop(try_parallel! { spawn; a => never(), b => never() });
    drop(race_ok! { timeout = "1s"; spawn; a => never(), b => fails() });
    drop(try_parallel! { error = String; for _ in 0..2 => never_ok() });
    let infallible_err = || async { Ok::<u32, Infallible>(1) };
    drop(try_parallel! { a => infallible_err(), b => infallible_err() });
}
