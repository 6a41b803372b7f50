//! The configured AWS clients one provider block shares, and how AWS errors become
//! diagnostics.

use autostack_provider_sdk::retry::Backoff;
use autostack_provider_sdk::ApplyError;
use autostack_value::{Diagnostic, Diagnostics};
use aws_sdk_ec2::error::ProvideErrorMetadata;
use std::collections::BTreeMap;
use std::time::Duration;

/// Everything a resource type needs to talk to AWS for one provider block.
pub struct AwsClient {
    /// EC2 (VPC, subnets, instances, volumes, addresses, key pairs, AMIs).
    pub ec2: aws_sdk_ec2::Client,
    /// S3 (buckets and their versioning).
    pub s3: aws_sdk_s3::Client,
    /// STS (caller identity).
    pub sts: aws_sdk_sts::Client,
    /// The region every call goes to.
    pub region: String,
    /// The account ID (from STS, or "" when `skip_requesting_account_id`).
    pub account_id: String,
    /// The partition for ARNs (`aws`, `aws-cn`, `aws-us-gov`).
    pub partition: String,
    /// `default_tags { tags = {...} }`, merged under every resource's `tags` into `tags_all`.
    pub default_tags: BTreeMap<String, String>,
    /// `ignore_tags { ... }`: tags left out of `tags` and `tags_all`.
    pub ignore_tags: crate::tags::IgnoreTags,
    /// How waiters poll: first check after ~100 ms, then exponential with jitter.
    pub wait: Backoff,
}

impl AwsClient {
    /// An ARN in this client's partition, region and account.
    pub fn arn(&self, service: &str, resource: &str) -> String {
        format!(
            "arn:{}:{service}:{}:{}:{resource}",
            self.partition, self.region, self.account_id
        )
    }
}

/// How waiters poll a resource into a state: quick first checks, capped at 2 s apart, for up
/// to about ten minutes.
pub fn waiter_backoff() -> Backoff {
    Backoff {
        initial: Duration::from_millis(100),
        max: Duration::from_secs(2),
        attempts: 320,
    }
}

/// An error returned by AWS (or by the SDK before reaching it): its code and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsError {
    /// AWS's error code (`InvalidVpcID.NotFound`), or the SDK's failure kind.
    pub code: String,
    /// The message.
    pub message: String,
}

impl AwsError {
    /// Captures the code and message of any SDK error.
    pub fn from_sdk<E, R>(e: aws_smithy_runtime_api::client::result::SdkError<E, R>) -> AwsError
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + Send + Sync + 'static,
    {
        let code = e.code().map(str::to_string);
        let message = e.message().map(str::to_string);
        match code {
            Some(code) => AwsError {
                code,
                message: message.unwrap_or_default(),
            },
            None => AwsError {
                code: sdk_failure_kind(&e).to_string(),
                message: error_chain(&e),
            },
        }
    }

    /// A failure detected by the provider itself (a waiter timing out, a missing object).
    pub fn local(code: &str, message: impl Into<String>) -> AwsError {
        AwsError {
            code: code.to_string(),
            message: message.into(),
        }
    }

    /// True for "does not exist" codes (`InvalidVpcID.NotFound`, `NoSuchBucket`, ...).
    pub fn is_not_found(&self) -> bool {
        self.code.ends_with("NotFound") || self.code == "NoSuchBucket"
    }

    /// The diagnostic for `action` (e.g. "creating EC2 VPC") failing with this error.
    pub fn diagnostic(&self, action: &str) -> Diagnostic {
        Diagnostic::error(
            format!("{action}: {}", self.code),
            format!("AWS error {}: {}", self.code, self.message),
            None,
        )
    }

    /// The diagnostics for `action` failing with this error.
    pub fn diags(&self, action: &str) -> Diagnostics {
        self.diagnostic(action).into()
    }

    /// The apply error for `action` failing with this error (nothing left behind).
    pub fn apply_error(&self, action: &str) -> ApplyError {
        ApplyError::from(self.diags(action))
    }
}

impl std::fmt::Display for AwsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

/// An error and its causes as one line ("dispatch failure: ...: request forbidden"), each
/// message once, without the SDK's debug dump.
pub(crate) fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
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

fn sdk_failure_kind<E, R>(
    e: &aws_smithy_runtime_api::client::result::SdkError<E, R>,
) -> &'static str {
    use aws_smithy_runtime_api::client::result::SdkError as S;
    match e {
        S::ConstructionFailure(_) => "RequestConstructionFailure",
        S::TimeoutError(_) => "RequestTimeout",
        S::DispatchFailure(_) => "ConnectionFailure",
        S::ResponseError(_) => "InvalidResponse",
        S::ServiceError(_) => "ServiceError",
        _ => "Unknown",
    }
}

/// Converts an SDK result into our error type.
pub trait AwsResultExt<T> {
    /// Maps the error to [`AwsError`].
    fn aws(self) -> Result<T, AwsError>;
}

impl<T, E, R> AwsResultExt<T> for Result<T, aws_smithy_runtime_api::client::result::SdkError<E, R>>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    fn aws(self) -> Result<T, AwsError> {
        self.map_err(AwsError::from_sdk)
    }
}

/// A delete's outcome, with an object already gone (a "NotFound" error) counting as deleted.
pub fn done_if_gone<T>(r: Result<T, AwsError>) -> Result<(), AwsError> {
    match r {
        Err(e) if e.is_not_found() => Ok(()),
        r => r.map(|_| ()),
    }
}

/// Converts our error into diagnostics or apply errors naming the action.
pub trait ActionExt<T> {
    /// Diagnostics for `action` failing.
    fn or_diags(self, action: &str) -> Result<T, Diagnostics>;
    /// An apply error for `action` failing.
    fn or_apply(self, action: &str) -> Result<T, ApplyError>;
}

impl<T> ActionExt<T> for Result<T, AwsError> {
    fn or_diags(self, action: &str) -> Result<T, Diagnostics> {
        self.map_err(|e| e.diags(action))
    }
    fn or_apply(self, action: &str) -> Result<T, ApplyError> {
        self.map_err(|e| e.apply_error(action))
    }
}
