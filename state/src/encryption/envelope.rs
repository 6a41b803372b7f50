//! OpenTofu's encrypted file format (`encryption_version` `v0`), pure framing apart from I/O.
//!
//! An encrypted state or plan is one JSON object, written as Go's `encoding/json` writes
//! OpenTofu's structs (no spaces, fields in this order, `meta` keys sorted):
//!
//! ```text
//! {"serial":N,"lineage":"L",                    state only: copied from the plaintext
//!  "meta":{"key_provider.pbkdf2.NAME":"B64"},   per key provider: base64 of its metadata JSON
//!  "encrypted_data":"B64",                      base64 of the method's output
//!  "encryption_version":"v0"}
//! ```
//!
//! A document without a non-empty `encryption_version` is not encrypted (an unencrypted state
//! or plan, read only when the `unencrypted` method is configured).

use crate::error::{Result, StateError};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The only format version OpenTofu writes and reads.
pub const VERSION: &str = "v0";

/// The serial and lineage a state envelope carries in the clear (OpenTofu checks them against
/// the decrypted state).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Passthrough {
    /// The state's serial (`null` when the plaintext has none).
    pub serial: Option<u64>,
    /// The state's lineage (empty when the plaintext has none).
    #[serde(default)]
    pub lineage: String,
}

/// One encrypted document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Envelope {
    /// The clear serial and lineage of a state (`None` for plans, which have none).
    pub passthrough: Option<Passthrough>,
    /// Key provider metadata by storage key (`key_provider.TYPE.NAME` or its alias).
    pub meta: BTreeMap<String, Vec<u8>>,
    /// The method's output (for `aes_gcm`: nonce, ciphertext, tag).
    pub data: Vec<u8>,
}

#[derive(Serialize)]
struct StateOut<'a> {
    serial: Option<u64>,
    lineage: &'a str,
    meta: BTreeMap<&'a str, String>,
    encrypted_data: String,
    encryption_version: &'a str,
}

#[derive(Serialize)]
struct PlanOut<'a> {
    meta: BTreeMap<&'a str, String>,
    encrypted_data: String,
    encryption_version: &'a str,
}

#[derive(Deserialize)]
struct In {
    #[serde(default)]
    serial: Option<u64>,
    #[serde(default)]
    lineage: Option<String>,
    #[serde(default)]
    meta: BTreeMap<String, String>,
    #[serde(default)]
    encrypted_data: String,
    #[serde(default)]
    encryption_version: String,
}

/// Only the version: whether a document is an envelope at all.
#[derive(Deserialize)]
struct VersionOnly {
    #[serde(default)]
    encryption_version: Option<serde_json::Value>,
}

impl Envelope {
    /// The document's bytes, as OpenTofu writes them.
    pub fn encode(&self) -> Vec<u8> {
        let meta = self
            .meta
            .iter()
            .map(|(k, v)| (k.as_str(), B64.encode(v)))
            .collect();
        let encrypted_data = B64.encode(&self.data);
        let out = match &self.passthrough {
            Some(p) => serde_json::to_vec(&StateOut {
                serial: p.serial,
                lineage: &p.lineage,
                meta,
                encrypted_data,
                encryption_version: VERSION,
            }),
            None => serde_json::to_vec(&PlanOut {
                meta,
                encrypted_data,
                encryption_version: VERSION,
            }),
        };
        out.expect("strings and maps of strings always serialize")
    }

    /// The envelope in `bytes`; `None` when they are no envelope (not JSON, or no
    /// `encryption_version`); an error when they are one that cannot be read.
    pub fn decode(bytes: &[u8]) -> Option<Result<Envelope>> {
        let version = serde_json::from_slice::<VersionOnly>(bytes).ok()?;
        match version.encryption_version {
            Some(serde_json::Value::String(v)) if !v.is_empty() => {}
            _ => return None,
        }
        Some(Self::decode_envelope(bytes))
    }

