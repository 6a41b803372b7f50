//! What `local_file`, `local_sensitive_file` and the `local_file` data sources share:
//! content digests, permission strings, writing and checking files.

use crate::common::{error, get, get_str, hex, string};
use autostack_provider_sdk::{Attribute, Block, ResourceSchema};
use autostack_value::{Diagnostics, Type, Value};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};
use std::io::{ErrorKind, Write};
use std::path::Path;

/// The computed digest attributes, in schema order.
pub(crate) const DIGEST_ATTRS: [&str; 6] = [
    "content_md5",
    "content_sha1",
    "content_sha256",
    "content_base64sha256",
    "content_sha512",
    "content_base64sha512",
];

/// The schema (version 0) of a local file type or data source: `b` plus `id` and the digests.
pub(crate) fn schema_with_digests(mut b: Block) -> ResourceSchema {
    b = b.attr(
        "id",
        Attribute::computed(Type::String).describe("The hexadecimal SHA-1 of the content."),
    );
    for name in DIGEST_ATTRS {
        b = b.attr(
            name,
            Attribute::computed(Type::String).describe("A checksum of the content."),
        );
    }
    ResourceSchema {
        version: 0,
        block: b,
    }
}

/// Hex SHA-1 of `content`: the ID of every local file object.
pub(crate) fn sha1_hex(content: &[u8]) -> String {
    hex(&Sha1::digest(content))
}

/// `(attribute, value)` pairs of every digest of `content`, plus `id` (the SHA-1).
pub(crate) fn digests(content: &[u8]) -> Vec<(&'static str, Value)> {
    let sha256 = Sha256::digest(content);
    let sha512 = Sha512::digest(content);
    let sha1 = sha1_hex(content);
    vec![
        ("id", string(sha1.clone())),
        ("content_md5", string(hex(&md5::Md5::digest(content)))),
        ("content_sha1", string(sha1)),
        ("content_sha256", string(hex(&sha256))),
        ("content_base64sha256", string(STANDARD.encode(sha256))),
        ("content_sha512", string(hex(&sha512))),
        ("content_base64sha512", string(STANDARD.encode(sha512))),
    ]
}

/// Parses a permission string in numeric notation ("0644", "755"): 3 or 4 octal digits, at most 0777.
pub(crate) fn parse_mode(s: &str) -> Result<u32, String> {
    if !(3..=4).contains(&s.len()) {
        return Err(format!(
            "bad mode for file - string length should be 3 or 4 digits: {s}"
        ));
    }
    match u32::from_str_radix(s, 8) {
        Ok(m) if m <= 0o777 => Ok(m),
        _ => Err(format!(
            "bad mode for file - must be octal digits with a value of at most 0777: {s}"
        )),
    }
}

/// Plan-time checks: permission strings, exactly one content source, valid base64.
pub(crate) fn validate(config: &Value, sources: &[&str]) -> Result<(), Diagnostics> {
    for attr in ["file_permission", "directory_permission"] {
        if let Some(m) = get_str(config, attr) {
            parse_mode(m).map_err(|e| error(format!("Invalid {attr}"), e))?;
        }
    }
    let set: Vec<&str> = sources
        .iter()
        .copied()
        .filter(|a| get(config, a).is_some())
        .collect();
    if set.len() != 1 {
        let list = sources
            .iter()
            .map(|s| format!("{s:?}"))
            .collect::<Vec<_>>()
            .join(", ");
        let detail = format!(
            "Exactly one of these attributes must be configured: [{list}]; found {}.",
            set.len()
        );
        return Err(error("Invalid Attribute Combination", detail));
    }
    if let Some(b) = get_str(config, "content_base64") {
        STANDARD.decode(b).map_err(|e| {
            error(
                "Invalid content_base64",
                format!("content_base64 is not valid base64: {e}."),
            )
        })?;
    }
    Ok(())
}

/// The bytes to write: the first configured of `sensitive_content`, `content_base64`,
/// `source` (a file to copy) and `content`.
pub(crate) fn content_bytes(planned: &Value) -> Result<Vec<u8>, String> {
    if let Some(s) = get_str(planned, "sensitive_content") {
        return Ok(s.as_bytes().to_vec());
    }
    if let Some(b) = get_str(planned, "content_base64") {
        return STANDARD
            .decode(b)
            .map_err(|e| format!("content_base64 is not valid base64: {e}"));
    }
    if let Some(src) = get_str(planned, "source") {
        return std::fs::read(src).map_err(|e| format!("reading source file {src:?}: {e}"));
    }
    Ok(get_str(planned, "content")
        .unwrap_or("")
        .as_bytes()
        .to_vec())
}

