//! AWS authentication shared by the AWS provider (`providers/aws`) and the S3 state backend
//! (`autostack-state`'s `s3` feature): region, static keys, profiles and shared files, the
//! credential chain with or without the instance metadata service, assumed roles, FIPS and
//! dual-stack endpoints, per-service endpoint overrides and retries, turned into the SDK's
//! [`SdkConfig`]. In the pipeline it sits under both the apply step (provider) and the persist
//! step (backend), so `provider "aws"` and `backend "s3"` read credentials the same way.
//!
//! Callers read their own block into [`AuthSettings`] (their argument names and defaults
//! differ: hashicorp/aws retries 25 times, the S3 backend 5) and get the shared SDK
//! configuration from [`AuthSettings::sdk_config`]; each then builds its own service clients
//! with [`AuthSettings::endpoint`] and [`retry_partition`]. `AWS_ENDPOINT_URL` and
//! `AWS_ENDPOINT_URL_<SERVICE>` are honoured by the SDK itself.
#![deny(missing_docs)]

pub mod roles;

pub use roles::{go_duration, RoleChain, RoleStep, WebToken};

use aws_config::meta::credentials::CredentialsProviderChain;
use aws_config::BehaviorVersion;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_credential_types::Credentials;
use aws_runtime::env_config::file::{EnvConfigFileKind, EnvConfigFiles};
use aws_smithy_runtime::client::retries::{RetryPartition, TokenBucket};
use aws_smithy_types::retry::RetryConfig;
use aws_types::region::Region;
use aws_types::SdkConfig;
use std::collections::BTreeMap;
use std::time::Duration;

/// Re-exports of the SDK crates the settings are made of, for callers that build clients.
pub mod sdk {
    pub use aws_config;
    pub use aws_credential_types;
    pub use aws_smithy_types;
    pub use aws_types;
}

/// A configuration problem, in the words hashicorp/aws uses (`summary`, then `detail`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthError {
    /// One line: what is wrong.
    pub summary: String,
    /// More about it (may be empty).
    pub detail: String,
}

impl AuthError {
    fn new(summary: impl Into<String>, detail: impl Into<String>) -> AuthError {
        AuthError {
            summary: summary.into(),
            detail: detail.into(),
        }
    }
}

impl std::fmt::Display for AuthError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.detail.is_empty() {
            f.write_str(&self.summary)
        } else {
            write!(f, "{}: {}", self.summary, self.detail)
        }
    }
}

impl std::error::Error for AuthError {}

/// Everything that decides how AWS is reached, read from a `provider "aws"` or `backend "s3"`
/// block (and the environment, through the SDK's own chain).
#[derive(Debug, Clone, Default)]
pub struct AuthSettings {
    /// `region` (else `AWS_REGION` / the profile, through the SDK).
    pub region: Option<String>,
    /// `access_key`.
    pub access_key: Option<String>,
    /// `secret_key`.
    pub secret_key: Option<String>,
    /// `token` (a session token with static keys).
    pub token: Option<String>,
    /// `profile`.
    pub profile: Option<String>,
    /// `shared_config_files` (replacing the default file when set).
    pub shared_config_files: Vec<String>,
    /// `shared_credentials_files` (replacing the default file when set).
    pub shared_credentials_files: Vec<String>,
    /// `skip_metadata_api_check`: never ask the instance metadata service.
    pub skip_imds: bool,
    /// `use_fips_endpoint`.
    pub use_fips: bool,
    /// `use_dualstack_endpoint`.
    pub use_dual_stack: bool,
    /// `max_retries`, when set (callers differ in the default).
    pub max_retries: Option<u32>,
    /// `retry_mode` (else `AWS_RETRY_MODE`).
    pub retry_mode: Option<String>,
    /// `sts_region`.
    pub sts_region: Option<String>,
    /// Endpoint overrides by service (`s3`, `sts`, `dynamodb`, `ec2`, ...).
    pub endpoints: BTreeMap<String, String>,
    /// Roles to assume, in order (a web identity first).
    pub roles: Vec<RoleStep>,
}

