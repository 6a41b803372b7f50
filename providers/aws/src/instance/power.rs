//! Stopping, starting and waiting for an instance, and the changes that need it stopped.

use super::user_data::{configured_user_data, user_data_bytes};
use super::{describe_raw, state_name};
use crate::attrs::{changed, get, get_str, str_or_empty};
use crate::client::{AwsClient, AwsError, AwsResultExt};
use autostack_value::Value;
use aws_sdk_ec2::types::{
    AttributeValue, Instance, InstanceStateName as St, SecureBlobAttributeValue,
};

/// Polls the instance until it is in state `want`.
pub(super) async fn wait_state(c: &AwsClient, id: &str, want: St) -> Result<Instance, AwsError> {
    let what = format!("EC2 instance {id} {}", want.as_str());
    let want = &want;
    // The last description seen, so the caller needs no second describe call.
    let seen: std::sync::Mutex<Option<Instance>> = std::sync::Mutex::new(None);
    c.wait_until(&what, || async {
        let v = describe_raw(c, vec![id.to_string()]).await?;
        let state = v.first().and_then(state_name).cloned();
        match state {
            Some(s) if &s == want => {
                if let Ok(mut last) = seen.lock() {
                    *last = v.into_iter().next();
                }
                Ok(true)
            }
            Some(St::Terminated | St::ShuttingDown) => Err(AwsError::local(
                "IncorrectInstanceState",
                format!(
                    "instance {id} terminated while waiting for it to be {}",
                    want.as_str()
                ),
            )),
            _ => Ok(false),
        }
    })
    .await?;
    let gone = || AwsError::local("InvalidInstanceID.NotFound", format!("instance {id}"));
    seen.into_inner().ok().flatten().ok_or_else(gone)
}

/// Stops the instance and waits until it is stopped.
pub async fn stop_instance(c: &AwsClient, id: &str, force: bool) -> Result<(), AwsError> {
    c.ec2
        .stop_instances()
        .instance_ids(id)
        .force(force)
        .send()
        .await
        .aws()?;
    wait_state(c, id, St::Stopped).await.map(|_| ())
}

/// Starts the instance and waits until it is running.
pub async fn start_instance(c: &AwsClient, id: &str) -> Result<(), AwsError> {
    c.ec2
        .start_instances()
        .instance_ids(id)
        .send()
        .await
        .aws()?;
    wait_state(c, id, St::Running).await.map(|_| ())
}

/// Changes `instance_type` and user data, which need the instance stopped: stop, modify,
/// start (a stopped instance is left stopped).
pub(super) async fn stop_modify_start(
    c: &AwsClient,
    id: &str,
    [prior, planned, config]: [&Value; 3],
) -> Result<(), AwsError> {
    let itype =
        get_str(planned, "instance_type").filter(|_| changed(prior, planned, "instance_type"));
    let udata = if changed(prior, planned, "user_data_base64")
        && get_str(planned, "user_data_base64").is_some()
    {
        Some(user_data_bytes(str_or_empty(planned, "user_data_base64")))
    } else if changed(prior, planned, "user_data") && get(planned, "user_data").is_some() {
        Some(user_data_bytes(
            configured_user_data(config).unwrap_or_default(),
        ))
    } else {
        None
    };
    if itype.is_none() && udata.is_none() {
        return Ok(());
    }
    let was_stopped = str_or_empty(prior, "instance_state") == St::Stopped.as_str();
    stop_instance(c, id, false).await?;
    if let Some(t) = itype {
        let v = AttributeValue::builder().value(t).build();
        c.ec2
            .modify_instance_attribute()
            .instance_id(id)
            .instance_type(v)
            .send()
            .await
            .aws()?;
    }
    if let Some(bytes) = udata {
        let v = SecureBlobAttributeValue::builder()
            .value(aws_smithy_types::Blob::new(bytes))
            .build();
        c.ec2
            .modify_instance_attribute()
            .instance_id(id)
            .user_data(v)
            .send()
            .await
            .aws()?;
    }
    if was_stopped {
        return Ok(());
    }
    start_instance(c, id).await
}
