//! Batched refresh: objects of one type that share a collection (the virtual networks of one
//! resource group, the subnets of one network) are read with one list call, paged, and matched
//! by ID; an object alone in its collection is read with one GET. Objects ARM no longer has
//! read as `None`.

use crate::client::{ArmError, AzureClient};
use crate::ids::collection_of;
use autostack_provider_sdk::attrs::str_or_empty;
use autostack_provider_sdk::registry::ValueRead;
use autostack_provider_sdk::ActionExt;
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
    let mut by_collection: HashMap<String, Vec<&str>> = HashMap::new();
    for id in ids.iter().filter(|i| !i.is_empty()) {
        by_collection
            .entry(collection_of(id).to_ascii_lowercase())
            .or_default()
            .push(id);
    }
    let fetches = by_collection.values().map(|members| fetch(c, api_version, members));
    let mut found: HashMap<String, Json> = HashMap::with_capacity(current.len());
    let mut failed: Option<Diagnostics> = None;
    for result in join_all(fetches).await {
        match result.or_diags(&format!("retrieving {what}")) {
            Ok(items) => found.extend(items),
            Err(d) => failed = Some(d),
        }
    }
    current
        .iter()
        .zip(ids)
        .map(|(prior, id)| match (&failed, found.get(&id.to_ascii_lowercase())) {
            (_, Some(item)) => Ok(Some(state_of(prior, id, item))),
            (Some(d), None) => Err(d.clone()),
            (None, None) => Ok(None),
        })
        .collect()
}

/// The objects of one collection that `members` name, keyed by lower-cased ID.
async fn fetch(
    c: &AzureClient,
    api_version: &str,
    members: &[&str],
) -> Result<Vec<(String, Json)>, ArmError> {
    if let [one] = members {
        let item = c.get(one, api_version).await?;
        return Ok(item.map(|i| (one.to_ascii_lowercase(), i)).into_iter().collect());
    }
    let collection = collection_of(members[0]);
    let items = match c.list(collection, api_version).await {
        Ok(items) => items,
        // The parent (a resource group, a network) is gone, and its children with it.
        Err(e) if autostack_provider_sdk::CloudError::is_not_found(&e) => Vec::new(),
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
