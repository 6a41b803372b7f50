//! Fetching the clouds' public price APIs for `autostack catalog update`: the HTTP side
//! (retries, paging, downloads). Mapping responses to rows is `autostack_cost::catalog::fetch`.

pub mod aws;
pub mod azure;
pub mod gcp;

use reqwest::{StatusCode, Url};
use std::io::Write;
use std::path::Path;
use std::time::Duration;

/// Attempts per request: the first try and retries of 429, 5xx and connection errors.
const ATTEMPTS: u32 = 4;
/// A `Retry-After` longer than this is not waited for: the fetch fails instead.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(120);

/// An HTTP client that retries throttled and failed requests with jittered backoff.
#[derive(Clone)]
pub struct Http {
    client: reqwest::Client,
    base_delay: Duration,
}

impl Http {
    /// A client with connect/read timeouts and AutoStack's user agent.
    pub fn new() -> Result<Http, String> {
        let client = reqwest::Client::builder()
            .user_agent(concat!("autostack/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(15))
            .read_timeout(Duration::from_secs(120))
            .build()
            .map_err(|e| format!("cannot start the HTTP client: {e}"))?;
        Ok(Http {
            client,
            base_delay: Duration::from_millis(500),
        })
    }

    /// The body of a successful GET, as text.
    pub async fn get_text(&self, url: &Url) -> Result<String, String> {
        let resp = self.send(url).await?;
        resp.text()
            .await
            .map_err(|e| format!("{}: reading the body: {}", shown(url), e.without_url()))
    }

    /// Streams the body of a successful GET into `path` (price files can be hundreds of MB).
    pub async fn get_to_file(&self, url: &Url, path: &Path) -> Result<(), String> {
        let mut resp = self.send(url).await?;
        let io = |e: std::io::Error| format!("{}: {e}", path.display());
        let mut out = std::io::BufWriter::new(std::fs::File::create(path).map_err(io)?);
        while let Some(chunk) = resp
            .chunk()
            .await
            .map_err(|e| format!("{}: reading the body: {}", shown(url), e.without_url()))?
        {
            out.write_all(&chunk).map_err(io)?;
        }
        out.flush().map_err(io)
    }

    /// Sends a GET, retrying 429 / 5xx / transport errors; other statuses fail at once.
    async fn send(&self, url: &Url) -> Result<reqwest::Response, String> {
        let mut last = String::new();
        for attempt in 0..ATTEMPTS {
            let wait = match self.client.get(url.clone()).send().await {
                Ok(r) if r.status().is_success() => return Ok(r),
                Ok(r) if retryable(r.status()) => {
                    last = format!("{}: HTTP {}", shown(url), r.status());
                    retry_after(&r)
                }
                Ok(r) => {
                    let status = r.status();
                    let body = r.text().await.unwrap_or_default();
                    return Err(format!("{}: HTTP {status}: {}", shown(url), snippet(&body)));
                }
                Err(e) => {
                    // reqwest's message would repeat the URL, query (and API key) included.
                    last = format!("{}: {}", shown(url), e.without_url());
                    None
                }
            };
            if attempt + 1 == ATTEMPTS {
                break;
            }
            let wait = match wait {
                Some(w) if w > MAX_RETRY_AFTER => {
                    return Err(format!("{last} (Retry-After {}s: too long)", w.as_secs()))
                }
                Some(w) => w,
                None => self.backoff(attempt),
            };
            tokio::time::sleep(wait).await;
        }
        Err(format!("{last} (gave up after {ATTEMPTS} attempts)"))
    }

    /// Exponential backoff with ±50% jitter, so parallel clients do not retry in step.
    fn backoff(&self, attempt: u32) -> Duration {
        let base = self.base_delay.saturating_mul(1 << attempt.min(6));
        base.mul_f64(0.5 + fastrand::f64())
    }
}

fn retryable(s: StatusCode) -> bool {
    s == StatusCode::TOO_MANY_REQUESTS || s.is_server_error()
}

/// `Retry-After` in seconds (the HTTP-date form is treated as absent: backoff applies).
fn retry_after(r: &reqwest::Response) -> Option<Duration> {
    let v = r
        .headers()
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?;
    v.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// A URL for messages, without its query (it may hold an API key).
fn shown(url: &Url) -> String {
    let mut u = url.clone();
    u.set_query(None);
    u.to_string()
}

/// The start of an error body, on one line.
fn snippet(body: &str) -> String {
    let one: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
    one.chars().take(200).collect()
}

/// The endpoint for a cloud: the flag, else the environment variable, else the public API.
pub fn endpoint(flag: Option<&str>, env: &str, default: &str) -> Result<Url, String> {
    let from_env = std::env::var(env).ok().filter(|v| !v.is_empty());
    let raw = flag
        .map(str::to_string)
        .or(from_env)
        .unwrap_or_else(|| default.to_string());
    Url::parse(&raw).map_err(|e| format!("invalid endpoint {raw:?}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_with_jitter_and_urls_hide_keys() {
        let h = Http::new().unwrap();
        for attempt in 0..3 {
            let d = h.backoff(attempt).as_secs_f64();
            let base = 0.5 * f64::from(1u32 << attempt);
            assert!(d >= base * 0.5 && d <= base * 1.5, "{attempt}: {d}");
        }
        let u = Url::parse("https://x.test/v1/services?key=SECRET").unwrap();
        assert_eq!(shown(&u), "https://x.test/v1/services");
        assert_eq!(snippet("a\n  b\tc"), "a b c");
        assert!(retryable(StatusCode::SERVICE_UNAVAILABLE) && !retryable(StatusCode::FORBIDDEN));
    }
}
