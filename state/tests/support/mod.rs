//! Test support: the emulators the harness started (their URLs in `AUTOSTACK_MOTO_URL`,
//! `AUTOSTACK_FAKE_GCS_URL`, `AUTOSTACK_AZURITE_URL`, set by `tests/run.sh`), or ones started
//! here from the project's local installs, bounded in time by `timeout`, for this test process.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The repository's root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A free loopback port.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// Starts `program args` (kept for the life of the test process, killed by `timeout` after
/// 30 minutes at most) and waits until `port` accepts connections.
pub fn start(program: &PathBuf, args: &[String], port: u16, what: &str) {
    static CHILDREN: OnceLock<Mutex<Vec<Child>>> = OnceLock::new();
    assert!(
        program.exists(),
        "{what}: its URL variable is not set and {} does not exist: run the tests with tests/run.sh, which installs and starts it",
        program.display()
    );
    let child = Command::new("timeout")
        .arg("1800")
        .arg(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("start {what}: {e}"));
    CHILDREN
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(child);
    let deadline = Instant::now() + Duration::from_secs(60);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "{what} did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// moto's URL: `AUTOSTACK_MOTO_URL`, or a server started from the project's `.venv`.
pub fn moto_url() -> String {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        if let Ok(u) = std::env::var("AUTOSTACK_MOTO_URL") {
            return u;
        }
        let port = free_port();
        let args = ["-H", "127.0.0.1", "-p", &port.to_string()].map(String::from);
        start(&root().join(".venv/bin/moto_server"), &args, port, "moto");
        format!("http://127.0.0.1:{port}")
    })
    .clone()
}
