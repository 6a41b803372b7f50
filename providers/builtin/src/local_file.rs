//! `local_file` and `local_sensitive_file` (hashicorp/local), and the `local_file` data
//! source. A file changed or deleted out-of-band reads as gone, so it is planned for
//! re-creation, as with the real provider.

use crate::util::{get, get_str, with};
use async_trait::async_trait;
use autostack_lang::{Diagnostic, Diagnostics, Type, Value};
use autostack_provider_sdk::{
    ApplyError, Attribute, Block, DataSource, ResourceSchema, ResourceType,
};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};
use std::path::Path;

/// `local_file` (or `local_sensitive_file` when `sensitive`).
pub struct LocalFile {
    /// The sensitive variant.
    pub sensitive: bool,
}

/// The `local_file` data source.
pub struct LocalFileData;

const HASHES: [&str; 7] = [
    "id",
    "content_md5",
    "content_sha1",
    "content_sha256",
    "content_base64sha256",
    "content_sha512",
    "content_base64sha512",
];

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The computed digest attributes of `bytes`.
pub fn digests(bytes: &[u8]) -> Vec<(&'static str, Value)> {
    let sha1 = hex(&Sha1::digest(bytes));
    let sha256 = Sha256::digest(bytes);
    let sha512 = Sha512::digest(bytes);
    vec![
        ("id", Value::string(sha1.clone())),
        ("content_md5", Value::string(hex(&Md5::digest(bytes)))),
        ("content_sha1", Value::string(sha1)),
        ("content_sha256", Value::string(hex(&sha256))),
        (
            "content_base64sha256",
            Value::string(STANDARD.encode(sha256)),
        ),
        ("content_sha512", Value::string(hex(&sha512))),
        (
            "content_base64sha512",
            Value::string(STANDARD.encode(sha512)),
        ),
    ]
}

/// The bytes the configuration asks for (content, sensitive_content, content_base64 or source).
fn desired_bytes(v: &Value) -> Result<Vec<u8>, ApplyError> {
    for k in ["content", "sensitive_content"] {
        let x = get(v, k);
        if let Some(s) = x.unmarked().as_str() {
            return Ok(s.as_bytes().to_vec());
        }
    }
    let b64 = get(v, "content_base64");
    if let Some(s) = b64.unmarked().as_str() {
        return STANDARD
            .decode(s)
            .map_err(|e| ApplyError::new("Invalid content_base64", e.to_string()));
    }
    let src = get_str(v, "source");
    if !src.is_empty() {
        return std::fs::read(&src)
            .map_err(|e| ApplyError::new("Failed to read source", format!("{src}: {e}")));
    }
    Err(ApplyError::new(
        "Missing content",
        "Exactly one of content, sensitive_content, content_base64 or source must be set.",
    ))
}

fn mode(s: &str, what: &str) -> Result<u32, ApplyError> {
    u32::from_str_radix(s, 8)
        .ok()
        .filter(|m| *m <= 0o7777)
        .ok_or_else(|| {
            ApplyError::new(
                format!("Invalid {what}"),
                format!("{s:?} is not a valid file mode: use 3 or 4 octal digits, like \"0644\"."),
            )
        })
}

fn write_file(v: &Value, bytes: &[u8]) -> Result<(), ApplyError> {
    use std::os::unix::fs::PermissionsExt;
    let path = get_str(v, "filename");
    let p = Path::new(&path);
    let dir_mode = mode(&get_str(v, "directory_permission"), "directory_permission")?;
    let file_mode = mode(&get_str(v, "file_permission"), "file_permission")?;
    if let Some(parent) = p
        .parent()
        .filter(|d| !d.as_os_str().is_empty() && !d.exists())
    {
        std::fs::create_dir_all(parent).map_err(|e| {
            ApplyError::new(
                "Failed to create directory",
                format!("{}: {e}", parent.display()),
            )
        })?;
        let _ = std::fs::set_permissions(parent, std::fs::Permissions::from_mode(dir_mode));
    }
    std::fs::write(p, bytes)
        .map_err(|e| ApplyError::new("Failed to write file", format!("{path}: {e}")))?;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(file_mode))
        .map_err(|e| ApplyError::new("Failed to set file permissions", format!("{path}: {e}")))
}

