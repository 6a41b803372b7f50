//! An HTTP proxy in front of moto that counts API calls by action and can fail a share of
//! them the way AWS does under load (503 throttling, 500 internal error), so tests see what
//! actually crosses the wire.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A running proxy.
pub struct Proxy {
    /// The proxy's URL (use it as the provider's endpoint).
    pub url: String,
    calls: Arc<Mutex<BTreeMap<String, usize>>>,
    faults: Arc<AtomicU64>,
    rejects: Arc<Mutex<BTreeMap<String, String>>>,
    latency: Arc<AtomicU64>,
}

impl Proxy {
    /// Starts a proxy to `upstream` (`http://host:port`) failing `fault_percent`% of calls.
    pub async fn start(upstream: &str, fault_percent: u64) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let upstream = upstream.trim_start_matches("http://").to_string();
        let calls = Arc::new(Mutex::new(BTreeMap::new()));
        let faults = Arc::new(AtomicU64::new(0));
        let rejects = Arc::new(Mutex::new(BTreeMap::new()));
        let latency = Arc::new(AtomicU64::new(0));
        let (c, f, rj, lat) = (
            calls.clone(),
            faults.clone(),
            rejects.clone(),
            latency.clone(),
        );
        tokio::spawn(async move {
            let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
            while let Ok((conn, _)) = listener.accept().await {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                let fail = (seed >> 33) % 100 < fault_percent;
                let (up, c, f, rj) = (upstream.clone(), c.clone(), f.clone(), rj.clone());
                let delay = std::time::Duration::from_millis(lat.load(Ordering::Relaxed));
                tokio::spawn(async move {
                    tokio::time::sleep(delay).await;
                    let _ignored = serve(conn, &up, fail, &c, &f, &rj).await;
                });
            }
        });
        Proxy {
            url,
            calls,
            faults,
            rejects,
            latency,
        }
    }

    /// Delays every later call by `ms` milliseconds (a round trip to a real region).
    pub fn set_latency(&self, ms: u64) {
        self.latency.store(ms, Ordering::Relaxed);
    }

    /// Makes every later call of `action` fail with a (non-retryable) 400 error `code`.
    pub fn reject(&self, action: &str, code: &str) {
        self.rejects
            .lock()
            .expect("rejects")
            .insert(action.to_string(), code.to_string());
    }

    /// Calls seen per action (`DescribeInstances`, `S3 PUT`, ...), faulted ones included.
    pub fn calls(&self) -> BTreeMap<String, usize> {
        self.calls.lock().expect("calls").clone()
    }

    /// The number of calls of `action`.
    pub fn count(&self, action: &str) -> usize {
        self.calls().get(action).copied().unwrap_or(0)
    }

    /// Forgets the counts so far.
    pub fn reset(&self) {
        self.calls.lock().expect("calls").clear();
    }

    /// How many calls were failed on purpose.
    pub fn faults(&self) -> u64 {
        self.faults.load(Ordering::Relaxed)
    }
}

/// The length of a complete chunked body at the start of `body` (through its last chunk
/// and the blank line after it, no trailers), or `None` while more is to come.
fn chunked_len(body: &[u8]) -> Option<usize> {
    let mut at = 0;
    loop {
        let line_end = at + body[at..].windows(2).position(|w| w == b"\r\n")?;
        let size_text = String::from_utf8_lossy(&body[at..line_end]);
        let size_hex = size_text.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_hex, 16).ok()?;
        at = line_end + 2 + size + 2;
        if body.len() < at {
            return None;
        }
        if size == 0 {
            return Some(at);
        }
    }
}

/// Reads one request (head and body, by Content-Length or chunked).
async fn read_request(conn: &mut TcpStream) -> std::io::Result<Option<(String, Vec<u8>)>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = conn.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let len = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    let chunked = head.lines().any(|l| {
        l.split_once(':').is_some_and(|(k, v)| {
            k.eq_ignore_ascii_case("transfer-encoding")
                && v.to_ascii_lowercase().contains("chunked")
        })
    });
    while chunked && chunked_len(&body).is_none() {
        let n = conn.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    while body.len() < len {
        let n = conn.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Ok(Some((head, body)))
}

/// The API action of a request: the query protocol's `Action=`, else "S3 <METHOD>".
fn action_of(head: &str, body: &[u8]) -> String {
    let body = String::from_utf8_lossy(body);
    let request_line = head.lines().next().unwrap_or_default();
    body.split('&')
        .chain(request_line.split(['?', '&', ' ']))
        .find_map(|kv| kv.strip_prefix("Action=").map(str::to_string))
        .unwrap_or_else(|| {
            let method = request_line.split(' ').next().unwrap_or_default();
            format!("S3 {method}")
        })
}

fn fault_response(action: &str, n: u64) -> String {
    let (status, code, message) = if n.is_multiple_of(2) {
        (
            "503 Service Unavailable",
            "RequestLimitExceeded",
            "Request limit exceeded.",
        )
    } else {
        (
            "500 Internal Server Error",
            "InternalError",
            "An internal error has occurred.",
        )
    };
    let body = if action.starts_with("S3 ") {
        let code = if n.is_multiple_of(2) {
            "SlowDown"
        } else {
            code
        };
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>{message}</Message><RequestId>fault-{n}</RequestId></Error>")
    } else {
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors><RequestID>fault-{n}</RequestID></Response>")
    };
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

/// Serves one request on `conn` and closes it (so no response framing needs rewriting).
async fn serve(
    mut conn: TcpStream,
    upstream: &str,
    fail: bool,
    calls: &Mutex<BTreeMap<String, usize>>,
    faults: &AtomicU64,
    rejects: &Mutex<BTreeMap<String, String>>,
) -> std::io::Result<()> {
    let Some((head, body)) = read_request(&mut conn).await? else {
        return Ok(());
    };
    let action = action_of(&head, &body);
    *calls
        .lock()
        .expect("calls")
        .entry(action.clone())
        .or_insert(0) += 1;
    let rejected = rejects.lock().expect("rejects").get(&action).cloned();
    if let Some(code) = rejected {
        let body = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error><Code>{code}</Code><Message>Rejected by the test proxy.</Message></Error></Errors><RequestID>reject</RequestID></Response>");
        let response = format!(
            "HTTP/1.1 400 Bad Request\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        conn.write_all(response.as_bytes()).await?;
        return conn.shutdown().await;
    }
    if fail {
        let n = faults.fetch_add(1, Ordering::Relaxed);
        conn.write_all(fault_response(&action, n).as_bytes())
            .await?;
        return conn.shutdown().await;
    }
    let mut head_lines: Vec<&str> = head
        .trim_end_matches("\r\n\r\n")
        .split("\r\n")
        .filter(|l| !l.to_ascii_lowercase().starts_with("connection:"))
        .collect();
    head_lines.push("Connection: close");
    let mut up = TcpStream::connect(upstream).await?;
    up.write_all(format!("{}\r\n\r\n", head_lines.join("\r\n")).as_bytes())
        .await?;
    up.write_all(&body).await?;
    let mut response = Vec::new();
    up.read_to_end(&mut response).await?;
    // Tell the client not to reuse the connection: add `Connection: close` to the head.
    if let Some(i) = response.windows(2).position(|w| w == b"\r\n") {
        response.splice(i..i, b"\r\nConnection: close".iter().copied());
    }
    conn.write_all(&response).await?;
    conn.shutdown().await
}