    fn decode_envelope(bytes: &[u8]) -> Result<Envelope> {
        let bad =
            |what: String| StateError::Encryption(format!("invalid encrypted payload: {what}"));
        let doc: In = serde_json::from_slice(bytes).map_err(|e| bad(e.to_string()))?;
        if doc.encryption_version != VERSION {
            return Err(StateError::Encryption(format!(
                "invalid encrypted payload version: {} != {VERSION}",
                doc.encryption_version
            )));
        }
        let mut meta = BTreeMap::new();
        for (k, v) in doc.meta {
            let raw = B64
                .decode(v.as_bytes())
                .map_err(|e| bad(format!("meta {k:?}: {e}")))?;
            meta.insert(k, raw);
        }
        let data = B64
            .decode(doc.encrypted_data.as_bytes())
            .map_err(|e| bad(format!("encrypted_data: {e}")))?;
        let passthrough = (doc.serial.is_some() || doc.lineage.is_some()).then(|| Passthrough {
            serial: doc.serial,
            lineage: doc.lineage.unwrap_or_default(),
        });
        Ok(Envelope {
            passthrough,
            meta,
            data,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_state_envelope_is_written_as_go_writes_opentofus_struct() {
        let env = Envelope {
            passthrough: Some(Passthrough {
                serial: Some(3),
                lineage: "L".into(),
            }),
            meta: BTreeMap::from([
                ("key_provider.pbkdf2.b".to_string(), b"{}".to_vec()),
                ("key_provider.pbkdf2.a".to_string(), b"x".to_vec()),
            ]),
            data: vec![0, 1, 2, 255],
        };
        let text = String::from_utf8(env.encode()).unwrap();
        assert_eq!(
            text,
            r#"{"serial":3,"lineage":"L","meta":{"key_provider.pbkdf2.a":"eA==","key_provider.pbkdf2.b":"e30="},"encrypted_data":"AAEC/w==","encryption_version":"v0"}"#
        );
        assert_eq!(Envelope::decode(text.as_bytes()).unwrap().unwrap(), env);
    }

    #[test]
    fn a_plan_envelope_has_no_passthrough_and_a_null_serial_is_kept() {
        let plan = Envelope {
            data: b"abc".to_vec(),
            ..Envelope::default()
        };
        let text = String::from_utf8(plan.encode()).unwrap();
        assert_eq!(
            text,
            r#"{"meta":{},"encrypted_data":"YWJj","encryption_version":"v0"}"#
        );
        assert_eq!(Envelope::decode(text.as_bytes()).unwrap().unwrap(), plan);
        let journal = Envelope {
            passthrough: Some(Passthrough::default()),
            ..plan
        };
        let text = String::from_utf8(journal.encode()).unwrap();
        assert!(
            text.starts_with(r#"{"serial":null,"lineage":"","meta""#),
            "{text}"
        );
    }

    #[test]
    fn documents_without_a_version_are_not_envelopes_and_bad_envelopes_are_errors() {
        for plain in [
            &b"{\"version\":4,\"serial\":1}"[..],
            b"not json",
            b"{\"encryption_version\":\"\"}",
            b"[1,2]",
            b"",
        ] {
            assert!(Envelope::decode(plain).is_none(), "{plain:?}");
        }
        let cases: [(&[u8], &str); 3] = [
            (
                br#"{"encryption_version":"v1","encrypted_data":""}"#,
                "invalid encrypted payload version: v1 != v0",
            ),
            (
                br#"{"encryption_version":"v0","encrypted_data":"%%%"}"#,
                "encrypted_data",
            ),
            (
                br#"{"encryption_version":"v0","meta":{"k":"*"}}"#,
                "meta \"k\"",
            ),
        ];
        for (bytes, want) in cases {
            let err = Envelope::decode(bytes).unwrap().unwrap_err().to_string();
            assert!(err.contains(want), "{err}");
        }
    }
}
