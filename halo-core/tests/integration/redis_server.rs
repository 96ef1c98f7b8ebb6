//! A throwaway `redis-server` on a free loopback port, stopped on drop.
//!
//! `redis-server` must be on the `PATH` (`scripts/test` installs Debian's
//! package when it is missing). Persistence is off.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};

pub(crate) struct RedisServer {
    child: Child,
    port: u16,
}

impl RedisServer {
    /// Starts a server and returns once it accepts connections.
    pub(crate) fn start() -> Self {
        for _ in 0..5 {
            if let Some(server) = Self::try_start() {
                return server;
            }
        }
        panic!("redis-server did not start (is it installed? scripts/test installs it)");
    }

    pub(crate) fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// Runs `redis-cli` against the server; its trimmed output.
    pub(crate) fn cli(&self, args: &[&str]) -> String {
        let output = Command::new("redis-cli")
            .args(["-p", &self.port.to_string()])
            .args(args)
            .output()
            .unwrap();
        assert!(output.status.success(), "redis-cli {args:?}");
        String::from_utf8(output.stdout).unwrap().trim().to_owned()
    }

    /// A port that nothing listens on, for failure tests.
    pub(crate) fn free_port() -> u16 {
        TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    }

    fn try_start() -> Option<Self> {
        // The port is free now; another process could take it before the
        // server binds, in which case the server exits and we try again.
        let port = Self::free_port();
        let mut child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no", "--logfile", ""])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server is not installed; scripts/test installs it");
        let stdout = child.stdout.take().expect("stdout is piped");
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        // Reads the log until the server is ready, then drains it.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if line.contains("Ready to accept connections") {
                    let _ = ready_tx.send(());
                }
            }
        });
        if ready_rx.recv().is_ok() {
            Some(Self { child, port })
        } else {
            let _ = child.kill();
            let _ = child.wait();
            None
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
