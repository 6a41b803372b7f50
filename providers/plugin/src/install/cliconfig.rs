//! The parts of Terraform's CLI configuration that installation reads (`TF_CLI_CONFIG_FILE`,
//! else `~/.terraformrc`): `provider_installation` with `filesystem_mirror`,
//! `network_mirror` and `direct` (each with `include`/`exclude` patterns) and
//! `plugin_cache_dir` (`TF_PLUGIN_CACHE_DIR` wins) with
//! `plugin_cache_may_break_dependency_lock_file`, `host` blocks (services that replace a
//! host's service discovery) and `credentials` blocks (`TF_TOKEN_…` variables win). Without
//! `provider_installation`, Terraform's implied local mirror directories come first, then the
//! origin registries.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where providers may come from.
#[derive(Debug, Clone, PartialEq)]
pub enum Method {
    /// A local directory in the unpacked or packed layout.
    FilesystemMirror(PathBuf),
    /// A network mirror's base URL.
    NetworkMirror(String),
    /// The provider's origin registry.
    Direct,
}

/// One installation method with the providers it applies to.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    /// The method.
    pub method: Method,
    /// Address patterns it is used for (`registry.terraform.io/hashicorp/*`); empty: all.
    pub include: Vec<String>,
    /// Address patterns it is not used for.
    pub exclude: Vec<String>,
}

impl Source {
    /// True when this source applies to provider `address` (`host/ns/type`).
    pub fn applies_to(&self, address: &str) -> bool {
        let hit = |p: &String| pattern_matches(p, address);
        (self.include.is_empty() || self.include.iter().any(hit)) && !self.exclude.iter().any(hit)
    }
}

/// `host/ns/type` patterns with `*` for any one part; a pattern without a host means the
/// public registry.
fn pattern_matches(pattern: &str, address: &str) -> bool {
    let mut p: Vec<&str> = pattern.split('/').collect();
    if p.len() == 2 {
        p.insert(0, "registry.terraform.io");
    }
    let a: Vec<&str> = address.split('/').collect();
    p.len() == a.len()
        && p.iter()
            .zip(&a)
            .all(|(p, a)| *p == "*" || p.eq_ignore_ascii_case(a))
}

/// The CLI configuration's installation settings.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CliConfig {
    /// Installation methods in order.
    pub sources: Vec<Source>,
    /// The shared plugin cache directory.
    pub plugin_cache_dir: Option<PathBuf>,
    /// Use a cached package even when the lock file has no checksum that proves it.
    pub plugin_cache_may_break_lock: bool,
    /// `host "NAME" { services = {...} }`: service discovery answers by host name.
    pub hosts: BTreeMap<String, BTreeMap<String, String>>,
    /// `credentials "NAME" { token = "..." }`: API tokens by host name.
    pub credentials: BTreeMap<String, String>,
}

impl CliConfig {
    /// Reads the CLI configuration from the environment and the user's home.
    pub fn load() -> Result<CliConfig, String> {
        let home = std::env::var_os("HOME").map(PathBuf::from);
        let file = std::env::var_os("TF_CLI_CONFIG_FILE")
            .map(PathBuf::from)
            .or_else(|| home.as_ref().map(|h| h.join(".terraformrc")));
        let mut cfg = match file.as_deref().map(std::fs::read_to_string) {
            Some(Ok(text)) => CliConfig::parse(&text)
                .map_err(|e| format!("{}: {e}", file.unwrap_or_default().display()))?,
            _ => CliConfig::default(),
        };
        if cfg.sources.is_empty() {
            cfg.sources = implied_sources(home.as_deref());
        }
        if let Some(d) = std::env::var_os("TF_PLUGIN_CACHE_DIR").filter(|d| !d.is_empty()) {
            cfg.plugin_cache_dir = Some(PathBuf::from(d));
        }
        if std::env::var("TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE")
            .is_ok_and(|v| !v.is_empty() && v != "0" && v != "false")
        {
            cfg.plugin_cache_may_break_lock = true;
        }
        Ok(cfg)
    }

    /// The API token for `host`: `TF_TOKEN_host` (dots as `_`, dashes as `__`), else a
    /// `credentials` block.
    pub fn token(&self, host: &str) -> Option<String> {
        let host = host.to_ascii_lowercase();
        let var = format!("TF_TOKEN_{}", host.replace('-', "__").replace('.', "_"));
        std::env::var(var)
            .ok()
            .filter(|t| !t.is_empty())
            .or_else(|| self.credentials.get(&host).cloned())
    }

