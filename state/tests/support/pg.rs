//! The PostgreSQL server of the tests: `AUTOSTACK_PG_CONN_STR` (set by `tests/run.sh`), or a
//! throwaway cluster started here from Debian's postgresql-15 (as `tests/emulators.sh` does),
//! stopped by a watchdog when this test process exits. Shared by the state crate's and the
//! CLI's tests (`#[path]`-included).
#![allow(dead_code)]

use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The connection string of the test server.
pub fn pg_conn_str() -> String {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| match std::env::var("AUTOSTACK_PG_CONN_STR") {
        Ok(u) if !u.is_empty() => u,
        _ => start_postgres(),
    })
    .clone()
}

/// A schema name no other test uses.
pub fn unique_schema(prefix: &str) -> String {
    format!("{prefix}_{}", uuid_like())
}

fn uuid_like() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{:x}{:x}", std::process::id(), nanos & 0xffff_ffff)
}

fn start_postgres() -> String {
    let bin = "/usr/lib/postgresql/15/bin";
    assert!(
        std::path::Path::new(&format!("{bin}/initdb")).exists(),
        "AUTOSTACK_PG_CONN_STR is not set and PostgreSQL 15 is not installed: run the tests with tests/run.sh, which installs and starts it"
    );
    let root = is_root();
    let dir = std::env::temp_dir().join(format!("autostack-pg-test-{}", uuid_like()));
    std::fs::create_dir_all(&dir).expect("pg dir");
    let as_pg = |cmd: &str| -> Command {
        let mut c = if root {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--", cmd]);
            c
        } else {
            Command::new(cmd)
        };
        c.stdout(Stdio::null()).stderr(Stdio::null());
        c
    };
    if root {
        let ok = Command::new("chown").arg("postgres").arg(&dir).status();
        assert!(
            ok.is_ok_and(|s| s.success()),
            "chown postgres {}",
            dir.display()
        );
    }
    let data = dir.join("data");
    let init = as_pg(&format!("{bin}/initdb"))
        .arg("-D")
        .arg(&data)
        .args(["-U", "postgres", "-A", "trust"])
        .status();
    assert!(init.is_ok_and(|s| s.success()), "initdb failed");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port");
    // The watchdog stops the server and removes the cluster once this process is gone
    // (with pg_ctl: runuser does not pass a signal on to the server).
    let runner = if root { "runuser -u postgres --" } else { "" };
    let script = format!(
        "{runner} {bin}/postgres -D {d} -h 127.0.0.1 -p {port} -k {dir} -c fsync=off & s=$!; while kill -0 {me} 2>/dev/null; do sleep 1; done; {runner} {bin}/pg_ctl -D {d} -m immediate stop; wait $s; rm -rf {dir}",
        d = data.display(),
        dir = dir.display(),
        me = std::process::id()
    );
    let watchdog = Command::new("bash")
        .args(["-c", &script])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start postgres");
    // The watchdog outlives this process by design (it stops the server after it).
    std::mem::forget(watchdog);
    let deadline = Instant::now() + Duration::from_secs(60);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "postgres did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    // Accepting connections is not yet accepting logins: give recovery a moment.
    std::thread::sleep(Duration::from_millis(500));
    format!("postgres://postgres@127.0.0.1:{port}/postgres?sslmode=disable")
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// A database of its own on the test server (advisory locks are per database, and
/// Terraform's creation lock `-1` is one key for every schema of a database), as a
/// connection string.
pub fn fresh_database(prefix: &str) -> String {
    let name = unique_schema(prefix);
    let base = pg_conn_str();
    let made = Command::new("psql")
        .args([&base, "-qc", &format!("CREATE DATABASE \"{name}\"")])
        .stdout(Stdio::null())
        .status();
    assert!(
        made.is_ok_and(|s| s.success()),
        "CREATE DATABASE {name} (psql)"
    );
    let (head, query) = base.split_once('?').unwrap_or((&base, ""));
    let server = head.rsplit_once('/').map_or(head, |(s, _)| s);
    format!("{server}/{name}?{query}")
}
