//! `local_sensitive_file` (hashicorp/local): `local_file` whose content is sensitive and
//! whose permissions default to "0700".

use crate::local_file::{FileKind, LocalFileType};

/// `local_sensitive_file`.
pub const LOCAL_SENSITIVE_FILE: LocalFileType = LocalFileType::new(
    "local_sensitive_file",
    FileKind {
        sources: &["content", "content_base64", "source"],
        sensitive: &["content", "content_base64"],
        default_mode: "0700",
    },
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::common::{get, get_str, string};
    use autostack_provider_sdk::ResourceType;
    use autostack_value::Value;

    #[tokio::test]
    async fn content_is_sensitive_and_mode_defaults_to_0700() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret.txt");
        let cfg = Value::object_from([
            ("filename", string(path.to_string_lossy())),
            ("content", string("pw")),
        ]);
        let p = crate::common::typed::plan(&LOCAL_SENSITIVE_FILE, None, &cfg)
            .await
            .unwrap();
        assert!(get(&p.planned, "content").unwrap().marks().is_sensitive());
        let state = crate::common::typed::create(&LOCAL_SENSITIVE_FILE, &p.planned)
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
        assert!(LOCAL_SENSITIVE_FILE.validate(&bad).has_errors());
    }
}
