//! `aws_instance.user_data`: hashicorp/aws keeps the SHA-1 of the text in plan and state;
//! apply takes the text itself from the configuration (as hashicorp/aws does: the plan's
//! hash is a state function of the configured value).

use crate::attrs::get_str;
use autostack_value::Value;
use base64::Engine as _;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// SHA-1 of `data` as lowercase hex.
pub fn sha1_hex(data: &[u8]) -> String {
    let mut h: [u32; 5] = [
        0x6745_2301,
        0xEFCD_AB89,
        0x98BA_DCFE,
        0x1032_5476,
        0xC3D2_E1F0,
    ];
    let mut msg = data.to_vec();
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&((data.len() as u64).wrapping_mul(8)).to_be_bytes());
    for chunk in msg.chunks(64) {
        let mut w = [0u32; 80];
        for (i, word) in chunk.chunks(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = h;
        for (i, wi) in w.iter().enumerate() {
            let (f, k) = match i {
                0..=19 => ((b & c) | (!b & d), 0x5A82_7999),
                20..=39 => (b ^ c ^ d, 0x6ED9_EBA1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC),
                _ => (b ^ c ^ d, 0xCA62_C1D6),
            };
            let t = a
                .rotate_left(5)
                .wrapping_add(f)
                .wrapping_add(e)
                .wrapping_add(k)
                .wrapping_add(*wi);
            (e, d, c, b, a) = (d, c, b.rotate_left(30), a, t);
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e]) {
            *x = x.wrapping_add(y);
        }
    }
    h.iter().map(|x| format!("{x:08x}")).collect()
}

/// The AWS provider's `user_data` state value: the SHA-1 of the text, decoded first when it
/// is already base64.
pub fn user_data_hash(text: &str) -> String {
    match B64.decode(text) {
        Ok(raw) => sha1_hex(&raw),
        Err(_) => sha1_hex(text.as_bytes()),
    }
}

/// The bytes user data stands for (base64 text is decoded, as the AWS provider does).
pub(super) fn user_data_bytes(text: &str) -> Vec<u8> {
    B64.decode(text)
        .unwrap_or_else(|_| text.as_bytes().to_vec())
}

/// The user data text of a configuration, as written (plan and state hold only its hash, as
/// the AWS provider's do; apply reads the text from the configuration it is given).
pub(super) fn configured_user_data(config: &Value) -> Option<&str> {
    config
        .as_entries()
        .and_then(|m| m.get("user_data"))
        .and_then(|v| v.unmarked().as_str())
}

/// `user_data` (from the configuration) or `user_data_base64` of a planned value,
/// base64-encoded for `RunInstances`.
pub(super) fn launch_user_data(planned: &Value, config: &Value) -> Option<String> {
    if let Some(b64) = get_str(planned, "user_data_base64") {
        return Some(b64.to_string());
    }
    get_str(planned, "user_data")?;
    configured_user_data(config)
        .filter(|t| !t.is_empty())
        .map(|t| B64.encode(user_data_bytes(t)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha1_matches_known_digests() {
        assert_eq!(sha1_hex(b""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
        assert_eq!(sha1_hex(b"abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
        let long = vec![b'a'; 1000];
        assert_eq!(sha1_hex(&long), "291e9a6c66994949b57ba5e650361e98fc36b1ba");
    }

    #[test]
    fn user_data_hash_decodes_base64_first() {
        let plain = user_data_hash("#!/bin/sh\necho hello\n");
        assert_eq!(plain, "9db6f074fca0a903137b91c7c866b21d4e7205a7");
        assert_eq!(user_data_hash("aGVsbG8="), sha1_hex(b"hello"));
    }
}
