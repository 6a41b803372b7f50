//! Helpers shared by the builtin resource types: reading attributes out of object values,
//! schema defaults, the random provider's `keepers` replacement rule, and error values.

use autostack_provider_sdk::{
    plan_by_schema, same, ApplyError, PathStep, PlanResponse, ResourceSchema,
};
use autostack_value::{Diagnostics, Type, Value};

pub(crate) use autostack_provider_sdk::attrs::{
    attr as get, error, get_bool, get_str, get_whole as get_int, with_attrs as with, with_defaults,
};

/// The most random bytes, characters, words or list elements one resource may ask for.
pub(crate) const MAX_SIZE: i64 = 1 << 20;

/// The known integer attribute `name` as a size, checked to lie in `min..=MAX_SIZE`.
pub(crate) fn get_size(v: &Value, name: &str, min: i64) -> Result<Option<usize>, Diagnostics> {
    match get_int(v, name)? {
        None => Ok(None),
        Some(n) if n < min => Err(error(
            format!("Invalid {name}"),
            format!("{name} must be at least {min}, got {n}."),
        )),
        Some(n) if n > MAX_SIZE => Err(error(
            format!("Invalid {name}"),
            format!("{name} must be at most {MAX_SIZE}, got {n}."),
        )),
        Some(n) => Ok(usize::try_from(n).ok()),
    }
}

/// A string value.
pub(crate) fn string(s: impl Into<String>) -> Value {
    Value::string(s.into())
}

/// A null string.
pub(crate) fn null_string() -> Value {
    Value::Null(Type::String)
}

/// The type `map(string)` used by `keepers` and `triggers`.
pub(crate) fn string_map() -> Type {
    Type::map(Type::String)
}

/// The error for an attribute that is still unknown when apply needs it.
pub(crate) fn unknown_at_apply(attr: &str) -> ApplyError {
    ApplyError::new(
        "Value not known at apply",
        format!(
            "The attribute {attr:?} is still unknown during apply; this is a bug in the engine."
        ),
    )
}

/// A plan that keeps a null proposal as is (the object is being destroyed).
fn plan_destroy(config: &Value) -> Option<PlanResponse> {
    config.is_null().then(|| PlanResponse::new(config.clone()))
}

/// Plans by schema after filling `defaults`, with `keepers` (when given) following the random
/// provider's "requires replace if values not null" rule instead of a plain force-new.
pub(crate) fn plan_standard(
    schema: &ResourceSchema,
    prior: Option<&Value>,
    config: &Value,
    defaults: &[(&str, Value)],
    keepers: Option<&str>,
) -> PlanResponse {
    if let Some(p) = plan_destroy(config) {
        return p;
    }
    let config = with_defaults(config, defaults);
    let mut change = plan_by_schema(schema, prior, &config);
    if let (Some(p), Some(k)) = (prior, keepers) {
        if keepers_force_replace(get(p, k), get(&config, k)) {
            if change.requires_replace.is_empty() {
                change.planned = plan_by_schema(schema, None, &config).planned;
            }
            change
                .requires_replace
                .push(vec![PathStep::Attr(k.to_string())]);
        }
    }
    change
}

fn entries(v: Option<&Value>) -> autostack_value::ValueMap {
    v.and_then(Value::as_entries).cloned().unwrap_or_default()
}

/// hashicorp/random's `RequiresReplaceIfValuesNotNull`: a keepers change forces replacement
/// unless the only difference is keys whose configured value is null.
pub(crate) fn keepers_force_replace(state: Option<&Value>, config: Option<&Value>) -> bool {
    let null = Value::Null(string_map());
    if same(state.unwrap_or(&null), config.unwrap_or(&null)) {
        return false;
    }
    let cfg = entries(config);
    let Some(state) = state else {
        return cfg.values().any(|v| !v.is_null());
    };
    let st = entries(Some(state));
    let changed = cfg.iter().any(|(k, cv)| match st.get(k) {
        None => !cv.is_null(),
        Some(sv) => !same(cv, sv),
    });
    changed || st.keys().any(|k| !cfg.contains_key(k))
}

/// Lower-case hexadecimal of bytes.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 15)] as char);
    }
    s
}

/// Calling resource types directly in unit tests, as the registry would.
#[cfg(test)]
pub(crate) mod typed {
    use autostack_provider_sdk::registry::ValueRead;
    use autostack_provider_sdk::{
        ApplyError, ChangeCtx, PlanCtx, PlanRequest, PlanResponse, Private, ResourceType,
    };
    use autostack_value::{Diagnostics, Value};

    /// Plans `config` over `prior` with the type's own planning.
    pub async fn plan<T: ResourceType<()>>(
        t: &T,
        prior: Option<&Value>,
        config: &Value,
    ) -> Result<PlanResponse, Diagnostics> {
        let schema = t.schema();
        let req = PlanRequest::new(t.name(), prior, config);
        let planned = autostack_provider_sdk::plan_by_schema(&schema, prior, config);
        let p = PlanCtx {
            req: &req,
            schema: &schema,
            planned,
            planning: Default::default(),
        };
        t.plan(&(), p).await
    }

    /// Creates `planned` (its own configuration).
    pub async fn create<T: ResourceType<()>>(t: &T, planned: &Value) -> Result<Value, ApplyError> {
        let ctx = ChangeCtx {
            prior: &Value::Null(autostack_value::Type::Dynamic),
            planned,
            config: planned,
            private: &Private::default(),
            token: "t",
        };
        t.create(&(), ctx).await
    }

    /// Reads one object.
    pub async fn read<T: ResourceType<()>>(t: &T, current: &Value) -> ValueRead {
        let mut out = t.read_many(&(), std::slice::from_ref(current)).await;
        out.pop().unwrap_or(Ok(None))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, Option<&str>)]) -> Value {
        let m = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.map_or(null_string(), string)))
            .collect();
        Value::map(Type::String, m)
    }

    #[test]
    fn keepers_rule_matches_random_provider() {
        let a = map(&[("a", Some("1"))]);
        assert!(!keepers_force_replace(None, None));
        assert!(!keepers_force_replace(Some(&a), Some(&a)));
        assert!(!keepers_force_replace(None, Some(&map(&[]))));
        assert!(!keepers_force_replace(None, Some(&map(&[("a", None)]))));
        assert!(keepers_force_replace(None, Some(&a)));
        assert!(keepers_force_replace(Some(&a), None));
        assert!(keepers_force_replace(
            Some(&a),
            Some(&map(&[("a", Some("2"))]))
        ));
        assert!(keepers_force_replace(
            Some(&a),
            Some(&map(&[("b", Some("1"))]))
        ));
        assert!(!keepers_force_replace(
            Some(&a),
            Some(&map(&[("a", Some("1")), ("b", None)]))
        ));
        assert!(!keepers_force_replace(Some(&map(&[])), None));
        assert!(keepers_force_replace(
            Some(&a),
            Some(&Value::Unknown(string_map()))
        ));
    }

    #[test]
    fn hex_encodes() {
        assert_eq!(hex(&[0, 15, 16, 255]), "000f10ff");
    }

    #[test]
    fn fractional_int_is_an_error() {
        let cfg =
            Value::object_from([("n", Value::Number(autostack_value::Number::from_f64(1.5)))]);
        assert!(get_int(&cfg, "n").is_err());
    }
}
