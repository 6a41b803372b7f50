//! The configured AWS clients one provider block shares, and how AWS errors become
//! diagnostics.

pub use autostack_provider_sdk::errors::{done_if_gone, ActionExt};
use autostack_provider_sdk::labels::Labels;
use autostack_provider_sdk::retry::{self, Backoff};
use autostack_provider_sdk::{ApplyError, CloudError, ErrorClass};
use autostack_value::Diagnostic;
use aws_sdk_ec2::error::ProvideErrorMetadata;
use std::future::Future;
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
    /// `tags`/`tags_all` with `default_tags { tags = {...} }` and `ignore_tags { ... }`.
    pub tags: Labels,
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

    /// Polls `check` until it returns true (see [`retry::wait_until`]).
    pub async fn wait_until<F, Fut>(&self, what: &str, check: F) -> Result<(), AwsError>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<bool, AwsError>>,
    {
        retry::wait_until(self.wait, what, check).await
    }

    /// Deletes with `op`, again while dependent objects are still going away (an instance's
    /// network interfaces, for up to about three minutes), an object already gone counting as
    /// deleted; a failure is an apply error for `action`.
    pub async fn delete<T, F, Fut>(&self, action: &str, op: F) -> Result<(), ApplyError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, AwsError>>,
    {
        retry::delete(self.patience(), op).await.or_apply(action)
    }

    /// The backoff for waiting out conflicts with objects still going away: the waiter's
    /// pace, for up to about three minutes.
    pub fn patience(&self) -> Backoff {
        Backoff {
            attempts: 90,
            ..self.wait
        }
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
}

/// How AWS error codes fall into the SDK's classes (hashicorp/aws's retry and not-found
/// rules): `*.NotFound` and `NoSuchBucket`-like codes are missing objects; throttling codes
/// are rate limits; dependency and state codes are conflicts that pass once other objects
/// settle; SDK transport failures and 5xx codes are transient.
pub fn classify(code: &str) -> ErrorClass {
    const NOT_FOUND: [&str; 5] = [
        "NoSuchBucket",
        "NoSuchKey",
        "NoSuchEntity",
        "InvalidAllocationID.NotFound",
        "InvalidKeyPair.NotFound",
    ];
    const THROTTLED: [&str; 6] = [
        "RequestLimitExceeded",
        "Throttling",
        "ThrottlingException",
        "TooManyRequestsException",
        "SlowDown",
        "RequestThrottled",
    ];
    const CONFLICT: [&str; 5] = [
        "DependencyViolation",
        "IncorrectState",
        "IncorrectInstanceState",
        "OperationAborted",
        "VolumeInUse",
    ];
    const TRANSIENT: [&str; 7] = [
        "InternalError",
        "InternalFailure",
        "ServiceUnavailable",
        "Unavailable",
        "RequestTimeout",
        "ConnectionFailure",
        "InvalidResponse",
    ];
    if let Ok(status) = code.parse::<u16>() {
        // Bodiless answers (HEAD) carry only the HTTP status as their code.
        return ErrorClass::of_status(status);
    }
    match code {
        c if c.ends_with(".NotFound") || c.ends_with("NotFound") || NOT_FOUND.contains(&c) => {
            ErrorClass::NotFound
        }
        c if THROTTLED.contains(&c) => ErrorClass::Throttled,
        c if CONFLICT.contains(&c) => ErrorClass::Conflict,
        c if TRANSIENT.contains(&c) => ErrorClass::Retryable,
        _ => ErrorClass::Fatal,
    }
}

impl CloudError for AwsError {
    fn class(&self) -> ErrorClass {
        classify(&self.code)
    }

    fn timed_out(what: &str) -> AwsError {
        AwsError::local("WaiterTimeout", format!("timed out waiting for {what}"))
    }

    fn diagnostic(&self, action: &str) -> Diagnostic {
        Diagnostic::error(
            format!("{action}: {}", self.code),
            format!("AWS error {}: {}", self.code, self.message),
            None,
        )
    }
}

impl std::fmt::Display for AwsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

pub(crate) use autostack_aws_auth::error_chain;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_codes_fall_into_classes() {
        let table = [
            ("InvalidInstanceID.NotFound", ErrorClass::NotFound),
            ("InvalidVpcID.NotFound", ErrorClass::NotFound),
            ("InvalidGroup.NotFound", ErrorClass::NotFound),
            ("NoSuchBucket", ErrorClass::NotFound),
            ("InvalidAllocationID.NotFound", ErrorClass::NotFound),
            ("RequestLimitExceeded", ErrorClass::Throttled),
            ("Throttling", ErrorClass::Throttled),
            ("SlowDown", ErrorClass::Throttled),
            ("DependencyViolation", ErrorClass::Conflict),
            ("IncorrectState", ErrorClass::Conflict),
            ("VolumeInUse", ErrorClass::Conflict),
            ("InternalError", ErrorClass::Retryable),
            ("ServiceUnavailable", ErrorClass::Retryable),
            ("503", ErrorClass::Retryable),
            ("404", ErrorClass::NotFound),
            ("ConnectionFailure", ErrorClass::Retryable),
            ("InvalidParameterValue", ErrorClass::Fatal),
            ("UnauthorizedOperation", ErrorClass::Fatal),
            ("BucketAlreadyExists", ErrorClass::Fatal),
        ];
        for (code, class) in table {
            assert_eq!(classify(code), class, "{code}");
        }
        let e = AwsError::local("InvalidVpcID.NotFound", "gone");
        assert!(e.is_not_found());
        assert_eq!(AwsError::timed_out("VPC available").code, "WaiterTimeout");
        let d = e.diags("reading EC2 VPC");
        assert!(
            d.to_string()
                .contains("reading EC2 VPC: InvalidVpcID.NotFound"),
            "{d}"
        );
    }
}
