//! The `local_file` and `local_sensitive_file` data sources (hashicorp/local): read a file's
//! content, its base64 encoding and its checksums.

use crate::common::{error, get, get_str, string, with};
use crate::file_content::{blocking, digests, schema_with_digests, DIGEST_ATTRS};
use async_trait::async_trait;
use autostack_provider_sdk::{Attribute, Block, DataSource, ResourceSchema};
use autostack_value::{Diagnostics, Type, Value};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

/// The `local_file` data source.
pub struct LocalFileData;

/// The `local_sensitive_file` data source.
pub struct LocalSensitiveFileData;

fn schema(sensitive: bool) -> ResourceSchema {
    let mark = |a: Attribute| if sensitive { a.sensitive() } else { a };
    let b = Block::new()
        .attr(
            "filename",
            Attribute::required(Type::String).describe("The path of the file to read."),
        )
        .attr(
            "content",
            mark(Attribute::computed(Type::String))
                .describe("The content as UTF-8 (invalid sequences replaced)."),
        )
        .attr(
            "content_base64",
            mark(Attribute::computed(Type::String)).describe("The content in base64."),
        );
    schema_with_digests(b)
}

/// Reads the file named in `config`; every computed attribute is unknown while the
/// filename is.
async fn read(config: &Value, sensitive: bool) -> Result<Value, Diagnostics> {
    let mark = |v: Value| if sensitive { v.sensitive() } else { v };
    let Some(filename) = get_str(config, "filename").map(String::from) else {
        if get(config, "filename").is_none() {
            return Err(error(
                "Missing filename",
                "The argument \"filename\" is required.",
            ));
        }
        let unknown = Value::Unknown(Type::String);
        let names = ["content", "content_base64", "id"]
            .into_iter()
            .chain(DIGEST_ATTRS);
        return Ok(with(config, names.map(|n| (n, unknown.clone()))));
    };
    let name = filename.clone();
    let bytes = blocking(move || std::fs::read(&name).map_err(|e| e.to_string()))
        .await
        .map_err(|e| {
            error(
                "Read local file data source error",
                format!(
                    "The file at given path cannot be read ({filename:?}).\n\nOriginal Error: {e}"
                ),
            )
        })?;
    let mut attrs = digests(&bytes);
    attrs.push(("content", mark(string(String::from_utf8_lossy(&bytes)))));
    attrs.push(("content_base64", mark(string(STANDARD.encode(&bytes)))));
    Ok(with(config, attrs))
}

#[async_trait]
impl DataSource<()> for LocalFileData {
    fn name(&self) -> &'static str {
        "local_file"
    }

    fn schema(&self) -> ResourceSchema {
        schema(false)
    }

    async fn read(&self, _client: &(), config: &Value) -> Result<Value, Diagnostics> {
        read(config, false).await
    }
}

#[async_trait]
impl DataSource<()> for LocalSensitiveFileData {
    fn name(&self) -> &'static str {
        "local_sensitive_file"
    }

    fn schema(&self) -> ResourceSchema {
        schema(true)
    }

    async fn read(&self, _client: &(), config: &Value) -> Result<Value, Diagnostics> {
        read(config, true).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn reads_content_and_digests() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.txt");
        std::fs::write(&path, "hello world").unwrap();
        let cfg = Value::object_from([("filename", string(path.to_string_lossy()))]);
        let v = LocalFileData.read(&(), &cfg).await.unwrap();
        assert_eq!(get_str(&v, "content"), Some("hello world"));
        assert_eq!(get_str(&v, "content_base64"), Some("aGVsbG8gd29ybGQ="));
        assert_eq!(
            get_str(&v, "id"),
            Some("2aae6c35c94fcfb415dbe95f408b9ce91ee846ed")
        );
        assert_eq!(
            get_str(&v, "content_md5"),
            Some("5eb63bbbe01eeed093cb22bb8f5acdc3")
        );
        let s = LocalSensitiveFileData.read(&(), &cfg).await.unwrap();
        assert!(get(&s, "content").unwrap().marks().is_sensitive());
    }

    #[tokio::test]
    async fn missing_file_is_an_error_and_unknown_name_is_unknown() {
        let cfg = Value::object_from([("filename", string("/definitely/not/here.txt"))]);
        let e = LocalFileData.read(&(), &cfg).await.unwrap_err();
        assert!(e.to_string().contains("cannot be read"), "{e}");
        let cfg = Value::object_from([("filename", Value::Unknown(Type::String))]);
        let v = LocalFileData.read(&(), &cfg).await.unwrap();
        assert!(v.as_entries().unwrap()["content"].is_unknown());
    }
}