    /// Parses CLI configuration text.
    pub fn parse(text: &str) -> Result<CliConfig, String> {
        let body: hcl::Body = hcl::from_str(text).map_err(|e| e.to_string())?;
        let mut cfg = CliConfig::default();
        for attr in body.attributes() {
            match (attr.key(), attr.expr()) {
                ("plugin_cache_dir", hcl::Expression::String(s)) => {
                    cfg.plugin_cache_dir = Some(PathBuf::from(s))
                }
                ("plugin_cache_may_break_dependency_lock_file", hcl::Expression::Bool(b)) => {
                    cfg.plugin_cache_may_break_lock = *b
                }
                _ => {}
            }
        }
        for block in body.blocks() {
            let Some(label) = block
                .labels()
                .first()
                .map(|l| l.as_str().to_ascii_lowercase())
            else {
                continue;
            };
            match block.identifier() {
                "host" => {
                    cfg.hosts.insert(label, services(block));
                }
                "credentials" => {
                    if let Some(t) = string_attr(block, "token") {
                        cfg.credentials.insert(label, t);
                    }
                }
                _ => {}
            }
        }
        for block in body
            .blocks()
            .filter(|b| b.identifier() == "provider_installation")
        {
            for m in block.body().blocks() {
                let method = match m.identifier() {
                    "filesystem_mirror" => Method::FilesystemMirror(PathBuf::from(
                        string_attr(m, "path").ok_or("filesystem_mirror needs a path")?,
                    )),
                    "network_mirror" => Method::NetworkMirror(
                        string_attr(m, "url").ok_or("network_mirror needs a url")?,
                    ),
                    "direct" => Method::Direct,
                    "dev_overrides" => continue,
                    other => return Err(format!("unknown provider installation method {other:?}")),
                };
                cfg.sources.push(Source {
                    method,
                    include: list_attr(m, "include"),
                    exclude: list_attr(m, "exclude"),
                });
            }
        }
        Ok(cfg)
    }
}

fn string_attr(b: &hcl::Block, key: &str) -> Option<String> {
    b.body()
        .attributes()
        .find(|a| a.key() == key)
        .and_then(|a| match a.expr() {
            hcl::Expression::String(s) => Some(s.clone()),
            _ => None,
        })
}

/// A `host` block's `services = { "providers.v1" = "URL" }`.
fn services(b: &hcl::Block) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Some(hcl::Expression::Object(o)) = b
        .body()
        .attributes()
        .find(|a| a.key() == "services")
        .map(|a| a.expr())
    {
        for (k, v) in o {
            let key = match k {
                hcl::ObjectKey::Identifier(i) => i.to_string(),
                hcl::ObjectKey::Expression(hcl::Expression::String(s)) => s.clone(),
                _ => continue,
            };
            if let hcl::Expression::String(url) = v {
                out.insert(key, url.clone());
            }
        }
    }
    out
}

fn list_attr(b: &hcl::Block, key: &str) -> Vec<String> {
    match b
        .body()
        .attributes()
        .find(|a| a.key() == key)
        .map(|a| a.expr())
    {
        Some(hcl::Expression::Array(items)) => items
            .iter()
            .filter_map(|i| match i {
                hcl::Expression::String(s) => Some(s.clone()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Terraform's implied local mirrors (those that exist), then direct installation.
fn implied_sources(home: Option<&Path>) -> Vec<Source> {
    let mut dirs = vec![PathBuf::from("terraform.d/plugins")];
    if let Some(h) = home {
        dirs.push(h.join(".terraform.d/plugins"));
    }
    let data_home = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| home.map(|h| h.join(".local/share")));
    let mut data_dirs: Vec<PathBuf> = data_home.into_iter().collect();
    let system =
        std::env::var("XDG_DATA_DIRS").unwrap_or_else(|_| "/usr/local/share:/usr/share".into());
    data_dirs.extend(
        system
            .split(':')
            .filter(|d| !d.is_empty())
            .map(PathBuf::from),
    );
    dirs.extend(data_dirs.into_iter().map(|d| d.join("terraform/plugins")));
    let mut out: Vec<Source> = dirs
        .into_iter()
        .filter(|d| d.is_dir())
        .map(|d| Source {
            method: Method::FilesystemMirror(d),
            include: Vec::new(),
            exclude: Vec::new(),
        })
        .collect();
    out.push(Source {
        method: Method::Direct,
        include: Vec::new(),
        exclude: Vec::new(),
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_installation_blocks_parse() {
        let cfg = CliConfig::parse(
            r#"
plugin_cache_dir = "/tmp/cache"
provider_installation {
  filesystem_mirror {
    path    = "/opt/tf-plugins"
    include = ["registry.terraform.io/hashicorp/*"]
  }
  network_mirror {
    url = "https://mirror.example/providers/"
  }
  direct {
    exclude = ["hashicorp/*"]
  }
}
"#,
        )
        .unwrap();
        assert_eq!(cfg.plugin_cache_dir, Some(PathBuf::from("/tmp/cache")));
        assert_eq!(cfg.sources.len(), 3);
        assert!(cfg.sources[0].applies_to("registry.terraform.io/hashicorp/aws"));
        assert!(!cfg.sources[0].applies_to("registry.terraform.io/autostack/testcloud"));
        assert!(!cfg.sources[2].applies_to("registry.terraform.io/hashicorp/aws"));
        assert!(cfg.sources[2].applies_to("example.com/a/b"));
        assert!(CliConfig::parse("provider_installation { teleport {} }").is_err());
        let cfg = CliConfig::parse(
            r#"
plugin_cache_may_break_dependency_lock_file = true
host "Registry.Example.test" {
  services = {
    "providers.v1" = "http://127.0.0.1:1/v1/providers/"
  }
}
credentials "registry.example.test" {
  token = "secret"
}
"#,
        )
        .unwrap();
        assert!(cfg.plugin_cache_may_break_lock);
        assert_eq!(
            cfg.hosts["registry.example.test"]["providers.v1"],
            "http://127.0.0.1:1/v1/providers/"
        );
        assert_eq!(
            cfg.token("registry.example.test").as_deref(),
            Some("secret")
        );
    }
}
