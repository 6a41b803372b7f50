//! The wire side of the provider: Compute Engine's model types go through their own serde
//! (the JSON the REST API speaks: camelCase names, uint64 as decimal strings, URL-safe base64
//! fingerprints), so resource types map state to and from plain JSON, the same way for
//! Compute and for Storage's JSON API. Also: links (`selfLink` ↔ relative names) and
//! Terraform's import ID formats.

use crate::client::GcpError;
use autostack_value::{Type, Value};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value as Json;
use std::collections::BTreeMap;

/// The Compute Engine API's link prefix (`selfLink`s start with it whatever endpoint served
/// them).
pub const COMPUTE_API: &str = "https://www.googleapis.com/compute/v1/";

/// A model value as the JSON the API speaks.
pub fn to_json<T: Serialize>(t: &T) -> Json {
    serde_json::to_value(t).unwrap_or(Json::Null)
}

/// A model value from JSON built to the API's shapes.
pub fn from_json<T: DeserializeOwned>(j: Json) -> Result<T, GcpError> {
    serde_json::from_value(j)
        .map_err(|e| GcpError::local("invalidRequest", format!("building the request: {e}")))
}

/// The last path segment of a link (`.../zones/us-central1-a` → `us-central1-a`).
pub fn last_segment(link: &str) -> &str {
    link.rsplit('/').next().unwrap_or(link)
}

/// The relative name of a link: from `projects/` on (`https://.../projects/p/global/networks/n`
/// → `projects/p/global/networks/n`); other values unchanged.
pub fn relative(link: &str) -> &str {
    match link.find("projects/") {
        Some(i) => &link[i..],
        None => link,
    }
}

/// True when two references name the same object (links, relative names, or a bare name
/// against a link: hashicorp/google's `CompareSelfLinkOrResourceName`).
pub fn same_ref(a: &str, b: &str) -> bool {
    if a.contains('/') && b.contains('/') {
        relative(a) == relative(b)
    } else {
        last_segment(a) == last_segment(b)
    }
}

/// A string field of a JSON object, `""` when absent.
pub fn s<'a>(j: &'a Json, key: &str) -> &'a str {
    j[key].as_str().unwrap_or_default()
}

/// A string (or decimal-string) field as a number value, null when absent.
pub fn number(j: &Json) -> Value {
    match j {
        Json::Number(n) => n.as_i64().map_or(Value::Null(Type::Number), Value::int),
        Json::String(t) => t
            .parse::<i64>()
            .map_or(Value::Null(Type::Number), Value::int),
        _ => Value::Null(Type::Number),
    }
}

/// A string field as a string value; `""` when absent (legacy-SDK zero value).
pub fn string(j: &Json, key: &str) -> Value {
    Value::string(s(j, key))
}

/// A JSON array of strings as a `list(string)`.
pub fn strings(j: &Json) -> Vec<String> {
    j.as_array()
        .map(|xs| {
            xs.iter()
                .filter_map(Json::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// A JSON object of strings as a map.
pub fn string_map(j: &Json) -> BTreeMap<String, String> {
    j.as_object()
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

/// A fingerprint as hashicorp/google stores it: the API's base64 text.
pub fn fingerprint(j: &Json, key: &str) -> Value {
    string(j, key)
}

/// Matches `id` against Terraform import ID `formats` (`projects/{project}/zones/{zone}/
/// instances/{name}`, `{project}/{zone}/{name}`, `{name}`, ...); the captures of the first
/// format that matches.
pub fn parse_import_id(id: &str, formats: &[&str]) -> Option<BTreeMap<String, String>> {
    let parts: Vec<&str> = id.split('/').collect();
    formats.iter().find_map(|f| {
        let pattern: Vec<&str> = f.split('/').collect();
        if pattern.len() != parts.len() {
            return None;
        }
        let mut out = BTreeMap::new();
        for (p, v) in pattern.iter().zip(&parts) {
            match p.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                Some(name) if !v.is_empty() => {
                    out.insert(name.to_string(), v.to_string());
                }
                Some(_) => return None,
                None if p == v => {}
                None => return None,
            }
        }
        Some(out)
    })
}

/// The error for an import ID that fits none of the formats.
pub fn bad_import_id(id: &str, formats: &[&str]) -> autostack_value::Diagnostics {
    autostack_provider_sdk::attrs::error(
        "Invalid import ID",
        format!(
            "Import id {id:?} doesn't match any of the accepted formats: {}",
            formats.join(", ")
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_ids_match_terraforms_formats() {
        let f = [
            "projects/{project}/zones/{zone}/instances/{name}",
            "{project}/{zone}/{name}",
            "{name}",
        ];
        let m = parse_import_id("projects/p/zones/z/instances/web", &f).unwrap();
        assert_eq!(
            (
                m["project"].as_str(),
                m["zone"].as_str(),
                m["name"].as_str()
            ),
            ("p", "z", "web")
        );
        assert_eq!(parse_import_id("p/z/web", &f).unwrap()["zone"], "z");
        assert_eq!(parse_import_id("web", &f).unwrap().len(), 1);
        assert!(parse_import_id("a/b", &f).is_none());
        assert!(parse_import_id("projects//zones/z/instances/w", &f).is_none());
    }

    #[test]
    fn references_compare_as_the_provider_compares_them() {
        let link = "https://www.googleapis.com/compute/v1/projects/p/global/networks/n";
        assert!(same_ref(link, "projects/p/global/networks/n"));
        assert!(same_ref(link, "n"));
        assert!(!same_ref(link, "projects/q/global/networks/n"));
        assert_eq!(relative(link), "projects/p/global/networks/n");
        assert_eq!(last_segment(link), "n");
        assert_eq!(number(&Json::String("42".into())), Value::int(42));
    }
}
