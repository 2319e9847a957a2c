//! A real HTTP server on loopback, started by the example, called with `parallel!`, `race!`
//! and `#[throttled]`.
//!
//! Run with `cargo run --example http`. The server listens on 127.0.0.1 (a port the system
//! picks) and answers `/user/ID`, `/posts/ID`, `/mirror/NAME?ms=N` after a delay. The HTTP is
//! the smallest HTTP/1.1 that works (one request per connection, `Content-Length`), written
//! here so that the example needs no HTTP crate: its subject is the concurrency.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use async_dsl::{Elapsed, parallel, race, throttled};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// Serves requests until the process ends.
async fn serve(listener: TcpListener) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        tokio::spawn(async move {
            let _ = answer(stream).await;
        });
    }
}

async fn answer(stream: TcpStream) -> std::io::Result<()> {
    let mut stream = BufReader::new(stream);
    let mut request_line = String::new();
    stream.read_line(&mut request_line).await?;
    // Skip the headers.
    let mut line = String::new();
    while stream.read_line(&mut line).await? > 2 {
        line.clear();
    }
    let path = request_line.split_whitespace().nth(1).unwrap_or("/");
    let (status, body, delay) = route(path);
    tokio::time::sleep(Duration::from_millis(delay)).await;
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.get_mut().write_all(response.as_bytes()).await
}

fn route(path: &str) -> (&'static str, String, u64) {
    let parts: Vec<&str> = path
        .trim_start_matches('/')
        .split(['/', '?', '='])
        .collect();
    match parts.as_slice() {
        ["user", id] => (
            "200 OK",
            format!("{{\"id\":{id},\"name\":\"user {id}\"}}"),
            120,
        ),
        ["posts", id] => (
            "200 OK",
            format!("[\"post 1 by {id}\",\"post 2 by {id}\"]"),
            200,
        ),
        ["mirror", name, "ms", ms] => (
            "200 OK",
            format!("served by {name}"),
            ms.parse().unwrap_or(0),
        ),
        _ => ("404 Not Found", String::from("no such page"), 0),
    }
}

/// GET `path` from `server`; the body, or an error for a non-200 answer.
async fn get(server: SocketAddr, path: &str) -> Result<String, String> {
    let mut stream = TcpStream::connect(server)
        .await
        .map_err(|e| e.to_string())?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: {server}\r\nConnection: close\r\n\r\n");
    stream
        .write_all(request.as_bytes())
        .await
        .map_err(|e| e.to_string())?;
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .await
        .map_err(|e| e.to_string())?;
    let (head, body) = response
        .split_once("\r\n\r\n")
        .ok_or("malformed response")?;
    match head.lines().next() {
        Some(status) if status.contains(" 200 ") => Ok(body.to_string()),
        Some(status) => Err(format!("{path}: {status}")),
        None => Err(String::from("empty response")),
    }
}

/// The server allows 4 requests a second from one client: we keep to it.
#[throttled(rate = 4)]
async fn polite_get(server: SocketAddr, path: String, t: Instant) -> Result<String, String> {
    println!("  {path:<10} sent at {:>4} ms", t.elapsed().as_millis());
    get(server, &path).await
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let server = listener.local_addr()?;
    tokio::spawn(serve(listener));
    println!("server on http://{server}");

    let t = Instant::now();
    let page = parallel! {
        timeout = "2s";
        user  => get(server, "/user/42"),
        posts => get(server, "/posts/42"),
    }
    .await?;
    println!(
        "parallel!: user {} and posts {} in {} ms (one after the other: 320 ms)",
        page.user?,
        page.posts?,
        t.elapsed().as_millis()
    );

    let t = Instant::now();
    let fastest: Result<Result<String, String>, Elapsed> = race! {
        timeout = "1s";
        east => get(server, "/mirror/east?ms=90"),
        west => get(server, "/mirror/west?ms=40"),
    }
    .await;
    println!("race!: {} after {} ms", fastest??, t.elapsed().as_millis());

    let t = Instant::now();
    println!("#[throttled(rate = 4)]: six requests, started 250 ms apart");
    let pages =
        futures::future::join_all((1..=6).map(|id| polite_get(server, format!("/user/{id}"), t)))
            .await;
    let ok = pages.iter().filter(|p| p.is_ok()).count();
    println!(
        "  {ok} of {} answered in {} ms",
        pages.len(),
        t.elapsed().as_millis()
    );
    Ok(())
}
