//! `local_sensitive_file` (hashicorp/local): `local_file` whose content is sensitive and
//! whose permissions default to "0700".

use crate::local_file::{
    create_file, delete_file, file_schema, plan_file, read_file, recover_file, validate_file,
    FileKind,
};
use async_trait::async_trait;
use autostack_provider_sdk::{ApplyError, PlannedChange, ResourceSchema, ResourceType};
use autostack_value::{Diagnostics, Value};

/// The `local_sensitive_file` resource type.
pub struct LocalSensitiveFile;

const KIND: FileKind = FileKind {
    sources: &["content", "content_base64", "source"],
    sensitive: &["content", "content_base64"],
    default_mode: "0700",
};

#[async_trait]
impl ResourceType<()> for LocalSensitiveFile {
    fn name(&self) -> &'static str {
        "local_sensitive_file"
    }

    fn schema(&self) -> ResourceSchema {
        file_schema(&KIND)
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        validate_file(&KIND, config)
    }

    async fn plan(
        &self,
        _client: &(),
        schema: &ResourceSchema,
        prior: Option<&Value>,
        config: &Value,
    ) -> Result<PlannedChange, Diagnostics> {
        plan_file(&KIND, schema, prior, config)
    }

    async fn create(
        &self,
        _client: &(),
        planned: &Value,
        _token: &str,
    ) -> Result<Value, ApplyError> {
        create_file(planned).await
    }

    async fn update(
        &self,
        _client: &(),
        _prior: &Value,
        planned: &Value,
    ) -> Result<Value, ApplyError> {
        Ok(planned.clone())
    }

    async fn delete(&self, _client: &(), prior: &Value) -> Result<(), ApplyError> {
        delete_file(prior).await
    }

    async fn recover(
        &self,
        _client: &(),
        planned: &Value,
        _token: &str,
    ) -> Result<Option<Value>, Diagnostics> {
        recover_file(planned).await
    }

    async fn read(&self, _client: &(), current: &Value) -> Result<Option<Value>, Diagnostics> {
        read_file(current).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::common::{get, get_str, string};

    #[tokio::test]
    async fn content_is_sensitive_and_mode_defaults_to_0700() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret.txt");
        let cfg = Value::object_from([
            ("filename", string(path.to_string_lossy())),
            ("content", string("pw")),
        ]);
        let s = LocalSensitiveFile.schema();
        let p = LocalSensitiveFile.plan(&(), &s, None, &cfg).await.unwrap();
        assert!(get(&p.planned, "content").unwrap().marks().is_sensitive());
        let state = LocalSensitiveFile
            .create(&(), &p.planned, "t")
            .await
            .unwrap();
        assert_eq!(get_str(&state, "file_permission"), Some("0700"));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "pw");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&path).unwrap().permissions().mode() & 0o077,
                0
            );
        }
        let bad = Value::object_from([
            ("filename", string("x")),
            ("sensitive_content", string("pw")),
        ]);
        assert!(LocalSensitiveFile.validate(&bad).has_errors());
    }
}
