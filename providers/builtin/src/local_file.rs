//! `local_file` (hashicorp/local): a file on the local filesystem with the given content.
//! A file deleted or changed out-of-band reads as gone, so the engine plans to recreate it.
//! The functions here are shared with `local_sensitive_file`.

use crate::common::{get_str, plan_standard, string, unknown_at_apply, with};
use crate::file_content::{self, blocking, content_bytes, digests, parse_mode};
use async_trait::async_trait;
use autostack_provider_sdk::reads::read_each;
use autostack_provider_sdk::registry::ValueRead;
use autostack_provider_sdk::{
    ApplyError, Attribute, Block, ChangeCtx, PlanCtx, PlanResponse, ResourceSchema, ResourceType,
};
use autostack_value::{Diagnostics, Type, Value};

/// What distinguishes the two local file resource types.
pub struct FileKind {
    /// Attributes that give the content; exactly one must be set.
    pub(crate) sources: &'static [&'static str],
    /// Content attributes that are sensitive.
    pub(crate) sensitive: &'static [&'static str],
    /// Default of `file_permission` and `directory_permission`.
    pub(crate) default_mode: &'static str,
}

const KIND: FileKind = FileKind {
    sources: &["content", "sensitive_content", "content_base64", "source"],
    sensitive: &["sensitive_content"],
    default_mode: "0777",
};

/// The schema of a local file resource type.
pub(crate) fn file_schema(kind: &FileKind) -> ResourceSchema {
    let mut b = Block::new().attr(
        "filename",
        Attribute::required(Type::String)
            .force_new()
            .describe("The path of the file; missing parent directories are created."),
    );
    for name in kind.sources {
        let a = Attribute::optional(Type::String)
            .force_new()
            .describe("The file's content (exactly one content argument must be set).");
        b = b.attr(
            name,
            if kind.sensitive.contains(name) {
                a.sensitive()
            } else {
                a
            },
        );
    }
    for name in ["file_permission", "directory_permission"] {
        b = b.attr(
            name,
            Attribute::optional_computed(Type::String)
                .force_new()
                .describe("Permissions in numeric notation, before umask."),
        );
    }
    file_content::schema_with_digests(b)
}

/// Checks a local file's configuration: exactly one content source, valid permissions.
pub(crate) fn validate_file(kind: &FileKind, config: &Value) -> Diagnostics {
    match config.is_null() {
        true => Diagnostics::new(),
        false => file_content::validate(config, kind.sources)
            .err()
            .unwrap_or_default(),
    }
}

/// Plans a local file (validated by the engine through [`validate_file`]): permission
/// defaults, force-new on every argument.
pub(crate) fn plan_file(
    kind: &FileKind,
    schema: &ResourceSchema,
    prior: Option<&Value>,
    config: &Value,
) -> Result<PlanResponse, Diagnostics> {
    let defaults = [
        ("file_permission", string(kind.default_mode)),
        ("directory_permission", string(kind.default_mode)),
    ];
    Ok(plan_standard(schema, prior, config, &defaults, None))
}

fn mode(planned: &Value, attr: &str) -> Result<u32, ApplyError> {
    let s = get_str(planned, attr).ok_or_else(|| unknown_at_apply(attr))?;
    parse_mode(s).map_err(|e| ApplyError::new(format!("Invalid {attr}"), e))
}

/// Writes the planned file and returns its state with the content's digests.
pub(crate) async fn create_file(planned: &Value) -> Result<Value, ApplyError> {
    let filename = get_str(planned, "filename")
        .ok_or_else(|| unknown_at_apply("filename"))?
        .to_string();
    let (file_mode, dir_mode) = (
        mode(planned, "file_permission")?,
        mode(planned, "directory_permission")?,
    );
    let planned_copy = planned.clone();
    let content = blocking(move || {
        let content = content_bytes(&planned_copy)?;
        file_content::write(&filename, &content, file_mode, dir_mode)?;
        Ok(content)
    })
    .await
    .map_err(|e| ApplyError::new("Create local file error", e))?;
    Ok(with(planned, digests(&content)))
}

