//! `time_static` (hashicorp/time): a timestamp fixed at create time (or given as `rfc3339`),
//! with its parts as numbers.

use crate::common::{error, get_str, plan_standard, string, string_map, with};
use crate::state_only::{replacer, Making, Planned, Replacer};
use async_trait::async_trait;
use autostack_provider_sdk::{ApplyError, Attribute, ResourceSchema};
use autostack_value::{Diagnostics, Type, Value};
use chrono::{DateTime, Datelike, FixedOffset, SecondsFormat, Timelike, Utc};

/// The `time_static` resource type.
pub struct TimeStatic;

const PARTS: [&str; 7] = ["year", "month", "day", "hour", "minute", "second", "unix"];

/// Parses an RFC 3339 timestamp ("2020-02-12T06:36:13Z", "2020-02-12T08:36:13+02:00").
pub(crate) fn parse_rfc3339(s: &str) -> Result<DateTime<FixedOffset>, String> {
    DateTime::parse_from_rfc3339(s)
        .map_err(|e| format!("{s:?} is not an RFC 3339 timestamp (like 2020-02-12T06:36:13Z): {e}"))
}

/// Formats a timestamp like Go's `time.RFC3339`: whole seconds, "Z" for UTC.
pub(crate) fn format_rfc3339(t: &DateTime<FixedOffset>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The current time in UTC, to the second.
pub(crate) fn now() -> DateTime<FixedOffset> {
    let t = Utc::now();
    DateTime::from_timestamp(t.timestamp(), 0)
        .unwrap_or(t)
        .fixed_offset()
}

/// The computed parts of a timestamp (in its own offset) as attribute pairs.
fn parts(t: &DateTime<FixedOffset>) -> Vec<(&'static str, Value)> {
    let nums = [
        i64::from(t.year()),
        i64::from(t.month()),
        i64::from(t.day()),
        i64::from(t.hour()),
        i64::from(t.minute()),
        i64::from(t.second()),
        t.timestamp(),
    ];
    PARTS.into_iter().zip(nums.map(Value::int)).collect()
}

/// A state for timestamp `t`; `text` is kept as `rfc3339` and `id` when given.
fn state_for(base: &Value, t: &DateTime<FixedOffset>, text: Option<&str>) -> Value {
    let text = text.map_or_else(|| format_rfc3339(t), String::from);
    let mut attrs = parts(t);
    attrs.push(("rfc3339", string(text.clone())));
    attrs.push(("id", string(text)));
    with(base, attrs)
}

#[async_trait]
impl Making for TimeStatic {
    const REPLACED_BY: Replacer = replacer!("triggers", values, "saves a new timestamp");

    fn schema(&self) -> ResourceSchema {
        let mut b = autostack_provider_sdk::attributes! {
            "rfc3339": optional_computed(Type::String).force_new() => "The base timestamp in RFC 3339 format; defaults to the time of creation.",
            "triggers": optional(string_map()).force_new() => "Arbitrary values whose change saves a new timestamp.",
            "id": computed(Type::String) => "The timestamp in RFC 3339 format.",
        };
        for p in PARTS {
            b = b.attr(
                p,
                Attribute::computed(Type::Number)
                    .describe("A part of the timestamp (unix: seconds since the epoch)."),
            );
        }
        ResourceSchema {
            version: 0,
            block: b,
        }
    }

    /// Plans by schema; on create with a known `rfc3339` every part is known at plan time.
    fn plan(&self, schema: &ResourceSchema, prior: Option<&Value>, config: &Value) -> Planned {
        let given = get_str(config, "rfc3339");
        let parsed = given
            .map(parse_rfc3339)
            .transpose()
            .map_err(|e| error("Invalid rfc3339", e))?;
        let mut change = plan_standard(schema, prior, config, &[], None);
        let creating = prior.is_none() || !change.requires_replace.is_empty();
        if let (true, Some(t)) = (creating && !config.is_null(), parsed) {
            change.planned = state_for(&change.planned, &t, given);
        }
        Ok(change)
    }

    async fn make(&self, planned: &Value) -> Result<Value, ApplyError> {
        let given = get_str(planned, "rfc3339");
        let t = match given {
            Some(s) => parse_rfc3339(s).map_err(|e| ApplyError::new("Invalid rfc3339", e))?,
            None => now(),
        };
        Ok(state_for(planned, &t, given))
    }

    /// Imports by an RFC 3339 timestamp.
    async fn import(&self, id: &str) -> Result<Value, Diagnostics> {
        let t = parse_rfc3339(id).map_err(|e| {
            error(
                "Import time static error",
                format!("The id that was supplied could not be parsed as RFC3339: {e}"),
            )
        })?;
        let base = Value::object_from([("triggers", Value::Null(string_map()))]);
        Ok(state_for(&base, &t, Some(&format_rfc3339(&t))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::common::get_int;
    use crate::state_only::StateOnly;

    #[tokio::test]
    async fn given_timestamp_is_known_at_plan() {
        let cfg = Value::object_from([("rfc3339", string("2020-02-12T08:36:13+02:00"))]);
        let p = crate::common::typed::plan(&StateOnly("time_static", TimeStatic), None, &cfg)
            .await
            .unwrap();
        assert!(p.planned.is_wholly_known());
        assert_eq!(get_int(&p.planned, "hour").unwrap(), Some(8));
        assert_eq!(get_int(&p.planned, "unix").unwrap(), Some(1581489373));
        assert_eq!(get_str(&p.planned, "id"), Some("2020-02-12T08:36:13+02:00"));
        let bad = Value::object_from([("rfc3339", string("yesterday"))]);
        assert!(
            crate::common::typed::plan(&StateOnly("time_static", TimeStatic), None, &bad)
                .await
                .is_err()
        );
    }

    #[tokio::test]
    async fn create_uses_now_in_utc() {
        let p = crate::common::typed::plan(
            &StateOnly("time_static", TimeStatic),
            None,
            &Value::object_from([("triggers", Value::Null(string_map()))]),
        )
        .await
        .unwrap();
        assert!(p.planned.as_entries().unwrap()["year"].is_unknown());
        let state = crate::common::typed::create(&StateOnly("time_static", TimeStatic), &p.planned)
            .await
            .unwrap();
        let id = get_str(&state, "id").unwrap();
        assert!(id.ends_with('Z') && id.len() == 20, "{id}");
        assert_eq!(get_str(&state, "rfc3339"), Some(id));
        let unix = get_int(&state, "unix").unwrap().unwrap();
        assert!((unix - Utc::now().timestamp()).abs() < 5);
    }

    #[tokio::test]
    async fn import_parses_rfc3339() {
        let v = TimeStatic.import("2020-02-12T06:36:13Z").await.unwrap();
        assert_eq!(get_int(&v, "year").unwrap(), Some(2020));
        assert_eq!(get_int(&v, "month").unwrap(), Some(2));
        assert_eq!(get_int(&v, "day").unwrap(), Some(12));
        assert_eq!(get_int(&v, "second").unwrap(), Some(13));
        assert_eq!(get_str(&v, "id"), Some("2020-02-12T06:36:13Z"));
        assert!(TimeStatic.import("2020-02-12").await.is_err());
    }
}
