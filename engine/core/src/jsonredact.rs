//! Sensitive values withheld from Terraform's JSON plan and state documents (`show -json`).
//!
//! Terraform prints sensitive values in plain text there; AutoStack does not unless asked
//! (`-show-sensitive`), because the document is what CI logs, policy tools and cost tools
//! are handed. The document keeps Terraform's shape: every value the document itself marks
//! sensitive becomes `null`, and the marks stay, so a reader can tell "withheld" from
//! "unset". The marks it follows are all Terraform's own:
//! - a resource's `values` against its `sensitive_values`;
//! - a change's `before` / `after` against `before_sensitive` / `after_sensitive`
//!   (resource changes, drift and output changes);
//! - an output's `value` when the output says `"sensitive": true`;
//! - a plan's `variables.NAME.value` and a configuration variable's `default` when the
//!   configuration declares the variable `sensitive`.

use serde_json::{Map, Value as Json};

/// Withholds every sensitive value in a JSON plan or state document, in place.
pub fn redact_document(doc: &mut Json) {
    let sensitive_vars = sensitive_variables(doc);
    if let Some(Json::Object(vars)) = doc.get_mut("variables") {
        for (name, v) in vars.iter_mut() {
            if sensitive_vars.contains(name) {
                v["value"] = Json::Null;
            }
        }
    }
    walk(doc, "");
}

/// Names of the root module's variables the configuration declares sensitive.
fn sensitive_variables(doc: &Json) -> Vec<String> {
    let vars = &doc["configuration"]["root_module"]["variables"];
    vars.as_object()
        .map(|m| {
            m.iter()
                .filter(|(_, v)| v["sensitive"] == Json::Bool(true))
                .map(|(k, _)| k.clone())
                .collect()
        })
        .unwrap_or_default()
}

/// `parent` is the key `v` sits under: an output's or a variable's object is a member of an
/// `outputs` or `variables` map, which is what tells it from a resource attribute that
/// happens to be named `sensitive`.
fn walk(v: &mut Json, parent: &str) {
    match v {
        Json::Object(o) => {
            redact_object(o, parent);
            for (k, child) in o.iter_mut() {
                walk_member(child, k);
            }
        }
        Json::Array(a) => a.iter_mut().for_each(|x| walk(x, "")),
        _ => {}
    }
}

/// Walks the members of a map of outputs or variables with that map's name as their parent.
fn walk_member(child: &mut Json, key: &str) {
    match (key, &mut *child) {
        ("outputs" | "variables", Json::Object(m)) => m.values_mut().for_each(|x| walk(x, key)),
        _ => walk(child, key),
    }
}

/// Applies the rules above to one object (its children are walked afterwards; a withheld
/// value is `null` by then, so nothing below it is visited).
fn redact_object(o: &mut Map<String, Json>, parent: &str) {
    for (value, mask) in [
        ("values", "sensitive_values"),
        ("before", "before_sensitive"),
        ("after", "after_sensitive"),
    ] {
        if let (Some(mask), Some(v)) = (o.get(mask).cloned(), o.get_mut(value)) {
            apply_mask(v, &mask);
        }
    }
    let declared = matches!(parent, "outputs" | "variables");
    if declared && o.get("sensitive") == Some(&Json::Bool(true)) {
        for key in ["value", "default"] {
            if let Some(v) = o.get_mut(key) {
                *v = Json::Null;
            }
        }
    }
}

/// Nulls the parts of `v` that `mask` marks `true` (Terraform's mask shape: `true`, or an
/// object / array of masks mirroring the value).
fn apply_mask(v: &mut Json, mask: &Json) {
    match (v, mask) {
        (v, Json::Bool(true)) => *v = Json::Null,
        (Json::Object(o), Json::Object(m)) => {
            for (k, sub) in m {
                if let Some(x) = o.get_mut(k) {
                    apply_mask(x, sub);
                }
            }
        }
        (Json::Array(a), Json::Array(m)) => {
            for (x, sub) in a.iter_mut().zip(m) {
                apply_mask(x, sub);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn marked_values_are_withheld_and_the_marks_kept() {
        let mut doc = json!({
            "variables": { "pw": { "value": "hunter2" }, "region": { "value": "eu" } },
            "configuration": { "root_module": { "variables": {
                "pw": { "sensitive": true, "default": "hunter2" },
                "region": { "default": "eu" }
            } } },
            "planned_values": { "outputs": {
                "pw": { "sensitive": true, "value": "hunter2", "type": "string" },
                "id": { "sensitive": false, "value": "i-1" }
            }, "root_module": { "resources": [{
                "address": "x.y",
                "values": { "input": { "secret": "hunter2", "ok": 1 }, "list": ["a", "hunter2"] },
                "sensitive_values": { "input": { "secret": true }, "list": [false, true] }
            }] } },
            "resource_changes": [{ "change": {
                "before": null, "after": "hunter2", "after_sensitive": true, "before_sensitive": false
            } }]
        });
        redact_document(&mut doc);
        let text = doc.to_string();
        assert!(!text.contains("hunter2"), "{text}");
        assert_eq!(doc["variables"]["region"]["value"], "eu");
        assert_eq!(doc["planned_values"]["outputs"]["id"]["value"], "i-1");
        let r = &doc["planned_values"]["root_module"]["resources"][0];
        assert_eq!(r["values"]["input"], json!({ "secret": null, "ok": 1 }));
        assert_eq!(r["values"]["list"], json!(["a", null]));
        assert_eq!(r["sensitive_values"]["input"]["secret"], true);
        assert_eq!(doc["resource_changes"][0]["change"]["after"], Json::Null);
    }

    #[test]
    fn documents_without_marks_are_untouched() {
        let doc = json!({ "format_version": "1.0", "values": { "outputs": {
            "a": { "sensitive": false, "value": [1, 2] }
        }, "root_module": {} } });
        let mut redacted = doc.clone();
        redact_document(&mut redacted);
        assert_eq!(redacted, doc);
    }

    #[test]
    fn attributes_named_like_marks_are_values() {
        let doc = json!({ "values": { "root_module": { "resources": [{
            "values": { "rule": { "sensitive": true, "value": "kept" } },
            "sensitive_values": { "rule": {} }
        }] } } });
        let mut redacted = doc.clone();
        redact_document(&mut redacted);
        assert_eq!(redacted, doc);
    }
}
