//! OpenTofu's `pbkdf2` key provider: a key derived from a passphrase with PBKDF2-HMAC
//! (SHA-512 by default, or SHA-256), a fresh random salt per writer.
//!
//! Metadata stored beside the data (Go's JSON of OpenTofu's struct, in this field order):
//! `{"salt":"B64","iterations":600000,"hash_function":"sha512","key_length":32}`.
//! Decryption derives the key from the stored salt, iterations, hash and length; encryption
//! uses the configured ones. Derivation is slow on purpose, so each derived key is kept for
//! the life of the process (the state and plan targets share them), and the first writer of
//! a process reuses a salt it read when its parameters are the configured ones (OpenTofu
//! keeps one key per process and target too).

use super::KeyProvider;
use crate::error::{Result, StateError};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use serde::{Deserialize, Serialize};
use sha2::{Sha256, Sha512};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// The fewest iterations OpenTofu accepts.
pub const MINIMUM_ITERATIONS: i64 = 200_000;
/// The shortest passphrase OpenTofu accepts (bytes).
pub const MINIMUM_PASSPHRASE_LENGTH: usize = 16;

/// The arguments of `key_provider "pbkdf2" "NAME" {}`, with OpenTofu's defaults.
#[derive(Clone, PartialEq, Eq)]
pub struct Pbkdf2Settings {
    /// `passphrase` (at least 16 bytes).
    pub passphrase: String,
    /// `key_length` in bytes (default 32, AES-256).
    pub key_length: i64,
    /// `iterations` (default 600,000; at least 200,000).
    pub iterations: i64,
    /// `hash_function`: `sha512` (default) or `sha256`.
    pub hash_function: String,
    /// `salt_length` in bytes (default 32).
    pub salt_length: i64,
}

impl Default for Pbkdf2Settings {
    fn default() -> Self {
        Pbkdf2Settings {
            passphrase: String::new(),
            key_length: 32,
            iterations: 600_000,
            hash_function: "sha512".into(),
            salt_length: 32,
        }
    }
}

impl std::fmt::Debug for Pbkdf2Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The passphrase is never printed.
        f.debug_struct("Pbkdf2Settings")
            .field("passphrase", &"(sensitive)")
            .field("key_length", &self.key_length)
            .field("iterations", &self.iterations)
            .field("hash_function", &self.hash_function)
            .field("salt_length", &self.salt_length)
            .finish()
    }
}

impl Pbkdf2Settings {
    /// OpenTofu's checks of the arguments, with its messages.
    pub fn validate(&self) -> std::result::Result<(), String> {
        if self.passphrase.is_empty() {
            return Err("no passphrase provided and no chained provider defined".into());
        }
        if self.passphrase.len() < MINIMUM_PASSPHRASE_LENGTH {
            return Err(format!(
                "passphrase is too short (minimum {MINIMUM_PASSPHRASE_LENGTH} characters)"
            ));
        }
        if self.key_length <= 0 {
            return Err("the key length must be larger than zero".into());
        }
        if self.iterations <= 0 {
            return Err("the number of iterations must be larger than zero".into());
        }
        if self.iterations < MINIMUM_ITERATIONS {
            return Err(format!("the number of iterations is dangerously low (<{MINIMUM_ITERATIONS}), refusing to generate key"));
        }
        if self.salt_length <= 0 {
            return Err("the salt length must be larger than zero".into());
        }
        check_hash(&self.hash_function)
    }
}

fn check_hash(name: &str) -> std::result::Result<(), String> {
    match name {
        "sha256" | "sha512" => Ok(()),
        "" => Err("please specify a hash function".into()),
        other => Err(format!("invalid hash function name: {other}")),
    }
}

/// The metadata stored beside data encrypted with a pbkdf2 key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Metadata {
    /// The salt (base64 in JSON).
    #[serde(with = "b64", default)]
    pub salt: Vec<u8>,
    /// Iterations.
    #[serde(default)]
    pub iterations: i64,
    /// `sha256` or `sha512`.
    #[serde(default)]
    pub hash_function: String,
    /// Key length in bytes.
    #[serde(default)]
    pub key_length: i64,
}

mod b64 {
    use super::*;
    pub fn serialize<S: serde::Serializer>(v: &[u8], s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&B64.encode(v))
    }
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(
        d: D,
    ) -> std::result::Result<Vec<u8>, D::Error> {
        let s = Option::<String>::deserialize(d)?.unwrap_or_default();
        B64.decode(s.as_bytes()).map_err(serde::de::Error::custom)
    }
}

impl Metadata {
    fn is_present(&self) -> bool {
        !self.salt.is_empty()
            && self.iterations != 0
            && !self.hash_function.is_empty()
            && self.key_length != 0
    }

