//! `random_shuffle` (hashicorp/random): a random permutation of a list of strings, optionally
//! shorter or longer than the input, reproducible when `seed` is set.

use crate::common::{get, get_size, get_str, plan_standard, string, unknown_at_apply, with};
use crate::rng::Rng;
use crate::state_only::{replacer, Making, Planned, Replacer};
use async_trait::async_trait;
use autostack_provider_sdk::{ApplyError, ResourceSchema};
use autostack_value::{Type, Value};

/// The `random_shuffle` resource type.
pub struct RandomShuffle;

/// Shuffles `input` into `count` elements (0 means as many as the input has): whole
/// permutations are concatenated until enough elements are taken.
pub(crate) fn shuffle<T: Clone>(
    input: &[T],
    count: usize,
    seed: Option<&str>,
) -> Result<Vec<T>, String> {
    let count = if count == 0 { input.len() } else { count };
    let mut out = Vec::with_capacity(count);
    if input.is_empty() {
        return Ok(out);
    }
    let mut rng = Rng::new(seed);
    while out.len() < count {
        for i in rng.perm(input.len()) {
            if out.len() == count {
                break;
            }
            out.push(input[i].clone());
        }
    }
    rng.finish()?;
    Ok(out)
}

#[async_trait]
impl Making for RandomShuffle {
    const REPLACED_BY: Replacer = replacer!("keepers", values, "forces a new permutation");

    fn schema(&self) -> ResourceSchema {
        let block = autostack_provider_sdk::attributes! {
            "seed": optional(Type::String).force_new() => "A seed for less volatile permutations.",
            "input": required(Type::list(Type::String)).force_new() => "The list of strings to shuffle.",
            "result_count": optional(Type::Number).force_new() => "The number of results (default: the input's length).",
            "result": computed(Type::list(Type::String)) => "The permutation of input.",
            "id": computed(Type::String) => "A static value (\"-\").",
        };
        ResourceSchema { version: 0, block }
    }

    fn plan(&self, schema: &ResourceSchema, prior: Option<&Value>, config: &Value) -> Planned {
        get_size(config, "result_count", 0)?;
        Ok(plan_standard(schema, prior, config, &[], Some("keepers")))
    }

    async fn make(&self, planned: &Value) -> Result<Value, ApplyError> {
        let input = match get(planned, "input") {
            Some(v) if v.is_wholly_known() => v.as_seq().map(<[Value]>::to_vec).unwrap_or_default(),
            Some(_) => return Err(unknown_at_apply("input")),
            None => Vec::new(),
        };
        let count = get_size(planned, "result_count", 0)?.unwrap_or(0);
        let result = shuffle(&input, count, get_str(planned, "seed"))
            .map_err(|e| ApplyError::new("Random shuffle failed", e))?;
        Ok(with(
            planned,
            [
                ("id", string("-")),
                ("result", Value::list(Type::String, result)),
            ],
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_is_a_permutation() {
        let input: Vec<u32> = (0..10).collect();
        let mut r = shuffle(&input, 0, None).unwrap();
        r.sort_unstable();
        assert_eq!(r, input);
    }

    #[test]
    fn counts_shorter_and_longer() {
        let input = ["a", "b", "c"];
        assert_eq!(shuffle(&input, 2, None).unwrap().len(), 2);
        let long = shuffle(&input, 7, None).unwrap();
        assert_eq!(long.len(), 7);
        for x in input {
            let n = long.iter().filter(|y| **y == x).count();
            assert!((2..=3).contains(&n), "{x} appears {n} times in {long:?}");
        }
        assert!(shuffle::<&str>(&[], 5, None).unwrap().is_empty());
    }

    #[test]
    fn seeded_is_stable() {
        let input: Vec<u32> = (0..20).collect();
        assert_eq!(
            shuffle(&input, 0, Some("s")).unwrap(),
            shuffle(&input, 0, Some("s")).unwrap()
        );
    }
}
