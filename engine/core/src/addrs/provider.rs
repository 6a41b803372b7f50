//! Provider addresses, typed: where a provider comes from ([`ProviderSource`],
//! `registry.terraform.io/hashicorp/aws`), which configuration of it a resource uses
//! ([`ProviderConfig`], `aws.east`), and the absolute form state files record
//! ([`AbsProviderConfig`], `module.net.provider["registry.terraform.io/hashicorp/aws"].east`).
//! Each is parsed and printed here and nowhere else; the rule that a resource type implies its
//! provider by its prefix is [`implied_local_name`].

use std::fmt;
use std::str::FromStr;

/// The hostname of Terraform's public registry, implied when a source names none.
pub const DEFAULT_REGISTRY: &str = "registry.terraform.io";

/// A provider's source address: hostname, namespace and type.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProviderSource {
    /// `registry.terraform.io`, `terraform.io` (builtin), or a private registry.
    pub hostname: String,
    /// `hashicorp`, `builtin`, ...
    pub namespace: String,
    /// `aws`, `random`, `terraform`, ...
    pub ty: String,
}

impl ProviderSource {
    /// The source a local name means when `required_providers` does not say:
    /// `hashicorp/NAME`, except `terraform`, the builtin provider.
    pub fn implied_by(local_name: &str) -> ProviderSource {
        if local_name == "terraform" {
            return ProviderSource::builtin("terraform");
        }
        ProviderSource::new(DEFAULT_REGISTRY, "hashicorp", local_name)
    }

    /// `terraform.io/builtin/TYPE`.
    pub fn builtin(ty: &str) -> ProviderSource {
        ProviderSource::new("terraform.io", "builtin", ty)
    }

    fn new(hostname: &str, namespace: &str, ty: &str) -> ProviderSource {
        ProviderSource {
            hostname: hostname.into(),
            namespace: namespace.into(),
            ty: ty.into(),
        }
    }

    /// The form Terraform shows to people: the hostname left out when it is the default
    /// registry (`hashicorp/aws`).
    pub fn short(&self) -> String {
        match self.hostname.as_str() {
            DEFAULT_REGISTRY => format!("{}/{}", self.namespace, self.ty),
            _ => self.to_string(),
        }
    }
}

impl fmt::Display for ProviderSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{}", self.hostname, self.namespace, self.ty)
    }
}

/// Why a provider address did not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddrError(pub String);

impl fmt::Display for AddrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for AddrError {}

impl FromStr for ProviderSource {
    type Err = AddrError;

    /// `TYPE`, `NAMESPACE/TYPE` or `HOSTNAME/NAMESPACE/TYPE`, as `required_providers` takes.
    fn from_str(s: &str) -> Result<Self, AddrError> {
        let parts: Vec<&str> = s.split('/').collect();
        let bad = || {
            AddrError(format!(
                "Invalid provider source {s:?}: expected [HOSTNAME/]NAMESPACE/TYPE."
            ))
        };
        if parts
            .iter()
            .any(|p| p.is_empty() || p.contains(char::is_whitespace))
        {
            return Err(bad());
        }
        let lower = |p: &str| p.to_ascii_lowercase();
        match parts.as_slice() {
            [ty] => Ok(ProviderSource::implied_by(&lower(ty))),
            [ns, ty] => Ok(ProviderSource::new(
                DEFAULT_REGISTRY,
                &lower(ns),
                &lower(ty),
            )),
            [host, ns, ty] => Ok(ProviderSource::new(&lower(host), &lower(ns), &lower(ty))),
            _ => Err(bad()),
        }
    }
}

/// The provider local name a resource type implies when it names no `provider`: the prefix
/// before the first underscore (`aws_instance` → `aws`, `terraform_data` → `terraform`).
/// The portable types (`portable_*`) imply no provider of that name: loading binds them to
/// the configuration's cloud provider ([`super::portable::bind_portable`]).
pub fn implied_local_name(resource_type: &str) -> &str {
    resource_type.split('_').next().unwrap_or(resource_type)
}

/// A provider configuration as the root module names it: local name and alias (`aws.east`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProviderConfig {
    /// The local name (`aws`).
    pub local: String,
    /// The alias (`east`), if any.
    pub alias: Option<String>,
}

impl ProviderConfig {
    /// The configuration `local` with an optional alias.
    pub fn new(local: impl Into<String>, alias: Option<String>) -> ProviderConfig {
        ProviderConfig {
            local: local.into(),
            alias,
        }
    }
}

impl FromStr for ProviderConfig {
    type Err = AddrError;

