//! Test support: the Azure Resource Manager double (`tests/doubles/arm.py`) the harness
//! started (`AUTOSTACK_ARM_URL`) or one started here, the provider configured against it
//! through the real token flow, and helpers to plan and apply through the provider.
#![allow(dead_code)]

use autostack_provider_sdk::conform::conform_value;
use autostack_provider_sdk::testkit;
use autostack_provider_sdk::Provider;
use autostack_value::{Type, Value};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};

/// The double's default credentials (tests/doubles/README.md).
pub const CLIENT_ID: &str = "11111111-1111-1111-1111-111111111111";
/// The double's default client secret.
pub const CLIENT_SECRET: &str = "autostack-double-secret";
/// Any tenant is accepted by default.
pub const TENANT: &str = "22222222-2222-2222-2222-222222222222";
/// The subscription the tests create in.
pub const SUBSCRIPTION: &str = "33333333-3333-3333-3333-333333333333";

/// A double started for this test process; killed when dropped.
pub struct Double {
    /// Its base URL.
    pub url: String,
    child: Child,
    /// Request lines (`PUT /subscriptions/... -> 201`), as read so far from its stderr
    /// (read them through [`Double::lines`], which waits for the ones in flight).
    log: Arc<Mutex<Vec<String>>>,
}

impl Drop for Double {
    fn drop(&mut self) {
        let _ignored = self.child.kill();
        let _reaped = self.child.wait();
    }
}

impl Double {
    /// Starts `tests/doubles/arm.py --port 0` with `args`.
    pub fn start(args: &[&str]) -> Double {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
        // `timeout` bounds the double's life should this process die without dropping it.
        let mut child = Command::new("timeout")
            .arg("1800")
            .arg("python3")
            .arg(root.join("tests/doubles/arm.py"))
            .args(["--port", "0", "--verbose"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the ARM double (python3)");
        let mut first = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut first)
            .expect("the double's first line");
        let url = first
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line from the double: {first:?}"))
            .to_string();
        let log = Arc::new(Mutex::new(Vec::new()));
        let (stderr, sink) = (child.stderr.take().expect("stderr"), log.clone());
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                sink.lock().expect("log").push(line);
            }
        });
        Double { url, child, log }
    }

    /// How many logged requests start with `method` and contain `fragment` (case-insensitive).
    pub fn count(&self, method: &str, fragment: &str) -> usize {
        let f = fragment.to_ascii_lowercase();
        self.lines()
            .iter()
            .filter(|l| l.starts_with(method) && l.to_ascii_lowercase().contains(&f))
            .count()
    }

    /// Every request logged so far, in order, once the lines still in the pipe have been
    /// read: the double logs a request after answering it, so a test that just got its
    /// answer may be ahead of the log (a marker request is sent, and awaited in the log).
    pub fn lines(&self) -> Vec<String> {
        static MARKS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let mark = format!(
            "/_double/health?sync={}",
            MARKS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        );
        self.get(&mark);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            let mut log = self.log.lock().expect("log");
            if let Some(at) = log.iter().position(|l| l.contains(&mark)) {
                log.remove(at);
                return log.clone();
            }
            drop(log);
            assert!(
                std::time::Instant::now() < deadline,
                "the double never logged {mark}"
            );
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }

    /// Forgets the request log (the lines in flight included).
    pub fn clear(&self) {
        self.lines();
        self.log.lock().expect("log").clear();
    }

    /// A plain HTTP GET of `path`, its answer ignored.
    fn get(&self, path: &str) {
        use std::io::{Read, Write};
        let host = self.url.trim_start_matches("http://");
        let mut conn = std::net::TcpStream::connect(host).expect("connect to the double");
        write!(
            conn,
            "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        )
        .expect("send");
        let mut answer = Vec::new();
        let _ = conn.read_to_end(&mut answer);
    }
}

/// The shared double's URL: `AUTOSTACK_ARM_URL` (set by `tests/run.sh`), or a double started
/// for this test process.
pub fn arm_url() -> String {
    static SHARED: OnceLock<String> = OnceLock::new();
    static KEPT: OnceLock<Mutex<Double>> = OnceLock::new();
    SHARED
        .get_or_init(|| match std::env::var("AUTOSTACK_ARM_URL") {
            Ok(u) => u,
            Err(_) => {
                let d = Double::start(&[]);
                let url = d.url.clone();
                let _kept = KEPT.get_or_init(|| Mutex::new(d));
                url
            }
        })
        .clone()
}

/// The provider block the tests use: the double as metadata host, its credentials.
pub fn provider_block(url: &str) -> Value {
    let s = Value::string;
    Value::object_from([
        ("subscription_id", s(SUBSCRIPTION)),
        ("tenant_id", s(TENANT)),
        ("client_id", s(CLIENT_ID)),
        ("client_secret", s(CLIENT_SECRET)),
        ("metadata_host", s(url)),
        (
            "features",
            Value::tuple(vec![Value::object_from(Vec::<(&str, Value)>::new())]),
        ),
    ])
}

/// The provider configured with `block`.
pub async fn configured(block: Value) -> Result<Box<dyn Provider>, autostack_value::Diagnostics> {
    let mut p =
        autostack_provider_azure::provider_for("hashicorp/azurerm").expect("azurerm provider");
    let block = conform_value(&p.schema().provider, &block).expect("conform");
    p.configure(autostack_provider_sdk::ConfigureRequest::new(block))
        .await?;
    Ok(p)
}

/// The provider configured against the double at `url`.
pub async fn provider_at(url: &str) -> Box<dyn Provider> {
    configured(provider_block(url)).await.expect("configure")
}

