//! The HTTP client of installation (service discovery, registries, network mirrors, package
//! downloads): blocking requests with Terraform's default timeouts, a bearer token where the
//! CLI configuration has credentials for the host, and errors worded as Terraform words them.

use reqwest::blocking::Client;
use std::io::Write;
use std::path::Path;
use std::time::Duration;

pub use reqwest::Url;

/// An answer: status, the URL it came from after redirects, its content type and body.
#[derive(Debug)]
pub struct Response {
    /// The HTTP status code.
    pub status: u16,
    /// The final URL (relative references in the body resolve against it).
    pub url: Url,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The body.
    pub body: Vec<u8>,
}

/// A blocking HTTP client. It must not be used on an async runtime's thread: installation
/// runs on a thread of its own (see [`super::install`]).
#[derive(Clone)]
pub struct Http {
    api: Client,
    download: Client,
}

/// The protocol version installation speaks, sent as Terraform sends its own.
const TERRAFORM_VERSION: &str = "1.11.0";

impl Http {
    /// A client: API requests time out after 10 s (`TF_REGISTRY_CLIENT_TIMEOUT` seconds, as
    /// Terraform), downloads only when the connection stalls.
    pub fn new() -> Result<Http, String> {
        let secs = std::env::var("TF_REGISTRY_CLIENT_TIMEOUT")
            .ok()
            .and_then(|v| v.parse::<u64>().ok())
            .filter(|s| *s > 0)
            .unwrap_or(10);
        let build = |b: reqwest::blocking::ClientBuilder| {
            b.user_agent(format!("AutoStack/{}", env!("CARGO_PKG_VERSION")))
                .connect_timeout(Duration::from_secs(secs))
                .build()
                .map_err(|e| e.to_string())
        };
        Ok(Http {
            api: build(Client::builder().timeout(Duration::from_secs(secs)))?,
            download: build(Client::builder().timeout(None))?,
        })
    }

    /// `GET url`, with `Authorization: Bearer token` when given.
    pub fn get(&self, url: &Url, token: Option<&str>) -> Result<Response, String> {
        let mut req = self
            .api
            .get(url.clone())
            .header("X-Terraform-Version", TERRAFORM_VERSION);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().map_err(|e| request_error(url, &e))?;
        let status = resp.status().as_u16();
        let final_url = resp.url().clone();
        let content_type = resp
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body = resp.bytes().map_err(|e| request_error(url, &e))?.to_vec();
        Ok(Response {
            status,
            url: final_url,
            content_type,
            body,
        })
    }

    /// Downloads `url` into the file `dest` (no credentials, as Terraform fetches packages).
    pub fn download(&self, url: &Url, dest: &Path) -> Result<(), String> {
        let host = url.host_str().unwrap_or_default().to_string();
        let mut resp = self
            .download
            .get(url.clone())
            .send()
            .map_err(|e| format!("{host}: {}", cause(&e)))?;
        if !resp.status().is_success() {
            return Err(format!(
                "{host}: bad response code: {}",
                resp.status().as_u16()
            ));
        }
        let mut file =
            std::fs::File::create(dest).map_err(|e| format!("{}: {e}", dest.display()))?;
        resp.copy_to(&mut file)
            .map_err(|e| format!("{host}: {}", cause(&e)))?;
        file.flush().map_err(|e| format!("{}: {e}", dest.display()))
    }
}

/// A request that got no answer, as Terraform's retrying client reports it.
fn request_error(url: &Url, e: &reqwest::Error) -> String {
    format!(
        "the request failed, please try again later: Get {:?}: {}",
        url.as_str(),
        cause(e)
    )
}

/// The innermost cause of an error (reqwest's own text is generic).
fn cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut inner: &dyn std::error::Error = e;
    while let Some(s) = inner.source() {
        inner = s;
    }
    inner.to_string()
}
