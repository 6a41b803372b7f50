//! Compute Engine long-running operations: every mutating call returns an `Operation`, polled
//! here (`zoneOperations`, `regionOperations` or `globalOperations` `get`, by the scope the
//! operation names) from ~100 ms with jittered exponential backoff until it is `DONE`. A `DONE`
//! operation with `error` is a failure (google-cloud-compute-v1's own poller reports it as
//! success, so nothing here relies on it).

use crate::client::{GcpClient, GcpError, GcpResultExt};
use crate::wire::{last_segment, to_json};
use autostack_provider_sdk::retry::wait_for;
use autostack_provider_sdk::CloudError;
use google_cloud_compute_v1::model::Operation;
use serde_json::Value as Json;

/// Waits for `op` (returned by a call on `project`) to finish; its error as a [`GcpError`].
pub async fn wait(c: &GcpClient, project: &str, op: Operation) -> Result<(), GcpError> {
    let first = to_json(&op);
    if let Some(done) = outcome(&first) {
        return done;
    }
    let name = first["name"].as_str().unwrap_or_default().to_string();
    let zone = first["zone"].as_str().map(last_segment);
    let region = first["region"].as_str().map(last_segment);
    let poll = || async {
        let got = match (zone, region) {
            (Some(z), _) => {
                c.compute
                    .zone_ops
                    .get()
                    .set_project(project)
                    .set_zone(z)
                    .set_operation(&name)
                    .send()
                    .await
            }
            (None, Some(r)) => {
                c.compute
                    .region_ops
                    .get()
                    .set_project(project)
                    .set_region(r)
                    .set_operation(&name)
                    .send()
                    .await
            }
            (None, None) => {
                c.compute
                    .global_ops
                    .get()
                    .set_project(project)
                    .set_operation(&name)
                    .send()
                    .await
            }
        };
        match got.gcp() {
            Ok(op) => outcome(&to_json(&op)),
            Err(e) if e.class().is_transient() => None,
            Err(e) => Some(Err(e)),
        }
    };
    wait_for(c.wait, poll)
        .await
        .unwrap_or_else(|| Err(GcpError::timed_out(&format!("operation {name}"))))
}

/// `Some` once the operation is `DONE`: `Ok`, or its first error.
fn outcome(op: &Json) -> Option<Result<(), GcpError>> {
    if op["status"].as_str() != Some("DONE") {
        return None;
    }
    let Some(first) = op["error"]["errors"].get(0) else {
        return Some(Ok(()));
    };
    let status = op["httpErrorStatusCode"].as_u64().unwrap_or(400) as u16;
    Some(Err(GcpError {
        status,
        reason: first["code"].as_str().unwrap_or_default().to_string(),
        message: first["message"].as_str().unwrap_or_default().to_string(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use autostack_provider_sdk::ErrorClass;
    use serde_json::json;

    #[test]
    fn done_operations_with_errors_fail() {
        assert!(outcome(&json!({"status": "RUNNING"})).is_none());
        assert!(matches!(outcome(&json!({"status": "DONE"})), Some(Ok(()))));
        let failed = json!({"status": "DONE", "httpErrorStatusCode": 400, "error": {"errors": [
            {"code": "RESOURCE_IN_USE_BY_ANOTHER_RESOURCE", "message": "in use"}]}});
        let e = outcome(&failed).unwrap().unwrap_err();
        assert_eq!((e.status, e.class()), (400, ErrorClass::Conflict));
    }
}
