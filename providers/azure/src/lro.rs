//! ARM's asynchronous operations, followed as the REST guidelines describe them (azure_core
//! 0.21's generated pollers re-send the PUT and never read `provisioningState`):
//!
//! - `Azure-AsyncOperation`: poll that URL until its `status` is `Succeeded`, `Failed` or
//!   `Canceled` (a failure carries `error`);
//! - else `Location`: poll it until it stops answering 202;
//! - else a PUT or PATCH body whose `properties.provisioningState` is not terminal: poll the
//!   resource until it is;
//! - deletes then poll the resource until it answers 404.
//!
//! Waits start at ~100 ms and grow; a `Retry-After` is honoured up to
//! [`crate::client::RETRY_AFTER_CAP`].

use crate::client::{ArmError, AzureClient, Reply, RETRY_AFTER_CAP};
use autostack_provider_sdk::retry;
use autostack_provider_sdk::CloudError;
use azure_core::Method;
use serde_json::Value as Json;
use std::time::Duration;

/// True for a terminal `provisioningState` or operation `status`.
fn terminal(state: &str) -> bool {
    matches!(
        state.to_ascii_lowercase().as_str(),
        "succeeded" | "failed" | "canceled" | "cancelled"
    )
}

fn provisioning_state(body: &Json) -> Option<&str> {
    body.pointer("/properties/provisioningState")
        .and_then(Json::as_str)
}

impl AzureClient {
    /// How long to wait before poll `n`: the backoff, or the server's `Retry-After` when
    /// longer (up to the cap).
    fn poll_delay(&self, n: u32, retry_after: Option<Duration>) -> Duration {
        let base = self.wait.delay(n);
        retry_after.map_or(base, |r| r.min(RETRY_AFTER_CAP).max(base))
    }

    /// PUT `body` at `id` and wait for the operation to finish.
    pub async fn put(&self, id: &str, api_version: &str, body: &Json) -> Result<Json, ArmError> {
        let _change = self.changing();
        let url = self.url(id, api_version);
        let reply = self.send(Method::Put, &url, Some(body)).await?;
        self.finish(id, api_version, reply).await
    }

    /// PATCH `body` at `id` and wait for the operation to finish.
    pub async fn patch(&self, id: &str, api_version: &str, body: &Json) -> Result<Json, ArmError> {
        let _change = self.changing();
        let url = self.url(id, api_version);
        let reply = self.send(Method::Patch, &url, Some(body)).await?;
        self.finish(id, api_version, reply).await
    }

    /// POST an action (`{id}/deallocate`) and wait for it to finish.
    pub async fn action(
        &self,
        id: &str,
        action: &str,
        api_version: &str,
    ) -> Result<Json, ArmError> {
        let _change = self.changing();
        let url = self.url(&format!("{id}/{action}"), api_version);
        let reply = self
            .send(Method::Post, &url, Some(&Json::Object(Default::default())))
            .await?;
        self.follow(&reply).await?;
        Ok(reply.body)
    }

    /// DELETE `id`, wait for the operation, then until the object answers 404. An object
    /// already gone counts as deleted; conflicts (objects still in use, busy) are retried
    /// while dependents go away.
    pub async fn delete(&self, id: &str, api_version: &str) -> Result<(), ArmError> {
        let _change = self.changing();
        let url = self.url(id, api_version);
        retry::delete(self.patience(), || async {
            let reply = self.send(Method::Delete, &url, None).await?;
            self.follow(&reply).await
        })
        .await?;
        let gone = || async {
            match self.send(Method::Get, &url, None).await {
                Ok(_) => Ok(false),
                Err(e) if e.is_not_found() => Ok(true),
                Err(e) => Err(e),
            }
        };
        retry::wait_until(self.wait, &format!("{id} to be deleted"), gone).await
    }

    /// The rest of a PUT or PATCH: the operation followed, then the resource until its
    /// `provisioningState` is terminal (and `Succeeded`).
    async fn finish(&self, id: &str, api_version: &str, reply: Reply) -> Result<Json, ArmError> {
        self.follow(&reply).await?;
        let mut body = reply.body;
        let mut n = 0;
        loop {
            match provisioning_state(&body) {
                None => return Ok(body),
                Some(s) if s.eq_ignore_ascii_case("succeeded") => return Ok(body),
                Some(s) if terminal(s) => {
                    return Err(ArmError::local(
                        "ProvisioningFailed",
                        format!("{id}: provisioningState {s}"),
                    ))
                }
                Some(_) => {}
            }
            n += 1;
            if n > self.wait.attempts {
                return Err(ArmError::timed_out(&format!("{id} to finish provisioning")));
            }
            tokio::time::sleep(self.poll_delay(n, None)).await;
            body = match self.get(id, api_version).await? {
                Some(b) => b,
                None => {
                    return Err(ArmError::local(
                        "NotFound",
                        format!("{id} vanished while provisioning"),
                    ))
                }
            };
        }
    }

    /// Follows the operation an answer started, if any, until it ends.
    async fn follow(&self, reply: &Reply) -> Result<(), ArmError> {
        if let Some(url) = &reply.async_operation {
            return self.poll_status(url, reply.retry_after).await;
        }
        if let Some(url) = reply.location.as_ref().filter(|_| reply.status == 202) {
            return self.poll_location(url, reply.retry_after).await;
        }
        Ok(())
    }

    /// Polls an `Azure-AsyncOperation` URL until the operation's `status` is terminal.
    async fn poll_status(&self, url: &str, first: Option<Duration>) -> Result<(), ArmError> {
        let mut retry_after = first;
        for n in 1..=self.wait.attempts {
            tokio::time::sleep(self.poll_delay(n, retry_after)).await;
            let r = self.send(Method::Get, url, None).await?;
            let status = r
                .body
                .get("status")
                .and_then(Json::as_str)
                .unwrap_or("InProgress")
                .to_string();
            if status.eq_ignore_ascii_case("succeeded") {
                return Ok(());
            }
            if terminal(&status) {
                let failed = Reply { status: 0, ..r };
                let mut e = ArmError::from_reply(&failed);
                if e.code == "0" {
                    e.code = format!("Operation{status}");
                }
                return Err(e);
            }
            retry_after = r.retry_after;
        }
        Err(ArmError::timed_out("the asynchronous operation"))
    }

    /// Polls a `Location` URL until it stops answering 202.
    async fn poll_location(&self, url: &str, first: Option<Duration>) -> Result<(), ArmError> {
        let mut retry_after = first;
        for n in 1..=self.wait.attempts {
            tokio::time::sleep(self.poll_delay(n, retry_after)).await;
            let r = self.send(Method::Get, url, None).await?;
            if r.status != 202 {
                return Ok(());
            }
            retry_after = r.retry_after;
        }
        Err(ArmError::timed_out("the asynchronous operation"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_states() {
        for s in ["Succeeded", "Failed", "Canceled", "succeeded"] {
            assert!(terminal(s), "{s}");
        }
        for s in ["InProgress", "Updating", "Creating", "Deleting", "Accepted"] {
            assert!(!terminal(s), "{s}");
        }
    }
}