impl AuthSettings {
    /// The endpoint override of `service`, if any.
    pub fn endpoint(&self, service: &str) -> Option<&str> {
        self.endpoints.get(service).map(String::as_str)
    }

    /// `access_key` and `secret_key` (with `token`), which must come together.
    pub fn static_keys(&self) -> Result<Option<Credentials>, AuthError> {
        match (&self.access_key, &self.secret_key) {
            (Some(a), Some(s)) => Ok(Some(Credentials::new(
                a,
                s,
                self.token.clone(),
                None,
                "autostack-static-keys",
            ))),
            (None, None) => Ok(None),
            _ => Err(AuthError::new(
                "Invalid provider configuration",
                "access_key and secret_key must be set together.",
            )),
        }
    }

    /// The retry configuration: `retry_mode` (or `AWS_RETRY_MODE`) and `max_retries`
    /// (`default_retries` when unset). Throttling and 5xx are retried with jittered
    /// exponential backoff. The mode defaults to `adaptive`: after a throttling error the
    /// SDK's client-side token bucket slows every call of the service down, and speeds up
    /// again as calls succeed (with `standard`, 100 creates against an API throttling half
    /// of them took 2.4 times the calls of an unthrottled apply; with `adaptive`, 1.03 times:
    /// engine/cli/tests/aws_throttle.rs).
    pub fn retry_config(&self, default_retries: u32) -> Result<RetryConfig, AuthError> {
        let max_retries = self.max_retries.unwrap_or(default_retries).min(100);
        let mode = self.retry_mode.clone().or_else(|| {
            std::env::var("AWS_RETRY_MODE")
                .ok()
                .filter(|m| !m.is_empty())
        });
        let base = match mode.as_deref().map(str::to_ascii_lowercase).as_deref() {
            Some("standard") => RetryConfig::standard(),
            None | Some("adaptive") => RetryConfig::adaptive(),
            Some(_) => {
                let summary = format!("unknown RetryMode, {}", mode.unwrap_or_default());
                return Err(AuthError::new(summary, ""));
            }
        };
        Ok(base
            .with_max_attempts(max_retries + 1)
            .with_initial_backoff(Duration::from_millis(50))
            .with_max_backoff(Duration::from_secs(5)))
    }

    /// The shared SDK configuration: the standard chain (environment, profile, IMDS) unless
    /// keys are set, then the role chain on top (assumed now, so a role that cannot be
    /// assumed fails here, with the role named).
    pub async fn sdk_config(&self, default_retries: u32) -> Result<SdkConfig, AuthError> {
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .retry_config(self.retry_config(default_retries)?)
            .use_fips(self.use_fips)
            .use_dual_stack(self.use_dual_stack);
        if let Some(r) = &self.region {
            loader = loader.region(Region::new(r.clone()));
        }
        if let Some(p) = &self.profile {
            loader = loader.profile_name(p);
        }
        if let Some(files) = self.profile_files() {
            loader = loader.profile_files(files);
        }
        if let Some(c) = self.static_keys()? {
            loader = loader.credentials_provider(SharedCredentialsProvider::new(c));
        } else if self.skip_imds {
            loader = loader.credentials_provider(self.chain_without_imds());
        }
        let sdk = loader.load().await;
        if self.roles.is_empty() {
            return Ok(sdk);
        }
        let chain = RoleChain {
            base: self.sts_base(&sdk),
            steps: self.roles.clone(),
        };
        if let Err(e) = chain.resolve().await {
            return Err(AuthError::new("Cannot assume IAM Role", error_chain(&e)));
        }
        Ok(sdk
            .into_builder()
            .credentials_provider(SharedCredentialsProvider::new(chain))
            .build())
    }

    /// `shared_config_files` and `shared_credentials_files`, replacing the default files of
    /// their kind (as in hashicorp/aws); None when neither is set.
    fn profile_files(&self) -> Option<EnvConfigFiles> {
        let (config, creds) = (&self.shared_config_files, &self.shared_credentials_files);
        if config.is_empty() && creds.is_empty() {
            return None;
        }
        let mut b = EnvConfigFiles::builder()
            .include_default_config_file(config.is_empty())
            .include_default_credentials_file(creds.is_empty());
        for f in config {
            b = b.with_file(EnvConfigFileKind::Config, f);
        }
        for f in creds {
            b = b.with_file(EnvConfigFileKind::Credentials, f);
        }
        Some(b.build())
    }

