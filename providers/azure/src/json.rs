//! Reading ARM's JSON into state values. azurerm is built on the legacy plugin SDK, which
//! stores an absent string as `""`, an absent number as `0` and an absent list as `[]`, so
//! these helpers do the same.

use autostack_value::{make_set, Type, Value};
use serde_json::Value as Json;

/// The string at a JSON pointer (`/properties/addressSpace`), if any.
pub fn js<'a>(item: &'a Json, ptr: &str) -> Option<&'a str> {
    item.pointer(ptr).and_then(Json::as_str)
}

/// The string at a JSON pointer as a state value (`""` when absent).
pub fn jstr(item: &Json, ptr: &str) -> Value {
    Value::string(js(item, ptr).unwrap_or_default())
}

/// The boolean at a JSON pointer as a state value (`false` when absent).
pub fn jbool(item: &Json, ptr: &str) -> Value {
    Value::bool(item.pointer(ptr).and_then(Json::as_bool).unwrap_or(false))
}

/// The integer at a JSON pointer as a state value (`0` when absent).
pub fn jint(item: &Json, ptr: &str) -> Value {
    Value::int(item.pointer(ptr).and_then(Json::as_i64).unwrap_or(0))
}

/// The strings of the array at a JSON pointer.
pub fn jstrings(item: &Json, ptr: &str) -> Vec<String> {
    item.pointer(ptr)
        .and_then(Json::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The strings of the array at a JSON pointer as a `list(string)` value.
pub fn jlist(item: &Json, ptr: &str) -> Value {
    let items = jstrings(item, ptr).into_iter().map(Value::string).collect();
    Value::list(Type::String, items)
}

/// The strings of the array at a JSON pointer as a `set(string)` value.
pub fn jset(item: &Json, ptr: &str) -> Value {
    let items = jstrings(item, ptr).into_iter().map(Value::string).collect();
    make_set(Type::String, items)
}

/// The array at a JSON pointer (empty when absent).
pub fn jarray<'a>(item: &'a Json, ptr: &str) -> &'a [Json] {
    item.pointer(ptr)
        .and_then(Json::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

/// `{"id": id}`, ARM's sub-resource reference.
pub fn reference(id: &str) -> Json {
    serde_json::json!({ "id": id })
}

/// A JSON array of strings.
pub fn json_strings(items: &[String]) -> Json {
    Json::Array(items.iter().map(|s| Json::String(s.clone())).collect())
}

/// True when two ARM IDs name the same object (ARM compares them case-insensitively).
pub fn same_id(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}
