//! The bucket blocks hashicorp/google accepts that this provider does not apply yet: their
//! schemas (so configurations and states that hold them still conform) and the validation
//! that refuses to plan them instead of ignoring them silently.

use autostack_provider_sdk::attrs::get_blocks;
use autostack_provider_sdk::{attributes, Block, Nesting};
use autostack_value::{Diagnostic, Diagnostics, Type, Value};

fn strings() -> Type {
    Type::list(Type::String)
}

fn lifecycle_rule() -> Block {
    let action = attributes! {
        "type": required(Type::String) => "Delete, SetStorageClass or AbortIncompleteMultipartUpload.",
        "storage_class": optional(Type::String) => "The target storage class.",
    };
    let condition = attributes! {
        "age": optional(Type::Number) => "Age in days.",
        "created_before": optional(Type::String) => "A date (YYYY-MM-DD).",
        "with_state": optional_computed(Type::String) => "LIVE, ARCHIVED or ANY.",
        "matches_storage_class": optional(strings()) => "Storage classes.",
        "matches_prefix": optional(strings()) => "Name prefixes.",
        "matches_suffix": optional(strings()) => "Name suffixes.",
        "num_newer_versions": optional(Type::Number) => "Newer versions.",
        "custom_time_before": optional(Type::String) => "A date.",
        "days_since_custom_time": optional(Type::Number) => "Days.",
        "days_since_noncurrent_time": optional(Type::Number) => "Days.",
        "noncurrent_time_before": optional(Type::String) => "A date.",
        "send_age_if_zero": optional(Type::Bool) => "Send age = 0.",
        "send_days_since_noncurrent_time_if_zero": optional(Type::Bool) => "Send 0.",
        "send_days_since_custom_time_if_zero": optional(Type::Bool) => "Send 0.",
        "send_num_newer_versions_if_zero": optional(Type::Bool) => "Send 0.",
    };
    Block::new()
        .block("action", Nesting::Set, action)
        .block("condition", Nesting::Set, condition)
}

fn ip_filter() -> Block {
    attributes! {
        "mode": required(Type::String) => "Enabled or Disabled.",
        "allow_cross_org_vpcs": optional(Type::Bool) => "Allow VPCs of other organizations.",
        "allow_all_service_agent_access": optional(Type::Bool) => "Allow service agents.",
    }
    .block(
        "public_network_source",
        Nesting::List,
        attributes! { "allowed_ip_cidr_ranges": required(strings()) => "Ranges." },
    )
    .block(
        "vpc_network_sources",
        Nesting::List,
        attributes! {
            "network": required(Type::String) => "The network.",
            "allowed_ip_cidr_ranges": required(strings()) => "Ranges.",
        },
    )
}

/// The schema of unsupported block `name`.
pub fn unsupported_block(name: &str) -> Block {
    match name {
        "lifecycle_rule" => lifecycle_rule(),
        "website" => attributes! {
            "main_page_suffix": optional(Type::String) => "The index page.",
            "not_found_page": optional(Type::String) => "The 404 page.",
        },
        "cors" => attributes! {
            "origin": optional(strings()) => "Origins.",
            "method": optional(strings()) => "Methods.",
            "response_header": optional(strings()) => "Headers.",
            "max_age_seconds": optional(Type::Number) => "Preflight cache time.",
        },
        "logging" => attributes! {
            "log_bucket": required(Type::String) => "The log bucket.",
            "log_object_prefix": optional_computed(Type::String) => "The log objects' prefix.",
        },
        "retention_policy" => attributes! {
            "is_locked": optional(Type::Bool) => "Lock the policy.",
            "retention_period": required(Type::String) => "Seconds objects are retained.",
        },
        "autoclass" => attributes! {
            "enabled": required(Type::Bool) => "Autoclass.",
            "terminal_storage_class": optional_computed(Type::String) => "NEARLINE or ARCHIVE.",
        },
        "encryption" => {
            attributes! { "default_kms_key_name": optional(Type::String) => "The default KMS key." }
        }
        "custom_placement_config" => {
            attributes! { "data_locations": required(Type::set(Type::String)).force_new() => "The regions." }
        }
        "hierarchical_namespace" => {
            attributes! { "enabled": required(Type::Bool).force_new() => "Hierarchical namespace." }
        }
        "ip_filter" => ip_filter(),
        _ => Block::new(),
    }
}

/// An error for each configured block of `names`.
pub fn reject_unsupported(config: &Value, type_name: &str, names: &[&str]) -> Diagnostics {
    let mut d = Diagnostics::new();
    for name in names.iter().filter(|n| !get_blocks(config, n).is_empty()) {
        d.push(Diagnostic::error(
            "Unsupported argument",
            format!("{type_name}: the {name:?} block is part of hashicorp/google's schema but AutoStack does not apply it yet; remove it or manage it with Terraform."),
            None,
        ));
    }
    d
}