    /// Environment and profile credentials only (`skip_metadata_api_check`).
    fn chain_without_imds(&self) -> CredentialsProviderChain {
        let mut profile = aws_config::profile::ProfileFileCredentialsProvider::builder()
            .profile_name(self.profile.clone().unwrap_or_else(|| "default".into()));
        if let Some(files) = self.profile_files() {
            profile = profile.profile_files(files);
        }
        CredentialsProviderChain::first_try(
            "Environment",
            aws_config::environment::EnvironmentVariableCredentialsProvider::new(),
        )
        .or_else("Profile", profile.build())
    }

    /// The configuration STS calls use: the `sts` endpoint and `sts_region`, when set.
    pub fn sts_base(&self, sdk: &SdkConfig) -> SdkConfig {
        let mut b = sdk.to_builder();
        if let Some(url) = self.endpoint("sts") {
            b.set_endpoint_url(Some(url.to_string()));
        }
        if let Some(r) = &self.sts_region {
            b.set_region(Some(Region::new(r.clone())));
        }
        b.build()
    }
}

/// A retry partition of its own for `service`, without the SDK's retry quota: a long apply
/// against a throttling API must keep retrying, as hashicorp/aws does.
pub fn retry_partition(service: &str) -> RetryPartition {
    RetryPartition::custom(format!("autostack-{service}"))
        .token_bucket(TokenBucket::unlimited())
        .build()
}

/// An error and its causes as one line ("dispatch failure: ...: request forbidden"), each
/// message once, without the SDK's debug dump.
pub fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let m = c.to_string();
        if !out.contains(&m) {
            out.push_str(": ");
            out.push_str(&m);
        }
        cause = c.source();
    }
    out
}

/// The ARN partition of a region.
pub fn partition_of(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_smithy_types::retry::RetryMode;

    #[test]
    fn retry_mode_and_max_retries_shape_the_sdks_retries() {
        let s = AuthSettings {
            retry_mode: Some("adaptive".into()),
            max_retries: Some(3),
            ..AuthSettings::default()
        };
        let r = s.retry_config(25).expect("valid");
        assert_eq!(r.mode(), RetryMode::Adaptive);
        assert_eq!(r.max_attempts(), 4);
        let s = AuthSettings {
            retry_mode: Some("standard".into()),
            ..AuthSettings::default()
        };
        let r = s.retry_config(25).expect("valid");
        assert_eq!(r.mode(), RetryMode::Standard);
        assert_eq!(
            r.max_attempts(),
            26,
            "the caller's default applies when unset"
        );
        let bad = AuthSettings {
            retry_mode: Some("sometimes".into()),
            ..AuthSettings::default()
        };
        assert_eq!(
            bad.retry_config(5).unwrap_err().summary,
            "unknown RetryMode, sometimes"
        );
        if std::env::var_os("AWS_RETRY_MODE").is_none() {
            let unset = AuthSettings::default().retry_config(25).expect("valid");
            assert_eq!(unset.mode(), RetryMode::Adaptive, "adaptive by default");
        }
    }

    #[test]
    fn keys_come_in_pairs() {
        let half = AuthSettings {
            access_key: Some("a".into()),
            ..AuthSettings::default()
        };
        assert!(half.static_keys().is_err());
        let both = AuthSettings {
            access_key: Some("a".into()),
            secret_key: Some("s".into()),
            ..AuthSettings::default()
        };
        assert!(both.static_keys().expect("pair").is_some());
        assert!(AuthSettings::default()
            .static_keys()
            .expect("none")
            .is_none());
    }

    #[test]
    fn partitions_follow_the_region() {
        assert_eq!(partition_of("us-east-1"), "aws");
        assert_eq!(partition_of("cn-north-1"), "aws-cn");
        assert_eq!(partition_of("us-gov-west-1"), "aws-us-gov");
    }
}
