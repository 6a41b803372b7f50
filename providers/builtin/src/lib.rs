//! The offline providers Terraform users know: `terraform_data` (terraform.io/builtin/terraform),
//! `null_resource` (hashicorp/null), `random_*` (hashicorp/random), `local_file` and
//! `local_sensitive_file` (hashicorp/local), `time_static` and `time_sleep` (hashicorp/time).
//! Names, attributes, defaults and replacement rules follow the real providers, so existing
//! configurations and state files work unchanged.

// Diagnostics are large but travel only on the error path (as in autostack-lang).
#![allow(clippy::result_large_err)]

mod local_file;
mod logical;
mod null_resource;
mod random_id;
mod random_integer;
mod random_pet;
mod random_shuffle;
mod random_string;
mod random_uuid;
mod terraform_data;
mod time_sleep;
mod time_static;
mod util;
mod words;

use autostack_provider_sdk::{NoConfig, Provider, Registry};
use logical::Logical;

/// The registry source without its hostname (`registry.terraform.io/hashicorp/x` → `hashicorp/x`).
fn short_source(source: &str) -> &str {
    source
        .strip_prefix("registry.terraform.io/")
        .unwrap_or(source)
}

/// True when `source` names a provider built into AutoStack.
pub fn is_builtin(source: &str) -> bool {
    provider_for(source).is_some()
}

/// A new, unconfigured provider for a builtin source address.
pub fn provider_for(source: &str) -> Option<Box<dyn Provider>> {
    let r = Registry::new(NoConfig);
    let p = match short_source(source) {
        "terraform.io/builtin/terraform" => r.resource(Logical(terraform_data::TerraformData)),
        "hashicorp/null" => r.resource(Logical(null_resource::NullResource)),
        "hashicorp/random" => r
            .resource(Logical(random_id::RandomId))
            .resource(Logical(random_string::RandomString { password: false }))
            .resource(Logical(random_string::RandomString { password: true }))
            .resource(Logical(random_integer::RandomInteger))
            .resource(Logical(random_pet::RandomPet))
            .resource(Logical(random_uuid::RandomUuid))
            .resource(Logical(random_shuffle::RandomShuffle)),
        "hashicorp/local" => r
            .resource(local_file::LocalFile { sensitive: false })
            .resource(local_file::LocalFile { sensitive: true })
            .data_source(local_file::LocalFileData),
        "hashicorp/time" => r
            .resource(Logical(time_static::TimeStatic))
            .resource(time_sleep::TimeSleep),
        _ => return None,
    };
    Some(Box::new(p))
}
