//! Client-side encryption of state and saved plans, compatible with OpenTofu's
//! `terraform { encryption { ... } }`: a state or plan OpenTofu encrypted opens here, and
//! the other way round.
//!
//! The parts, as OpenTofu names them:
//! - **key providers** give keys: [`pbkdf2`] (a passphrase) and [`kms`] (`aws_kms`, behind
//!   the `aws_kms` feature). Each stores metadata beside the data (its salt, its wrapped data
//!   key) under `key_provider.TYPE.NAME` (or its `encrypted_metadata_alias`);
//! - **methods** encrypt with a key: [`aes_gcm`], or `unencrypted` (plaintext, only for
//!   migrating to or from encryption);
//! - a **target** (`state`, `plan`) names its method and, in `fallback` blocks, the methods
//!   that may also read: data is always written with the first, and read with the first
//!   that opens it. `enforced` forbids `unencrypted` anywhere in the chain.
//!
//! The file format is in [`envelope`]. An [`Encryption`] is the [`Encryptor`] of one target;
//! everything a backend writes about a state (snapshots, backups, journal records, history)
//! goes through it.

pub mod aes_gcm;
pub mod envelope;
pub mod kms;
pub mod pbkdf2;

pub use envelope::{Envelope, Passthrough};
pub use kms::AwsKmsSettings;
pub use pbkdf2::Pbkdf2Settings;

use crate::error::{Result, StateError};
use crate::seams::{Encryptor, Plaintext};
use std::collections::BTreeMap;
use std::sync::Arc;

/// What a key provider does for a method.
pub trait KeyProvider: Send + Sync {
    /// The length of the keys it gives, when known before asking for one.
    fn key_length(&self) -> Option<usize>;
    /// The key to encrypt with and the metadata (JSON) to store beside the data; the same for
    /// the life of the provider.
    fn encryption_key(&self) -> Result<(Vec<u8>, Vec<u8>)>;
    /// The key that opens data stored with metadata `meta` (`None`: the data has none for
    /// this provider).
    fn decryption_key(&self, meta: Option<&[u8]>) -> Result<Vec<u8>>;
}

/// What is encrypted: OpenTofu's `state` and `plan` targets differ in the envelope (a state's
/// carries its serial and lineage in the clear) and in their messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// State snapshots and everything kept beside them.
    State,
    /// Saved plan files.
    Plan,
}

impl Target {
    fn name(self) -> &'static str {
        match self {
            Target::State => "state",
            Target::Plan => "plan",
        }
    }
}

/// The evaluated arguments of one `key_provider "TYPE" "NAME"` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyProviderSettings {
    /// `pbkdf2`.
    Pbkdf2(Pbkdf2Settings),
    /// `aws_kms`.
    AwsKms(AwsKmsSettings),
}

/// One `key_provider "TYPE" "NAME" {}` block, evaluated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyProviderConfig {
    /// The block's name label.
    pub name: String,
    /// `encrypted_metadata_alias`: the metadata key instead of `key_provider.TYPE.NAME`.
    pub encrypted_metadata_alias: Option<String>,
    /// Its type and arguments.
    pub settings: KeyProviderSettings,
}

impl KeyProviderConfig {
    /// The provider's type label (`pbkdf2`, `aws_kms`).
    pub fn ty(&self) -> &'static str {
        match self.settings {
            KeyProviderSettings::Pbkdf2(_) => "pbkdf2",
            KeyProviderSettings::AwsKms(_) => "aws_kms",
        }
    }

    /// `key_provider.TYPE.NAME`.
    pub fn addr(&self) -> String {
        format!("key_provider.{}.{}", self.ty(), self.name)
    }

    /// Where its metadata is stored in an envelope's `meta`.
    pub fn meta_key(&self) -> String {
        self.encrypted_metadata_alias
            .clone()
            .unwrap_or_else(|| self.addr())
    }
}

/// One `method "TYPE" "NAME" {}` block, evaluated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MethodConfig {
    /// `method "aes_gcm" "NAME" { keys = key_provider.TYPE.PNAME  aad = [...] }`.
    AesGcm {
        /// The name label.
        name: String,
        /// `keys`: the key provider's address (`key_provider.TYPE.PNAME`).
        keys: String,
        /// `aad` (empty when not given).
        aad: Vec<u8>,
    },
    /// `method "unencrypted" "NAME" {}`.
    Unencrypted {
        /// The name label.
        name: String,
    },
}

