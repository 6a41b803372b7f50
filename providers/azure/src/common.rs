//! Attributes most azurerm types share: `name`, `resource_group_name` and `location`, all
//! forcing replacement, and reading them back from an ID and an answer.

use crate::prelude::*;

/// `name`, `resource_group_name` and (when `located`) `location`, each required and
/// force-new, on top of `b`.
pub fn named(b: Block, located: bool) -> Block {
    let b = b
        .attr(
            "name",
            Attribute::required(Type::String)
                .force_new()
                .describe("The name of the resource."),
        )
        .attr(
            "resource_group_name",
            Attribute::required(Type::String)
                .force_new()
                .describe("The name of the Resource Group the resource is in."),
        );
    match located {
        true => b.attr(
            "location",
            Attribute::required(Type::String)
                .force_new()
                .describe("The Azure Region where the resource exists."),
        ),
        false => b,
    }
}

/// The resource group and name of a planned object (the ID's values after the subscription).
pub fn group_and_name(planned: &Value) -> Vec<String> {
    vec![
        str_or_empty(planned, "resource_group_name").to_string(),
        str_or_empty(planned, "name").to_string(),
    ]
}

/// `name`, `resource_group_name` (from the ID's values: subscription, group, ..., name) and
/// `location` (from the answer, normalized as azurerm stores it).
pub fn named_state(o: Obj, item: &Json, parts: &[String]) -> Obj {
    let o = o
        .str(
            "resource_group_name",
            parts.get(1).map_or("", String::as_str),
        )
        .str("name", parts.last().map_or("", String::as_str));
    match js(item, "/location") {
        Some(l) => o.str("location", normalized_location(l)),
        None => o,
    }
}

/// azurerm's `location.Normalize`: lower case without spaces.
pub fn normalized_location(l: &str) -> String {
    l.chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase()
}

/// An optional string argument as ARM JSON (absent when unset or `""`).
pub fn opt_json(planned: &Value, name: &str) -> Option<Json> {
    nonempty_str(planned, name).map(|s| json!(s))
}
