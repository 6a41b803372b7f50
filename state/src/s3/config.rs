//! The `backend "s3"` block: Terraform's argument schema, and the arguments read into the
//! shared AWS settings (`autostack-aws-auth`) and the backend's own.

use crate::backend_config::{attr, Attr, Kind};
use crate::error::{Result, StateError};
use autostack_aws_auth::roles::{check_role_text, RoleText};
use autostack_aws_auth::{AuthSettings, RoleStep, WebToken};
use serde_json::{Map, Value as Json};

const ENDPOINTS: &[Attr] = &[
    attr("dynamodb", Kind::String),
    attr("iam", Kind::String),
    attr("s3", Kind::String),
    attr("sso", Kind::String),
    attr("sts", Kind::String),
];

const ASSUME_ROLE: &[Attr] = &[
    attr("role_arn", Kind::String),
    attr("duration", Kind::String),
    attr("external_id", Kind::String),
    attr("policy", Kind::String),
    attr("policy_arns", Kind::StringList),
    attr("session_name", Kind::String),
    attr("source_identity", Kind::String),
    attr("tags", Kind::StringMap),
    attr("transitive_tag_keys", Kind::StringList),
];

const WEB_IDENTITY: &[Attr] = &[
    attr("role_arn", Kind::String),
    attr("duration", Kind::String),
    attr("policy", Kind::String),
    attr("policy_arns", Kind::StringList),
    attr("session_name", Kind::String),
    attr("web_identity_token", Kind::String),
    attr("web_identity_token_file", Kind::String),
];

/// Terraform's s3 backend arguments (Terraform 1.11).
pub const SCHEMA: &[Attr] = &[
    attr("bucket", Kind::String),
    attr("key", Kind::String),
    attr("region", Kind::String),
    attr("allowed_account_ids", Kind::StringList),
    attr("dynamodb_endpoint", Kind::String),
    attr("ec2_metadata_service_endpoint", Kind::String),
    attr("ec2_metadata_service_endpoint_mode", Kind::String),
    attr("endpoint", Kind::String),
    attr("endpoints", Kind::Object(ENDPOINTS)),
    attr("forbidden_account_ids", Kind::StringList),
    attr("iam_endpoint", Kind::String),
    attr("sts_endpoint", Kind::String),
    attr("sts_region", Kind::String),
    attr("encrypt", Kind::Bool),
    attr("acl", Kind::String),
    attr("access_key", Kind::String),
    attr("secret_key", Kind::String),
    attr("kms_key_id", Kind::String),
    attr("dynamodb_table", Kind::String),
    attr("use_lockfile", Kind::Bool),
    attr("profile", Kind::String),
    attr("retry_mode", Kind::String),
    attr("shared_config_files", Kind::StringList),
    attr("shared_credentials_file", Kind::String),
    attr("shared_credentials_files", Kind::StringList),
    attr("token", Kind::String),
    attr("skip_credentials_validation", Kind::Bool),
    attr("skip_requesting_account_id", Kind::Bool),
    attr("skip_metadata_api_check", Kind::Bool),
    attr("skip_region_validation", Kind::Bool),
    attr("skip_s3_checksum", Kind::Bool),
    attr("sse_customer_key", Kind::String),
    attr("workspace_key_prefix", Kind::String),
    attr("force_path_style", Kind::Bool),
    attr("use_path_style", Kind::Bool),
    attr("max_retries", Kind::Number),
    attr("assume_role", Kind::Object(ASSUME_ROLE)),
    attr("assume_role_with_web_identity", Kind::Object(WEB_IDENTITY)),
    attr("custom_ca_bundle", Kind::String),
    attr("http_proxy", Kind::String),
    attr("https_proxy", Kind::String),
    attr("no_proxy", Kind::String),
    attr("insecure", Kind::Bool),
    attr("use_fips_endpoint", Kind::Bool),
    attr("use_dualstack_endpoint", Kind::Bool),
];

/// The backend's own settings (besides how AWS is reached).
#[derive(Debug, Clone, Default)]
pub struct S3Settings {
    /// `bucket`.
    pub bucket: String,
    /// `key`: the default workspace's object.
    pub key: String,
    /// `workspace_key_prefix` (default `env:`).
    pub workspace_key_prefix: String,
    /// `encrypt`: server-side encryption.
    pub encrypt: bool,
    /// `kms_key_id`, with `encrypt`.
    pub kms_key_id: Option<String>,
    /// `sse_customer_key` (or `AWS_SSE_CUSTOMER_KEY`), base64 of 32 bytes.
    pub sse_customer_key: Option<String>,
    /// `acl`, a canned ACL.
    pub acl: Option<String>,
    /// `dynamodb_table`: lock (and digest) table.
    pub dynamodb_table: Option<String>,
    /// `use_lockfile`: the `KEY.tflock` object lock.
    pub use_lockfile: bool,
    /// `use_path_style` (or the deprecated `force_path_style`).
    pub path_style: bool,
    /// `skip_s3_checksum`.
    pub skip_checksum: bool,
    /// `skip_credentials_validation`.
    pub skip_validation: bool,
}