    fn validate(&self) -> std::result::Result<(), String> {
        if self.iterations < 0 {
            return Err(format!(
                "invalid number of iterations ({})",
                self.iterations
            ));
        }
        if self.key_length < 0 || self.key_length > 1 << 16 {
            return Err(format!("invalid key length ({})", self.key_length));
        }
        check_hash(&self.hash_function).map_err(|e| format!("invalid hash function name: {e}"))
    }
}

/// PBKDF2-HMAC of `passphrase` with the parameters of `meta`.
pub fn derive(passphrase: &[u8], meta: &Metadata) -> Vec<u8> {
    let mut key = vec![0u8; meta.key_length as usize];
    let rounds = u32::try_from(meta.iterations).unwrap_or(u32::MAX);
    if meta.hash_function == "sha256" {
        pbkdf2::pbkdf2_hmac::<Sha256>(passphrase, &meta.salt, rounds, &mut key);
    } else {
        pbkdf2::pbkdf2_hmac::<Sha512>(passphrase, &meta.salt, rounds, &mut key);
    }
    key
}

/// Keys derived so far in this process, by passphrase and metadata.
type Derived = HashMap<(Vec<u8>, Metadata), Vec<u8>>;

fn derived() -> std::sync::MutexGuard<'static, Derived> {
    static DERIVED: OnceLock<Mutex<Derived>> = OnceLock::new();
    DERIVED
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner())
}

/// A configured pbkdf2 key provider.
pub struct Pbkdf2Provider {
    settings: Pbkdf2Settings,
    /// The key (and its metadata JSON) this provider encrypts with, once chosen.
    encryption: OnceLock<(Vec<u8>, Vec<u8>)>,
}

impl Pbkdf2Provider {
    /// The provider for `settings` (checked: see [`Pbkdf2Settings::validate`]).
    pub fn new(settings: Pbkdf2Settings) -> std::result::Result<Pbkdf2Provider, String> {
        settings.validate()?;
        Ok(Pbkdf2Provider {
            settings,
            encryption: OnceLock::new(),
        })
    }

    fn key_for(&self, meta: &Metadata) -> Vec<u8> {
        let id = (self.settings.passphrase.as_bytes().to_vec(), meta.clone());
        if let Some(k) = derived().get(&id) {
            return k.clone();
        }
        let key = derive(&id.0, meta);
        derived().insert(id, key.clone());
        key
    }

    fn configured(&self, meta: &Metadata) -> bool {
        meta.iterations == self.settings.iterations
            && meta.hash_function == self.settings.hash_function
            && meta.key_length == self.settings.key_length
            && meta.salt.len() as i64 == self.settings.salt_length
    }
}

impl KeyProvider for Pbkdf2Provider {
    fn key_length(&self) -> Option<usize> {
        usize::try_from(self.settings.key_length).ok()
    }

    fn encryption_key(&self) -> Result<(Vec<u8>, Vec<u8>)> {
        if let Some(chosen) = self.encryption.get() {
            return Ok(chosen.clone());
        }
        // Reuse a salt already derived with the configured parameters, else draw one.
        let reused = derived()
            .keys()
            .find(|(pass, m)| pass == self.settings.passphrase.as_bytes() && self.configured(m))
            .map(|(_, m)| m.clone());
        let meta = match reused {
            Some(meta) => meta,
            None => {
                let mut salt = vec![0u8; self.settings.salt_length as usize];
                getrandom::fill(&mut salt).map_err(|e| {
                    StateError::Encryption(format!(
                        "failed to obtain {} bytes of random data: {e}",
                        salt.len()
                    ))
                })?;
                Metadata {
                    salt,
                    iterations: self.settings.iterations,
                    hash_function: self.settings.hash_function.clone(),
                    key_length: self.settings.key_length,
                }
            }
        };
        let key = self.key_for(&meta);
        let json = serde_json::to_vec(&meta).expect("metadata serializes");
        Ok(self.encryption.get_or_init(|| (key, json)).clone())
    }

