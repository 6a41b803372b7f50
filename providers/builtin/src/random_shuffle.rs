//! `random_shuffle` (hashicorp/random): a random permutation of a list.

use crate::logical::StateOnly;
use crate::util::{get, get_i64, get_str, os_random_below, string_map, with};
use async_trait::async_trait;
use autostack_lang::{Type, Value};
use autostack_provider_sdk::{ApplyError, Attribute, Block, ResourceSchema};
use sha2::{Digest, Sha256};

/// The resource type.
pub struct RandomShuffle;

#[async_trait]
impl StateOnly for RandomShuffle {
    fn name(&self) -> &'static str {
        "random_shuffle"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 0,
            block: Block::new()
                .attr(
                    "input",
                    Attribute::required(Type::list(Type::String)).force_new(),
                )
                .attr(
                    "result_count",
                    Attribute::optional(Type::Number).force_new(),
                )
                .attr("seed", Attribute::optional(Type::String).force_new())
                .attr("keepers", Attribute::optional(string_map()).force_new())
                .attr("result", Attribute::computed(Type::list(Type::String)))
                .attr("id", Attribute::computed(Type::String)),
        }
    }

    async fn create(&self, planned: &Value) -> Result<Value, ApplyError> {
        let mut items: Vec<Value> = get(planned, "input")
            .as_seq()
            .map(<[Value]>::to_vec)
            .unwrap_or_default();
        let seed = get_str(planned, "seed");
        let mut state = Sha256::digest(seed.as_bytes()).to_vec();
        for i in (1..items.len()).rev() {
            let j = if seed.is_empty() {
                os_random_below(i as u64 + 1)? as usize
            } else {
                state = Sha256::digest(&state).to_vec();
                (u64::from_le_bytes(state[..8].try_into().unwrap_or([0; 8])) % (i as u64 + 1))
                    as usize
            };
            items.swap(i, j);
        }
        if let Some(n) = get_i64(planned, "result_count") {
            if n < 0 {
                return Err(ApplyError::new(
                    "Invalid result_count",
                    "result_count must not be negative.",
                ));
            }
            items.truncate(n as usize);
        }
        Ok(with(
            planned,
            [
                ("result", Value::list(Type::String, items)),
                ("id", Value::string("-")),
            ],
        ))
    }
}
