//! `random_string` and `random_password` (hashicorp/random): random text from chosen
//! character classes with per-class minimums; the password's result is sensitive and comes
//! with a bcrypt hash.

use crate::logical::StateOnly;
use crate::util::{get_bool, get_i64, get_str, os_random_below, string_map, with};
use async_trait::async_trait;
use autostack_lang::{Diagnostic, Diagnostics, Type, Value};
use autostack_provider_sdk::{ApplyError, Attribute, Block, ResourceSchema};

/// The resource type; `password` selects `random_password`.
pub struct RandomString {
    /// `random_password` rather than `random_string`.
    pub password: bool,
}

const LOWER: &str = "abcdefghijklmnopqrstuvwxyz";
const UPPER: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const NUMERIC: &str = "0123456789";
const SPECIAL: &str = "!@#$%&*()-_=+[]{}<>:?";

fn pick(chars: &[char]) -> Result<char, ApplyError> {
    Ok(chars[os_random_below(chars.len() as u64)? as usize])
}

/// Generates a result honouring the character classes and minimums of `cfg`.
pub fn generate(cfg: &Value) -> Result<String, ApplyError> {
    let length = get_i64(cfg, "length")
        .filter(|n| *n >= 1)
        .ok_or_else(|| ApplyError::new("Invalid length", "length must be at least 1."))?
        as usize;
    let special_set = if get(cfg, "override_special").is_null() {
        SPECIAL.to_string()
    } else {
        get_str(cfg, "override_special")
    };
    let numeric = get_bool(cfg, "numeric", true) && get_bool(cfg, "number", true);
    let classes: Vec<(bool, Vec<char>, usize)> = vec![
        (
            get_bool(cfg, "lower", true),
            LOWER.chars().collect(),
            min(cfg, "min_lower"),
        ),
        (
            get_bool(cfg, "upper", true),
            UPPER.chars().collect(),
            min(cfg, "min_upper"),
        ),
        (numeric, NUMERIC.chars().collect(), min(cfg, "min_numeric")),
        (
            get_bool(cfg, "special", true),
            special_set.chars().collect(),
            min(cfg, "min_special"),
        ),
    ];
    let mut out = Vec::with_capacity(length);
    let mut all = Vec::new();
    for (on, chars, m) in &classes {
        for _ in 0..*m {
            if chars.is_empty() {
                return Err(ApplyError::new(
                    "Invalid character set",
                    "A minimum was requested for an empty character set.",
                ));
            }
            out.push(pick(chars)?);
        }
        if *on {
            all.extend(chars.iter().copied());
        }
    }
    if out.len() > length {
        return Err(ApplyError::new(
            "Invalid length",
            format!(
                "length ({length}) must be at least the sum of the min_* arguments ({}).",
                out.len()
            ),
        ));
    }
    if all.is_empty() {
        return Err(ApplyError::new(
            "No characters",
            "At least one of lower, upper, numeric and special must be true.",
        ));
    }
    while out.len() < length {
        out.push(pick(&all)?);
    }
    for i in (1..out.len()).rev() {
        let j = os_random_below(i as u64 + 1)? as usize;
        out.swap(i, j);
    }
    Ok(out.into_iter().collect())
}

fn get(v: &Value, k: &str) -> Value {
    crate::util::get(v, k)
}

fn min(v: &Value, k: &str) -> usize {
    get_i64(v, k).unwrap_or(0).max(0) as usize
}