/// The provider configured against the shared double.
pub async fn provider() -> Box<dyn Provider> {
    provider_at(&arm_url()).await
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

/// A string value.
pub fn s(v: &str) -> Value {
    Value::string(v)
}

/// A tuple of strings (a list or set in configuration).
pub fn strings(items: &[&str]) -> Value {
    Value::tuple(items.iter().map(|i| s(i)).collect())
}

/// A `map(string)` value.
pub fn tags(pairs: &[(&str, &str)]) -> Value {
    Value::map(
        Type::String,
        pairs.iter().map(|(k, v)| (k.to_string(), s(v))).collect(),
    )
}

/// One nested block (a tuple of one object).
pub fn block(pairs: Vec<(&str, Value)>) -> Value {
    Value::tuple(vec![Value::object_from(pairs)])
}

/// A name unique to this run (the shared double outlives a test).
pub fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!("{prefix}{nanos:x}")
}

/// Runs the SDK's lifecycle test for one resource type and panics with the failing step.
pub async fn lifecycle(p: &dyn Provider, l: testkit::Lifecycle<'_>) {
    if let Err(f) = testkit::run_lifecycle(p, &l).await {
        panic!(
            "{} lifecycle failed at {}: {}",
            l.type_name, f.step, f.message
        );
    }
}

/// Plans and applies a create (or an in-place update, given the prior state).
pub async fn apply(p: &dyn Provider, ty: &str, prior: Option<&Value>, cfg: &Value) -> Value {
    let plan = testkit::plan(p, ty, prior, cfg).await.expect("plan");
    assert!(
        plan.requires_replace.is_empty(),
        "unexpected replacement of {ty}"
    );
    testkit::apply(p, ty, prior, Some(&plan.planned))
        .await
        .unwrap_or_else(|e| panic!("apply {ty}: {}", e.diags))
        .expect("state")
}

/// Creates an object of type `ty` from the configuration `pairs`.
pub async fn create(p: &dyn Provider, ty: &str, pairs: Vec<(&str, Value)>) -> Value {
    apply(p, ty, None, &config(p, ty, pairs)).await
}

/// Applies a delete.
pub async fn destroy(p: &dyn Provider, ty: &str, state: &Value) {
    testkit::apply(p, ty, Some(state), None)
        .await
        .unwrap_or_else(|e| panic!("delete {ty}: {}", e.diags));
}

/// The string attribute `name` of a state (`""` when absent).
pub fn text(v: &Value, name: &str) -> String {
    autostack_provider_sdk::attr_str(v, name).to_string()
}

/// A resource group named `name` in westeurope.
pub async fn group(p: &dyn Provider, name: &str) -> Value {
    create(
        p,
        "azurerm_resource_group",
        vec![("name", s(name)), ("location", s("westeurope"))],
    )
    .await
}

/// A network `10.0.0.0/16` with one subnet `10.0.1.0/24` in group `rg`: (network, subnet).
pub async fn network(p: &dyn Provider, rg: &str) -> (Value, Value) {
    let vnet = create(
        p,
        "azurerm_virtual_network",
        vec![
            ("name", s("net")),
            ("resource_group_name", s(rg)),
            ("location", s("westeurope")),
            ("address_space", strings(&["10.0.0.0/16"])),
        ],
    )
    .await;
    let subnet = create(
        p,
        "azurerm_subnet",
        vec![
            ("name", s("internal")),
            ("resource_group_name", s(rg)),
            ("virtual_network_name", s("net")),
            ("address_prefixes", strings(&["10.0.1.0/24"])),
        ],
    )
    .await;
    (vnet, subnet)
}

/// One plain HTTP/1.1 exchange with the double (admin endpoints, out-of-band changes):
/// the status and the JSON body (`Null` when empty).
pub fn http(
    url: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, serde_json::Value) {
    use std::io::{Read, Write};
    let host = url.trim_start_matches("http://").trim_end_matches('/');
    let mut conn = std::net::TcpStream::connect(host).expect("connect to the double");
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    conn.write_all(req.as_bytes()).expect("send");
    let mut raw = String::new();
    conn.read_to_string(&mut raw).expect("read");
    let status = raw
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = raw.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    (
        status,
        serde_json::from_str(body).unwrap_or(serde_json::Value::Null),
    )
}

/// A bearer token from the double's token endpoint (the client-credentials grant).
pub fn token(url: &str) -> String {
    let form = format!(
        "grant_type=client_credentials&client_id={CLIENT_ID}&client_secret={CLIENT_SECRET}&scope={}/.default",
        url.replace(':', "%3A").replace('/', "%2F")
    );
    let ct = [("Content-Type", "application/x-www-form-urlencoded")];
    let (status, body) = http(
        url,
        "POST",
        &format!("/{TENANT}/oauth2/v2.0/token"),
        &ct,
        &form,
    );
    assert_eq!(status, 200, "token: {body}");
    body["access_token"]
        .as_str()
        .expect("access_token")
        .to_string()
}

/// An authenticated ARM call to the double, out of band of the provider.
pub fn arm(url: &str, method: &str, path_and_query: &str, body: &str) -> (u16, serde_json::Value) {
    let auth = format!("Bearer {}", token(url));
    let headers = [
        ("Authorization", auth.as_str()),
        ("Content-Type", "application/json"),
    ];
    http(url, method, path_and_query, &headers, body)
}

/// The resource groups and resources the double holds (its `GET /_double/`).
pub fn stored(url: &str) -> (usize, usize) {
    let (_, s) = http(url, "GET", "/_double/", &[], "");
    let count = |k: &str| s[k].as_object().map_or(0, |m| m.len());
    (count("groups"), count("resources"))
}
