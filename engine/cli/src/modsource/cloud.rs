//! `s3::` and `gcs::` module packages, read as go-getter reads them: one object when the URL
//! names an archive, else every object under the URL's path as a prefix, written at its
//! relative path. S3 goes through the AWS SDK (the `s3` feature; region, bucket and key
//! from an `amazonaws.com` URL, any other host an S3-compatible endpoint with path-style
//! requests, `region`, `version` and `aws_access_key_id`/`aws_access_key_secret`/
//! `aws_access_key_token` query parameters); GCS through its JSON API (the `gcs` feature;
//! `https://www.googleapis.com/storage/v1/BUCKET/PATH`, `STORAGE_EMULATOR_HOST` honoured as
//! Google's client libraries honour it, `GOOGLE_OAUTH_ACCESS_TOKEN` or the usual credentials).

use std::path::Path;

/// Writes `objects` (`(path relative to the prefix, bytes)`) under `dest`.
#[cfg_attr(not(any(feature = "s3", feature = "gcs")), allow(dead_code))]
fn write_objects(dest: &Path, objects: Vec<(String, Vec<u8>)>) -> Result<(), String> {
    if objects.is_empty() {
        return Err("no objects were found under the given path".into());
    }
    for (rel, bytes) in objects {
        let rel = rel.trim_start_matches('/');
        if rel.split('/').any(|p| p == "..") {
            return Err(format!(
                "object {rel:?} would be written outside the module"
            ));
        }
        let path = dest.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

#[cfg(feature = "s3")]
pub use s3::{s3_dir, s3_file};

#[cfg(not(feature = "s3"))]
/// `s3::` needs the `s3` feature.
pub async fn s3_dir(_: &str, _: &Path) -> Result<(), String> {
    Err("this build of AutoStack has no s3 support (cargo feature \"s3\")".into())
}

#[cfg(not(feature = "s3"))]
/// `s3::` needs the `s3` feature.
pub async fn s3_file(_: &str) -> Result<Vec<u8>, String> {
    Err("this build of AutoStack has no s3 support (cargo feature \"s3\")".into())
}

#[cfg(feature = "gcs")]
pub use gcs::{gcs_dir, gcs_file};

#[cfg(not(feature = "gcs"))]
/// `gcs::` needs the `gcs` feature.
pub async fn gcs_dir(_: &str, _: &Path) -> Result<(), String> {
    Err("this build of AutoStack has no gcs support (cargo feature \"gcs\")".into())
}

#[cfg(not(feature = "gcs"))]
/// `gcs::` needs the `gcs` feature.
pub async fn gcs_file(_: &str) -> Result<Vec<u8>, String> {
    Err("this build of AutoStack has no gcs support (cargo feature \"gcs\")".into())
}

#[cfg(feature = "s3")]
#[path = "cloud_s3.rs"]
mod s3;

#[cfg(feature = "gcs")]
#[path = "cloud_gcs.rs"]
mod gcs;
