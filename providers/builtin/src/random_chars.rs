//! What `random_string` and `random_password` share: their schema, validation, the
//! `number`/`numeric` alias, planning, and the character generator.

use crate::common::{
    error, get, get_bool, get_size, get_str, null_string, plan_standard, string, string_map, with,
};
use crate::rng::Rng;
use autostack_provider_sdk::{ApplyError, Attribute, Block, PlanResponse, ResourceSchema};
use autostack_value::{Diagnostics, Type, Value};

const NUMERIC: &str = "0123456789";
const LOWER: &str = "abcdefghijklmnopqrstuvwxyz";
const UPPER: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
/// The default special characters of hashicorp/random.
pub(crate) const SPECIAL: &str = "!@#$%&*()-_=+[]{}<>:?";

const BOOLS: [&str; 5] = ["special", "upper", "lower", "numeric", "number"];
const MINS: [&str; 4] = ["min_numeric", "min_upper", "min_lower", "min_special"];

/// The inputs of one generated string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Params {
    /// Total number of characters.
    pub length: usize,
    /// Use `A-Z`.
    pub upper: bool,
    /// Use `a-z`.
    pub lower: bool,
    /// Use `0-9`.
    pub numeric: bool,
    /// Use the special characters.
    pub special: bool,
    /// Minimum counts of numeric, upper, lower and special characters.
    pub min: [usize; 4],
    /// Replaces the default special characters when non-empty.
    pub override_special: String,
}

/// The schema of `random_string` (`sensitive` false) and `random_password` (true).
pub(crate) fn block(sensitive: bool) -> Block {
    let result = Attribute::computed(Type::String).describe("The generated random string.");
    let mut b = Block::new()
        .attr(
            "length",
            Attribute::required(Type::Number).force_new().describe(
                "The length of the string (at least 1 and at least the sum of the min_* values).",
            ),
        )
        .attr(
            "override_special",
            Attribute::optional(Type::String)
                .force_new()
                .describe("Special characters to use instead of the default list."),
        )
        .attr(
            "result",
            if sensitive {
                result.sensitive()
            } else {
                result
            },
        )
        .attr(
            "id",
            Attribute::computed(Type::String)
                .describe("The result (random_string) or \"none\" (random_password)."),
        );
    for name in BOOLS {
        b = b.attr(
            name,
            Attribute::optional_computed(Type::Bool)
                .force_new()
                .describe("Include this class of characters (default true)."),
        );
    }
    for name in MINS {
        b = b.attr(
            name,
            Attribute::optional_computed(Type::Number)
                .force_new()
                .describe("Minimum number of characters of this class (default 0)."),
        );
    }
    if sensitive {
        b = b.attr(
            "bcrypt_hash",
            Attribute::computed(Type::String)
                .sensitive()
                .describe("A bcrypt hash of the result (of its first 72 bytes)."),
        );
    }
    b
}

/// Resolves the deprecated `number` and its replacement `numeric` to one value for both.
fn number_numeric(config: &Value) -> Result<Value, Diagnostics> {
    let (number, numeric) = (
        get(config, "number").cloned(),
        get(config, "numeric").cloned(),
    );
    let v = match (number, numeric) {
        (Some(a), Some(b)) => {
            if let (Some(x), Some(y)) = (a.as_bool(), b.as_bool()) {
                if x != y {
                    return Err(error(
                        "Number and numeric are both configured with different values",
                        "Number is deprecated, use numeric instead",
                    ));
                }
            }
            b
        }
        (Some(a), None) => a,
        (None, Some(b)) => b,
        (None, None) => Value::bool(true),
    };
    Ok(with(config, [("number", v.clone()), ("numeric", v)]))
}

/// Checks `length` against 1 and the sum of the `min_*` values (when all are known).
pub(crate) fn validate(config: &Value) -> Result<(), Diagnostics> {
    let Some(length) = get_size(config, "length", 1)? else {
        return Ok(());
    };
    let mut sum = 0;
    for name in MINS {
        sum += get_size(config, name, 0)?.unwrap_or(0);
    }
    if length < sum {
        return Err(error("Invalid length", format!("length ({length}) must be at least min_upper + min_lower + min_numeric + min_special ({sum}).")));
    }
    Ok(())
}