impl MethodConfig {
    /// `method.TYPE.NAME`.
    pub fn addr(&self) -> String {
        match self {
            MethodConfig::AesGcm { name, .. } => format!("method.aes_gcm.{name}"),
            MethodConfig::Unencrypted { name } => format!("method.unencrypted.{name}"),
        }
    }
}

/// A target block (`state`, `plan`), evaluated: its method and fallbacks in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TargetConfig {
    /// `method.TYPE.NAME` of the `method` argument, then of each nested `fallback`'s.
    pub methods: Vec<String>,
    /// `enforced = true`.
    pub enforced: bool,
}

/// The key providers and methods of an `encryption` block, ready to build targets from
/// (providers are shared by targets, so a key is derived or fetched once).
pub struct Keyring {
    providers: BTreeMap<String, (String, Arc<dyn KeyProvider>)>,
    methods: Vec<MethodConfig>,
}

impl Keyring {
    /// Checks and sets up every key provider of `providers` (no key is fetched yet).
    /// Errors name the provider's address.
    pub fn new(providers: &[KeyProviderConfig], methods: &[MethodConfig]) -> Result<Keyring> {
        let mut built = BTreeMap::new();
        for p in providers {
            let provider = build_provider(&p.settings).map_err(|e| {
                StateError::Encryption(format!("{} failed with error: {e}", p.addr()))
            })?;
            built.insert(p.addr(), (p.meta_key(), provider));
        }
        Ok(Keyring {
            providers: built,
            methods: methods.to_vec(),
        })
    }

    /// The encryptor of `target` (`config` `None`: the target is not configured, so it is
    /// plaintext, as in OpenTofu).
    pub fn target(
        &self,
        config: Option<&TargetConfig>,
        target: Target,
    ) -> Result<Arc<dyn Encryptor>> {
        let Some(config) = config else {
            return Ok(Arc::new(Plaintext));
        };
        let mut chain = Vec::new();
        for addr in &config.methods {
            let Some(m) = self.methods.iter().find(|m| &m.addr() == addr) else {
                return Err(StateError::Encryption(format!(
                    "Reference to undeclared encryption method {addr}"
                )));
            };
            chain.push(self.method(m)?);
        }
        if chain.is_empty() {
            return Err(StateError::Encryption(format!(
                "the {} target names no method",
                target.name()
            )));
        }
        if config.enforced && chain.iter().any(|m| matches!(m, Method::Unencrypted)) {
            return Err(StateError::Encryption(
                "Unencrypted method is forbidden: unable to use unencrypted method since the enforced flag is set".into(),
            ));
        }
        Ok(Arc::new(Encryption { target, chain }))
    }

    fn method(&self, m: &MethodConfig) -> Result<Method> {
        match m {
            MethodConfig::Unencrypted { .. } => Ok(Method::Unencrypted),
            MethodConfig::AesGcm { keys, aad, .. } => {
                let Some((meta_key, provider)) = self.providers.get(keys) else {
                    return Err(StateError::Encryption(format!(
                        "{}: reference to undeclared key provider {keys}",
                        m.addr()
                    )));
                };
                if let Some(len) = provider
                    .key_length()
                    .filter(|l| !aes_gcm::valid_key_length(*l))
                {
                    return Err(StateError::Encryption(format!(
                        "{}: AES-GCM requires the key length to be one of: 16, 24, 32, received {len} bytes in the encryption key",
                        m.addr()
                    )));
                }
                Ok(Method::AesGcm {
                    addr: m.addr(),
                    meta_key: meta_key.clone(),
                    provider: provider.clone(),
                    aad: aad.clone(),
                })
            }
        }
    }
}

fn build_provider(
    settings: &KeyProviderSettings,
) -> std::result::Result<Arc<dyn KeyProvider>, String> {
    match settings {
        KeyProviderSettings::Pbkdf2(s) => Ok(Arc::new(pbkdf2::Pbkdf2Provider::new(s.clone())?)),
        #[cfg(feature = "aws_kms")]
        KeyProviderSettings::AwsKms(s) => Ok(Arc::new(kms::AwsKmsProvider::new(s.clone())?)),
        #[cfg(not(feature = "aws_kms"))]
        KeyProviderSettings::AwsKms(s) => {
            s.validate()?;
            Err("the aws_kms key provider is not available in this build of AutoStack (it was built without the aws_kms feature)".into())
        }
    }
}

