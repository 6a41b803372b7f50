//! The moto server of the tests (`AUTOSTACK_MOTO_URL`, set by `tests/run.sh`, or one started
//! here from the project's virtualenv), and unsigned raw calls to it for setting up buckets
//! and tables and looking at what a backend wrote (moto does not check signatures).
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The moto server's URL.
pub fn moto_url() -> String {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| match std::env::var("AUTOSTACK_MOTO_URL") {
        Ok(u) if !u.is_empty() => u,
        _ => start_moto(),
    })
    .clone()
}

fn start_moto() -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let root = root
        .ancestors()
        .find(|p| p.join(".venv").exists())
        .map(PathBuf::from);
    let server = root.map(|r| r.join(".venv/bin/moto_server"));
    let server = server.filter(|s| s.exists()).expect(
        "AUTOSTACK_MOTO_URL is not set and .venv/bin/moto_server does not exist: run the tests with tests/run.sh, which installs and starts moto",
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port");
    // `timeout` bounds the server's life: a test process cannot stop it when it exits.
    let child = Command::new("timeout")
        .arg("1800")
        .arg(&server)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start moto_server");
    std::mem::forget(child);
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "moto_server did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    format!("http://127.0.0.1:{port}")
}

/// One HTTP/1.1 request to `url` + `path`; the status and body of the answer.
pub fn http(
    url: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, Vec<u8>) {
    let host = url.trim_start_matches("http://");
    let mut conn = TcpStream::connect(host).expect("connect to moto");
    // moto routes by the service named in the credential scope.
    let service = if headers.iter().any(|(k, _)| *k == "X-Amz-Target") {
        "dynamodb"
    } else {
        "s3"
    };
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: {}\r\nAuthorization: AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/{service}/aws4_request, SignedHeaders=host, Signature=00\r\n", body.len());
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    conn.write_all(req.as_bytes()).expect("send");
    conn.write_all(body).expect("send body");
    let mut out = Vec::new();
    conn.read_to_end(&mut out).expect("read");
    let head_end = out
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(out.len(), |i| i + 4);
    let head = String::from_utf8_lossy(&out[..head_end]).to_string();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut body = out[head_end..].to_vec();
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        body = dechunk(&body);
    }
    (status, body)
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(i) = b.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(String::from_utf8_lossy(&b[..i]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&b[i + 2..i + 2 + size]);
        b = &b[i + 4 + size..];
    }
    out
}

/// Creates bucket `name` (path style).
pub fn create_bucket(url: &str, name: &str) {
    let (status, body) = http(url, "PUT", &format!("/{name}"), &[], b"");
    assert!(
        status == 200 || status == 409,
        "create bucket {name}: {status} {}",
        String::from_utf8_lossy(&body)
    );
}

/// A DynamoDB JSON call (`X-Amz-Target: DynamoDB_20120810.<op>`).
pub fn dynamodb(url: &str, op: &str, body: serde_json::Value) -> serde_json::Value {
    let target = format!("DynamoDB_20120810.{op}");
    let headers = [
        ("X-Amz-Target", target.as_str()),
        ("Content-Type", "application/x-amz-json-1.0"),
    ];
    let (status, out) = http(url, "POST", "/", &headers, body.to_string().as_bytes());
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap_or(serde_json::Value::Null);
    assert!(status == 200, "{op}: {status} {v}");
    v
}

/// Creates Terraform's lock table (`LockID` string hash key).
pub fn create_lock_table(url: &str, name: &str) {
    dynamodb(
        url,
        "CreateTable",
        serde_json::json!({
            "TableName": name,
            "AttributeDefinitions": [{"AttributeName": "LockID", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "LockID", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST",
        }),
    );
}

/// The item whose `LockID` is `id` (null when none).
pub fn lock_item(url: &str, table: &str, id: &str) -> serde_json::Value {
    let out = dynamodb(
        url,
        "GetItem",
        serde_json::json!({
            "TableName": table,
            "Key": {"LockID": {"S": id}},
            "ConsistentRead": true,
        }),
    );
    out["Item"].clone()
}

/// A name no other test uses (buckets: lower case).
pub fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!(
        "{prefix}-{:x}-{:x}",
        std::process::id(),
        nanos & 0xff_ffff_ffff
    )
}
