//! What the macros cost to build, against the hand-written code they replace.
//!
//! `cargo run --release -p async-dsl-benches --bin compile_cost [-- ROUNDS]` writes one small
//! crate per case under `target/compile-cost/`, each with 100 functions of one form, builds
//! their dependencies once, then times `cargo check` of each case (and `cargo build
//! --release` of the polled cases) with incremental compilation off, interleaved: every round
//! touches and rebuilds each case once, so drift of the machine falls on all cases alike. A
//! crate with no functions is timed the same way and subtracted, so each figure is the cost
//! of the functions alone. Each case's fastest round is taken (noise on a shared machine only
//! ever adds time). Prints the costs per 100 functions and the ratios to the peers.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};
use std::{env, fs};

/// Functions per case: enough that a case's cost stands well above the machine's noise.
/// Figures are reported per 100 functions.
const N: usize = 300;

/// How a case is built.
#[derive(Clone, Copy, PartialEq)]
enum Build {
    Check,
    Release,
}

struct Case {
    name: &'static str,
    build: Build,
    body: fn(usize) -> String,
    /// The case this one is compared to, if any.
    peer: Option<&'static str>,
}

/// Helpers every case may call: three leaf futures of different output types.
const HELPERS: &str = "
pub async fn a(x: u32) -> u32 { x + 1 }
pub async fn b(x: u32) -> u64 { u64::from(x) * 2 }
pub async fn c(x: u32) -> u16 { x as u16 }
";

fn plain(i: usize) -> String {
    format!("pub async fn f{i}(x: u32) -> u32 {{ a(x).await + {i} }}\n")
}

fn throttled(i: usize) -> String {
    format!("#[async_dsl::throttled(rate = 5)]\n{}", plain(i))
}

fn join3(i: usize) -> String {
    format!(
        "pub async fn f{i}(x: u32) -> u64 {{ let (p, q, r) = tokio::join!(a(x), b(x), c(x)); \
         u64::from(p) + q + u64::from(r) + {i} }}\n"
    )
}

fn parallel3(i: usize) -> String {
    format!(
        "pub async fn f{i}(x: u32) -> u64 {{ let (p, q, r) = async_dsl::parallel!(a(x), b(x), \
         c(x)).await; u64::from(p) + q + u64::from(r) + {i} }}\n"
    )
}

fn twelve(i: usize, open: &str, close: &str) -> String {
    let branches: Vec<String> = (0..12).map(|k| format!("a(x + {k})")).collect();
    format!(
        "pub async fn f{i}(x: u32) -> u32 {{ let t = {open}{}{close}; t.0 + t.11 + {i} }}\n",
        branches.join(", ")
    )
}

fn join12(i: usize) -> String {
    twelve(i, "tokio::join!(", ")")
}

fn parallel12(i: usize) -> String {
    twelve(i, "async_dsl::parallel!(", ").await")
}

fn select2(i: usize) -> String {
    format!(
        "pub async fn f{i}(x: u32) -> u32 {{ let v = tokio::select! {{ v = a(x) => v, v = a(x + \
         1) => v }}; v + {i} }}\n"
    )
}

fn race2(i: usize) -> String {
    format!("pub async fn f{i}(x: u32) -> u32 {{ async_dsl::race!(a(x), a(x + 1)).await + {i} }}\n")
}

/// The release cases also poll every function, so that each one's state machine is
/// generated: a crate's unused `async fn` bodies may never reach codegen.
fn polled(calls: String) -> String {
    format!(
        "pub fn run() -> u64 {{
    let mut total = 0u64;
    let waker = std::task::Waker::noop();
    let mut cx = std::task::Context::from_waker(waker);
{calls}    total
}}
"
    )
}

fn poll_call(i: usize) -> String {
    format!(
        "    let mut fut = std::pin::pin!(f{i}(1));
    while let std::task::Poll::Pending = fut.as_mut().poll(&mut cx) {{}}
    if let std::task::Poll::Ready(v) = fut.as_mut().poll(&mut cx) {{ total += v; }}
"
    )
}

const CASES: &[Case] = &[
    Case {
        name: "empty",
        build: Build::Check,
        body: |_| String::new(),
        peer: None,
    },
    Case {
        name: "plain_async_fn",
        build: Build::Check,
        body: plain,
        peer: None,
    },
    Case {
        name: "throttled",
        build: Build::Check,
        body: throttled,
        peer: Some("plain_async_fn"),
    },
    Case {
        name: "tokio_join_3",
        build: Build::Check,
        body: join3,
        peer: None,
    },
    Case {
        name: "parallel_3",
        build: Build::Check,
        body: parallel3,
        peer: Some("tokio_join_3"),
    },
    Case {
        name: "tokio_join_12",
        build: Build::Check,
        body: join12,
        peer: None,
    },
    Case {
        name: "parallel_12",
        build: Build::Check,
        body: parallel12,
        peer: Some("tokio_join_12"),
    },
    Case {
        name: "tokio_select_2",
        build: Build::Check,
        body: select2,
        peer: None,
    },
    Case {
        name: "race_2",
        build: Build::Check,
        body: race2,
        peer: Some("tokio_select_2"),
    },
    Case {
        name: "release_empty",
        build: Build::Release,
        body: |_| String::new(),
        peer: None,
    },
    Case {
        name: "release_tokio_join_3",
        build: Build::Release,
        body: join3,
        peer: None,
    },
    Case {
        name: "release_parallel_3",
        build: Build::Release,
        body: parallel3,
        peer: Some("release_tokio_join_3"),
    },
];

