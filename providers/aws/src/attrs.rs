//! Reading configuration and planned values, and building state values from what AWS
//! returns.

use autostack_provider_sdk::same;
use autostack_value::make_set;
use autostack_value::{Diagnostic, Diagnostics, Type, Value};
use std::collections::BTreeMap;

/// The attribute `name` of an object value, when present and not null.
pub fn get<'a>(v: &'a Value, name: &str) -> Option<&'a Value> {
    v.as_entries()
        .and_then(|m| m.get(name))
        .map(Value::unmarked)
        .filter(|x| !x.is_null())
}

/// The known string attribute `name` (None when null, unknown or absent; "" counts as unset,
/// as the AWS provider treats empty optional strings).
pub fn get_str<'a>(v: &'a Value, name: &str) -> Option<&'a str> {
    get(v, name)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// The string attribute `name`, or "".
pub fn str_or_empty<'a>(v: &'a Value, name: &str) -> &'a str {
    get_str(v, name).unwrap_or_default()
}

/// The known boolean attribute `name`.
pub fn get_bool(v: &Value, name: &str) -> Option<bool> {
    get(v, name).and_then(Value::as_bool)
}

/// The known integer attribute `name`.
pub fn get_int(v: &Value, name: &str) -> Option<i64> {
    get(v, name)
        .and_then(Value::as_number)
        .and_then(|n| n.to_i64())
}

/// The known integer attribute `name` as an `i32` (AWS's integer fields).
pub fn get_i32(v: &Value, name: &str) -> Option<i32> {
    get_int(v, name).and_then(|i| i32::try_from(i).ok())
}

/// The known strings of a list or set attribute.
pub fn get_strings(v: &Value, name: &str) -> Vec<String> {
    get(v, name)
        .and_then(Value::as_seq)
        .map(|xs| {
            xs.iter()
                .filter_map(|x| x.unmarked().as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The nested blocks (objects) of a list or set attribute.
pub fn get_blocks<'a>(v: &'a Value, name: &str) -> &'a [Value] {
    get(v, name).and_then(Value::as_seq).unwrap_or_default()
}

/// A map of strings (tags) as plain strings; unknown and null values are skipped.
pub fn string_map(v: &Value) -> BTreeMap<String, String> {
    v.unmarked()
        .as_entries()
        .map(|m| {
            m.iter()
                .filter_map(|(k, x)| x.unmarked().as_str().map(|s| (k.clone(), s.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

/// A string value, or a null string for `None`.
pub fn opt_string(s: Option<&str>) -> Value {
    s.map_or(Value::Null(Type::String), Value::string)
}

/// A `map(string)` value.
pub fn map_value(m: &BTreeMap<String, String>) -> Value {
    Value::map(
        Type::String,
        m.iter()
            .map(|(k, v)| (k.clone(), Value::string(v.as_str())))
            .collect(),
    )
}

/// A `set(string)` value.
pub fn string_set<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> Value {
    make_set(
        Type::String,
        items
            .into_iter()
            .map(|s| Value::string(s.as_ref()))
            .collect(),
    )
}

/// A `list(string)` value.
pub fn string_list<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> Value {
    Value::list(
        Type::String,
        items
            .into_iter()
            .map(|s| Value::string(s.as_ref()))
            .collect(),
    )
}

/// A state value under construction: starts from the prior state (so configured values AWS
/// does not echo back survive) and takes what AWS reports.
pub struct Obj(BTreeMap<String, Value>);

impl Obj {
    /// Starts from an object value (prior state or planned value).
    pub fn from(v: &Value) -> Obj {
        Obj(v.as_entries().cloned().unwrap_or_default())
    }

    /// Sets an attribute.
    pub fn set(mut self, name: &str, v: Value) -> Obj {
        self.0.insert(name.to_string(), v);
        self
    }

    /// Sets several attributes.
    pub fn set_all<const N: usize>(mut self, pairs: [(&str, Value); N]) -> Obj {
        for (k, v) in pairs {
            self.0.insert(k.to_string(), v);
        }
        self
    }

    /// Sets a string attribute.
    pub fn str(self, name: &str, s: impl AsRef<str>) -> Obj {
        self.set(name, Value::string(s.as_ref()))
    }

    /// Sets a string attribute, null when absent.
    pub fn opt_str(self, name: &str, s: Option<&str>) -> Obj {
        self.set(name, opt_string(s))
    }

    /// Sets an optional string attribute AWS may leave out: when absent, a prior null (or
    /// `""`, as hashicorp/aws writes) is kept, so unset stays unset.
    pub fn unset_str(self, name: &str, s: Option<&str>) -> Obj {
        match s {
            Some(s) if !s.is_empty() => self.str(name, s),
            _ => {
                let keep = self
                    .0
                    .get(name)
                    .is_some_and(|v| v.is_null() || v.as_str() == Some(""));
                if keep {
                    self
                } else {
                    self.set(name, Value::Null(Type::String))
                }
            }
        }
    }

    /// Sets a boolean attribute.
    pub fn bool(self, name: &str, b: bool) -> Obj {
        self.set(name, Value::bool(b))
    }

    /// Sets a number attribute.
    pub fn int(self, name: &str, i: impl Into<i64>) -> Obj {
        self.set(name, Value::int(i.into()))
    }

    /// The object as it is (unknowns kept: for planned values).
    pub fn into_value(self) -> Value {
        Value::object(self.0)
    }

    /// Sets every attribute that is still unknown to null: after apply, nothing may stay
    /// unknown (Terraform's "provider produced an unknown value" rule).
    pub fn finish(self) -> Value {
        let m = self
            .0
            .into_iter()
            .map(|(k, v)| {
                let v = if v.is_unknown() {
                    Value::Null(v.ty())
                } else {
                    v
                };
                (k, v)
            })
            .collect();
        Value::object(m)
    }
}

/// True when attribute `name` differs between two object values.
pub fn changed(prior: &Value, planned: &Value, name: &str) -> bool {
    let a = get(prior, name)
        .cloned()
        .unwrap_or(Value::Null(Type::Dynamic));
    let b = get(planned, name)
        .cloned()
        .unwrap_or(Value::Null(Type::Dynamic));
    !same(&a, &b)
}

/// Sets an optional (not computed) attribute to what AWS reports, but leaves it null while
/// it is unset and AWS reports the zero value (so an unset argument plans no change).
pub fn echo_optional(o: Obj, prior: &Value, name: &str, v: Value, is_zero: bool) -> Obj {
    if is_zero && get(prior, name).is_none() {
        return o;
    }
    o.set(name, v)
}

/// A timestamp as RFC 3339 in whole seconds (as the AWS provider formats `create_time`).
pub fn rfc3339(t: &aws_smithy_types::DateTime) -> String {
    aws_smithy_types::DateTime::from_secs(t.secs()).to_string()
}

/// The starting value for an import: every attribute null (nested blocks empty) except those
/// with a schema default, which get it, so an imported object plans like a created one.
pub fn import_base(schema: &autostack_provider_sdk::ResourceSchema) -> Value {
    let mut m = schema
        .block
        .empty_value()
        .as_entries()
        .cloned()
        .unwrap_or_default();
    for (k, a) in &schema.block.attributes {
        if let Some(d) = &a.default {
            m.insert(k.clone(), d.clone());
        }
    }
    Value::object(m)
}

/// An error diagnostic without a source location (providers see values, not files).
pub fn error(summary: impl Into<String>, detail: impl Into<String>) -> Diagnostics {
    Diagnostic::error(summary, detail, None).into()
}