/// After a crash: a file at the planned path is the create's object (the path is its
/// identity), recorded as the create would have; if the write was cut short, its digest no
/// longer matches, so the next refresh reads it as gone and the apply rewrites it in place.
pub(crate) async fn recover_file(planned: &Value) -> Result<Option<Value>, Diagnostics> {
    let Some(filename) = get_str(planned, "filename").map(String::from) else {
        return Ok(None);
    };
    let exists = blocking(move || Ok(std::path::Path::new(&filename).exists()))
        .await
        .map_err(|e| crate::common::error("Read local file error", e))?;
    if !exists {
        return Ok(None);
    }
    let content =
        content_bytes(planned).map_err(|e| crate::common::error("Read local file error", e))?;
    Ok(Some(with(planned, digests(&content))))
}

/// The state as is while the file exists with the recorded content; `None` when it was
/// deleted or its SHA-1 no longer matches the ID.
pub(crate) async fn read_file(current: &Value) -> Result<Option<Value>, Diagnostics> {
    let Some(filename) = get_str(current, "filename").map(String::from) else {
        return Ok(None);
    };
    let id = get_str(current, "id").unwrap_or("").to_string();
    let content = blocking(move || file_content::read(&filename))
        .await
        .map_err(|e| crate::common::error("Read local file error", e))?;
    match content {
        Some(c) if file_content::sha1_hex(&c) == id => Ok(Some(current.clone())),
        _ => Ok(None),
    }
}

/// Removes the file (a file already gone is fine).
pub(crate) async fn delete_file(prior: &Value) -> Result<(), ApplyError> {
    let Some(filename) = get_str(prior, "filename").map(String::from) else {
        return Ok(());
    };
    blocking(move || file_content::remove(&filename))
        .await
        .map_err(|e| ApplyError::new("Delete local file error", e))
}

/// A local file resource type: `local_file` or `local_sensitive_file`.
pub struct LocalFileType {
    name: &'static str,
    kind: FileKind,
}

impl LocalFileType {
    /// The type `name` of files of `kind`.
    pub(crate) const fn new(name: &'static str, kind: FileKind) -> LocalFileType {
        LocalFileType { name, kind }
    }
}

/// `local_file`.
pub const LOCAL_FILE: LocalFileType = LocalFileType::new("local_file", KIND);

