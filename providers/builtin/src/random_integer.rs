//! `random_integer` (hashicorp/random): a random integer in `min..=max`, reproducible when
//! `seed` is set.

use crate::common::{
    error, get_int, get_str, null_string, plan_standard, string, string_map, unknown_at_apply, with,
};
use crate::rng::Rng;
use crate::state_only::{replacer, Making, Planned, Replacer};
use async_trait::async_trait;
use autostack_provider_sdk::{ApplyError, ResourceSchema};
use autostack_value::{Diagnostics, Type, Value};

/// The `random_integer` resource type.
pub struct RandomInteger;

/// A uniformly chosen integer in `min..=max` (`min` <= `max`).
pub(crate) fn generate(min: i64, max: i64, seed: Option<&str>) -> Result<i64, String> {
    if max < min {
        return Err(
            "The minimum (min) value needs to be smaller than or equal to maximum (max) value."
                .into(),
        );
    }
    let mut rng = Rng::new(seed);
    let span = (i128::from(max) - i128::from(min) + 1) as u128;
    let offset = if span > u128::from(u64::MAX) {
        rng.next_u64()
    } else {
        rng.below(span as u64)
    };
    rng.finish()?;
    Ok((i128::from(min) + i128::from(offset)) as i64)
}

fn parse_part(s: &str, what: &str) -> Result<i64, Diagnostics> {
    s.parse::<i64>().map_err(|e| {
        error(
            "Import Random Integer Error",
            format!("The {what} supplied ({s:?}) could not be parsed as an integer: {e}."),
        )
    })
}

#[async_trait]
impl Making for RandomInteger {
    const REPLACED_BY: Replacer = replacer!("keepers", values, "forces a new result");

    fn schema(&self) -> ResourceSchema {
        let block = autostack_provider_sdk::attributes! {
            "min": required(Type::Number).force_new() => "The minimum inclusive value of the range.",
            "max": required(Type::Number).force_new() => "The maximum inclusive value of the range.",
            "seed": optional(Type::String).force_new() => "A seed that always produces the same value.",
            "result": computed(Type::Number) => "The random integer.",
            "id": computed(Type::String) => "The result as a string.",
        };
        ResourceSchema { version: 0, block }
    }

    fn plan(&self, schema: &ResourceSchema, prior: Option<&Value>, config: &Value) -> Planned {
        if let (Some(min), Some(max)) = (get_int(config, "min")?, get_int(config, "max")?) {
            if max < min {
                return Err(error("Invalid range", format!("The minimum (min) value {min} needs to be smaller than or equal to the maximum (max) value {max}.")));
            }
        }
        Ok(plan_standard(schema, prior, config, &[], Some("keepers")))
    }

    async fn make(&self, planned: &Value) -> Result<Value, ApplyError> {
        let min = get_int(planned, "min")?.ok_or_else(|| unknown_at_apply("min"))?;
        let max = get_int(planned, "max")?.ok_or_else(|| unknown_at_apply("max"))?;
        let n = generate(min, max, get_str(planned, "seed"))
            .map_err(|e| ApplyError::new("Create Random Integer Error", e))?;
        Ok(with(
            planned,
            [("result", Value::int(n)), ("id", string(n.to_string()))],
        ))
    }

    /// Imports `RESULT,MIN,MAX` or `RESULT,MIN,MAX,SEED`.
    async fn import(&self, id: &str) -> Result<Value, Diagnostics> {
        let parts: Vec<&str> = id.split(',').collect();
        if parts.len() != 3 && parts.len() != 4 {
            return Err(error("Import Random Integer Error", format!("Invalid import ID {id:?}: expecting {{result}},{{min}},{{max}} or {{result}},{{min}},{{max}},{{seed}}")));
        }
        let result = parse_part(parts[0], "value")?;
        let (min, max) = (
            parse_part(parts[1], "min value")?,
            parse_part(parts[2], "max value")?,
        );
        let seed = parts.get(3).map_or_else(null_string, |s| string(*s));
        Ok(Value::object_from([
            ("id", string(parts[0])),
            ("keepers", Value::Null(string_map())),
            ("result", Value::int(result)),
            ("min", Value::int(min)),
            ("max", Value::int(max)),
            ("seed", seed),
        ]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stays_in_range() {
        for _ in 0..200 {
            let n = generate(-3, 3, None).unwrap();
            assert!((-3..=3).contains(&n));
        }
        assert_eq!(generate(7, 7, None).unwrap(), 7);
        let full = generate(i64::MIN, i64::MAX, None);
        assert!(full.is_ok());
        assert!(generate(2, 1, None).is_err());
    }

    #[test]
    fn seed_is_reproducible() {
        let a = generate(1, 1_000_000, Some("abc")).unwrap();
        assert!((0..10).all(|_| generate(1, 1_000_000, Some("abc")).unwrap() == a));
    }

    #[tokio::test]
    async fn import_formats() {
        let v = RandomInteger.import("15,1,20").await.unwrap();
        assert_eq!(get_int(&v, "result").unwrap(), Some(15));
        assert_eq!(get_str(&v, "id"), Some("15"));
        assert_eq!(get_int(&v, "max").unwrap(), Some(20));
        assert!(get_str(&v, "seed").is_none());
        let v = RandomInteger.import("15,1,20,s").await.unwrap();
        assert_eq!(get_str(&v, "seed"), Some("s"));
        assert!(RandomInteger.import("15").await.is_err());
        assert!(RandomInteger.import("x,1,2").await.is_err());
    }
}