    fn decryption_key(&self, meta: Option<&[u8]>) -> Result<Vec<u8>> {
        let meta: Metadata = match meta {
            Some(bytes) => serde_json::from_slice(bytes).map_err(|e| {
                StateError::Encryption(format!("Unable to decode encrypted metadata (did you change your encryption config?): {e}"))
            })?,
            None => Metadata::default(),
        };
        if !meta.is_present() {
            return Err(StateError::Encryption(
                "the decryption key is unavailable: the data has no pbkdf2 metadata for this key provider".into(),
            ));
        }
        meta.validate().map_err(StateError::Encryption)?;
        Ok(self.key_for(&meta))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(passphrase: &str) -> Pbkdf2Settings {
        Pbkdf2Settings {
            passphrase: passphrase.into(),
            iterations: MINIMUM_ITERATIONS,
            ..Pbkdf2Settings::default()
        }
    }

    #[test]
    fn settings_are_checked_with_opentofus_rules() {
        let ok = settings("a passphrase of some length");
        assert_eq!(ok.validate(), Ok(()));
        let cases: Vec<(Pbkdf2Settings, &str)> = vec![
            (settings(""), "no passphrase provided"),
            (
                settings("too short"),
                "passphrase is too short (minimum 16 characters)",
            ),
            (
                Pbkdf2Settings {
                    iterations: 1000,
                    ..ok.clone()
                },
                "dangerously low (<200000)",
            ),
            (
                Pbkdf2Settings {
                    iterations: 0,
                    ..ok.clone()
                },
                "must be larger than zero",
            ),
            (
                Pbkdf2Settings {
                    key_length: 0,
                    ..ok.clone()
                },
                "key length must be larger",
            ),
            (
                Pbkdf2Settings {
                    salt_length: -1,
                    ..ok.clone()
                },
                "salt length must be larger",
            ),
            (
                Pbkdf2Settings {
                    hash_function: "sha1".into(),
                    ..ok.clone()
                },
                "invalid hash function name: sha1",
            ),
        ];
        for (s, want) in cases {
            let err = s.validate().unwrap_err();
            assert!(err.contains(want), "{err}");
        }
        assert!(!format!("{ok:?}").contains("passphrase of"));
    }

    #[test]
    fn derivation_matches_rfc_vectors_for_both_hashes() {
        // RFC 7914 §11 (PBKDF2-HMAC-SHA256, "passwd"/"salt", c = 1, 64 bytes).
        let meta = Metadata {
            salt: b"salt".to_vec(),
            iterations: 1,
            hash_function: "sha256".into(),
            key_length: 64,
        };
        let hex: String = derive(b"passwd", &meta)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert!(hex.starts_with("55ac046e56e3089fec1691c22544b605"), "{hex}");
        // PBKDF2-HMAC-SHA512 ("password"/"salt", c = 1): the widely published vector.
        let meta = Metadata {
            hash_function: "sha512".into(),
            ..meta
        };
        let hex: String = derive(b"password", &meta)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert!(hex.starts_with("867f70cf1ade02cff3752599a3a53dc4"), "{hex}");
    }

    #[test]
    fn metadata_is_written_as_opentofu_writes_it_and_keys_round_trip() {
        let p = Pbkdf2Provider::new(settings("a passphrase of some length")).unwrap();
        let (key, meta) = p.encryption_key().unwrap();
        assert_eq!(key.len(), 32);
        let text = String::from_utf8(meta.clone()).unwrap();
        assert!(text.starts_with("{\"salt\":\""), "{text}");
        assert!(
            text.ends_with(
                "\",\"iterations\":200000,\"hash_function\":\"sha512\",\"key_length\":32}"
            ),
            "{text}"
        );
        assert_eq!(p.encryption_key().unwrap().0, key, "one key per provider");
        assert_eq!(p.decryption_key(Some(&meta)).unwrap(), key);
        let other = Pbkdf2Provider::new(settings("another passphrase, long")).unwrap();
        assert_ne!(other.decryption_key(Some(&meta)).unwrap(), key);
        let missing = other.decryption_key(None).unwrap_err().to_string();
        assert!(missing.contains("unavailable"), "{missing}");
        let bad = other
            .decryption_key(Some(b"{\"salt\":1}"))
            .unwrap_err()
            .to_string();
        assert!(bad.contains("Unable to decode encrypted metadata"), "{bad}");
    }

    #[test]
    fn a_writer_reuses_the_salt_it_read_when_its_parameters_are_the_configured_ones() {
        let a = Pbkdf2Provider::new(settings("reuse: a passphrase of some length")).unwrap();
        let (_, meta) = a.encryption_key().unwrap();
        let b = Pbkdf2Provider::new(settings("reuse: a passphrase of some length")).unwrap();
        b.decryption_key(Some(&meta)).unwrap();
        assert_eq!(b.encryption_key().unwrap().1, meta);
        let c = Pbkdf2Provider::new(Pbkdf2Settings {
            iterations: MINIMUM_ITERATIONS + 1,
            ..settings("reuse: a passphrase of some length")
        })
        .unwrap();
        c.decryption_key(Some(&meta)).unwrap();
        assert_ne!(c.encryption_key().unwrap().1, meta);
    }
}