#[async_trait]
impl StateOnly for RandomString {
    fn name(&self) -> &'static str {
        if self.password {
            "random_password"
        } else {
            "random_string"
        }
    }

    fn schema(&self) -> ResourceSchema {
        let flag = || {
            Attribute::optional_computed(Type::Bool)
                .default(true)
                .force_new()
        };
        let count = || {
            Attribute::optional_computed(Type::Number)
                .default(0)
                .force_new()
        };
        let mut result = Attribute::computed(Type::String);
        if self.password {
            result = result.sensitive();
        }
        let mut block = Block::new()
            .attr("length", Attribute::required(Type::Number).force_new())
            .attr("keepers", Attribute::optional(string_map()).force_new())
            .attr("lower", flag())
            .attr("upper", flag())
            .attr("numeric", flag())
            .attr("number", flag())
            .attr("special", flag())
            .attr("min_lower", count())
            .attr("min_upper", count())
            .attr("min_numeric", count())
            .attr("min_special", count())
            .attr(
                "override_special",
                Attribute::optional(Type::String).force_new(),
            )
            .attr("result", result)
            .attr("id", Attribute::computed(Type::String));
        if self.password {
            block = block.attr("bcrypt_hash", Attribute::computed(Type::String).sensitive());
        }
        ResourceSchema {
            version: if self.password { 3 } else { 2 },
            block,
        }
    }

    async fn create(&self, planned: &Value) -> Result<Value, ApplyError> {
        let result = generate(planned)?;
        if self.password {
            let hash = bcrypt::hash(&result, bcrypt::DEFAULT_COST)
                .map_err(|e| ApplyError::new("bcrypt failed", e.to_string()))?;
            return Ok(with(
                planned,
                [
                    ("result", Value::string(result).sensitive()),
                    ("bcrypt_hash", Value::string(hash).sensitive()),
                    ("id", Value::string("none")),
                ],
            ));
        }
        Ok(with(
            planned,
            [
                ("result", Value::string(result.clone())),
                ("id", Value::string(result)),
            ],
        ))
    }

    async fn import(&self, id: &str) -> Result<Value, Diagnostics> {
        if id.is_empty() {
            return Err(Diagnostic::error(
                "Invalid import ID",
                "The import ID is the generated string itself and must not be empty.",
                None,
            )
            .into());
        }
        let mut attrs = vec![
            ("length", Value::int(id.chars().count() as i64)),
            ("keepers", Value::Null(string_map())),
            ("lower", Value::Bool(true)),
            ("upper", Value::Bool(true)),
            ("numeric", Value::Bool(true)),
            ("number", Value::Bool(true)),
            ("special", Value::Bool(true)),
            ("min_lower", Value::int(0)),
            ("min_upper", Value::int(0)),
            ("min_numeric", Value::int(0)),
            ("min_special", Value::int(0)),
            ("override_special", Value::Null(Type::String)),
        ];
        if self.password {
            let hash = bcrypt::hash(id, bcrypt::DEFAULT_COST).map_err(|e| {
                Diagnostics::from(Diagnostic::error("bcrypt failed", e.to_string(), None))
            })?;
            attrs.extend([
                ("result", Value::string(id).sensitive()),
                ("bcrypt_hash", Value::string(hash).sensitive()),
                ("id", Value::string("none")),
            ]);
        } else {
            attrs.extend([("result", Value::string(id)), ("id", Value::string(id))]);
        }
        Ok(Value::object_from(attrs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(pairs: &[(&str, Value)]) -> Value {
        Value::object_from(pairs.iter().cloned())
    }

    #[test]
    fn honours_length_classes_and_minimums() {
        for _ in 0..50 {
            let s = generate(&cfg(&[
                ("length", Value::int(16)),
                ("min_upper", Value::int(3)),
                ("min_numeric", Value::int(4)),
                ("special", Value::Bool(false)),
            ]))
            .unwrap();
            assert_eq!(s.chars().count(), 16);
            assert!(
                s.chars().filter(|c| c.is_ascii_uppercase()).count() >= 3,
                "{s}"
            );
            assert!(s.chars().filter(|c| c.is_ascii_digit()).count() >= 4, "{s}");
            assert!(s.chars().all(|c| c.is_ascii_alphanumeric()), "{s}");
        }
        let only = generate(&cfg(&[
            ("length", Value::int(8)),
            ("lower", Value::Bool(false)),
            ("upper", Value::Bool(false)),
            ("numeric", Value::Bool(false)),
            ("override_special", Value::string("#")),
        ]))
        .unwrap();
        assert_eq!(only, "########");
        assert!(generate(&cfg(&[
            ("length", Value::int(2)),
            ("min_lower", Value::int(3))
        ]))
        .is_err());
        assert!(generate(&cfg(&[("length", Value::int(0))])).is_err());
    }
}
