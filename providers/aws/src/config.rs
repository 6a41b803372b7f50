//! The `provider "aws"` block (hashicorp/aws's whole schema, see [`provider_schema`]):
//! region, credentials, assumed roles, endpoints, retries, account checks, default and
//! ignored tags, and the skip flags, turned into configured SDK clients.

use crate::assume::{read_steps, RoleChain, RoleStep};
use crate::attrs::{get, get_bool, get_str, get_strings, string_map};
use crate::client::{waiter_backoff, AwsClient, AwsError, AwsResultExt};
use crate::provider_schema;
use async_trait::async_trait;
use autostack_provider_sdk::labels::{IgnoreTags, Labels, AWS_TAGS};
use autostack_provider_sdk::Planning;
use autostack_provider_sdk::{Block, ClientFactory};
use autostack_value::{Diagnostic, Diagnostics, Value};
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

/// The services this provider calls, whose `endpoints { ... }` overrides it honours (every
/// other service key of hashicorp/aws is accepted and unused); `s3api` is hashicorp/aws's
/// alias of `s3`.
const ENDPOINT_ALIASES: [(&str, &str); 4] = [
    ("ec2", "ec2"),
    ("s3", "s3"),
    ("s3api", "s3"),
    ("sts", "sts"),
];

/// Builds [`AwsClient`]s from `provider "aws"` blocks.
pub struct AwsFactory;

#[async_trait]
impl ClientFactory for AwsFactory {
    type Client = AwsClient;

    fn config_schema(&self) -> Block {
        provider_schema::schema().clone()
    }

    async fn configure(&self, config: &Value) -> Result<AwsClient, Diagnostics> {
        let settings = Settings::read(config)?;
        let sdk = settings.sdk_config().await?;
        let region = sdk.region().map(|r| r.to_string()).unwrap_or_default();
        if region.is_empty() {
            return Err(Diagnostic::error(
                "Missing required argument",
                "The \"region\" attribute or the \"AWS_REGION\" or \"AWS_DEFAULT_REGION\" environment variables must be set.",
                None,
            )
            .into());
        }
        let ec2 = aws_sdk_ec2::Client::from_conf(settings.ec2_config(&sdk));
        let s3 = aws_sdk_s3::Client::from_conf(settings.s3_config(&sdk));
        let sts = aws_sdk_sts::Client::from_conf(settings.sts_config(&sdk));
        // Terraform validates credentials with STS GetCallerIdentity, which also gives the
        // account ID for ARNs; each half can be skipped.
        let account_id = if settings.skip_validation && settings.skip_account_id {
            String::new()
        } else {
            match sts.get_caller_identity().send().await.aws() {
                Ok(_) if settings.skip_account_id => String::new(),
                Ok(out) => out.account().unwrap_or_default().to_string(),
                Err(_) if settings.skip_validation => String::new(),
                Err(e) => return Err(credential_error(&e)),
            }
        };
        settings.accounts.check(&account_id)?;
        Ok(AwsClient {
            ec2,
            s3,
            sts,
            partition: partition_of(&region).to_string(),
            region,
            account_id,
            tags: Labels {
                names: AWS_TAGS,
                defaults: settings.default_tags,
                ignore: settings.ignore_tags,
                attribution: None,
            },
            wait: waiter_backoff(),
        })
    }

    /// hashicorp/aws is built on the legacy plugin SDK, and merges `default_tags`.
    fn planning<'c>(&self, client: &'c AwsClient) -> Planning<'c> {
        Planning {
            legacy: true,
            labels: Some(&client.tags),
        }
    }

    /// EC2 objects carry their create's token in the intent tag.
    async fn find_by_token(
        &self,
        client: &AwsClient,
        token: &str,
    ) -> Result<Option<String>, Diagnostics> {
        crate::recover::tagged(client, token).await
    }
}

fn credential_error(e: &AwsError) -> Diagnostics {
    Diagnostic::error(
        "Retrieving AWS account details: validating provider credentials",
        format!(
            "Retrieving caller identity from STS failed: {e}. Set credentials (access_key and secret_key, a profile, or the AWS_* environment variables), or skip_credentials_validation = true."
        ),
        None,
    )
    .into()
}

