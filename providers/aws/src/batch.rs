//! Batched refresh: one describe call (with an ID filter) per 100 objects, instead of one
//! call per resource; objects missing from the answer are gone.

use crate::attrs::str_or_empty;
use crate::client::{ActionExt, AwsError};
use autostack_value::{Diagnostics, Value};
use std::collections::HashMap;
use std::future::Future;

/// How many IDs one describe call filters on.
pub const BATCH: usize = 100;

/// Reads `current` objects by their `id` attribute: `describe` is called once per chunk of
/// at most [`BATCH`] IDs and returns `(id, item)` pairs; `to_state` builds each object's state
/// from its prior value and item. Objects AWS no longer reports read as `None`.
pub async fn read_by_id<T, F, Fut>(
    what: &str,
    current: &[Value],
    describe: F,
    to_state: impl Fn(&Value, &T) -> Value,
) -> Vec<Result<Option<Value>, Diagnostics>>
where
    F: Fn(Vec<String>) -> Fut,
    Fut: Future<Output = Result<Vec<(String, T)>, AwsError>>,
{
    let ids: Vec<&str> = current.iter().map(|c| str_or_empty(c, "id")).collect();
    let mut found: HashMap<String, T> = HashMap::with_capacity(current.len());
    let mut failed: Option<Diagnostics> = None;
    let wanted: Vec<String> = {
        let mut w: Vec<String> = ids
            .iter()
            .filter(|i| !i.is_empty())
            .map(|i| i.to_string())
            .collect();
        w.sort_unstable();
        w.dedup();
        w
    };
    for chunk in wanted.chunks(BATCH) {
        match describe(chunk.to_vec())
            .await
            .or_diags(&format!("reading {what}"))
        {
            Ok(items) => found.extend(items),
            Err(d) => {
                failed = Some(d);
                break;
            }
        }
    }
    current
        .iter()
        .zip(ids)
        .map(|(c, id)| match (&failed, found.get(id)) {
            (Some(d), _) => Err(d.clone()),
            (None, Some(item)) => Ok(Some(to_state(c, item))),
            (None, None) => Ok(None),
        })
        .collect()
}