#[async_trait]
impl ResourceType<()> for LocalFile {
    fn name(&self) -> &'static str {
        if self.sensitive {
            "local_sensitive_file"
        } else {
            "local_file"
        }
    }

    fn schema(&self) -> ResourceSchema {
        let content = |s: bool| {
            let a = Attribute::optional(Type::String).force_new();
            if s {
                a.sensitive()
            } else {
                a
            }
        };
        let mut block = Block::new()
            .attr("filename", Attribute::required(Type::String).force_new())
            .attr("content", content(self.sensitive))
            .attr("content_base64", content(self.sensitive))
            .attr("source", Attribute::optional(Type::String).force_new())
            .attr(
                "file_permission",
                Attribute::optional_computed(Type::String)
                    .default("0777")
                    .force_new(),
            )
            .attr(
                "directory_permission",
                Attribute::optional_computed(Type::String)
                    .default("0777")
                    .force_new(),
            );
        if !self.sensitive {
            block = block.attr("sensitive_content", content(true));
        }
        for h in HASHES {
            block = block.attr(h, Attribute::computed(Type::String));
        }
        ResourceSchema { version: 0, block }
    }

    async fn create(&self, _: &(), planned: &Value) -> Result<Value, ApplyError> {
        let bytes = desired_bytes(planned)?;
        write_file(planned, &bytes)?;
        Ok(with(planned, digests(&bytes)))
    }

    async fn update(&self, _: &(), _prior: &Value, planned: &Value) -> Result<Value, ApplyError> {
        self.create(&(), planned).await
    }

    async fn delete(&self, _: &(), prior: &Value) -> Result<(), ApplyError> {
        let path = get_str(prior, "filename");
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(ApplyError::new(
                "Failed to delete file",
                format!("{path}: {e}"),
            )),
        }
    }

    async fn read(&self, _: &(), current: &Value) -> Result<Option<Value>, Diagnostics> {
        let Ok(bytes) = std::fs::read(get_str(current, "filename")) else {
            return Ok(None);
        };
        let id = hex(&Sha1::digest(&bytes));
        Ok((id == get_str(current, "id")).then(|| current.clone()))
    }
}

#[async_trait]
impl DataSource<()> for LocalFileData {
    fn name(&self) -> &'static str {
        "local_file"
    }

    fn schema(&self) -> ResourceSchema {
        let mut block = Block::new()
            .attr("filename", Attribute::required(Type::String))
            .attr("content", Attribute::computed(Type::String))
            .attr("content_base64", Attribute::computed(Type::String));
        for h in HASHES {
            block = block.attr(h, Attribute::computed(Type::String));
        }
        ResourceSchema { version: 0, block }
    }

    async fn read(&self, _: &(), config: &Value) -> Result<Value, Diagnostics> {
        let path = get_str(config, "filename");
        let bytes = std::fs::read(&path).map_err(|e| {
            Diagnostics::from(Diagnostic::error(
                "Failed to read file",
                format!("{path}: {e}"),
                None,
            ))
        })?;
        let mut attrs = digests(&bytes);
        attrs.push((
            "content",
            Value::string(String::from_utf8_lossy(&bytes).into_owned()),
        ));
        attrs.push(("content_base64", Value::string(STANDARD.encode(&bytes))));
        Ok(with(config, attrs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_match_known_values() {
        let d: std::collections::HashMap<_, _> = digests(b"hello").into_iter().collect();
        assert_eq!(
            d["content_sha1"].as_str(),
            Some("aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d")
        );
        assert_eq!(
            d["content_md5"].as_str(),
            Some("5d41402abc4b2a76b9719d911017c592")
        );
        assert_eq!(
            d["content_sha256"].as_str(),
            Some("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")
        );
        assert_eq!(
            d["content_base64sha256"].as_str(),
            Some("LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=")
        );
    }
}
