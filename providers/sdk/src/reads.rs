//! What resource types share around the registry: reading objects one at a time where an
//! API has no batch describe, and the client factory of providers that need no configuration.

use crate::errors::{ActionExt, CloudError};
use crate::registry::{ClientFactory, ValueRead};
use crate::schema::Block;
use async_trait::async_trait;
use autostack_value::{Diagnostics, Value};
use std::future::Future;

/// Reads objects one at a time with `read`, for APIs that have no batch describe.
pub async fn read_each<'v, F, Fut>(current: &'v [Value], read: F) -> Vec<ValueRead>
where
    F: Fn(&'v Value) -> Fut,
    Fut: Future<Output = ValueRead>,
{
    let mut out = Vec::with_capacity(current.len());
    for c in current {
        out.push(read(c).await);
    }
    out
}

/// [`read_each`] by each object's `id`: a failure is reported as "reading NOUN (ID)".
pub async fn read_each_by_id<'v, F, Fut, E>(
    current: &'v [Value],
    noun: &str,
    read: F,
) -> Vec<ValueRead>
where
    F: Fn(&'v Value, &'v str) -> Fut,
    Fut: Future<Output = Result<Option<Value>, E>>,
    E: CloudError,
{
    read_each(current, |v| {
        let id = crate::attrs::get_str(v, "id").unwrap_or("");
        let read = read(v, id);
        async move { read.await.or_diags(&format!("reading {noun} ({id})")) }
    })
    .await
}

/// A client factory for providers that need no configuration (the builtin ones).
pub struct NoConfig;

#[async_trait]
impl ClientFactory for NoConfig {
    type Client = ();
    fn config_schema(&self) -> Block {
        Block::new()
    }
    async fn configure(&self, _config: &Value) -> Result<(), Diagnostics> {
        Ok(())
    }
}