/// One method of a target's chain, set up.
enum Method {
    Unencrypted,
    AesGcm {
        addr: String,
        meta_key: String,
        provider: Arc<dyn KeyProvider>,
        aad: Vec<u8>,
    },
}

/// The [`Encryptor`] of one target: writes with the first method of its chain, reads with
/// the first that opens the data.
pub struct Encryption {
    target: Target,
    chain: Vec<Method>,
}

impl Encryption {
    fn failed(&self, what: impl std::fmt::Display) -> StateError {
        StateError::Encryption(format!("{what}"))
    }

    fn open_with(&self, method: &Method, env: &Envelope) -> Result<Vec<u8>> {
        let Method::AesGcm {
            meta_key,
            provider,
            aad,
            ..
        } = method
        else {
            unreachable!("unencrypted methods open nothing")
        };
        let key = provider.decryption_key(env.meta.get(meta_key).map(Vec::as_slice))?;
        aes_gcm::open(&key, aad, &env.data).map_err(|e| self.failed(e))
    }

    fn decrypt_envelope(&self, env: &Envelope) -> Result<Vec<u8>> {
        let mut errors = Vec::new();
        for method in &self.chain {
            if let Method::AesGcm { addr, .. } = method {
                match self.open_with(method, env) {
                    Ok(plain) => return Ok(plain),
                    Err(e) => errors.push(format!(
                        "attempted decryption failed for {} with {addr}: {}",
                        self.target.name(),
                        unprefixed(&e)
                    )),
                }
            }
        }
        if errors.is_empty() {
            errors.push(format!(
                "the {} is encrypted, and no encryption method is configured to read it",
                self.target.name()
            ));
        }
        Err(self.failed(format!(
            "decryption failed for all provided methods:\n{}",
            errors.join("\n")
        )))
    }

    /// Refuses a state whose clear serial/lineage differ from the encrypted ones.
    fn check_passthrough(&self, env: &Envelope, plain: &[u8]) -> Result<()> {
        let (Some(clear), Ok(inner)) = (
            &env.passthrough,
            serde_json::from_slice::<Passthrough>(plain),
        ) else {
            return Ok(());
        };
        if let (Some(a), Some(b)) = (clear.serial, inner.serial) {
            if a != b {
                return Err(self.failed(format!(
                    "invalid state metadata, serial field mismatch {a} vs {b}"
                )));
            }
        }
        if !clear.lineage.is_empty() && clear.lineage != inner.lineage {
            return Err(self.failed(format!(
                "invalid state metadata, lineage field mismatch {} vs {}",
                clear.lineage, inner.lineage
            )));
        }
        Ok(())
    }
}

/// The message of an encryption error without the variant's prefix.
fn unprefixed(e: &StateError) -> String {
    match e {
        StateError::Encryption(m) => m.clone(),
        other => other.to_string(),
    }
}

impl Encryptor for Encryption {
    fn encrypt(&self, plain: Vec<u8>) -> Result<Vec<u8>> {
        let Method::AesGcm {
            meta_key,
            provider,
            aad,
            addr,
        } = &self.chain[0]
        else {
            return Ok(plain);
        };
        let (key, meta) = provider.encryption_key()?;
        let data = aes_gcm::seal(&key, aad, &plain).map_err(|e| {
            self.failed(format!(
                "encryption failed for {} with {addr}: {e}",
                self.target.name()
            ))
        })?;
        let passthrough = match self.target {
            Target::State => {
                Some(serde_json::from_slice::<Passthrough>(&plain).unwrap_or_default())
            }
            Target::Plan => None,
        };
        Ok(Envelope {
            passthrough,
            meta: BTreeMap::from([(meta_key.clone(), meta)]),
            data,
        }
        .encode())
    }

    fn decrypt(&self, stored: Vec<u8>) -> Result<Vec<u8>> {
        match Envelope::decode(&stored) {
            Some(env) => {
                let env = env?;
                let plain = self.decrypt_envelope(&env)?;
                self.check_passthrough(&env, &plain)?;
                Ok(plain)
            }
            None if self.chain.iter().any(|m| matches!(m, Method::Unencrypted)) => Ok(stored),
            None => Err(self.failed(format!(
                "encountered an unencrypted {} without the unencrypted method configured (add a fallback {{ method = method.unencrypted.NAME }} to read it once, while migrating)",
                self.target.name()
            ))),
        }
    }
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