#[async_trait]
impl ResourceType<()> for LocalFileType {
    fn name(&self) -> &'static str {
        self.name
    }

    fn schema(&self) -> ResourceSchema {
        file_schema(&self.kind)
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        validate_file(&self.kind, config)
    }

    fn plans_alone(&self) -> bool {
        true
    }

    async fn plan(&self, _client: &(), p: PlanCtx<'_>) -> Result<PlanResponse, Diagnostics> {
        plan_file(&self.kind, p.schema, p.prior(), p.proposed())
    }

    async fn create(&self, _: &(), ctx: ChangeCtx<'_>) -> Result<Value, ApplyError> {
        let planned = ctx.planned;
        create_file(planned).await
    }

    /// Every argument forces replacement: an update only records the planned value.
    async fn update(&self, _: &(), ctx: ChangeCtx<'_>) -> Result<Value, ApplyError> {
        let planned = ctx.planned;
        Ok(planned.clone())
    }

    async fn delete(&self, _client: &(), prior: &Value) -> Result<(), ApplyError> {
        delete_file(prior).await
    }

    fn reads_back_recovered(&self) -> bool {
        false
    }

    async fn recover(&self, _: &(), planned: &Value, _: &str) -> ValueRead {
        recover_file(planned).await
    }

    async fn read_many(&self, _client: &(), current: &[Value]) -> Vec<ValueRead> {
        read_each(current, read_file).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::common::get;

    fn config(dir: &std::path::Path, extra: &[(&str, Value)]) -> Value {
        let name = dir.join("sub/dir/out.txt").to_string_lossy().into_owned();
        with(
            &Value::object_from([("filename", string(name))]),
            extra.iter().cloned(),
        )
    }

    async fn created(cfg: &Value) -> Value {
        let p = crate::common::typed::plan(&LOCAL_FILE, None, cfg)
            .await
            .unwrap();
        crate::common::typed::create(&LOCAL_FILE, &p.planned)
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn recovery_finds_the_file_by_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = config(dir.path(), &[("content", string("hello"))]);
        let planned = crate::common::typed::plan(&LOCAL_FILE, None, &cfg)
            .await
            .unwrap()
            .planned;
        assert!(LOCAL_FILE
            .recover(&(), &planned, "t")
            .await
            .unwrap()
            .is_none());
        let made = crate::common::typed::create(&LOCAL_FILE, &planned)
            .await
            .unwrap();
        let found = LOCAL_FILE.recover(&(), &planned, "t").await.unwrap();
        assert_eq!(found, Some(made));
        // A write cut short is still the create's object; refresh then reads it as gone.
        std::fs::write(dir.path().join("sub/dir/out.txt"), "he").unwrap();
        let torn = LOCAL_FILE
            .recover(&(), &planned, "t")
            .await
            .unwrap()
            .unwrap();
        assert!(crate::common::typed::read(&LOCAL_FILE, &torn)
            .await
            .unwrap()
            .is_none());
    }

    #[tokio::test]
    async fn writes_content_and_digests() {
        let dir = tempfile::tempdir().unwrap();
        let state = created(&config(dir.path(), &[("content", string("hello world"))])).await;
        assert_eq!(
            get_str(&state, "id"),
            Some("2aae6c35c94fcfb415dbe95f408b9ce91ee846ed")
        );
        assert_eq!(get_str(&state, "file_permission"), Some("0777"));
        let written = std::fs::read_to_string(dir.path().join("sub/dir/out.txt")).unwrap();
        assert_eq!(written, "hello world");
    }

    #[tokio::test]
    async fn base64_content_and_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = config(
            dir.path(),
            &[
                ("content_base64", string("AAEC")),
                ("file_permission", string("0600")),
            ],
        );
        created(&cfg).await;
        let path = dir.path().join("sub/dir/out.txt");
        assert_eq!(std::fs::read(&path).unwrap(), vec![0, 1, 2]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
    }

    #[tokio::test]
    async fn drift_is_detected() {
        let dir = tempfile::tempdir().unwrap();
        let state = created(&config(dir.path(), &[("content", string("v1"))])).await;
        let path = dir.path().join("sub/dir/out.txt");
        assert!(crate::common::typed::read(&LOCAL_FILE, &state)
            .await
            .unwrap()
            .is_some());
        std::fs::write(&path, "changed").unwrap();
        assert!(crate::common::typed::read(&LOCAL_FILE, &state)
            .await
            .unwrap()
            .is_none());
        std::fs::remove_file(&path).unwrap();
        assert!(crate::common::typed::read(&LOCAL_FILE, &state)
            .await
            .unwrap()
            .is_none());
        assert!(LOCAL_FILE.delete(&(), &state).await.is_ok());
    }

    #[tokio::test]
    async fn source_is_copied_and_missing_source_fails() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("src.bin");
        std::fs::write(&src, "from source").unwrap();
        let state = created(&config(
            dir.path(),
            &[("source", string(src.to_string_lossy()))],
        ))
        .await;
        assert_eq!(get_str(&state, "content_md5").map(str::len), Some(32));
        let cfg = config(
            dir.path(),
            &[("source", string(dir.path().join("nope").to_string_lossy()))],
        );
        let p = crate::common::typed::plan(&LOCAL_FILE, None, &cfg)
            .await
            .unwrap();
        assert!(crate::common::typed::create(&LOCAL_FILE, &p.planned)
            .await
            .is_err());
    }

    #[tokio::test]
    async fn sensitive_content_is_marked_and_written() {
        let dir = tempfile::tempdir().unwrap();
        let state = created(&config(
            dir.path(),
            &[("sensitive_content", string("s3cret"))],
        ))
        .await;
        assert!(get(&state, "sensitive_content")
            .unwrap()
            .marks()
            .is_sensitive());
        assert_eq!(
            std::fs::read_to_string(dir.path().join("sub/dir/out.txt")).unwrap(),
            "s3cret"
        );
    }
}
