//! What module installation reads from Terraform's CLI configuration (`TF_CLI_CONFIG_FILE`,
//! else `~/.terraformrc`): `credentials "HOST" { token = "…" }` (`TF_TOKEN_host` in the
//! environment wins, dots as `_` and dashes as `__`, as Terraform reads them) and
//! `host "HOST" { services = { "modules.v1" = "…" } }`, which replaces service discovery.

use std::collections::BTreeMap;
use std::path::PathBuf;

/// Registry hosts' credentials and service overrides.
#[derive(Debug, Clone, Default)]
pub struct RegistryConfig {
    tokens: BTreeMap<String, String>,
    hosts: BTreeMap<String, BTreeMap<String, String>>,
}

impl RegistryConfig {
    /// Reads the CLI configuration file (missing: empty).
    pub fn load() -> Result<RegistryConfig, String> {
        let file = std::env::var_os("TF_CLI_CONFIG_FILE")
            .filter(|f| !f.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".terraformrc")));
        match file.as_deref().map(std::fs::read_to_string) {
            Some(Ok(text)) => RegistryConfig::parse(&text)
                .map_err(|e| format!("{}: {e}", file.unwrap_or_default().display())),
            _ => Ok(RegistryConfig::default()),
        }
    }

    /// Parses CLI configuration text (blocks other than `credentials` and `host` ignored).
    pub fn parse(text: &str) -> Result<RegistryConfig, String> {
        let body: hcl::Body = hcl::from_str(text).map_err(|e| e.to_string())?;
        let mut cfg = RegistryConfig::default();
        for block in body.blocks() {
            let Some(host) = block
                .labels()
                .first()
                .map(|l| l.as_str().to_ascii_lowercase())
            else {
                continue;
            };
            let attr = |k: &str| block.body().attributes().find(|a| a.key() == k);
            match block.identifier() {
                "credentials" => {
                    if let Some(hcl::Expression::String(t)) = attr("token").map(|a| a.expr()) {
                        cfg.tokens.insert(host, t.clone());
                    }
                }
                "host" => {
                    if let Some(hcl::Expression::Object(o)) = attr("services").map(|a| a.expr()) {
                        let services = o
                            .iter()
                            .filter_map(|(k, v)| match v {
                                hcl::Expression::String(s) => Some((object_key(k), s.clone())),
                                _ => None,
                            })
                            .collect();
                        cfg.hosts.insert(host, services);
                    }
                }
                _ => {}
            }
        }
        Ok(cfg)
    }

    /// The bearer token for `host`: `TF_TOKEN_…` first, then a `credentials` block.
    pub fn token(&self, host: &str) -> Option<String> {
        let env_name = format!(
            "TF_TOKEN_{}",
            host.replace('-', "__").replace(['.', ':'], "_")
        );
        let from_env = std::env::vars()
            .find(|(k, _)| k.eq_ignore_ascii_case(&env_name))
            .map(|(_, v)| v)
            .filter(|v| !v.is_empty());
        from_env.or_else(|| self.tokens.get(host).cloned())
    }

    /// The services a `host` block declares for `host` (replacing discovery), if any.
    pub fn services(&self, host: &str) -> Option<&BTreeMap<String, String>> {
        self.hosts.get(host)
    }
}

fn object_key(k: &hcl::ObjectKey) -> String {
    match k {
        hcl::ObjectKey::Identifier(i) => i.to_string(),
        hcl::ObjectKey::Expression(hcl::Expression::String(s)) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_and_host_blocks_parse() {
        let cfg = RegistryConfig::parse(
            r#"
credentials "App.Terraform.io" {
  token = "abc.atlasv1.xyz"
}
host "example.com" {
  services = {
    "modules.v1" = "http://127.0.0.1:8080/v1/modules/"
  }
}
provider_installation {
  direct {}
}
"#,
        )
        .unwrap();
        assert_eq!(cfg.tokens["app.terraform.io"], "abc.atlasv1.xyz");
        assert_eq!(
            cfg.services("example.com").unwrap()["modules.v1"],
            "http://127.0.0.1:8080/v1/modules/"
        );
        assert!(cfg.services("other.example").is_none());
    }
}
