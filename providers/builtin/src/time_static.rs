//! `time_static` (hashicorp/time): a timestamp fixed at creation, with its parts.

use crate::logical::StateOnly;
use crate::util::{get_str, string_map, with};
use async_trait::async_trait;
use autostack_lang::{Diagnostic, Diagnostics, Type, Value};
use autostack_provider_sdk::{ApplyError, Attribute, Block, ResourceSchema};
use chrono::{DateTime, Datelike, SecondsFormat, Timelike, Utc};

/// The resource type.
pub struct TimeStatic;

/// The computed attributes of a timestamp.
fn parts(t: DateTime<Utc>) -> Vec<(&'static str, Value)> {
    let rfc = t.to_rfc3339_opts(SecondsFormat::Secs, true);
    vec![
        ("rfc3339", Value::string(rfc.clone())),
        ("id", Value::string(rfc)),
        ("year", Value::int(i64::from(t.year()))),
        ("month", Value::int(i64::from(t.month()))),
        ("day", Value::int(i64::from(t.day()))),
        ("hour", Value::int(i64::from(t.hour()))),
        ("minute", Value::int(i64::from(t.minute()))),
        ("second", Value::int(i64::from(t.second()))),
        ("unix", Value::int(t.timestamp())),
    ]
}

fn parse(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("{s:?} is not an RFC 3339 timestamp: {e}"))
}

#[async_trait]
impl StateOnly for TimeStatic {
    fn name(&self) -> &'static str {
        "time_static"
    }

    fn schema(&self) -> ResourceSchema {
        let n = || Attribute::computed(Type::Number);
        ResourceSchema {
            version: 0,
            block: Block::new()
                .attr(
                    "rfc3339",
                    Attribute::optional_computed(Type::String).force_new(),
                )
                .attr("triggers", Attribute::optional(string_map()).force_new())
                .attr("id", Attribute::computed(Type::String))
                .attr("year", n())
                .attr("month", n())
                .attr("day", n())
                .attr("hour", n())
                .attr("minute", n())
                .attr("second", n())
                .attr("unix", n()),
        }
    }

    async fn create(&self, planned: &Value) -> Result<Value, ApplyError> {
        let given = get_str(planned, "rfc3339");
        let t = if given.is_empty() {
            Utc::now()
        } else {
            parse(&given).map_err(|e| ApplyError::new("Invalid rfc3339", e))?
        };
        Ok(with(planned, parts(t)))
    }

    async fn import(&self, id: &str) -> Result<Value, Diagnostics> {
        let t = parse(id)
            .map_err(|e| Diagnostics::from(Diagnostic::error("Invalid import ID", e, None)))?;
        let base = Value::object_from([("triggers", Value::Null(string_map()))]);
        Ok(with(&base, parts(t)))
    }
}
