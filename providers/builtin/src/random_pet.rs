//! `random_pet` (hashicorp/random): a random readable name like `proud-tortoise`.

use crate::logical::StateOnly;
use crate::util::{get, get_i64, get_str, os_random_below, string_map, with};
use crate::words::{ADJECTIVES, ADVERBS, NAMES};
use async_trait::async_trait;
use autostack_lang::{Type, Value};
use autostack_provider_sdk::{ApplyError, Attribute, Block, ResourceSchema};

/// The resource type.
pub struct RandomPet;

fn pick(list: &[&str]) -> Result<String, ApplyError> {
    Ok(list[os_random_below(list.len() as u64)? as usize].to_string())
}

/// `length` words (adverbs, then an adjective, then a name), joined by `separator`.
pub fn pet_name(
    length: usize,
    separator: &str,
    prefix: Option<&str>,
) -> Result<String, ApplyError> {
    let mut words = Vec::with_capacity(length + 1);
    if let Some(p) = prefix {
        words.push(p.to_string());
    }
    for i in 0..length {
        let from_end = length - i;
        words.push(match from_end {
            1 => pick(NAMES)?,
            2 => pick(ADJECTIVES)?,
            _ => pick(ADVERBS)?,
        });
    }
    Ok(words.join(separator))
}

#[async_trait]
impl StateOnly for RandomPet {
    fn name(&self) -> &'static str {
        "random_pet"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 0,
            block: Block::new()
                .attr(
                    "length",
                    Attribute::optional_computed(Type::Number)
                        .default(2)
                        .force_new(),
                )
                .attr("prefix", Attribute::optional(Type::String).force_new())
                .attr(
                    "separator",
                    Attribute::optional_computed(Type::String)
                        .default("-")
                        .force_new(),
                )
                .attr("keepers", Attribute::optional(string_map()).force_new())
                .attr("id", Attribute::computed(Type::String)),
        }
    }

    async fn create(&self, planned: &Value) -> Result<Value, ApplyError> {
        let length = get_i64(planned, "length").unwrap_or(2);
        if length < 1 {
            return Err(ApplyError::new(
                "Invalid length",
                "length must be at least 1.",
            ));
        }
        let prefix = (!get(planned, "prefix").is_null()).then(|| get_str(planned, "prefix"));
        let name = pet_name(
            length as usize,
            &get_str(planned, "separator"),
            prefix.as_deref(),
        )?;
        Ok(with(planned, [("id", Value::string(name))]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_have_the_requested_shape() {
        let n = pet_name(3, "_", Some("x")).unwrap();
        let parts: Vec<&str> = n.split('_').collect();
        assert_eq!(parts.len(), 4);
        assert_eq!(parts[0], "x");
        assert!(
            ADVERBS.contains(&parts[1])
                && ADJECTIVES.contains(&parts[2])
                && NAMES.contains(&parts[3]),
            "{n}"
        );
        assert!(NAMES.contains(&pet_name(1, "-", None).unwrap().as_str()));
    }
}
