//! OpenTofu's `aes_gcm` method: AES-GCM (NIST SP 800-38D) with a 128, 192 or 256-bit key,
//! a fresh random 96-bit nonce per message and a 128-bit tag. Output layout, as Go's
//! `cipher.AEAD.Seal` after the nonce: `nonce (12) | ciphertext | tag (16)`. The optional
//! `aad` is authenticated, not stored: decryption needs the same value.

use aes_gcm::aead::consts::U12;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::aes::{Aes128, Aes192, Aes256};
use aes_gcm::{AesGcm, Nonce};

/// Nonce length (Go's `gcm.NonceSize()`).
pub const NONCE_LEN: usize = 12;

/// Why a message could not be sealed or opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GcmError {
    /// A key that is not 16, 24 or 32 bytes long.
    #[error("AES-GCM requires the key length to be one of: 16, 24, 32, received {0} bytes")]
    KeyLength(usize),
    /// Empty input.
    #[error("cannot decrypt empty data")]
    Empty,
    /// Shorter than a nonce.
    #[error("cannot decrypt data because it is too small (likely data corruption)")]
    TooShort,
    /// The tag did not verify: another key, another `aad`, or modified data.
    #[error("message authentication failed (wrong key, or the data was modified)")]
    Authentication,
}

/// Whether `len` is a valid AES-GCM key length.
pub fn valid_key_length(len: usize) -> bool {
    matches!(len, 16 | 24 | 32)
}

/// `nonce | ciphertext | tag` of `plain` under `key`, authenticated with `aad`.
pub fn seal(key: &[u8], aad: &[u8], plain: &[u8]) -> Result<Vec<u8>, GcmError> {
    let mut nonce = [0u8; NONCE_LEN];
    getrandom::fill(&mut nonce).expect("the OS random source is available");
    seal_with_nonce(key, aad, &nonce, plain)
}

/// [`seal`] with a given nonce (tests pin the layout with it; callers use [`seal`]).
pub fn seal_with_nonce(
    key: &[u8],
    aad: &[u8],
    nonce: &[u8; NONCE_LEN],
    plain: &[u8],
) -> Result<Vec<u8>, GcmError> {
    let payload = Payload { msg: plain, aad };
    let n = Nonce::<U12>::from(*nonce);
    let sealed = match key.len() {
        16 => AesGcm::<Aes128, U12>::new_from_slice(key).map(|c| c.encrypt(&n, payload)),
        24 => AesGcm::<Aes192, U12>::new_from_slice(key).map(|c| c.encrypt(&n, payload)),
        32 => AesGcm::<Aes256, U12>::new_from_slice(key).map(|c| c.encrypt(&n, payload)),
        other => return Err(GcmError::KeyLength(other)),
    };
    let body = sealed
        .map_err(|_| GcmError::KeyLength(key.len()))?
        .map_err(|_| GcmError::Authentication)?;
    let mut out = Vec::with_capacity(NONCE_LEN + body.len());
    out.extend_from_slice(nonce);
    out.extend_from_slice(&body);
    Ok(out)
}

/// The plaintext of `data` (`nonce | ciphertext | tag`) under `key` and `aad`.
pub fn open(key: &[u8], aad: &[u8], data: &[u8]) -> Result<Vec<u8>, GcmError> {
    if data.is_empty() {
        return Err(GcmError::Empty);
    }
    if data.len() < NONCE_LEN {
        return Err(GcmError::TooShort);
    }
    let (nonce, body) = data.split_at(NONCE_LEN);
    let n = Nonce::<U12>::try_from(nonce).map_err(|_| GcmError::TooShort)?;
    let payload = Payload { msg: body, aad };
    let opened = match key.len() {
        16 => AesGcm::<Aes128, U12>::new_from_slice(key).map(|c| c.decrypt(&n, payload)),
        24 => AesGcm::<Aes192, U12>::new_from_slice(key).map(|c| c.decrypt(&n, payload)),
        32 => AesGcm::<Aes256, U12>::new_from_slice(key).map(|c| c.decrypt(&n, payload)),
        other => return Err(GcmError::KeyLength(other)),
    };
    opened
        .map_err(|_| GcmError::KeyLength(key.len()))?
        .map_err(|_| GcmError::Authentication)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_messages_open_only_with_the_same_key_and_aad_and_untouched() {
        for len in [16, 24, 32] {
            let key = vec![7u8; len];
            let sealed = seal(&key, b"aad", b"hello").unwrap();
            assert_eq!(sealed.len(), NONCE_LEN + 5 + 16);
            assert_eq!(open(&key, b"aad", &sealed).unwrap(), b"hello");
            assert_eq!(open(&key, b"other", &sealed), Err(GcmError::Authentication));
            assert_eq!(
                open(&[8u8; 32][..len], b"aad", &sealed),
                Err(GcmError::Authentication)
            );
            for i in 0..sealed.len() {
                let mut bad = sealed.clone();
                bad[i] ^= 1;
                assert_eq!(
                    open(&key, b"aad", &bad),
                    Err(GcmError::Authentication),
                    "byte {i}"
                );
            }
        }
        assert_ne!(
            seal(&[1; 32], b"", b"x").unwrap(),
            seal(&[1; 32], b"", b"x").unwrap()
        );
        assert_eq!(open(&[1; 32], b"", b""), Err(GcmError::Empty));
        assert_eq!(open(&[1; 32], b"", b"short"), Err(GcmError::TooShort));
        assert_eq!(seal(&[1; 20], b"", b"x"), Err(GcmError::KeyLength(20)));
    }

    #[test]
    fn the_layout_is_nonce_then_ciphertext_then_tag() {
        // NIST GCM test case 2 (AES-128, zero key, zero IV, one zero block).
        let sealed = seal_with_nonce(&[0; 16], b"", &[0; 12], &[0; 16]).unwrap();
        let hex: String = sealed.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "000000000000000000000000\
             0388dace60b6a392f328c2b971b2fe78\
             ab6e47d42cec13bdf53a67b21257bddf"
        );
    }
}
