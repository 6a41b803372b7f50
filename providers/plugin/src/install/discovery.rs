//! Terraform's remote service discovery, for every client of a Terraform-native service
//! (`providers.v1` here, `modules.v1` for module registries): a host's services come from
//! the CLI configuration's `host` block when it has one, else from
//! `https://HOST/.well-known/terraform.json`; service URLs resolve against the document's
//! URL. Answers are remembered per host for the life of the [`Discovery`].

use super::cliconfig::CliConfig;
use super::http::{Http, Url};
use std::collections::BTreeMap;
use std::sync::Mutex;

/// Service discovery with a memory of the hosts already asked.
pub struct Discovery {
    cfg: CliConfig,
    http: Http,
    known: Mutex<BTreeMap<String, BTreeMap<String, Url>>>,
}

impl Discovery {
    /// Discovery under the CLI configuration `cfg` (its `host` and `credentials` blocks).
    pub fn new(cfg: &CliConfig, http: &Http) -> Discovery {
        Discovery {
            cfg: cfg.clone(),
            http: http.clone(),
            known: Mutex::new(BTreeMap::new()),
        }
    }

    /// The HTTP client discovery uses (for the services' own requests).
    pub fn http(&self) -> &Http {
        &self.http
    }

    /// The API token for `host`, if the CLI configuration or the environment has one.
    pub fn token(&self, host: &str) -> Option<String> {
        self.cfg.token(host)
    }

    /// The base URL of service `id` (`providers.v1`) on `host`. `Ok(None)`: the host answers
    /// but offers no such service.
    pub fn service(&self, host: &str, id: &str) -> Result<Option<Url>, String> {
        let host = host.to_ascii_lowercase();
        if let Some(services) = self.known.lock().map_err(|e| e.to_string())?.get(&host) {
            return Ok(services.get(id).cloned());
        }
        let services = match self.cfg.hosts.get(&host) {
            Some(s) => from_config(&host, s)?,
            None => self.fetch(&host)?,
        };
        let found = services.get(id).cloned();
        self.known
            .lock()
            .map_err(|e| e.to_string())?
            .insert(host, services);
        Ok(found)
    }

    /// Reads `https://HOST/.well-known/terraform.json`.
    fn fetch(&self, host: &str) -> Result<BTreeMap<String, Url>, String> {
        let url = Url::parse(&format!("https://{host}/.well-known/terraform.json"))
            .map_err(|e| format!("invalid host name {host:?}: {e}"))?;
        let unreachable = |e: String| format!("could not connect to {host}: {e}");
        let resp = self
            .http
            .get(&url, self.token(host).as_deref())
            .map_err(unreachable)?;
        match resp.status {
            200 => {}
            404 => return Ok(BTreeMap::new()),
            s => {
                return Err(unreachable(format!(
                    "Failed to request discovery document: {s}"
                )))
            }
        }
        let doc: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(&resp.body)
            .map_err(|e| unreachable(format!("Failed to decode discovery document: {e}")))?;
        let mut out = BTreeMap::new();
        for (id, v) in doc {
            // Services are URLs; other values (e.g. login.v1's object) are not for us.
            if let Some(s) = v.as_str() {
                let u = resp
                    .url
                    .join(s)
                    .map_err(|e| format!("{host}: invalid URL for service {id}: {e}"))?;
                out.insert(id, u);
            }
        }
        Ok(out)
    }
}

/// A `host` block's services, resolved against the host's discovery URL as Terraform does.
fn from_config(
    host: &str,
    services: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, Url>, String> {
    let base = Url::parse(&format!("https://{host}/.well-known/terraform.json"))
        .map_err(|e| format!("invalid host name {host:?}: {e}"))?;
    services
        .iter()
        .map(|(id, s)| {
            base.join(s)
                .map(|u| (id.clone(), u))
                .map_err(|e| format!("host {host:?}: invalid URL for service {id}: {e}"))
        })
        .collect()
}
