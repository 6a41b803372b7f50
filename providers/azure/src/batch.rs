//! Batched refresh: objects of one type that share a collection (the virtual networks of one
//! resource group, the subnets of one network) are read with one list call, paged, and matched
//! by ID; an object alone in its collection is read with one GET. Objects ARM no longer has
//! read as `None`.

use crate::client::{ArmError, AzureClient};
use crate::ids::collection_of;
use autostack_provider_sdk::attrs::str_or_empty;
use autostack_provider_sdk::registry::ValueRead;
use autostack_provider_sdk::CloudError;
use autostack_value::{Diagnostics, Value};
use futures::future::join_all;
use serde_json::Value as Json;
use std::collections::HashMap;

/// Reads `current` objects by their `id`: one list call per collection holding two or more
/// of them, one GET per object alone in its collection (the calls run concurrently);
/// `state_of` builds each object's state from its prior value, its ID and ARM's JSON.
pub async fn read_by_collection(
    c: &AzureClient,
    what: &str,
    api_version: &str,
    current: &[Value],
    state_of: impl Fn(&Value, &str, &Json) -> Value,
) -> Vec<ValueRead> {
    let ids: Vec<&str> = current.iter().map(|v| str_or_empty(v, "id")).collect();
    let (found, failed) = fetch_all(c, api_version, &ids).await;
    let failed: Option<Diagnostics> = failed.map(|e| e.diags(&format!("retrieving {what}")));
    current
        .iter()
        .zip(ids)
        .map(
            |(prior, id)| match (&failed, found.get(&id.to_ascii_lowercase())) {
                (_, Some(item)) => Ok(Some(state_of(prior, id, item))),
                (Some(d), None) => Err(d.clone()),
                (None, None) => Ok(None),
            },
        )
        .collect()
}

/// The objects `ids` name (empty IDs skipped), keyed by lower-cased ID: one list call per
/// collection holding two or more of them, one GET per object alone in its collection, all
/// concurrently. Objects ARM does not have are absent; the first failure is returned beside
/// what was found.
pub async fn fetch_all(
    c: &AzureClient,
    api_version: &str,
    ids: &[&str],
) -> (HashMap<String, Json>, Option<ArmError>) {
    let mut by_collection: HashMap<String, Vec<&str>> = HashMap::new();
    for id in ids.iter().filter(|i| !i.is_empty()) {
        let members = by_collection
            .entry(collection_of(id).to_ascii_lowercase())
            .or_default();
        if !members.iter().any(|m| m.eq_ignore_ascii_case(id)) {
            members.push(id);
        }
    }
    let fetches = by_collection
        .values()
        .map(|members| fetch(c, api_version, members));
    let mut found: HashMap<String, Json> = HashMap::with_capacity(ids.len());
    let mut failed = None;
    for result in join_all(fetches).await {
        match result {
            Ok(items) => found.extend(items),
            Err(e) => failed = Some(e),
        }
    }
    (found, failed)
}

/// [`fetch_all`], taking objects read since the last change from the client's memory
/// (reads that follow another type's refresh of the same objects).
pub async fn fetch_all_recent(
    c: &AzureClient,
    api_version: &str,
    ids: &[&str],
) -> (HashMap<String, Json>, Option<ArmError>) {
    let mut known = HashMap::new();
    let mut missing = Vec::new();
    for id in ids.iter().filter(|i| !i.is_empty()) {
        match c.recently_read(id) {
            Some(item) => {
                known.insert(id.to_ascii_lowercase(), item);
            }
            None => missing.push(*id),
        }
    }
    let (fetched, failed) = fetch_all(c, api_version, &missing).await;
    known.extend(fetched);
    (known, failed)
}

/// The objects of one collection that `members` name, keyed by lower-cased ID.
async fn fetch(
    c: &AzureClient,
    api_version: &str,
    members: &[&str],
) -> Result<Vec<(String, Json)>, ArmError> {
    if let [one] = members {
        let item = c.get(one, api_version).await?;
        return Ok(item
            .map(|i| (one.to_ascii_lowercase(), i))
            .into_iter()
            .collect());
    }
    let collection = collection_of(members[0]);
    let items = match c.list(collection, api_version).await {
        Ok(items) => items,
        // The parent (a resource group, a network) is gone, and its children with it.
        Err(e) if e.is_not_found() => Vec::new(),
        Err(e) => return Err(e),
    };
    Ok(items
        .into_iter()
        .filter_map(|i| {
            let id = i.get("id")?.as_str()?.to_ascii_lowercase();
            Some((id, i))
        })
        .collect())
}