/// Plans either resource (validated by the engine through [`validate`]): defaults, the number/numeric alias, keepers, and the
/// rule that `override_special` going from "" to null is not a change.
pub(crate) fn plan(
    schema: &ResourceSchema,
    prior: Option<&Value>,
    config: &Value,
) -> Result<PlanResponse, Diagnostics> {
    if config.is_null() {
        return Ok(plan_standard(schema, prior, config, &[], None));
    }
    let mut config = number_numeric(config)?;
    if get(&config, "override_special").is_none()
        && prior.and_then(|p| get_str(p, "override_special")) == Some("")
    {
        config = with(&config, [("override_special", string(""))]);
    }
    let defaults: Vec<(&str, Value)> = ["special", "upper", "lower"]
        .map(|n| (n, Value::bool(true)))
        .into_iter()
        .chain(MINS.map(|n| (n, Value::int(0))))
        .collect();
    Ok(plan_standard(
        schema,
        prior,
        &config,
        &defaults,
        Some("keepers"),
    ))
}

fn count(v: &Value, name: &str) -> Result<usize, ApplyError> {
    Ok(get_size(v, name, 0)?.unwrap_or(0))
}

/// Reads the generation parameters out of a planned state.
pub(crate) fn params(planned: &Value) -> Result<Params, ApplyError> {
    let flag = |n: &str| get_bool(planned, n).unwrap_or(true);
    Ok(Params {
        length: count(planned, "length")?,
        upper: flag("upper"),
        lower: flag("lower"),
        numeric: flag("numeric"),
        special: flag("special"),
        min: [
            count(planned, "min_numeric")?,
            count(planned, "min_upper")?,
            count(planned, "min_lower")?,
            count(planned, "min_special")?,
        ],
        override_special: get_str(planned, "override_special")
            .unwrap_or("")
            .to_string(),
    })
}

fn pick(rng: &mut Rng, set: &[char], n: usize, out: &mut Vec<char>) {
    for _ in 0..n {
        out.push(set[rng.below(set.len() as u64) as usize]);
    }
}

/// Generates a string: the `min_*` characters of each class first, the rest from every
/// enabled class, then everything shuffled.
pub(crate) fn generate(p: &Params) -> Result<String, String> {
    let special: Vec<char> = if p.override_special.is_empty() {
        SPECIAL.chars().collect()
    } else {
        p.override_special.chars().collect()
    };
    let classes: [Vec<char>; 4] = [
        NUMERIC.chars().collect(),
        UPPER.chars().collect(),
        LOWER.chars().collect(),
        special,
    ];
    let enabled = [p.numeric, p.upper, p.lower, p.special];
    let all: Vec<char> = classes
        .iter()
        .zip(enabled)
        .filter(|(_, on)| *on)
        .flat_map(|(c, _)| c.iter().copied())
        .collect();
    let required: usize = p.min.iter().sum();
    if p.length < required {
        return Err(format!(
            "length ({}) must be at least the sum of the min_* values ({required})",
            p.length
        ));
    }
    if all.is_empty() && p.length > required {
        return Err("no characters to choose from: at least one of upper, lower, numeric or special must be true".into());
    }
    let mut rng = Rng::new(None);
    let mut out = Vec::with_capacity(p.length);
    for (class, n) in classes.iter().zip(p.min) {
        pick(&mut rng, class, n, &mut out);
    }
    pick(&mut rng, &all, p.length - required, &mut out);
    let order = rng.perm(out.len());
    rng.finish()?;
    Ok(order.into_iter().map(|i| out[i]).collect())
}

