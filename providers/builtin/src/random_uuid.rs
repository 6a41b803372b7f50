//! `random_uuid` (hashicorp/random): a random UUID-formatted string.

use crate::common::{error, string, string_map, with};
use crate::rng::{format_uuid, random_bytes};
use crate::state_only::{replacer, Making, Replacer};
use async_trait::async_trait;
use autostack_provider_sdk::{ApplyError, ResourceSchema};
use autostack_value::{Diagnostics, Type, Value};

/// The `random_uuid` resource type.
pub struct RandomUuid;

/// Parses a UUID string (`8-4-4-4-12` hex digits, either case) into its 16 bytes.
pub(crate) fn parse_uuid(s: &str) -> Result<[u8; 16], String> {
    let b = s.as_bytes();
    if b.len() != 36 || [8, 13, 18, 23].iter().any(|&i| b[i] != b'-') {
        return Err(format!("uuid string is wrong length or format: {s:?}"));
    }
    let digits: Vec<u8> = b.iter().copied().filter(|c| *c != b'-').collect();
    let mut out = [0u8; 16];
    for (i, pair) in digits.chunks(2).enumerate() {
        let text = std::str::from_utf8(pair).map_err(|e| e.to_string())?;
        out[i] = u8::from_str_radix(text, 16)
            .map_err(|_| format!("invalid hex digits {text:?} in uuid {s:?}"))?;
    }
    Ok(out)
}

#[async_trait]
impl Making for RandomUuid {
    const REPLACED_BY: Replacer = replacer!("keepers", values, "forces a new UUID");

    fn schema(&self) -> ResourceSchema {
        let block = autostack_provider_sdk::attributes! {
            "result": computed(Type::String) => "The generated UUID.",
            "id": computed(Type::String) => "The generated UUID.",
        };
        ResourceSchema { version: 0, block }
    }

    async fn make(&self, planned: &Value) -> Result<Value, ApplyError> {
        // A value users may rely on being unguessable: from the operating system's generator.
        let bytes = random_bytes(16).map_err(|e| ApplyError::new("Create Random UUID error", e))?;
        let u = format_uuid(&bytes);
        Ok(with(
            planned,
            [("id", string(u.clone())), ("result", string(u))],
        ))
    }

    /// Imports by the UUID (normalized to lower case).
    async fn import(&self, id: &str) -> Result<Value, Diagnostics> {
        let bytes = parse_uuid(id).map_err(|e| {
            error(
                "Import Random UUID Error",
                format!("There was an error during the parsing of the UUID: {e}"),
            )
        })?;
        let u = format_uuid(&bytes);
        Ok(Value::object_from([
            ("id", string(u.clone())),
            ("result", string(u)),
            ("keepers", Value::Null(string_map())),
        ]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_formats_round_trip() {
        let s = "0B3F1C7E-89AB-4cde-8f01-23456789abcd";
        let b = parse_uuid(s).unwrap();
        assert_eq!(format_uuid(&b), s.to_ascii_lowercase());
        assert!(parse_uuid("0b3f1c7e89ab4cde8f0123456789abcd").is_err());
        assert!(parse_uuid("0b3f1c7e-89ab-4cde-8f01-23456789abcx").is_err());
        assert!(parse_uuid("0b3f1c7e-89ab-4cde-8f01-23456789abcé").is_err());
    }
}