fn text(config: &Map<String, Json>, name: &str) -> Option<String> {
    config
        .get(name)
        .and_then(Json::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn flag(config: &Map<String, Json>, name: &str) -> bool {
    config.get(name).and_then(Json::as_bool).unwrap_or(false)
}

fn strings(config: &Map<String, Json>, name: &str) -> Vec<String> {
    let items = config.get(name).and_then(Json::as_array);
    items
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

fn missing(name: &str) -> StateError {
    StateError::Config(format!(
        "The s3 backend needs {name:?}: set it in the backend block or with -backend-config."
    ))
}

/// Reads the block into the backend's settings and the shared AWS settings.
pub fn read(config: &Map<String, Json>) -> Result<(S3Settings, AuthSettings)> {
    let endpoints = config.get("endpoints").and_then(Json::as_object);
    let endpoint = |svc: &str, legacy: &str| {
        endpoints
            .and_then(|e| text(e, svc))
            .or_else(|| text(config, legacy))
    };
    let mut map = std::collections::BTreeMap::new();
    for (svc, legacy) in [
        ("s3", "endpoint"),
        ("dynamodb", "dynamodb_endpoint"),
        ("sts", "sts_endpoint"),
        ("iam", "iam_endpoint"),
    ] {
        if let Some(url) = endpoint(svc, legacy) {
            map.insert(svc.to_string(), url);
        }
    }
    let mut credentials_files = strings(config, "shared_credentials_files");
    credentials_files.extend(text(config, "shared_credentials_file"));
    let auth = AuthSettings {
        region: text(config, "region"),
        access_key: text(config, "access_key"),
        secret_key: text(config, "secret_key"),
        token: text(config, "token"),
        profile: text(config, "profile"),
        shared_config_files: strings(config, "shared_config_files"),
        shared_credentials_files: credentials_files,
        skip_imds: flag(config, "skip_metadata_api_check"),
        use_fips: flag(config, "use_fips_endpoint"),
        use_dual_stack: flag(config, "use_dualstack_endpoint"),
        max_retries: config
            .get("max_retries")
            .and_then(Json::as_u64)
            .map(|n| n.min(100) as u32),
        retry_mode: text(config, "retry_mode"),
        sts_region: text(config, "sts_region"),
        endpoints: map,
        roles: roles(config)?,
    };
    let settings = S3Settings {
        bucket: text(config, "bucket").ok_or_else(|| missing("bucket"))?,
        key: text(config, "key").ok_or_else(|| missing("key"))?,
        workspace_key_prefix: config
            .get("workspace_key_prefix")
            .and_then(Json::as_str)
            .unwrap_or("env:")
            .to_string(),
        encrypt: flag(config, "encrypt"),
        kms_key_id: text(config, "kms_key_id"),
        sse_customer_key: text(config, "sse_customer_key").or_else(|| {
            std::env::var("AWS_SSE_CUSTOMER_KEY")
                .ok()
                .filter(|k| !k.is_empty())
        }),
        acl: text(config, "acl"),
        dynamodb_table: text(config, "dynamodb_table"),
        use_lockfile: flag(config, "use_lockfile"),
        path_style: flag(config, "use_path_style") || flag(config, "force_path_style"),
        skip_checksum: flag(config, "skip_s3_checksum"),
        skip_validation: flag(config, "skip_credentials_validation"),
    };
    if settings.key.starts_with('/') || settings.key.ends_with('/') {
        return Err(StateError::Config(
            "The s3 backend's \"key\" must not start or end with '/'.".into(),
        ));
    }
    Ok((settings, auth))
}

/// `assume_role_with_web_identity` then `assume_role` (single nested objects in the s3
/// backend), validated as the provider validates its blocks.
fn roles(config: &Map<String, Json>) -> Result<Vec<RoleStep>> {
    let mut steps = Vec::new();
    for name in ["assume_role_with_web_identity", "assume_role"] {
        let Some(b) = config.get(name).and_then(Json::as_object) else {
            continue;
        };
        let t = |n: &str| b.get(n).and_then(Json::as_str);
        let checked = RoleText {
            external_id: t("external_id"),
            session_name: t("session_name"),
            source_identity: t("source_identity"),
            duration: t("duration"),
        };
        let duration = check_role_text(&checked, name).map_err(StateError::Config)?;
        let own = |n: &str| t(n).map(str::to_string);
        let web_identity = own("web_identity_token")
            .map(WebToken::Inline)
            .or_else(|| own("web_identity_token_file").map(WebToken::File));
        let tags = b.get("tags").and_then(Json::as_object);
        steps.push(RoleStep {
            role_arn: own("role_arn").unwrap_or_default(),
            session_name: own("session_name"),
            duration,
            external_id: own("external_id"),
            policy: own("policy"),
            policy_arns: strings(b, "policy_arns"),
            tags: tags
                .into_iter()
                .flatten()
                .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string())))
                .collect(),
            transitive_tag_keys: strings(b, "transitive_tag_keys"),
            source_identity: own("source_identity"),
            web_identity: if name == "assume_role" {
                None
            } else {
                web_identity
            },
        });
    }
    Ok(steps
        .into_iter()
        .filter(|s| !s.role_arn.is_empty())
        .collect())
}
