//! A `redis-server` of the tests' own, on a free loopback port, stopped when dropped, and
//! when the test process ends without dropping it (a server kept in a `static`, or a
//! process that was killed).

use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `redis-server`.
#[derive(Debug)]
pub struct RedisServer {
    port: u16,
    child: Option<Child>,
    /// A shell that kills the server once its stdin, a pipe from this process, closes:
    /// when this process exits, however it exits.
    watchdog: Option<Child>,
}

impl RedisServer {
    /// Starts a server on a free port, or `None` when `redis-server` is not installed and
    /// this is not CI. Under `CI=true` a missing server is a failure, never a skip.
    ///
    /// # Panics
    /// If the server is missing under `CI=true`, or does not accept connections within ten
    /// seconds.
    pub fn start() -> Option<RedisServer> {
        let port = free_port();
        let mut server = RedisServer {
            port,
            child: None,
            watchdog: None,
        };
        if !server.spawn() {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "redis-server is not installed: `apt-get install -y redis-server` (.ci/run does)"
            );
            eprintln!("skipped: redis-server is not installed (`apt-get install -y redis-server`)");
            return None;
        }
        Some(server)
    }

    /// `redis://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Stops the server (it is gone at once: SIGKILL), keeping its port for [`restart`].
    ///
    /// [`restart`]: RedisServer::restart
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            // A paused server is killed all the same; continued first so it exits cleanly.
            let _ = Command::new("kill")
                .args(["-CONT", &child.id().to_string()])
                .status();
            let _ = child.kill();
            let _ = child.wait();
        }
        if let Some(mut watchdog) = self.watchdog.take() {
            // Its stdin closes here: it sends its kill to a server already gone, and exits.
            drop(watchdog.stdin.take());
            let _ = watchdog.wait();
        }
    }

    /// Starts the server again on the same port, empty.
    ///
    /// # Panics
    /// If it does not come up.
    pub fn restart(&mut self) {
        self.kill();
        assert!(self.spawn(), "redis-server went missing");
    }

    /// A plain connection for the tests' own commands.
    pub fn client(&self) -> redis::Client {
        redis::Client::open(self.url()).expect("a valid URL")
    }

    /// Stops the server answering without closing its connections (SIGSTOP): a Redis that
    /// hangs. [`resume`] undoes it.
    ///
    /// [`resume`]: RedisServer::resume
    pub fn pause(&self) {
        self.signal("-STOP");
    }

    /// Lets a paused server answer again (SIGCONT).
    pub fn resume(&self) {
        self.signal("-CONT");
    }

    fn signal(&self, signal: &str) {
        if let Some(child) = &self.child {
            let sent = Command::new("kill")
                .args([signal, &child.id().to_string()])
                .status()
                .expect("`kill` runs");
            assert!(sent.success(), "kill {signal} failed");
        }
    }

    /// A connection for the tests' own commands.
    ///
    /// # Panics
    /// If the server does not answer.
    pub async fn connection(&self) -> redis::aio::MultiplexedConnection {
        self.client()
            .get_multiplexed_async_connection()
            .await
            .expect("the test's server answers")
    }

    fn spawn(&mut self) -> bool {
        let child = Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let Ok(child) = child else { return false };
        self.watchdog = Command::new("sh")
            .args([
                "-c",
                "cat >/dev/null; kill -9 \"$0\" 2>/dev/null",
                &child.id().to_string(),
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok();
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "redis-server did not come up on {}",
                self.port
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        true
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind(("127.0.0.1", 0)).expect("a loopback port");
    listener.local_addr().expect("its address").port()
}
