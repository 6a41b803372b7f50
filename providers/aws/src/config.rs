//! The `provider "aws"` block: region, credentials, endpoints, default tags, and the skip
//! flags, turned into configured SDK clients.

use crate::attrs::{get, get_bool, get_str, string_map};
use crate::client::{waiter_backoff, AwsClient, AwsError, AwsResultExt};
use async_trait::async_trait;
use autostack_provider_sdk::{Attribute, Block, ClientFactory, Nesting};
use autostack_value::{Diagnostic, Diagnostics, Type, Value};
use aws_config::meta::credentials::CredentialsProviderChain;
use aws_config::BehaviorVersion;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_credential_types::Credentials;
use aws_smithy_runtime::client::retries::{RetryPartition, TokenBucket};
use aws_smithy_types::retry::RetryConfig;
use aws_types::region::Region;
use aws_types::SdkConfig;
use std::collections::BTreeMap;
use std::time::Duration;

/// The endpoint overrides `endpoints { ... }` accepts (a subset of hashicorp/aws's list: the
/// services this provider calls).
const ENDPOINT_SERVICES: [&str; 3] = ["ec2", "s3", "sts"];

/// Builds [`AwsClient`]s from `provider "aws"` blocks.
pub struct AwsFactory;

#[async_trait]
impl ClientFactory for AwsFactory {
    type Client = AwsClient;

    fn config_schema(&self) -> Block {
        let s = || Attribute::optional(Type::String);
        let b = || Attribute::optional(Type::Bool);
        let mut endpoints = Block::new();
        for svc in ENDPOINT_SERVICES {
            endpoints = endpoints.attr(svc, s());
        }
        Block::new()
            .attr("region", s().describe("The AWS region (or AWS_REGION)."))
            .attr("access_key", s().sensitive())
            .attr("secret_key", s().sensitive())
            .attr("token", s().sensitive())
            .attr(
                "profile",
                s().describe("A profile of the shared config files."),
            )
            .attr("skip_credentials_validation", b())
            .attr("skip_requesting_account_id", b())
            .attr("skip_metadata_api_check", b())
            .attr("skip_region_validation", b())
            .attr("s3_use_path_style", b())
            .attr("max_retries", Attribute::optional(Type::Number))
            .block(
                "default_tags",
                Nesting::List,
                Block::new().attr("tags", Attribute::optional(Type::map(Type::String))),
            )
            .block("endpoints", Nesting::List, endpoints)
    }

    async fn configure(&self, config: &Value) -> Result<AwsClient, Diagnostics> {
        let settings = Settings::read(config)?;
        let sdk = settings.sdk_config().await;
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
        Ok(AwsClient {
            ec2,
            s3,
            sts,
            partition: partition_of(&region).to_string(),
            region,
            account_id,
            default_tags: settings.default_tags,
            wait: waiter_backoff(),
        })
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

/// The provider block, read into plain settings.
struct Settings {
    region: Option<String>,
    static_keys: Option<Credentials>,
    profile: Option<String>,
    skip_validation: bool,
    skip_account_id: bool,
    skip_imds: bool,
    path_style: bool,
    max_retries: u32,
    endpoints: BTreeMap<String, String>,
    default_tags: BTreeMap<String, String>,
}

impl Settings {
    fn read(config: &Value) -> Result<Settings, Diagnostics> {
        let access = get_str(config, "access_key");
        let secret = get_str(config, "secret_key");
        let static_keys = match (access, secret) {
            (Some(a), Some(s)) => Some(Credentials::new(
                a,
                s,
                get_str(config, "token").map(str::to_string),
                None,
                "autostack-provider-block",
            )),
            (None, None) => None,
            _ => {
                return Err(Diagnostic::error(
                    "Invalid provider configuration",
                    "access_key and secret_key must be set together.",
                    None,
                )
                .into())
            }
        };
        let first_block = |name: &str| {
            get(config, name)
                .and_then(Value::as_seq)
                .and_then(|s| s.first())
                .cloned()
        };
        let endpoints = first_block("endpoints")
            .map(|e| {
                ENDPOINT_SERVICES
                    .iter()
                    .filter_map(|s| get_str(&e, s).map(|u| (s.to_string(), u.to_string())))
                    .collect()
            })
            .unwrap_or_default();
        let default_tags = first_block("default_tags")
            .and_then(|d| get(&d, "tags").map(string_map))
            .unwrap_or_default();
        let max_retries = get(config, "max_retries")
            .and_then(Value::as_number)
            .and_then(|n| n.to_i64())
            .map_or(25, |n| n.clamp(0, 100) as u32);
        Ok(Settings {
            region: get_str(config, "region").map(str::to_string),
            static_keys,
            profile: get_str(config, "profile").map(str::to_string),
            skip_validation: get_bool(config, "skip_credentials_validation").unwrap_or(false),
            skip_account_id: get_bool(config, "skip_requesting_account_id").unwrap_or(false),
            skip_imds: get_bool(config, "skip_metadata_api_check").unwrap_or(false),
            path_style: get_bool(config, "s3_use_path_style").unwrap_or(false),
            max_retries,
            endpoints,
            default_tags,
        })
    }

    /// The shared SDK configuration: the standard chain (environment, profile, IMDS) unless
    /// the block sets keys; `AWS_ENDPOINT_URL` and `AWS_ENDPOINT_URL_<SERVICE>` are honoured
    /// by the SDK itself.
    async fn sdk_config(&self) -> SdkConfig {
        // Throttling and 5xx are retried with jittered exponential backoff; the retry quota is
        // unlimited so a burst of faults cannot make later calls fail fast.
        let retry = RetryConfig::standard()
            .with_max_attempts(self.max_retries + 1)
            .with_initial_backoff(Duration::from_millis(50))
            .with_max_backoff(Duration::from_secs(5));
        let mut loader = aws_config::defaults(BehaviorVersion::latest()).retry_config(retry);
        if let Some(r) = &self.region {
            loader = loader.region(Region::new(r.clone()));
        }
        if let Some(p) = &self.profile {
            loader = loader.profile_name(p);
        }
        if let Some(c) = &self.static_keys {
            loader = loader.credentials_provider(SharedCredentialsProvider::new(c.clone()));
        } else if self.skip_imds {
            let chain = CredentialsProviderChain::first_try(
                "Environment",
                aws_config::environment::EnvironmentVariableCredentialsProvider::new(),
            )
            .or_else(
                "Profile",
                aws_config::profile::ProfileFileCredentialsProvider::builder()
                    .profile_name(self.profile.clone().unwrap_or_else(|| "default".into()))
                    .build(),
            );
            loader = loader.credentials_provider(chain);
        }
        loader.load().await
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
        b.build()
    }
}