/// The state hashicorp/random gives an imported string: the result, its length, and the
/// default value of every other argument.
pub(crate) fn imported(result: &str, id: &str) -> Value {
    let mut attrs = vec![
        ("id", string(id)),
        ("result", string(result)),
        ("length", Value::int(result.chars().count() as i64)),
        ("keepers", Value::Null(string_map())),
        ("override_special", null_string()),
    ];
    attrs.extend(BOOLS.map(|n| (n, Value::bool(true))));
    attrs.extend(MINS.map(|n| (n, Value::int(0))));
    Value::object_from(attrs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(length: usize) -> Params {
        Params {
            length,
            upper: true,
            lower: true,
            numeric: true,
            special: true,
            min: [0; 4],
            override_special: String::new(),
        }
    }

    fn count_in(s: &str, set: &str) -> usize {
        s.chars().filter(|c| set.contains(*c)).count()
    }

    #[test]
    fn length_and_charset() {
        for len in [1, 16, 100] {
            let s = generate(&params(len)).unwrap();
            assert_eq!(s.chars().count(), len);
            assert!(s.chars().all(|c| [NUMERIC, UPPER, LOWER, SPECIAL]
                .iter()
                .any(|set| set.contains(c))));
        }
        let only_lower = Params {
            upper: false,
            numeric: false,
            special: false,
            ..params(64)
        };
        assert_eq!(count_in(&generate(&only_lower).unwrap(), LOWER), 64);
    }

    #[test]
    fn min_counts_are_honoured() {
        let p = Params {
            min: [3, 4, 5, 6],
            upper: false,
            lower: false,
            numeric: false,
            special: false,
            ..params(18)
        };
        let s = generate(&p).unwrap();
        assert_eq!(
            (
                count_in(&s, NUMERIC),
                count_in(&s, UPPER),
                count_in(&s, LOWER),
                count_in(&s, SPECIAL)
            ),
            (3, 4, 5, 6)
        );
        for _ in 0..20 {
            let s = generate(&Params {
                min: [2, 2, 2, 2],
                ..params(10)
            })
            .unwrap();
            assert!(
                count_in(&s, NUMERIC) >= 2
                    && count_in(&s, UPPER) >= 2
                    && count_in(&s, LOWER) >= 2
                    && count_in(&s, SPECIAL) >= 2
            );
        }
    }

    #[test]
    fn override_special_replaces_the_list() {
        let p = Params {
            upper: false,
            lower: false,
            numeric: false,
            override_special: "_~é".into(),
            ..params(40)
        };
        let s = generate(&p).unwrap();
        assert!(s.chars().all(|c| "_~é".contains(c)));
        assert_eq!(s.chars().count(), 40);
    }

    #[test]
    fn impossible_requests_are_errors() {
        assert!(generate(&Params {
            min: [5, 0, 0, 0],
            ..params(4)
        })
        .is_err());
        assert!(generate(&Params {
            upper: false,
            lower: false,
            numeric: false,
            special: false,
            ..params(4)
        })
        .is_err());
        let all_min = Params {
            upper: false,
            lower: false,
            numeric: false,
            special: false,
            min: [2, 0, 0, 0],
            ..params(2)
        };
        assert_eq!(count_in(&generate(&all_min).unwrap(), NUMERIC), 2);
    }

    #[test]
    fn validation() {
        let cfg = |len: i64, min: i64| {
            Value::object_from([("length", Value::int(len)), ("min_upper", Value::int(min))])
        };
        assert!(validate(&cfg(4, 4)).is_ok());
        assert!(validate(&cfg(3, 4)).is_err());
        assert!(validate(&cfg(0, 0)).is_err());
        assert!(validate(&cfg(4, -1)).is_err());
        assert!(validate(&cfg(1 << 40, 0)).is_err());
    }

    #[test]
    fn number_and_numeric_mirror_each_other() {
        let both = |a: Option<bool>, b: Option<bool>| {
            let opt = |x: Option<bool>| x.map_or(Value::Null(Type::Bool), Value::bool);
            number_numeric(&Value::object_from([
                ("number", opt(a)),
                ("numeric", opt(b)),
            ]))
        };
        let v = both(None, None).unwrap();
        assert_eq!(
            (get_bool(&v, "number"), get_bool(&v, "numeric")),
            (Some(true), Some(true))
        );
        let v = both(Some(false), None).unwrap();
        assert_eq!(get_bool(&v, "numeric"), Some(false));
        let v = both(None, Some(false)).unwrap();
        assert_eq!(get_bool(&v, "number"), Some(false));
        assert!(both(Some(true), Some(false)).is_err());
    }
}
