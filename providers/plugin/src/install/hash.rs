//! Package hashes as the lock file records them: `h1:` is Go's `dirhash.Hash1` over the
//! unpacked package (for each file in name order, `sha256-hex  name\n`; then the SHA-256 of
//! that summary, base64), `zh:` the SHA-256 of the zip archive (hex).

use crate::schema::{hex, sha256_file};
use base64::Engine as _;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The `h1:` hash of an unpacked package directory (symlinks followed, as Terraform does).
pub fn h1_dir(dir: &Path) -> std::io::Result<String> {
    let mut files = Vec::new();
    collect(dir, dir, &mut files)?;
    files.sort();
    let mut summary = String::new();
    for rel in &files {
        let sum = sha256_file(&dir.join(rel))?;
        let name = rel.to_string_lossy().replace('\\', "/");
        summary.push_str(&format!("{}  {name}\n", hex(&sum)));
    }
    let digest = Sha256::digest(summary.as_bytes());
    Ok(format!(
        "h1:{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    ))
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if std::fs::metadata(&path)?.is_dir() {
            collect(root, &path, out)?;
        } else if let Ok(rel) = path.strip_prefix(root) {
            out.push(rel.to_path_buf());
        }
    }
    Ok(())
}

/// The `zh:` hash of a zip archive.
pub fn zh_file(zip: &Path) -> std::io::Result<String> {
    Ok(format!("zh:{}", hex(&sha256_file(zip)?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn h1_matches_terraforms() {
        // `terraform providers lock -fs-mirror` recorded this hash for the same three files.
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path();
        std::fs::create_dir(d.join("sub")).unwrap();
        std::fs::write(d.join("terraform-provider-fake_v1.0.0"), "hello\n").unwrap();
        std::fs::write(d.join("sub/data.txt"), "nested\n").unwrap();
        std::fs::write(d.join("LICENSE"), "B\n").unwrap();
        assert_eq!(
            h1_dir(d).unwrap(),
            "h1:sZjXBRzZ1BF+pdgS6He4rPDsC44INPhR+XeLHFAy0sY="
        );
    }
}
