//! The offline builtin providers of AutoStack, compatible with Terraform's:
//! `terraform.io/builtin/terraform` (`terraform_data`), `hashicorp/null`, `hashicorp/random`,
//! `hashicorp/local` and `hashicorp/time`. They need no download and no configuration.
//!
//! [`provider_for`] maps a `required_providers` source address to a ready provider.

#![deny(missing_docs)]

mod common;
mod data_local_file;
mod duration;
mod file_content;
mod local_file;
mod local_sensitive_file;
mod null_resource;
mod pet_words;
mod random_chars;
mod random_id;
mod random_integer;
mod random_password;
mod random_pet;
mod random_shuffle;
mod random_string;
mod random_uuid;
mod rng;
mod state_only;
mod terraform_data;
mod time_sleep;
mod time_static;

pub use data_local_file::{LocalFileData, LocalSensitiveFileData};
pub use local_file::{LocalFileType, LOCAL_FILE};
pub use local_sensitive_file::LOCAL_SENSITIVE_FILE;
pub use null_resource::NullResource;
pub use random_id::RandomId;
pub use random_integer::RandomInteger;
pub use random_pet::RandomPet;
pub use random_shuffle::RandomShuffle;
pub use random_string::RandomString;
pub use random_uuid::RandomUuid;
pub use terraform_data::TerraformData;
pub use time_sleep::TimeSleep;
pub use time_static::TimeStatic;

use autostack_provider_sdk::{ConfigureRequest, NoConfig, Provider, Registry};
use autostack_value::Value;
use state_only::StateOnly;
use std::task::{Context, Poll, Waker};

/// The canonical source addresses of the builtin providers.
pub const SOURCES: [&str; 5] = [
    "terraform.io/builtin/terraform",
    "hashicorp/null",
    "hashicorp/random",
    "hashicorp/local",
    "hashicorp/time",
];

/// Which builtin provider a source address names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Builtin {
    Terraform,
    Null,
    Random,
    Local,
    Time,
}

/// Resolves `hashicorp/random`, `registry.terraform.io/hashicorp/random` (any case) and
/// `terraform.io/builtin/terraform` to a builtin provider.
fn resolve(source: &str) -> Option<Builtin> {
    let s = source.trim().to_ascii_lowercase();
    if s == "terraform.io/builtin/terraform" || s == "builtin/terraform" {
        return Some(Builtin::Terraform);
    }
    let short = s.strip_prefix("registry.terraform.io/").unwrap_or(&s);
    match short {
        "hashicorp/null" => Some(Builtin::Null),
        "hashicorp/random" => Some(Builtin::Random),
        "hashicorp/local" => Some(Builtin::Local),
        "hashicorp/time" => Some(Builtin::Time),
        _ => None,
    }
}

/// True when `source` names one of the builtin providers (which need no download).
pub fn is_builtin(source: &str) -> bool {
    resolve(source).is_some()
}

/// The registry of one builtin provider, not yet configured.
fn registry(b: Builtin) -> Registry<NoConfig> {
    let r = Registry::new(NoConfig);
    match b {
        Builtin::Terraform => r.resource(TerraformData),
        Builtin::Null => r.resource(StateOnly("null_resource", NullResource)),
        Builtin::Random => r
            .resource(StateOnly("random_id", RandomId))
            .resource(StateOnly("random_string", RandomString::STRING))
            .resource(StateOnly("random_password", RandomString::PASSWORD))
            .resource(StateOnly("random_integer", RandomInteger))
            .resource(StateOnly("random_pet", RandomPet))
            .resource(StateOnly("random_uuid", RandomUuid))
            .resource(StateOnly("random_shuffle", RandomShuffle)),
        Builtin::Local => r
            .resource(LOCAL_FILE)
            .resource(LOCAL_SENSITIVE_FILE)
            .data_source(LocalFileData)
            .data_source(LocalSensitiveFileData),
        Builtin::Time => r
            .resource(StateOnly("time_static", TimeStatic))
            .resource(StateOnly("time_sleep", TimeSleep)),
    }
}

/// Applies the (empty) configuration so the provider is usable even when the engine never
/// calls `configure`; `NoConfig` finishes on the first poll, so no runtime is needed.
fn configured(mut r: Registry<NoConfig>) -> Registry<NoConfig> {
    let mut fut = r.configure(ConfigureRequest::new(Value::null()));
    let _ready = matches!(
        fut.as_mut().poll(&mut Context::from_waker(Waker::noop())),
        Poll::Ready(Ok(()))
    );
    drop(fut);
    r
}

/// The builtin provider for a `required_providers` source address, already configured
/// (configuring it again is harmless); `None` for any other source.
pub fn provider_for(source: &str) -> Option<Box<dyn Provider>> {
    resolve(source).map(|b| Box::new(configured(registry(b))) as Box<dyn Provider>)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_resolve() {
        for s in SOURCES {
            assert!(is_builtin(s), "{s}");
        }
        assert!(is_builtin("registry.terraform.io/hashicorp/random"));
        assert!(is_builtin("Registry.Terraform.io/HashiCorp/Time"));
        assert!(!is_builtin("hashicorp/aws"));
        assert!(!is_builtin("random"));
        assert!(provider_for("example.com/hashicorp/random").is_none());
    }

    #[test]
    fn providers_offer_their_types() {
        let types = |s: &str| {
            provider_for(s)
                .unwrap()
                .schema()
                .resources
                .keys()
                .cloned()
                .collect::<Vec<_>>()
        };
        assert_eq!(types("terraform.io/builtin/terraform"), ["terraform_data"]);
        assert_eq!(types("hashicorp/null"), ["null_resource"]);
        assert_eq!(
            types("hashicorp/random"),
            [
                "random_id",
                "random_integer",
                "random_password",
                "random_pet",
                "random_shuffle",
                "random_string",
                "random_uuid"
            ]
        );
        assert_eq!(
            types("hashicorp/local"),
            ["local_file", "local_sensitive_file"]
        );
        assert_eq!(types("hashicorp/time"), ["time_sleep", "time_static"]);
        let local = provider_for("hashicorp/local").unwrap();
        assert_eq!(
            local.schema().data_sources.keys().collect::<Vec<_>>(),
            ["local_file", "local_sensitive_file"]
        );
    }

    #[tokio::test]
    async fn providers_are_usable_without_configure() {
        let p = provider_for("hashicorp/random").unwrap();
        let cfg = Value::object_from([("byte_length", Value::int(4))]);
        let req = autostack_provider_sdk::PlanRequest::new("random_id", None, &cfg);
        assert!(p.plan(req).await.is_ok());
    }
}
