//! The `provider "aws"` block (hashicorp/aws's whole schema, see [`provider_schema`]):
//! region, credentials, assumed roles, endpoints, retries, account checks, default and
//! ignored tags, and the skip flags, turned into configured SDK clients.

use crate::assume::read_steps;
use crate::attrs::{get, get_bool, get_str, get_strings, string_map};
use crate::client::{waiter_backoff, AwsClient, AwsError, AwsResultExt};
use crate::provider_schema;
use async_trait::async_trait;
use autostack_aws_auth::{partition_of, retry_partition, AuthError, AuthSettings};
use autostack_provider_sdk::labels::{IgnoreTags, Labels, AWS_TAGS};
use autostack_provider_sdk::Planning;
use autostack_provider_sdk::{Block, ClientFactory};
use autostack_value::{Diagnostic, Diagnostics, Value};
use aws_types::region::Region;
use aws_types::SdkConfig;
use std::collections::BTreeMap;

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
    /// How AWS is reached (shared with the S3 state backend).
    auth: AuthSettings,
    skip_validation: bool,
    skip_account_id: bool,
    path_style: bool,
    default_tags: BTreeMap<String, String>,
    ignore_tags: IgnoreTags,
    accounts: AccountRule,
}

/// hashicorp/aws retries 25 times when `max_retries` is unset.
const DEFAULT_RETRIES: u32 = 25;

fn auth_error(e: AuthError) -> Diagnostics {
    Diagnostic::error(e.summary, e.detail, None).into()
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
        let auth = AuthSettings {
            region: opt("region"),
            access_key: opt("access_key"),
            secret_key: opt("secret_key"),
            token: opt("token"),
            profile: opt("profile"),
            shared_config_files: get_strings(config, "shared_config_files"),
            shared_credentials_files: get_strings(config, "shared_credentials_files"),
            // A string in hashicorp/aws 5.x ("true", "false" or unset).
            skip_imds: get_str(config, "skip_metadata_api_check")
                .is_some_and(|s| s.eq_ignore_ascii_case("true")),
            use_fips: flag("use_fips_endpoint"),
            use_dual_stack: flag("use_dualstack_endpoint"),
            max_retries: get(config, "max_retries")
                .and_then(Value::as_number)
                .and_then(|n| n.to_i64())
                .map(|n| n.clamp(0, 100) as u32),
            retry_mode: opt("retry_mode"),
            sts_region: opt("sts_region"),
            endpoints: endpoints(config),
            roles: read_steps(config)?,
        };
        auth.static_keys().map_err(auth_error)?;
        auth.retry_config(DEFAULT_RETRIES).map_err(auth_error)?;
        Ok(Settings {
            auth,
            skip_validation: flag("skip_credentials_validation"),
            skip_account_id: flag("skip_requesting_account_id"),
            path_style: flag("s3_use_path_style"),
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
        })
    }

    /// The shared SDK configuration (see `autostack_aws_auth`).
    async fn sdk_config(&self) -> Result<SdkConfig, Diagnostics> {
        self.auth
            .sdk_config(DEFAULT_RETRIES)
            .await
            .map_err(auth_error)
    }

    fn ec2_config(&self, sdk: &SdkConfig) -> aws_sdk_ec2::Config {
        let mut b = aws_sdk_ec2::config::Builder::from(sdk).retry_partition(retry_partition("ec2"));
        if let Some(url) = self.auth.endpoint("ec2") {
            b = b.endpoint_url(url);
        }
        b.build()
    }

    fn s3_config(&self, sdk: &SdkConfig) -> aws_sdk_s3::Config {
        let mut b = aws_sdk_s3::config::Builder::from(sdk)
            .retry_partition(retry_partition("s3"))
            .force_path_style(self.path_style);
        if let Some(url) = self.auth.endpoint("s3") {
            b = b.endpoint_url(url);
        }
        b.build()
    }

    fn sts_config(&self, sdk: &SdkConfig) -> aws_sdk_sts::Config {
        let mut b = aws_sdk_sts::config::Builder::from(sdk).retry_partition(retry_partition("sts"));
        if let Some(url) = self.auth.endpoint("sts") {
            b = b.endpoint_url(url);
        }
        if let Some(r) = &self.auth.sts_region {
            b = b.region(Region::new(r.clone()));
        }
        b.build()
    }
}

/// The endpoint overrides this provider honours, by the service they apply to.
fn endpoints(config: &Value) -> BTreeMap<String, String> {
    let Some(block) = first_block(config, "endpoints") else {
        return BTreeMap::new();
    };
    ENDPOINT_ALIASES
        .iter()
        .filter_map(|(key, svc)| get_str(&block, key).map(|u| (svc.to_string(), u.to_string())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(pairs: Vec<(&str, Value)>) -> Value {
        Value::object_from(pairs)
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
