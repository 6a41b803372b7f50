//! Small EC2 helpers: describe filters and waiters.

use crate::client::{AwsClient, AwsError};
use autostack_provider_sdk::retry::{retry, wait_for, Backoff};
use aws_sdk_ec2::types::Filter;
use std::future::Future;

/// A describe filter (`vpc-id` = ids).
pub fn filter(name: &str, values: Vec<String>) -> Filter {
    Filter::builder()
        .name(name)
        .set_values(Some(values))
        .build()
}

/// Polls `check` with the client's waiter backoff until it returns true. "NotFound" errors
/// count as "not yet" (EC2 is eventually consistent right after a create); other errors stop
/// the wait.
pub async fn wait_until<F, Fut>(c: &AwsClient, what: &str, check: F) -> Result<(), AwsError>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<bool, AwsError>>,
{
    let outcome = wait_for(c.wait, || async {
        match check().await {
            Ok(true) => Some(Ok(())),
            Ok(false) => None,
            Err(e) if e.is_not_found() => None,
            Err(e) => Some(Err(e)),
        }
    })
    .await;
    outcome.unwrap_or_else(|| {
        Err(AwsError::local(
            "WaiterTimeout",
            format!("timed out waiting for {what}"),
        ))
    })
}

/// Runs `op` again while AWS reports `DependencyViolation` (a dependent object, e.g. an
/// instance's network interface, is still being torn down), for up to about three minutes.
pub async fn retry_dependency<F, Fut>(c: &AwsClient, op: F) -> Result<(), AwsError>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<(), AwsError>>,
{
    let b = Backoff {
        attempts: 90,
        ..c.wait
    };
    retry(b, op, |e: &AwsError| e.code == "DependencyViolation").await
}
