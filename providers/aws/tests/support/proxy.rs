//! An HTTP proxy in front of moto that counts API calls by action and can fail a share of
//! them the way AWS does under load (503 throttling, 500 internal error), so tests see what
//! actually crosses the wire. It can also throttle as EC2 does when a caller exceeds its
//! request rate (a server-side token bucket; HTTP 400 `RequestLimitExceeded`), and it
//! measures how many calls of each action were in flight at once.

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
    limits: Arc<Limits>,
}

/// The server-side rate limit and the in-flight counts, shared with the serving tasks.
#[derive(Default)]
struct Limits {
    /// `(requests per second, burst, tokens, last refill)` while throttling.
    bucket: Mutex<Option<(f64, f64, f64, std::time::Instant)>>,
    /// Throttled calls.
    throttled: AtomicU64,
    /// Per action: calls in flight now and the most seen at once.
    in_flight: Mutex<BTreeMap<String, (usize, usize)>>,
}

impl Limits {
    /// Takes a token of the bucket; false when the caller is over the rate.
    fn admit(&self) -> bool {
        let mut b = self.bucket.lock().expect("bucket");
        let Some((rate, burst, tokens, last)) = b.as_mut() else {
            return true;
        };
        let now = std::time::Instant::now();
        *tokens = (*tokens + now.duration_since(*last).as_secs_f64() * *rate).min(*burst);
        *last = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            self.throttled.fetch_add(1, Ordering::Relaxed);
            false
        }
    }

    fn enter(&self, action: &str) {
        let mut m = self.in_flight.lock().expect("in flight");
        let e = m.entry(action.to_string()).or_default();
        e.0 += 1;
        e.1 = e.1.max(e.0);
    }

    fn leave(&self, action: &str) {
        if let Some(e) = self.in_flight.lock().expect("in flight").get_mut(action) {
            e.0 -= 1;
        }
    }
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
        let limits = Arc::new(Limits::default());
        let (c, f, rj, lat, lim) = (
            calls.clone(),
            faults.clone(),
            rejects.clone(),
            latency.clone(),
            limits.clone(),
        );
        tokio::spawn(async move {
            let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
            while let Ok((conn, _)) = listener.accept().await {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                let fail = (seed >> 33) % 100 < fault_percent;
                let (up, c, f, rj) = (upstream.clone(), c.clone(), f.clone(), rj.clone());
                let delay = std::time::Duration::from_millis(lat.load(Ordering::Relaxed));
                let lim = lim.clone();
                tokio::spawn(async move {
                    let faults = Faults {
                        random: fail,
                        count: &f,
                        rejects: &rj,
                        limits: &lim,
                        delay,
                    };
                    let _ignored = serve(conn, &up, &c, faults).await;
                });
            }
        });
        Proxy {
            url,
            calls,
            faults,
            rejects,
            latency,
            limits,
        }
    }

    /// Throttles calls beyond `rate` per second (bursts of up to `burst`) with EC2's
    /// `RequestLimitExceeded` (HTTP 400), as a real region does to a caller over its rate.
    pub fn throttle(&self, rate: f64, burst: f64) {
        *self.limits.bucket.lock().expect("bucket") =
            Some((rate, burst, burst, std::time::Instant::now()));
    }

    /// How many calls were throttled by [`Proxy::throttle`].
    pub fn throttled(&self) -> u64 {
        self.limits.throttled.load(Ordering::Relaxed)
    }

    /// The most calls of `action` that were in flight at once (throttled ones included).
    pub fn max_in_flight(&self, action: &str) -> usize {
        let m = self.limits.in_flight.lock().expect("in flight");
        m.get(action).map_or(0, |e| e.1)
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

/// What the proxy does to a call besides forwarding it.
struct Faults<'a> {
    /// Fail this call (a random share of calls).
    random: bool,
    count: &'a AtomicU64,
    rejects: &'a Mutex<BTreeMap<String, String>>,
    limits: &'a Limits,
    /// The round trip added before the call is answered.
    delay: std::time::Duration,
}

/// EC2's answer to a caller over its request rate.
fn throttle_response() -> String {
    let body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>throttled</RequestID></Response>";
    format!(
        "HTTP/1.1 400 Bad Request\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

/// Serves one request on `conn` and closes it (so no response framing needs rewriting);
/// the call counts as in flight from its arrival to its answer.
async fn serve(
    mut conn: TcpStream,
    upstream: &str,
    calls: &Mutex<BTreeMap<String, usize>>,
    faults: Faults<'_>,
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
    faults.limits.enter(&action);
    tokio::time::sleep(faults.delay).await;
    let r = answer(&mut conn, upstream, &action, (head, body), &faults).await;
    faults.limits.leave(&action);
    r
}

async fn answer(
    conn: &mut TcpStream,
    upstream: &str,
    action: &str,
    (head, body): (String, Vec<u8>),
    faults: &Faults<'_>,
) -> std::io::Result<()> {
    let rejected = faults.rejects.lock().expect("rejects").get(action).cloned();
    if let Some(code) = rejected {
        let body = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error><Code>{code}</Code><Message>Rejected by the test proxy.</Message></Error></Errors><RequestID>reject</RequestID></Response>");
        let response = format!(
            "HTTP/1.1 400 Bad Request\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        conn.write_all(response.as_bytes()).await?;
        return conn.shutdown().await;
    }
    if !faults.limits.admit() {
        conn.write_all(throttle_response().as_bytes()).await?;
        return conn.shutdown().await;
    }
    if faults.random {
        let n = faults.count.fetch_add(1, Ordering::Relaxed);
        conn.write_all(fault_response(action, n).as_bytes()).await?;
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