fn main() {
    let rounds: usize = env::args()
        .nth(1)
        .map(|r| r.parse().expect("ROUNDS is a number"))
        .unwrap_or(5);
    assert!(rounds > 0, "ROUNDS is at least 1");
    let root = workspace_root().join("target/compile-cost");
    write_cases(&root);
    // Dependencies once, in both profiles, so the rounds time the cases alone.
    for build in [Build::Check, Build::Release] {
        cargo(&root, build, None);
    }
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); CASES.len()];
    for round in 0..rounds {
        for (case, times) in CASES.iter().zip(&mut times) {
            let lib = root.join(case.name).join("src/lib.rs");
            fs::write(&lib, fs::read(&lib).expect("the case's lib.rs")).expect("touch lib.rs");
            let start = Instant::now();
            cargo(&root, case.build, Some(case.name));
            times.push(start.elapsed());
        }
        eprintln!("round {} of {rounds} done", round + 1);
    }
    let fastest: Vec<Duration> = times
        .into_iter()
        .map(|t| t.into_iter().min().unwrap_or_default())
        .collect();
    let time_of = |name: &str| fastest[CASES.iter().position(|c| c.name == name).unwrap()];
    let cost = |case: &Case| {
        let base = match case.build {
            Build::Check => time_of("empty"),
            Build::Release => time_of("release_empty"),
        };
        time_of(case.name).saturating_sub(base)
    };
    println!(
        "{N} functions per case, fastest of {rounds} interleaved rounds, CARGO_INCREMENTAL=0, \
         the empty crate's time subtracted\n"
    );
    println!("| case | build | s per 100 fns | peer | ratio |");
    println!("|---|---|---|---|---|");
    for case in CASES.iter().filter(|c| !c.name.ends_with("empty")) {
        let build = match case.build {
            Build::Check => "check",
            Build::Release => "release",
        };
        let ours = cost(case).as_secs_f64() * 100.0 / N as f64;
        let (peer, ratio) = match case.peer {
            Some(peer) => {
                let theirs = cost(&CASES[CASES.iter().position(|c| c.name == peer).unwrap()]);
                let theirs = theirs.as_secs_f64() * 100.0 / N as f64;
                (peer, format!("{:.2}", ours / theirs))
            }
            None => ("", String::new()),
        };
        println!("| {} | {build} | {ours:.3} | {peer} | {ratio} |", case.name);
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("benches/ sits in the workspace")
        .to_path_buf()
}

/// A workspace of one crate per case, depending on this checkout's `async-dsl`.
fn write_cases(root: &Path) {
    let async_dsl = workspace_root().join("async-dsl");
    let members: Vec<String> = CASES.iter().map(|c| format!("\"{}\"", c.name)).collect();
    fs::create_dir_all(root).expect("target/compile-cost");
    fs::write(
        root.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"3\"\nmembers = [{}]\n\n[profile.release]\nincremental = \
             false\n",
            members.join(", ")
        ),
    )
    .expect("the cases' workspace");
    for case in CASES {
        let dir = root.join(case.name);
        fs::create_dir_all(dir.join("src")).expect("a case's src/");
        fs::write(
            dir.join("Cargo.toml"),
            format!(
                "[package]\nname = \"{}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = \
                 false\n\n[dependencies]\nasync-dsl = {{ path = {:?} }}\ntokio = {{ version = \
                 \"1\", features = [\"macros\"] }}\n",
                case.name, async_dsl
            ),
        )
        .expect("a case's Cargo.toml");
        let mut lib = String::from("#![allow(unused, clippy::all)]\nuse std::future::Future;\n");
        lib.push_str(HELPERS);
        for i in 0..N {
            lib.push_str(&(case.body)(i));
        }
        if case.build == Build::Release {
            let mut calls = String::new();
            if !case.name.ends_with("empty") {
                for i in 0..N {
                    let _ = write!(calls, "{}", poll_call(i));
                }
            }
            lib.push_str(&polled(calls));
        }
        fs::write(dir.join("src/lib.rs"), lib).expect("a case's lib.rs");
    }
}

/// `cargo check` (or `cargo build --release`) of one case, or of all of them.
fn cargo(root: &Path, build: Build, package: Option<&str>) {
    let mut command = Command::new(env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command
        .current_dir(root)
        .env("CARGO_INCREMENTAL", "0")
        .env_remove("RUSTFLAGS")
        .arg(match build {
            Build::Check => "check",
            Build::Release => "build",
        })
        .arg("--quiet");
    if build == Build::Release {
        command.arg("--release");
    }
    match package {
        Some(name) => command.args(["-p", name]),
        None => command.arg("--workspace"),
    };
    let status = command.status().expect("cargo runs");
    assert!(status.success(), "cargo failed on {package:?}");
}
