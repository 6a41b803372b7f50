//! `random_integer` (hashicorp/random): a random integer in `[min, max]`.

use crate::logical::StateOnly;
use crate::util::{get_i64, get_str, os_random_below, string_map, with};
use async_trait::async_trait;
use autostack_lang::{Diagnostic, Diagnostics, Type, Value};
use autostack_provider_sdk::{ApplyError, Attribute, Block, ResourceSchema};
use sha2::{Digest, Sha256};

/// The resource type.
pub struct RandomInteger;

/// A value in `0..n` derived deterministically from `seed` (same seed, same result).
fn seeded_below(seed: &str, n: u64) -> u64 {
    let d = Sha256::digest(seed.as_bytes());
    u64::from_le_bytes(d[..8].try_into().unwrap_or([0; 8])) % n
}

#[async_trait]
impl StateOnly for RandomInteger {
    fn name(&self) -> &'static str {
        "random_integer"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 0,
            block: Block::new()
                .attr("min", Attribute::required(Type::Number).force_new())
                .attr("max", Attribute::required(Type::Number).force_new())
                .attr("seed", Attribute::optional(Type::String).force_new())
                .attr("keepers", Attribute::optional(string_map()).force_new())
                .attr("result", Attribute::computed(Type::Number))
                .attr("id", Attribute::computed(Type::String)),
        }
    }

    async fn create(&self, planned: &Value) -> Result<Value, ApplyError> {
        let (Some(min), Some(max)) = (get_i64(planned, "min"), get_i64(planned, "max")) else {
            return Err(ApplyError::new(
                "Invalid range",
                "min and max must be whole numbers.",
            ));
        };
        if max < min {
            return Err(ApplyError::new("Invalid range", format!("Minimum value needs to be smaller than or equal to maximum value (min {min}, max {max}).")));
        }
        let span = (max - min) as u64 + 1;
        let seed = get_str(planned, "seed");
        let offset = if seed.is_empty() {
            os_random_below(span)?
        } else {
            seeded_below(&seed, span)
        };
        let n = min + offset as i64;
        Ok(with(
            planned,
            [
                ("result", Value::int(n)),
                ("id", Value::string(n.to_string())),
            ],
        ))
    }

    async fn import(&self, id: &str) -> Result<Value, Diagnostics> {
        let bad = || {
            Diagnostics::from(Diagnostic::error(
                "Invalid import ID",
                format!("Expected \"result,min,max\" or \"result,min,max,seed\", got {id:?}."),
                None,
            ))
        };
        let parts: Vec<&str> = id.split(',').collect();
        if !(3..=4).contains(&parts.len()) {
            return Err(bad());
        }
        let num = |s: &str| s.trim().parse::<i64>().map_err(|_| bad());
        let (result, min, max) = (num(parts[0])?, num(parts[1])?, num(parts[2])?);
        Ok(Value::object_from([
            ("min", Value::int(min)),
            ("max", Value::int(max)),
            (
                "seed",
                parts
                    .get(3)
                    .map_or(Value::Null(Type::String), |s| Value::string(*s)),
            ),
            ("keepers", Value::Null(string_map())),
            ("result", Value::int(result)),
            ("id", Value::string(result.to_string())),
        ]))
    }
}
