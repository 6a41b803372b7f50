//! The OpenPGP check of a registry's `SHA256SUMS` as Terraform makes it: the detached
//! signature must verify with one of the signing keys the registry listed (a key whose ID
//! the signature does not name is skipped, as go-crypto's "unknown issuer"); the result
//! names who signed it: HashiCorp (the signature also verifies with HashiCorp's own key), a
//! HashiCorp partner (the key carries a trust signature by HashiCorp's partners key) or the
//! provider's developer ("self-signed").

use pgp::composed::{Deserializable, DetachedSignature, SignedPublicKey};
use pgp::types::KeyDetails;

/// HashiCorp's public key, as Terraform embeds it (also at hashicorp.com/.well-known).
const HASHICORP_KEY: &str = include_str!("../../keys/hashicorp.asc");
/// The key HashiCorp signs its partners' keys with (their `trust_signature`).
const HASHICORP_PARTNERS_KEY: &str = include_str!("../../keys/hashicorp-partners.asc");

/// A signing key as the registry lists it.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct SigningKey {
    /// The public key, ASCII-armored.
    pub ascii_armor: String,
    /// HashiCorp's partners key's armored signature over the key, for partner providers.
    #[serde(default)]
    pub trust_signature: String,
}

/// Who signed a package's checksums.
#[derive(Debug, Clone, PartialEq)]
pub enum Signer {
    /// HashiCorp's own key.
    HashiCorp(String),
    /// A key HashiCorp's partners key vouches for.
    Partner(String),
    /// The developer's own key.
    Community(String),
}

impl Signer {
    /// How `init` words it: `signed by HashiCorp`, `self-signed, key ID …`.
    pub fn describe(&self) -> String {
        match self {
            Signer::HashiCorp(_) => "signed by HashiCorp".into(),
            Signer::Partner(k) => format!("signed by a HashiCorp partner, key ID {k}"),
            Signer::Community(k) => format!("self-signed, key ID {k}"),
        }
    }
}

/// Verifies `signature` (binary or armored) over `document` with one of `keys`.
pub fn verify(document: &[u8], signature: &[u8], keys: &[SigningKey]) -> Result<Signer, String> {
    let sig = parse_signature(signature).map_err(|e| format!("error checking signature: {e}"))?;
    for key in keys {
        let certs =
            parse_keys(&key.ascii_armor).map_err(|e| format!("error decoding signing key: {e}"))?;
        let Some(found) = check(&certs, &sig, document)? else {
            continue;
        };
        let id = key_id(&found);
        let official = parse_keys(HASHICORP_KEY).map_err(|e| e.to_string())?;
        if check(&official, &sig, document).unwrap_or(None).is_some() {
            return Ok(Signer::HashiCorp(id));
        }
        if key.trust_signature.is_empty() {
            return Ok(Signer::Community(id));
        }
        trusted_by_partners(key).map_err(|e| format!("error verifying trust signature: {e}"))?;
        return Ok(Signer::Partner(id));
    }
    Err("authentication signature from unknown issuer".into())
}

/// The key's ID as go-crypto prints it (`KeyIdString`: 16 upper-case hex digits).
pub fn key_id(key: &SignedPublicKey) -> String {
    hex::encode_upper(key.primary_key.legacy_key_id().as_ref())
}

/// The certificate in `certs` whose primary key or subkey the signature names, if its
/// signature over `document` verifies (`Ok(None)`: no key of theirs is named).
fn check(
    certs: &[SignedPublicKey],
    sig: &DetachedSignature,
    document: &[u8],
) -> Result<Option<SignedPublicKey>, String> {
    let issuers: Vec<Vec<u8>> = sig
        .signature
        .issuer_key_id()
        .iter()
        .map(|k| k.as_ref().to_vec())
        .collect();
    let fingerprints: Vec<Vec<u8>> = sig
        .signature
        .issuer_fingerprint()
        .iter()
        .map(|f| f.as_bytes().to_vec())
        .collect();
    let named = |k: &dyn KeyDetails| {
        issuers.contains(&k.legacy_key_id().as_ref().to_vec())
            || fingerprints.contains(&k.fingerprint().as_bytes().to_vec())
    };
    for cert in certs {
        let mut result = None;
        if named(&cert.primary_key) {
            result = Some(sig.verify(&cert.primary_key, document));
        }
        for sub in cert.public_subkeys.iter().filter(|s| named(&s.key)) {
            result = Some(sig.verify(&sub.key, document));
        }
        match result {
            Some(Ok(())) => return Ok(Some(cert.clone())),
            Some(Err(e)) => {
                return Err(format!(
                    "error checking signature: openpgp: invalid signature: {e}"
                ))
            }
            None => {}
        }
    }
    Ok(None)
}

/// Checks a partner key's trust signature with HashiCorp's partners key.
fn trusted_by_partners(key: &SigningKey) -> Result<(), String> {
    let partners = parse_keys(HASHICORP_PARTNERS_KEY)?;
    let trust = parse_signature(key.trust_signature.as_bytes())?;
    // The trust signature covers the armored key's binary body, byte for byte.
    let mut binary = Vec::new();
    std::io::Read::read_to_end(
        &mut pgp::armor::Dearmor::new(key.ascii_armor.as_bytes()),
        &mut binary,
    )
    .map_err(|e| e.to_string())?;
    match check(&partners, &trust, &binary)? {
        Some(_) => Ok(()),
        None => Err("openpgp: signature made by unknown entity".into()),
    }
}

fn parse_keys(armored: &str) -> Result<Vec<SignedPublicKey>, String> {
    let (keys, _) =
        SignedPublicKey::from_armor_many(armored.as_bytes()).map_err(|e| e.to_string())?;
    keys.collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())
}

fn parse_signature(bytes: &[u8]) -> Result<DetachedSignature, String> {
    if bytes.starts_with(b"-----BEGIN") {
        DetachedSignature::from_armor_single(bytes)
            .map(|(s, _)| s)
            .map_err(|e| e.to_string())
    } else {
        DetachedSignature::from_bytes(bytes).map_err(|e| e.to_string())
    }
}
