//! What every resource-type file of this crate uses, imported once with
//! `use crate::prelude::*;`.

pub(crate) use crate::client::{GcpClient, GcpError, GcpResultExt};
pub(crate) use crate::compute::{list_items, At, ComputeKind, Scope, Spec};
pub(crate) use crate::wire::{from_json, number, s, string, strings, to_json};
pub(crate) use async_trait::async_trait;
pub(crate) use autostack_provider_sdk::attrs::{
    get, get_blocks, get_bool, get_int, get_str, get_strings, nonempty_str, string_list,
    string_set, Obj,
};
pub(crate) use autostack_provider_sdk::{attributes, Block, Nesting, PlanCtx, PlanResponse};
pub(crate) use autostack_value::{Diagnostics, Type, Value};
pub(crate) use google_cloud_compute_v1::model;
pub(crate) use google_cloud_compute_v1::model::Operation;
pub(crate) use serde_json::{json, Value as Json};
pub(crate) use std::collections::HashMap;

/// Lists every page of a list call built by `$builder` (re-built per page), each page retried
/// on transient errors; the items of `$field` (`items`, or `items.<scope>.<field>` for
/// aggregated lists).
macro_rules! list_all {
    ($c:expr, $builder:expr, $field:literal) => {
        async {
            let mut out: Vec<Json> = Vec::new();
            let mut token: Option<String> = None;
            loop {
                let page = $c
                    .call(|| async {
                        $builder
                            .set_or_clear_page_token(token.clone())
                            .send()
                            .await
                            .gcp()
                    })
                    .await?;
                let j = to_json(&page);
                out.extend(list_items(&j, $field));
                match j["nextPageToken"].as_str() {
                    Some(t) if !t.is_empty() => token = Some(t.to_string()),
                    _ => break,
                }
            }
            Ok::<Vec<Json>, GcpError>(out)
        }
        .await
    };
}
pub(crate) use list_all;

/// A request ID for an insert: the intent token when it is a UUID (the API requires one).
pub(crate) fn request_id(token: &str) -> Option<String> {
    uuid::Uuid::parse_str(token).ok().map(|u| u.to_string())
}

/// A JSON object of the non-empty values among `pairs` (unset optional arguments are left
/// out of request bodies, as the provider's expanders leave them out).
pub(crate) fn body_of(pairs: Vec<(&str, Json)>) -> Json {
    let m: serde_json::Map<String, Json> = pairs
        .into_iter()
        .filter(|(_, v)| {
            !matches!(v, Json::Null)
                && v.as_str() != Some("")
                && v.as_array().is_none_or(|a| !a.is_empty())
        })
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    Json::Object(m)
}

/// An optional string argument as JSON (null when unset or empty).
pub(crate) fn opt(v: &Value, name: &str) -> Json {
    nonempty_str(v, name).map_or(Json::Null, |x| Json::String(x.to_string()))
}

/// An optional number argument as JSON.
pub(crate) fn opt_int(v: &Value, name: &str) -> Json {
    get_int(v, name).map_or(Json::Null, Json::from)
}

/// A list or set of strings argument as JSON.
pub(crate) fn str_array(v: &Value, name: &str) -> Json {
    Json::Array(get_strings(v, name).into_iter().map(Json::String).collect())
}

/// Echoes API values into optional (not computed) arguments without turning unset into a
/// zero value: an empty or absent string leaves a null prior null, a `false` leaves a null
/// prior null (legacy-SDK providers treat the two alike; the engine's apply check does not).
pub(crate) trait Echo {
    /// An optional string argument from `j[key]`.
    fn echo_str(self, name: &str, j: &Json, key: &str) -> Self;
    /// An optional bool argument from `j[key]`.
    fn echo_bool(self, prior: &Value, name: &str, j: &Json, key: &str) -> Self;
    /// An optional set of strings from the array `j[key]`.
    fn echo_set(self, prior: &Value, name: &str, j: &Json, key: &str) -> Self;
}

impl Echo for Obj {
    fn echo_str(self, name: &str, j: &Json, key: &str) -> Obj {
        self.unset_str(name, j[key].as_str())
    }

    fn echo_bool(self, prior: &Value, name: &str, j: &Json, key: &str) -> Obj {
        let b = j[key].as_bool().unwrap_or(false);
        autostack_provider_sdk::attrs::echo_optional(self, prior, name, Value::bool(b), !b)
    }

    fn echo_set(self, prior: &Value, name: &str, j: &Json, key: &str) -> Obj {
        let items = strings(&j[key]);
        let empty = items.is_empty();
        autostack_provider_sdk::attrs::echo_optional(self, prior, name, string_set(items), empty)
    }
}

/// A reference argument (`network`, `subnetwork`, `source`) as the API reports it, unless the
/// prior value names the same object in another form (a name, an ID): hashicorp/google
/// suppresses that diff (`CompareSelfLinkOrResourceName`), so the configured form stays.
pub(crate) fn reference(prior: &Value, name: &str, api: &str) -> Value {
    match get_str(prior, name) {
        Some(p) if !p.is_empty() && crate::wire::same_ref(p, api) => Value::string(p),
        _ if api.is_empty() => Value::Null(Type::String),
        _ => Value::string(api),
    }
}

/// `setLabels` body (`labels`, `labelFingerprint`) as model type `T`.
pub(crate) fn labels_body<T: serde::de::DeserializeOwned>(
    labels: HashMap<String, String>,
    fingerprint: &str,
) -> Result<T, GcpError> {
    from_json(json!({"labels": labels, "labelFingerprint": fingerprint}))
}

/// A set of nested-block objects built from JSON items.
pub(crate) fn block_set(schema: &Block, items: Vec<Value>) -> Value {
    autostack_value::make_set(schema.value_type(), items)
}

/// A list of nested-block objects built from JSON items.
pub(crate) fn block_list(schema: &Block, items: Vec<Value>) -> Value {
    Value::list(schema.value_type(), items)
}
