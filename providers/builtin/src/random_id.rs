//! `random_id` (hashicorp/random): random bytes in base64url, base64, hex and decimal.

use crate::logical::StateOnly;
use crate::util::{get_i64, get_str, os_random, string_map, with};
use async_trait::async_trait;
use autostack_lang::{Diagnostic, Diagnostics, Type, Value};
use autostack_provider_sdk::{ApplyError, Attribute, Block, ResourceSchema};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;

/// The resource type.
pub struct RandomId;

/// The computed attributes for `bytes` with `prefix`.
fn encodings(bytes: &[u8], prefix: &str) -> [(&'static str, Value); 5] {
    let url = URL_SAFE_NO_PAD.encode(bytes);
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let dec = num_bigint::BigUint::from_bytes_be(bytes).to_string();
    [
        ("id", Value::string(url.clone())),
        ("b64_url", Value::string(format!("{prefix}{url}"))),
        (
            "b64_std",
            Value::string(format!("{prefix}{}", STANDARD.encode(bytes))),
        ),
        ("hex", Value::string(format!("{prefix}{hex}"))),
        ("dec", Value::string(format!("{prefix}{dec}"))),
    ]
}

#[async_trait]
impl StateOnly for RandomId {
    fn name(&self) -> &'static str {
        "random_id"
    }

    fn schema(&self) -> ResourceSchema {
        let c = || Attribute::computed(Type::String);
        ResourceSchema {
            version: 0,
            block: Block::new()
                .attr("byte_length", Attribute::required(Type::Number).force_new())
                .attr("prefix", Attribute::optional(Type::String).force_new())
                .attr("keepers", Attribute::optional(string_map()).force_new())
                .attr("id", c())
                .attr("b64_url", c())
                .attr("b64_std", c())
                .attr("hex", c())
                .attr("dec", c()),
        }
    }

    async fn create(&self, planned: &Value) -> Result<Value, ApplyError> {
        let n = get_i64(planned, "byte_length")
            .filter(|n| *n >= 1)
            .ok_or_else(|| {
                ApplyError::new(
                    "Invalid byte_length",
                    "byte_length must be a whole number of at least 1.",
                )
            })?;
        let bytes = os_random(n as usize)?;
        Ok(with(
            planned,
            encodings(&bytes, &get_str(planned, "prefix")),
        ))
    }

    async fn import(&self, id: &str) -> Result<Value, Diagnostics> {
        let (prefix, b64) = id.rsplit_once(',').unwrap_or(("", id));
        let bytes = URL_SAFE_NO_PAD.decode(b64).map_err(|e| Diagnostics::from(Diagnostic::error("Invalid import ID", format!("The ID {id:?} is not base64url (RawURLEncoding), optionally prefixed with \"PREFIX,\": {e}."), None)))?;
        let mut obj = Value::object_from([
            ("byte_length", Value::int(bytes.len() as i64)),
            (
                "prefix",
                if prefix.is_empty() {
                    Value::Null(Type::String)
                } else {
                    Value::string(prefix)
                },
            ),
            ("keepers", Value::Null(string_map())),
        ]);
        obj = with(&obj, encodings(&bytes, prefix));
        Ok(obj)
    }
}
