//! Reading attributes out of configuration, planned and state values, and building state
//! values: the one set of getters every provider uses. Getters see through marks (a sensitive
//! value reads like any other) and treat null as absent; [`nonempty_str`] also treats `""` as
//! absent, as the providers on Terraform's legacy plugin SDK (aws, azurerm, google) do.

use crate::plan::same;
use crate::schema::ResourceSchema;
use autostack_value::{make_set, Diagnostic, Diagnostics, Type, Value, ValueMap};
use std::collections::BTreeMap;

/// The attribute `name` of an object value as stored (marks kept), when present and not null.
pub fn attr<'a>(v: &'a Value, name: &str) -> Option<&'a Value> {
    v.as_entries()
        .and_then(|m| m.get(name))
        .filter(|x| !x.is_null())
}

/// The attribute `name` of an object value, unmarked, when present and not null.
pub fn get<'a>(v: &'a Value, name: &str) -> Option<&'a Value> {
    attr(v, name).map(Value::unmarked)
}

/// The known string attribute `name` (`""` included).
pub fn get_str<'a>(v: &'a Value, name: &str) -> Option<&'a str> {
    get(v, name).and_then(Value::as_str)
}

/// The known, non-empty string attribute `name` (legacy-SDK providers store an unset
/// optional string as `""`).
pub fn nonempty_str<'a>(v: &'a Value, name: &str) -> Option<&'a str> {
    get_str(v, name).filter(|s| !s.is_empty())
}

/// The string attribute `name`, or `""`.
pub fn str_or_empty<'a>(v: &'a Value, name: &str) -> &'a str {
    get_str(v, name).unwrap_or_default()
}

/// The known boolean attribute `name`.
pub fn get_bool(v: &Value, name: &str) -> Option<bool> {
    get(v, name).and_then(Value::as_bool)
}

/// The known integer attribute `name` (`None` also for fractions and huge numbers).
pub fn get_int(v: &Value, name: &str) -> Option<i64> {
    get(v, name)
        .and_then(Value::as_number)
        .and_then(|n| n.to_i64())
}

/// The known integer attribute `name`; an error when it is a number that is not a whole
/// 64-bit integer.
pub fn get_whole(v: &Value, name: &str) -> Result<Option<i64>, Diagnostics> {
    match get(v, name).and_then(Value::as_number) {
        None => Ok(None),
        Some(n) => n.to_i64().map(Some).ok_or_else(|| {
            error(
                "Invalid attribute value",
                format!("Attribute {name:?} must be a whole number that fits in 64 bits."),
            )
        }),
    }
}

/// The known integer attribute `name` as an `i32`.
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

/// A map of strings (tags, labels) as plain strings; unknown and null values are skipped.
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
    make_set(Type::String, strings(items))
}

/// A `list(string)` value.
pub fn string_list<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> Value {
    Value::list(Type::String, strings(items))
}

fn strings<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> Vec<Value> {
    items
        .into_iter()
        .map(|s| Value::string(s.as_ref()))
        .collect()
}

/// Returns `v` with attribute `name` set to `x`.
pub fn with_attr(v: &Value, name: &str, x: Value) -> Value {
    with_attrs(v, [(name, x)])
}

/// Returns `v` with the given attributes replaced.
pub fn with_attrs<'a>(v: &Value, attrs: impl IntoIterator<Item = (&'a str, Value)>) -> Value {
    let mut m: ValueMap = v.as_entries().cloned().unwrap_or_default();
    for (k, x) in attrs {
        m.insert(k.to_string(), x);
    }
    Value::object(m)
}

/// Fills attributes that are null in `config` with defaults (a Terraform `Default`).
pub fn with_defaults(config: &Value, defaults: &[(&str, Value)]) -> Value {
    let missing: Vec<(&str, Value)> = defaults
        .iter()
        .filter(|(k, _)| attr(config, k).is_none())
        .map(|(k, d)| (*k, d.clone()))
        .collect();
    if missing.is_empty() {
        config.clone()
    } else {
        with_attrs(config, missing)
    }
}

/// True when attribute `name` differs between two object values.
pub fn changed(prior: &Value, planned: &Value, name: &str) -> bool {
    let null = Value::Null(Type::Dynamic);
    !same(
        get(prior, name).unwrap_or(&null),
        get(planned, name).unwrap_or(&null),
    )
}

/// The starting value for an import: every attribute null (nested blocks empty) except those
/// with a schema default, which get it, so an imported object plans like a created one.
pub fn import_base(schema: &ResourceSchema) -> Value {
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

/// The value an import of `id` reads back from: [`import_base`] with the ID.
pub fn import_seed(schema: &ResourceSchema, id: &str) -> Value {
    with_attr(&import_base(schema), "id", Value::string(id))
}

/// An error diagnostic without a source location (providers see values, not files).
pub fn error(summary: impl Into<String>, detail: impl Into<String>) -> Diagnostics {
    Diagnostic::error(summary, detail, None).into()
}

/// A state value under construction: starts from the prior state (so configured values the
/// cloud does not echo back survive) and takes what the cloud reports.
pub struct Obj(ValueMap);

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
    pub fn set_all<I: IntoIterator<Item = (&'static str, Value)>>(mut self, pairs: I) -> Obj {
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

    /// Sets an optional string attribute the cloud may leave out: when absent, a prior null
    /// (or `""`, as legacy-SDK providers write) is kept, so unset stays unset.
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
            .map(|(k, v)| match v.is_unknown() {
                true => (k, Value::Null(v.ty())),
                false => (k, v),
            })
            .collect();
        Value::object(m)
    }
}

/// Sets an optional (not computed) attribute to what the cloud reports, but leaves it null
/// while `prior` has it unset and the cloud reports the zero value (so an unset argument
/// plans no change).
pub fn echo_optional(o: Obj, prior: &Value, name: &str, v: Value, is_zero: bool) -> Obj {
    if is_zero && get(prior, name).is_none() {
        return o;
    }
    o.set(name, v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn getters_see_through_marks_and_skip_nulls() {
        let v = Value::object_from([
            ("s", Value::string("x").sensitive()),
            ("e", Value::string("")),
            ("n", Value::Null(Type::String)),
            ("i", Value::int(3)),
            ("f", Value::Number(autostack_value::Number::from_f64(1.5))),
        ]);
        assert_eq!(get_str(&v, "s"), Some("x"));
        assert_eq!(get_str(&v, "e"), Some(""));
        assert_eq!(nonempty_str(&v, "e"), None);
        assert_eq!(str_or_empty(&v, "n"), "");
        assert!(attr(&v, "s").is_some_and(|x| x.marks().is_sensitive()));
        assert_eq!(get_int(&v, "i"), Some(3));
        assert!(get_whole(&v, "f").is_err());
        assert_eq!(get_whole(&v, "i").unwrap(), Some(3));
    }

    #[test]
    fn defaults_fill_only_nulls() {
        let cfg = Value::object_from([("a", Value::int(1)), ("b", Value::Null(Type::Number))]);
        let out = with_defaults(&cfg, &[("a", Value::int(5)), ("b", Value::int(6))]);
        assert_eq!(get_int(&out, "a"), Some(1));
        assert_eq!(get_int(&out, "b"), Some(6));
    }

    #[test]
    fn finish_nulls_what_is_still_unknown() {
        let v = Obj::from(&Value::object_from([("a", Value::Unknown(Type::String))]))
            .str("b", "x")
            .finish();
        assert!(get(&v, "a").is_none());
        assert_eq!(get_str(&v, "b"), Some("x"));
    }
}