    /// `NAME` or `NAME.ALIAS`, as `provider = aws.east` and a module call's `providers` map
    /// write it.
    fn from_str(s: &str) -> Result<Self, AddrError> {
        let (local, alias) = match s.split_once('.') {
            Some((l, a)) => (l, Some(a.to_string())),
            None => (s, None),
        };
        let valid = |x: &str| !x.is_empty() && !x.contains(['.', '"', ' ']);
        if !valid(local) || alias.as_deref().is_some_and(|a| !valid(a)) {
            return Err(AddrError(format!(
                "Invalid provider configuration reference {s:?}."
            )));
        }
        Ok(ProviderConfig::new(local, alias))
    }
}

impl fmt::Display for ProviderConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.alias {
            Some(a) => write!(f, "{}.{a}", self.local),
            None => f.write_str(&self.local),
        }
    }
}

/// A provider configuration as state files record it: module path, source and alias.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AbsProviderConfig {
    /// The module the configuration belongs to (empty: the root module).
    pub module: Vec<String>,
    /// Where the provider comes from.
    pub source: ProviderSource,
    /// The alias, if any.
    pub alias: Option<String>,
}

impl fmt::Display for AbsProviderConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for m in &self.module {
            write!(f, "module.{m}.")?;
        }
        write!(f, "provider[\"{}\"]", self.source)?;
        match &self.alias {
            Some(a) => write!(f, ".{a}"),
            None => Ok(()),
        }
    }
}

impl FromStr for AbsProviderConfig {
    type Err = AddrError;

    /// `[module.NAME.]...provider["SOURCE"][.ALIAS]`, as state files (and Terraform's JSON)
    /// write it.
    fn from_str(s: &str) -> Result<Self, AddrError> {
        let bad = || AddrError(format!("Invalid provider configuration address {s:?}."));
        let at = s.find("provider[\"").ok_or_else(bad)?;
        let (modules, rest) = s.split_at(at);
        let module = match modules.strip_suffix('.') {
            None if modules.is_empty() => Vec::new(),
            None => return Err(bad()),
            Some(m) => m
                .split('.')
                .collect::<Vec<_>>()
                .chunks(2)
                .map(|c| match c {
                    ["module", name] if !name.is_empty() => Ok(name.to_string()),
                    _ => Err(bad()),
                })
                .collect::<Result<_, _>>()?,
        };
        let rest = &rest["provider[\"".len()..];
        let (source, tail) = rest.split_once("\"]").ok_or_else(bad)?;
        let alias = match tail {
            "" => None,
            t => Some(
                t.strip_prefix('.')
                    .filter(|a| !a.is_empty())
                    .ok_or_else(bad)?
                    .to_string(),
            ),
        };
        Ok(AbsProviderConfig {
            module,
            source: source.parse()?,
            alias,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_parse_and_print_in_full() {
        let cases = [
            (
                "aws",
                "registry.terraform.io/hashicorp/aws",
                "hashicorp/aws",
            ),
            (
                "hashicorp/AWS",
                "registry.terraform.io/hashicorp/aws",
                "hashicorp/aws",
            ),
            (
                "terraform",
                "terraform.io/builtin/terraform",
                "terraform.io/builtin/terraform",
            ),
            (
                "example.com/acme/thing",
                "example.com/acme/thing",
                "example.com/acme/thing",
            ),
        ];
        for (given, full, short) in cases {
            let s: ProviderSource = given.parse().expect(given);
            assert_eq!(s.to_string(), full);
            assert_eq!(s.short(), short);
            assert_eq!(s.to_string().parse::<ProviderSource>().unwrap(), s);
        }
        for bad in ["", "a//b", "a/b/c/d", "a b/c"] {
            assert!(bad.parse::<ProviderSource>().is_err(), "{bad}");
        }
    }

    #[test]
    fn state_addresses_round_trip() {
        for text in [
            "provider[\"registry.terraform.io/hashicorp/aws\"]",
            "provider[\"registry.terraform.io/hashicorp/aws\"].east",
            "module.a.module.b.provider[\"terraform.io/builtin/terraform\"]",
        ] {
            let a: AbsProviderConfig = text.parse().expect(text);
            assert_eq!(a.to_string(), text);
        }
        let a: AbsProviderConfig = "provider[\"hashicorp/aws\"].west".parse().unwrap();
        assert_eq!(
            a.to_string(),
            "provider[\"registry.terraform.io/hashicorp/aws\"].west"
        );
        for bad in [
            "aws",
            "provider[\"aws\"",
            "provider[\"aws\"].",
            "mod.a.provider[\"aws\"]",
        ] {
            assert!(bad.parse::<AbsProviderConfig>().is_err(), "{bad}");
        }
    }

    #[test]
    fn types_imply_their_prefix() {
        assert_eq!(implied_local_name("aws_instance"), "aws");
        assert_eq!(implied_local_name("terraform_data"), "terraform");
        assert_eq!(implied_local_name("portable"), "portable");
    }
}
