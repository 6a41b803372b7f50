//! `random_id` (hashicorp/random): random bytes presented as base64 (URL and standard),
//! hex and decimal, each with an optional prefix.

use crate::common::{
    error, get_size, get_str, null_string, plan_standard, string, string_map, unknown_at_apply,
    with,
};
use crate::rng::random_bytes;
use crate::state_only::{replacer, Making, Planned, Replacer};
use async_trait::async_trait;
use autostack_provider_sdk::{ApplyError, ResourceSchema};
use autostack_value::{Diagnostics, Type, Value};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use num_bigint::BigUint;

/// The `random_id` resource type.
pub struct RandomId;

/// The encodings of one random ID.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Encoded {
    /// Unpadded URL-safe base64 without the prefix (the `id`).
    pub id: String,
    /// Prefix + `id`.
    pub b64_url: String,
    /// Prefix + padded standard base64.
    pub b64_std: String,
    /// Prefix + lower-case hex (two digits per byte).
    pub hex: String,
    /// Prefix + the bytes read as a big-endian unsigned decimal.
    pub dec: String,
}

/// Encodes `bytes` the way hashicorp/random does.
pub(crate) fn encode(bytes: &[u8], prefix: &str) -> Encoded {
    let id = URL_SAFE_NO_PAD.encode(bytes);
    Encoded {
        b64_url: format!("{prefix}{id}"),
        b64_std: format!("{prefix}{}", STANDARD.encode(bytes)),
        hex: format!("{prefix}{}", crate::common::hex(bytes)),
        dec: format!("{prefix}{}", BigUint::from_bytes_be(bytes)),
        id,
    }
}

fn with_encoded(v: &Value, e: Encoded) -> Value {
    with(
        v,
        [
            ("id", string(e.id)),
            ("b64_url", string(e.b64_url)),
            ("b64_std", string(e.b64_std)),
            ("hex", string(e.hex)),
            ("dec", string(e.dec)),
        ],
    )
}

#[async_trait]
impl Making for RandomId {
    const REPLACED_BY: Replacer = replacer!("keepers", values, "forces a new ID");

    fn schema(&self) -> ResourceSchema {
        let block = autostack_provider_sdk::attributes! {
            "byte_length": required(Type::Number).force_new() => "The number of random bytes to produce (at least 1).",
            "prefix": optional(Type::String).force_new() => "A string prepended to every encoding.",
            "b64_url": computed(Type::String) => "The ID in URL-safe base64, with prefix.",
            "b64_std": computed(Type::String) => "The ID in standard base64, with prefix.",
            "hex": computed(Type::String) => "The ID in padded hexadecimal, with prefix.",
            "dec": computed(Type::String) => "The ID in decimal, with prefix.",
            "id": computed(Type::String) => "The ID in URL-safe base64, without prefix.",
        };
        ResourceSchema { version: 0, block }
    }

    fn plan(&self, schema: &ResourceSchema, prior: Option<&Value>, config: &Value) -> Planned {
        get_size(config, "byte_length", 1)?;
        Ok(plan_standard(schema, prior, config, &[], Some("keepers")))
    }

    async fn make(&self, planned: &Value) -> Result<Value, ApplyError> {
        let n =
            get_size(planned, "byte_length", 1)?.ok_or_else(|| unknown_at_apply("byte_length"))?;
        let bytes =
            random_bytes(n).map_err(|e| ApplyError::new("Random ID generation failed", e))?;
        Ok(with_encoded(
            planned,
            encode(&bytes, get_str(planned, "prefix").unwrap_or("")),
        ))
    }

    /// Imports `B64_URL` or `PREFIX,B64_URL` (split at the last comma).
    async fn import(&self, id: &str) -> Result<Value, Diagnostics> {
        let (prefix, b64) = id.rsplit_once(',').unwrap_or(("", id));
        let bytes = URL_SAFE_NO_PAD
            .decode(b64)
            .map_err(|e| error("Import Random ID Error", format!("While attempting to import a random id there was a decoding error: {e}. The ID must be the unpadded URL-safe base64 value (optionally PREFIX,VALUE).")))?;
        let base = Value::object_from([
            ("keepers", Value::Null(string_map())),
            ("byte_length", Value::int(bytes.len() as i64)),
            (
                "prefix",
                if prefix.is_empty() {
                    null_string()
                } else {
                    string(prefix)
                },
            ),
        ]);
        Ok(with_encoded(&base, encode(&bytes, prefix)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::common::get_int;
    use crate::state_only::StateOnly;

    #[test]
    fn encodings_of_known_bytes() {
        let e = encode(&[0xfb, 0xff, 0x00, 0x01], "p-");
        assert_eq!(e.id, "-_8AAQ");
        assert_eq!(e.b64_url, "p--_8AAQ");
        assert_eq!(e.b64_std, "p-+/8AAQ==");
        assert_eq!(e.hex, "p-fbff0001");
        assert_eq!(e.dec, "p-4227792897");
    }

    #[test]
    fn decimal_of_long_ids_is_exact() {
        let e = encode(&[0xff; 16], "");
        assert_eq!(e.dec, "340282366920938463463374607431768211455");
        assert_eq!(e.hex.len(), 32);
        assert_eq!(encode(&[0, 0, 5], "").dec, "5");
    }

    #[tokio::test]
    async fn import_with_prefix() {
        let v = RandomId.import("my,prefix,-_8AAQ").await.unwrap();
        assert_eq!(get_str(&v, "prefix"), Some("my,prefix"));
        assert_eq!(get_str(&v, "id"), Some("-_8AAQ"));
        assert_eq!(get_str(&v, "hex"), Some("my,prefixfbff0001"));
        assert_eq!(get_int(&v, "byte_length").unwrap(), Some(4));
        assert!(RandomId.import("not base64!").await.is_err());
    }

    #[tokio::test]
    async fn zero_length_is_rejected() {
        let cfg = Value::object_from([("byte_length", Value::int(0))]);
        assert!(
            crate::common::typed::plan(&StateOnly("random_id", RandomId), None, &cfg)
                .await
                .is_err()
        );
        let huge = Value::object_from([("byte_length", Value::int(1 << 40))]);
        let e = crate::common::typed::plan(&StateOnly("random_id", RandomId), None, &huge)
            .await
            .unwrap_err();
        assert!(e.to_string().contains("at most"), "{e}");
    }
}