/// The ARN partition of a region.
fn partition_of(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

/// `allowed_account_ids` / `forbidden_account_ids`.
#[derive(Default)]
struct AccountRule {
    allowed: Vec<String>,
    forbidden: Vec<String>,
}

impl AccountRule {
    fn read(config: &Value) -> Result<AccountRule, Diagnostics> {
        let rule = AccountRule {
            allowed: get_strings(config, "allowed_account_ids"),
            forbidden: get_strings(config, "forbidden_account_ids"),
        };
        if rule.allowed.is_empty() || rule.forbidden.is_empty() {
            return Ok(rule);
        }
        let conflict = |a: &str, b: &str| {
            Diagnostic::error(
                "Conflicting configuration arguments",
                format!("\"{a}\": conflicts with {b}"),
                None,
            )
        };
        Err(Diagnostics(vec![
            conflict("allowed_account_ids", "forbidden_account_ids"),
            conflict("forbidden_account_ids", "allowed_account_ids"),
        ]))
    }

    /// The account check hashicorp/aws makes after learning the account ID (none when the
    /// ID was not requested).
    fn check(&self, account_id: &str) -> Result<(), Diagnostics> {
        let denied = !account_id.is_empty()
            && (self.forbidden.iter().any(|a| a == account_id)
                || (!self.allowed.is_empty() && !self.allowed.iter().any(|a| a == account_id)));
        if denied {
            let summary = format!("AWS account ID not allowed: {account_id}");
            return Err(Diagnostic::error(summary, String::new(), None).into());
        }
        Ok(())
    }
}

/// The provider block, read into plain settings.
struct Settings {
    region: Option<String>,
    static_keys: Option<Credentials>,
    profile: Option<String>,
    profile_files: Option<EnvConfigFiles>,
    skip_validation: bool,
    skip_account_id: bool,
    skip_imds: bool,
    path_style: bool,
    use_fips: bool,
    use_dual_stack: bool,
    retry: RetryConfig,
    sts_region: Option<String>,
    endpoints: BTreeMap<&'static str, String>,
    default_tags: BTreeMap<String, String>,
    ignore_tags: IgnoreTags,
    accounts: AccountRule,
    roles: Vec<RoleStep>,
}

/// The first block of a list-nested block type.
fn first_block(config: &Value, name: &str) -> Option<Value> {
    get(config, name)
        .and_then(Value::as_seq)
        .and_then(|s| s.first())
        .cloned()
}

impl Settings {
    fn read(config: &Value) -> Result<Settings, Diagnostics> {
        let opt = |n: &str| get_str(config, n).map(str::to_string);
        let flag = |n: &str| get_bool(config, n).unwrap_or(false);
        let ignore = first_block(config, "ignore_tags");
        Ok(Settings {
            region: opt("region"),
            static_keys: static_keys(config)?,
            profile: opt("profile"),
            profile_files: profile_files(config),
            skip_validation: flag("skip_credentials_validation"),
            skip_account_id: flag("skip_requesting_account_id"),
            // A string in hashicorp/aws 5.x ("true", "false" or unset).
            skip_imds: get_str(config, "skip_metadata_api_check")
                .is_some_and(|s| s.eq_ignore_ascii_case("true")),
            path_style: flag("s3_use_path_style"),
            use_fips: flag("use_fips_endpoint"),
            use_dual_stack: flag("use_dualstack_endpoint"),
            retry: retry_config(config)?,
            sts_region: opt("sts_region"),
            endpoints: endpoints(config),
            default_tags: first_block(config, "default_tags")
                .and_then(|d| get(&d, "tags").map(string_map))
                .unwrap_or_default(),
            ignore_tags: IgnoreTags {
                keys: ignore
                    .as_ref()
                    .map(|i| get_strings(i, "keys"))
                    .unwrap_or_default()
                    .into_iter()
                    .collect(),
                key_prefixes: ignore
                    .as_ref()
                    .map(|i| get_strings(i, "key_prefixes"))
                    .unwrap_or_default(),
            },
            accounts: AccountRule::read(config)?,
            roles: read_steps(config)?,
        })
    }

    /// The shared SDK configuration: the standard chain (environment, profile, IMDS) unless
    /// the block sets keys, then the role chain on top; `AWS_ENDPOINT_URL` and
    /// `AWS_ENDPOINT_URL_<SERVICE>` are honoured by the SDK itself.
    async fn sdk_config(&self) -> Result<SdkConfig, Diagnostics> {
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .retry_config(self.retry.clone())
            .use_fips(self.use_fips)
            .use_dual_stack(self.use_dual_stack);
        if let Some(r) = &self.region {
            loader = loader.region(Region::new(r.clone()));
        }
        if let Some(p) = &self.profile {
            loader = loader.profile_name(p);
        }
        if let Some(files) = &self.profile_files {
            loader = loader.profile_files(files.clone());
        }
        if let Some(c) = &self.static_keys {
            loader = loader.credentials_provider(SharedCredentialsProvider::new(c.clone()));
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
        // hashicorp/aws assumes the role while configuring, so a role that cannot be
        // assumed fails here, with the role named.
        if let Err(e) = chain.resolve().await {
            let detail = crate::client::error_chain(&e);
            return Err(Diagnostic::error("Cannot assume IAM Role", detail, None).into());
        }
        Ok(sdk
            .into_builder()
            .credentials_provider(SharedCredentialsProvider::new(chain))
            .build())
    }

    /// Environment and profile credentials only (`skip_metadata_api_check`).
    fn chain_without_imds(&self) -> CredentialsProviderChain {
        let mut profile = aws_config::profile::ProfileFileCredentialsProvider::builder()
            .profile_name(self.profile.clone().unwrap_or_else(|| "default".into()));
        if let Some(files) = &self.profile_files {
            profile = profile.profile_files(files.clone());
        }
        CredentialsProviderChain::first_try(
            "Environment",
            aws_config::environment::EnvironmentVariableCredentialsProvider::new(),
        )
        .or_else("Profile", profile.build())
    }

    /// The configuration STS calls of the role chain use: the `sts` endpoint and
    /// `sts_region`, when set.
    fn sts_base(&self, sdk: &SdkConfig) -> SdkConfig {
        let mut b = sdk.to_builder();
        if let Some(url) = self.endpoints.get("sts") {
            b.set_endpoint_url(Some(url.clone()));
        }
        if let Some(r) = &self.sts_region {
            b.set_region(Some(Region::new(r.clone())));
        }
        b.build()
    }

    fn partition(&self, service: &str) -> RetryPartition {
        RetryPartition::custom(format!("autostack-{service}"))
            .token_bucket(TokenBucket::unlimited())
            .build()
    }

    fn ec2_config(&self, sdk: &SdkConfig) -> aws_sdk_ec2::Config {
        let mut b = aws_sdk_ec2::config::Builder::from(sdk).retry_partition(self.partition("ec2"));
        if let Some(url) = self.endpoints.get("ec2") {
            b = b.endpoint_url(url);
        }
        b.build()
    }

    fn s3_config(&self, sdk: &SdkConfig) -> aws_sdk_s3::Config {
        let mut b = aws_sdk_s3::config::Builder::from(sdk)
            .retry_partition(self.partition("s3"))
            .force_path_style(self.path_style);
        if let Some(url) = self.endpoints.get("s3") {
            b = b.endpoint_url(url);
        }
        b.build()
    }

    fn sts_config(&self, sdk: &SdkConfig) -> aws_sdk_sts::Config {
        let mut b = aws_sdk_sts::config::Builder::from(sdk).retry_partition(self.partition("sts"));
        if let Some(url) = self.endpoints.get("sts") {
            b = b.endpoint_url(url);
        }
        if let Some(r) = &self.sts_region {
            b = b.region(Region::new(r.clone()));
        }
        b.build()
    }
}

/// `access_key` and `secret_key` (with `token`), which must come together.
fn static_keys(config: &Value) -> Result<Option<Credentials>, Diagnostics> {
    match (get_str(config, "access_key"), get_str(config, "secret_key")) {
        (Some(a), Some(s)) => Ok(Some(Credentials::new(
            a,
            s,
            get_str(config, "token").map(str::to_string),
            None,
            "autostack-provider-block",
        ))),
        (None, None) => Ok(None),
        _ => Err(Diagnostic::error(
            "Invalid provider configuration",
            "access_key and secret_key must be set together.",
            None,
        )
        .into()),
    }
}

/// `shared_config_files` and `shared_credentials_files`, replacing the default files of
/// their kind (as in hashicorp/aws); None when neither is set.
fn profile_files(config: &Value) -> Option<EnvConfigFiles> {
    let config_files = get_strings(config, "shared_config_files");
    let cred_files = get_strings(config, "shared_credentials_files");
    if config_files.is_empty() && cred_files.is_empty() {
        return None;
    }
    let mut b = EnvConfigFiles::builder()
        .include_default_config_file(config_files.is_empty())
        .include_default_credentials_file(cred_files.is_empty());
    for f in config_files {
        b = b.with_file(EnvConfigFileKind::Config, f);
    }
    for f in cred_files {
        b = b.with_file(EnvConfigFileKind::Credentials, f);
    }
    Some(b.build())
}

/// The endpoint overrides this provider honours, by the service they apply to.
fn endpoints(config: &Value) -> BTreeMap<&'static str, String> {
    let Some(block) = first_block(config, "endpoints") else {
        return BTreeMap::new();
    };
    ENDPOINT_ALIASES
        .iter()
        .filter_map(|(key, svc)| get_str(&block, key).map(|u| (*svc, u.to_string())))
        .collect()
}

/// `retry_mode` (or `AWS_RETRY_MODE`) and `max_retries` (25 when unset, as in hashicorp/aws).
/// Throttling and 5xx are retried with jittered exponential backoff.
fn retry_config(config: &Value) -> Result<RetryConfig, Diagnostics> {
    let max_retries = get(config, "max_retries")
        .and_then(Value::as_number)
        .and_then(|n| n.to_i64())
        .map_or(25, |n| n.clamp(0, 100) as u32);
    let mode = get_str(config, "retry_mode")
        .map(str::to_string)
        .or_else(|| {
            std::env::var("AWS_RETRY_MODE")
                .ok()
                .filter(|m| !m.is_empty())
        });
    let base = match mode.as_deref().map(str::to_ascii_lowercase).as_deref() {
        None | Some("standard") => RetryConfig::standard(),
        Some("adaptive") => RetryConfig::adaptive(),
        Some(_) => {
            let summary = format!("unknown RetryMode, {}", mode.unwrap_or_default());
            return Err(Diagnostic::error(summary, String::new(), None).into());
        }
    };
    Ok(base
        .with_max_attempts(max_retries + 1)
        .with_initial_backoff(Duration::from_millis(50))
        .with_max_backoff(Duration::from_secs(5)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_smithy_types::retry::RetryMode;

    fn block(pairs: Vec<(&str, Value)>) -> Value {
        Value::object_from(pairs)
    }

    #[test]
    fn retry_mode_and_max_retries_shape_the_sdks_retries() {
        let r = retry_config(&block(vec![
            ("retry_mode", Value::string("adaptive")),
            ("max_retries", Value::int(3)),
        ]))
        .expect("valid");
        assert_eq!(r.mode(), RetryMode::Adaptive);
        assert_eq!(r.max_attempts(), 4);
        let r =
            retry_config(&block(vec![("retry_mode", Value::string("standard"))])).expect("valid");
        assert_eq!(r.mode(), RetryMode::Standard);
        assert_eq!(
            r.max_attempts(),
            26,
            "25 retries by default, as hashicorp/aws"
        );
    }

    #[test]
    fn endpoint_keys_map_to_the_services_called() {
        let e = endpoints(&block(vec![(
            "endpoints",
            Value::tuple(vec![block(vec![
                ("s3api", Value::string("http://s3")),
                ("iam", Value::string("http://iam")),
                ("sts", Value::string("http://sts")),
            ])]),
        )]));
        assert_eq!(e.get("s3").map(String::as_str), Some("http://s3"));
        assert_eq!(e.get("sts").map(String::as_str), Some("http://sts"));
        assert_eq!(e.len(), 2, "iam is accepted but unused: {e:?}");
    }
}