/// Writes `content` to `filename`, creating missing parent directories with `dir_mode` and
/// a new file with `file_mode` (both before umask; an existing file keeps its mode).
pub(crate) fn write(
    filename: &str,
    content: &[u8],
    file_mode: u32,
    dir_mode: u32,
) -> Result<(), String> {
    let path = Path::new(filename);
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if std::fs::metadata(dir).is_err() {
            let mut b = std::fs::DirBuilder::new();
            b.recursive(true);
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut b, dir_mode);
            b.create(dir)
                .map_err(|e| format!("creating directory {}: {e}", dir.display()))?;
        }
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, file_mode);
    #[cfg(not(unix))]
    let _ = (file_mode, dir_mode);
    let mut f = opts
        .open(path)
        .map_err(|e| format!("opening {filename:?} for writing: {e}"))?;
    f.write_all(content)
        .map_err(|e| format!("writing {filename:?}: {e}"))
}

/// Reads `filename`; `None` when it does not exist.
pub(crate) fn read(filename: &str) -> Result<Option<Vec<u8>>, String> {
    match std::fs::read(filename) {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("reading {filename:?}: {e}")),
    }
}

/// Removes `filename`; a file that is already gone is not an error.
pub(crate) fn remove(filename: &str) -> Result<(), String> {
    match std::fs::remove_file(filename) {
        Err(e) if e.kind() != ErrorKind::NotFound => Err(format!("removing {filename:?}: {e}")),
        _ => Ok(()),
    }
}

/// Runs blocking file work off the async executor.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| format!("file task failed: {e}"))?
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digest(content: &[u8], name: &str) -> String {
        digests(content)
            .into_iter()
            .find(|(k, _)| *k == name)
            .and_then(|(_, v)| v.as_str().map(String::from))
            .unwrap()
    }

    #[test]
    fn digests_of_known_content() {
        let c = b"hello world";
        assert_eq!(digest(c, "id"), "2aae6c35c94fcfb415dbe95f408b9ce91ee846ed");
        assert_eq!(
            digest(c, "content_sha1"),
            "2aae6c35c94fcfb415dbe95f408b9ce91ee846ed"
        );
        assert_eq!(digest(c, "content_md5"), "5eb63bbbe01eeed093cb22bb8f5acdc3");
        assert_eq!(
            digest(c, "content_sha256"),
            "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"
        );
        assert_eq!(
            digest(c, "content_base64sha256"),
            "uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek="
        );
        assert_eq!(
            digest(c, "content_sha512"),
            "309ecc489c12d6eb4cc40f50c902f2b4d0ed77ee511a7c7a9bcd3ca86d4cd86f989dd35bc5ff499670da34255b45b0cfd830e81f605dcf7dc5542e93ae9cd76f"
        );
        assert_eq!(digest(c, "content_base64sha512"), "MJ7MSJwS1utMxA9QyQLytNDtd+5RGnx6m808qG1M2G+YndNbxf9JlnDaNCVbRbDP2DDoH2Bdz33FVC6TrpzXbw==");
        assert_eq!(
            digest(b"", "content_sha1"),
            "da39a3ee5e6b4b0d3255bfef95601890afd80709"
        );
    }

    #[test]
    fn modes() {
        assert_eq!(parse_mode("0777"), Ok(0o777));
        assert_eq!(parse_mode("644"), Ok(0o644));
        assert!(parse_mode("0778").is_err());
        assert!(parse_mode("1777").is_err());
        assert!(parse_mode("77").is_err());
        assert!(parse_mode("rwx").is_err());
    }

    #[test]
    fn exactly_one_source() {
        let srcs = ["content", "content_base64", "source"];
        assert!(validate(&Value::object_from([("content", string("x"))]), &srcs).is_ok());
        assert!(validate(&Value::object_from([("filename", string("x"))]), &srcs).is_err());
        let two = Value::object_from([("content", string("x")), ("source", string("y"))]);
        assert!(validate(&two, &srcs).is_err());
        assert!(validate(
            &Value::object_from([("content_base64", string("!!"))]),
            &srcs
        )
        .is_err());
        assert!(validate(
            &Value::object_from([("content", string("x")), ("file_permission", string("999"))]),
            &srcs
        )
        .is_err());
    }
}
