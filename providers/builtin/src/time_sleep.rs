//! `time_sleep` (hashicorp/time): waits `create_duration` when created and
//! `destroy_duration` when destroyed; `triggers` changes force replacement.

use crate::common::{error, get, get_str, null_string, plan_standard, string, string_map, with};
use crate::duration::{parse_go_duration, to_std};
use crate::state_only::{replacer, Making, Planned, Replacer};
use crate::time_static::{format_rfc3339, now};
use async_trait::async_trait;
use autostack_provider_sdk::{ApplyError, ResourceSchema};
use autostack_value::{Diagnostics, Type, Value};
use std::collections::BTreeMap;

/// The `time_sleep` resource type.
pub struct TimeSleep;

const DURATIONS: [&str; 2] = ["create_duration", "destroy_duration"];

/// The configured duration in `attr`, parsed (zero when unset).
fn duration(v: &Value, attr: &str) -> Result<std::time::Duration, String> {
    match get_str(v, attr) {
        Some(s) if !s.is_empty() => parse_go_duration(s)
            .map(to_std)
            .map_err(|e| format!("The {attr} cannot be parsed: {e}")),
        _ => Ok(std::time::Duration::ZERO),
    }
}

/// Checks the durations: at least one configured, each a valid Go duration.
fn validate(config: &Value) -> Result<(), Diagnostics> {
    if DURATIONS.iter().all(|a| get(config, a).is_none()) {
        return Err(error(
            "Missing duration",
            "At least one of \"create_duration\" or \"destroy_duration\" must be configured.",
        ));
    }
    for attr in DURATIONS {
        duration(config, attr).map_err(|e| {
            error(
                format!("Invalid {attr}"),
                format!(
                    "{e}. Use a number followed by a unit such as \"30s\", \"5m\" or \"1m30s\"."
                ),
            )
        })?;
    }
    Ok(())
}

/// Parses an import ID `CREATE,DESTROY[,KEY=VALUE...]` into (create, destroy, triggers).
fn parse_import(id: &str) -> Result<(Value, Value, Value), String> {
    let parts: Vec<&str> = id.split(',').collect();
    if parts.len() < 2 || (parts[0].is_empty() && parts[1].is_empty()) {
        return Err(format!("Unexpected format of ID ({id:?}), expected CREATEDURATION,DESTROYDURATION,KEY=VALUE,KEY=VALUE... where at least one CREATEDURATION or DESTROYDURATION value is non-empty"));
    }
    let mut durations = Vec::new();
    for (attr, text) in DURATIONS.iter().zip(&parts) {
        if text.is_empty() {
            durations.push(null_string());
        } else {
            parse_go_duration(text).map_err(|e| format!("The {attr} cannot be parsed: {e}"))?;
            durations.push(string(*text));
        }
    }
    let mut triggers = BTreeMap::new();
    for t in &parts[2..] {
        let (k, v) = t
            .split_once('=')
            .filter(|(_, v)| !v.contains('='))
            .ok_or_else(|| format!("Trigger import entries must be KEY=VALUE, got {t}"))?;
        triggers.insert(k.to_string(), string(v));
    }
    let destroy = durations.pop().unwrap_or_else(null_string);
    let create = durations.pop().unwrap_or_else(null_string);
    Ok((create, destroy, Value::map(Type::String, triggers.into())))
}

#[async_trait]
impl Making for TimeSleep {
    const REPLACED_BY: Replacer = replacer!("triggers", values, "runs the delays again");

    fn schema(&self) -> ResourceSchema {
        let block = autostack_provider_sdk::attributes! {
            "create_duration": optional(Type::String) => "How long to wait when created (Go duration, e.g. \"30s\").",
            "destroy_duration": optional(Type::String) => "How long to wait when destroyed (Go duration, e.g. \"30s\").",
            "triggers": optional(string_map()).force_new() => "Arbitrary values whose change runs the delays again.",
            "id": computed(Type::String) => "The time of creation in RFC 3339 format.",
        };
        ResourceSchema { version: 0, block }
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        match config.is_null() {
            true => Diagnostics::new(),
            false => validate(config).err().unwrap_or_default(),
        }
    }

    fn plan(&self, schema: &ResourceSchema, prior: Option<&Value>, config: &Value) -> Planned {
        Ok(plan_standard(schema, prior, config, &[], None))
    }

    async fn make(&self, planned: &Value) -> Result<Value, ApplyError> {
        let wait = duration(planned, "create_duration")
            .map_err(|e| ApplyError::new("Create time sleep error", e))?;
        tokio::time::sleep(wait).await;
        Ok(with(planned, [("id", string(format_rfc3339(&now())))]))
    }

    async fn forget(&self, prior: &Value) -> Result<(), ApplyError> {
        let wait = duration(prior, "destroy_duration")
            .map_err(|e| ApplyError::new("Delete time sleep error", e))?;
        tokio::time::sleep(wait).await;
        Ok(())
    }

    /// Imports `CREATE_DURATION,DESTROY_DURATION[,KEY=VALUE...]`.
    async fn import(&self, id: &str) -> Result<Value, Diagnostics> {
        let (create, destroy, triggers) =
            parse_import(id).map_err(|e| error("Import time sleep error", e))?;
        let id = string(format_rfc3339(&now()));
        Ok(Value::object_from([
            ("create_duration", create),
            ("destroy_duration", destroy),
            ("triggers", triggers),
            ("id", id),
        ]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state_only::StateOnly;
    use std::time::Instant;

    fn cfg(create: Option<&str>, destroy: Option<&str>) -> Value {
        let opt = |s: Option<&str>| s.map_or_else(null_string, string);
        Value::object_from([
            ("create_duration", opt(create)),
            ("destroy_duration", opt(destroy)),
        ])
    }

    #[tokio::test]
    async fn sleeps_on_create_and_destroy() {
        let p = crate::common::typed::plan(
            &StateOnly("time_sleep", TimeSleep),
            None,
            &cfg(Some("30ms"), Some("20ms")),
        )
        .await
        .unwrap();
        let start = Instant::now();
        let state = crate::common::typed::create(&StateOnly("time_sleep", TimeSleep), &p.planned)
            .await
            .unwrap();
        assert!(start.elapsed() >= std::time::Duration::from_millis(30));
        assert!(get_str(&state, "id").is_some_and(|id| id.ends_with('Z')));
        let start = Instant::now();
        TimeSleep.forget(&state).await.unwrap();
        assert!(start.elapsed() >= std::time::Duration::from_millis(20));
    }

    #[tokio::test]
    async fn validate_rejects_bad_durations() {
        let bad = |c: &Value| TimeSleep.validate(c).has_errors();
        assert!(bad(&cfg(None, None)));
        let e = TimeSleep.validate(&cfg(Some("10"), None));
        assert!(e.to_string().contains("missing unit"), "{e}");
        assert!(bad(&cfg(None, Some("1x"))));
        assert!(!bad(&cfg(Some("1m30s"), None)));
    }

    #[tokio::test]
    async fn import_formats() {
        let v = TimeSleep.import("1s,,a=b,c=d").await.unwrap();
        assert_eq!(get_str(&v, "create_duration"), Some("1s"));
        assert!(get(&v, "destroy_duration").is_none());
        assert_eq!(v.as_entries().unwrap()["triggers"].length(), Some(2));
        assert!(TimeSleep.import(",").await.is_err());
        assert!(TimeSleep.import("1s").await.is_err());
        assert!(TimeSleep.import("xs,").await.is_err());
        assert!(TimeSleep.import("1s,,novalue").await.is_err());
    }
}
