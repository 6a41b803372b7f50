//! `random_pet` (hashicorp/random): a random pet name such as `proud-otter`, built from the
//! crate's own word lists ([`crate::pet_words`]).

use crate::common::{get_size, get_str, plan_standard, string, unknown_at_apply, with};
use crate::pet_words::{ADJECTIVES, ADVERBS, NAMES};
use crate::rng::Rng;
use crate::state_only::{replacer, Making, Planned, Replacer};
use async_trait::async_trait;
use autostack_provider_sdk::{ApplyError, ResourceSchema};
use autostack_value::{Type, Value};

/// The `random_pet` resource type.
pub struct RandomPet;

fn word(rng: &mut Rng, list: &[&'static str]) -> &'static str {
    list[rng.below(list.len() as u64) as usize]
}

/// A name of `length` (>= 1) words: adverbs, then an adjective, then an animal name; with a
/// prefix it becomes `prefix<separator>name`.
pub(crate) fn generate(
    length: usize,
    separator: &str,
    prefix: Option<&str>,
) -> Result<String, String> {
    if length < 1 {
        return Err(format!("length must be at least 1, got {length}"));
    }
    let mut rng = Rng::new(None);
    let mut words: Vec<&str> = prefix.filter(|p| !p.is_empty()).into_iter().collect();
    for _ in 2..length {
        words.push(word(&mut rng, ADVERBS));
    }
    if length >= 2 {
        words.push(word(&mut rng, ADJECTIVES));
    }
    words.push(word(&mut rng, NAMES));
    rng.finish()?;
    Ok(words.join(separator))
}

#[async_trait]
impl Making for RandomPet {
    const REPLACED_BY: Replacer = replacer!("keepers", values, "forces a new name");

    fn schema(&self) -> ResourceSchema {
        let block = autostack_provider_sdk::attributes! {
            "length": optional_computed(Type::Number).force_new() => "The number of words in the name (default 2).",
            "prefix": optional(Type::String).force_new() => "A string to prefix the name with.",
            "separator": optional_computed(Type::String).force_new() => "The separator between words (default \"-\").",
            "id": computed(Type::String) => "The random pet name.",
        };
        ResourceSchema { version: 0, block }
    }

    fn plan(&self, schema: &ResourceSchema, prior: Option<&Value>, config: &Value) -> Planned {
        get_size(config, "length", 1)?;
        let defaults = [("length", Value::int(2)), ("separator", string("-"))];
        Ok(plan_standard(
            schema,
            prior,
            config,
            &defaults,
            Some("keepers"),
        ))
    }

    async fn make(&self, planned: &Value) -> Result<Value, ApplyError> {
        let length = get_size(planned, "length", 1)?.ok_or_else(|| unknown_at_apply("length"))?;
        let separator = get_str(planned, "separator").unwrap_or("-");
        let name = generate(length, separator, get_str(planned, "prefix"))
            .map_err(|e| ApplyError::new("Invalid length", e))?;
        Ok(with(planned, [("id", string(name))]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::common::get_int;
    use crate::state_only::StateOnly;

    #[test]
    fn shapes_of_names() {
        let one = generate(1, "-", None).unwrap();
        assert!(NAMES.contains(&one.as_str()));
        let two = generate(2, "-", None).unwrap();
        let (adj, name) = two.split_once('-').unwrap();
        assert!(ADJECTIVES.contains(&adj) && NAMES.contains(&name));
        let four: Vec<String> = generate(4, "_", Some("app"))
            .unwrap()
            .split('_')
            .map(String::from)
            .collect();
        assert_eq!(four.len(), 5);
        assert_eq!(four[0], "app");
        assert!(ADVERBS.contains(&four[1].as_str()) && ADVERBS.contains(&four[2].as_str()));
        assert!(ADJECTIVES.contains(&four[3].as_str()) && NAMES.contains(&four[4].as_str()));
        assert!(generate(0, "-", None).is_err());
    }

    #[tokio::test]
    async fn defaults_are_planned() {
        let p = crate::common::typed::plan(
            &StateOnly("random_pet", RandomPet),
            None,
            &Value::object_from([("prefix", string("x"))]),
        )
        .await
        .unwrap();
        assert_eq!(get_int(&p.planned, "length").unwrap(), Some(2));
        assert_eq!(get_str(&p.planned, "separator"), Some("-"));
        assert!(p.planned.as_entries().unwrap()["id"].is_unknown());
    }
}
