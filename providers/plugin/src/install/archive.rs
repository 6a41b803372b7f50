//! Provider packages as zip archives: unpacked as Terraform unpacks them (file modes kept,
//! paths that would leave the target refused), hashed as the lock file records them (`zh:`
//! the archive's SHA-256, `h1:` Go's `dirhash.HashZip` over its entries, which equals the
//! `h1:` of the unpacked directory), and checked against a set of recorded hashes.

use super::hash::h1_dir;
use crate::schema::{hex, sha256_file};
use base64::Engine as _;
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Component, Path};

/// The `zh:` hash of an archive.
pub fn zh(zip: &Path) -> Result<String, String> {
    sha256_file(zip)
        .map(|d| format!("zh:{}", hex(&d)))
        .map_err(|e| format!("{}: {e}", zip.display()))
}

/// The `h1:` hash of an archive's contents (every entry in name order).
pub fn h1_zip(zip: &Path) -> Result<String, String> {
    let err = |e: &dyn std::fmt::Display| format!("{}: {e}", zip.display());
    let file = std::fs::File::open(zip).map_err(|e| err(&e))?;
    let mut archive = zip::ZipArchive::new(file).map_err(|e| err(&e))?;
    let mut entries = Vec::new();
    for i in 0..archive.len() {
        let entry = archive.by_index(i).map_err(|e| err(&e))?;
        entries.push((entry.name().map_err(|e| err(&e))?.into_owned(), i));
    }
    entries.sort();
    let mut summary = String::new();
    for (name, i) in &entries {
        let mut entry = archive.by_index(*i).map_err(|e| err(&e))?;
        let mut hasher = Sha256::new();
        let mut buf = [0u8; 64 * 1024];
        loop {
            let n = entry.read(&mut buf).map_err(|e| err(&e))?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
        }
        summary.push_str(&format!("{}  {name}\n", hex(&hasher.finalize())));
    }
    let digest = Sha256::digest(summary.as_bytes());
    Ok(format!(
        "h1:{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    ))
}

/// Unpacks `zip` into the directory `dest` (created; what it held is replaced).
pub fn unzip(zip: &Path, dest: &Path) -> Result<(), String> {
    let err = |e: &dyn std::fmt::Display| format!("{}: {e}", zip.display());
    let file = std::fs::File::open(zip).map_err(|e| err(&e))?;
    let mut archive = zip::ZipArchive::new(file).map_err(|e| err(&e))?;
    if std::fs::symlink_metadata(dest).is_ok_and(|m| m.file_type().is_symlink()) {
        std::fs::remove_file(dest).map_err(|e| format!("{}: {e}", dest.display()))?;
    }
    let _ = std::fs::remove_dir_all(dest);
    std::fs::create_dir_all(dest).map_err(|e| format!("{}: {e}", dest.display()))?;
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|e| err(&e))?;
        let name = entry.name().map_err(|e| err(&e))?.into_owned();
        let rel = Path::new(&name);
        if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
            return Err(format!(
                "{}: entry {name:?} leaves the package directory",
                zip.display()
            ));
        }
        let out = dest.join(rel);
        if entry.is_dir() {
            std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
            continue;
        }
        if let Some(parent) = out.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        let mut f = std::fs::File::create(&out).map_err(|e| format!("{}: {e}", out.display()))?;
        std::io::copy(&mut entry, &mut f).map_err(|e| err(&e))?;
        // Executables stay executable (zips made on Windows carry no mode: make them so).
        let mode = entry.unix_mode().unwrap_or(0o755) & 0o777;
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&out, std::fs::Permissions::from_mode(mode | 0o400))
            .map_err(|e| format!("{}: {e}", out.display()))?;
    }
    Ok(())
}

/// True when the archive matches one of `hashes` (`zh:` or `h1:`; other schemes are not
/// comparable).
pub fn zip_matches_any(zip: &Path, hashes: &[String]) -> Result<bool, String> {
    if hashes.iter().any(|h| h.starts_with("zh:")) && hashes.contains(&zh(zip)?) {
        return Ok(true);
    }
    Ok(hashes.iter().any(|h| h.starts_with("h1:")) && hashes.contains(&h1_zip(zip)?))
}

/// True when the unpacked package `dir` matches one of the `h1:` `hashes`.
pub fn dir_matches_any(dir: &Path, hashes: &[String]) -> bool {
    hashes.iter().any(|h| h.starts_with("h1:")) && h1_dir(dir).is_ok_and(|h1| hashes.contains(&h1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn a_zip_hashes_as_its_unpacked_directory() {
        let tmp = tempfile::tempdir().unwrap();
        let zip_path = tmp.path().join("p.zip");
        let mut w = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
        let exe = zip::write::SimpleFileOptions::default().unix_permissions(0o755);
        w.start_file("terraform-provider-fake_v1.0.0", exe).unwrap();
        w.write_all(b"hello\n").unwrap();
        w.start_file("LICENSE", exe.unix_permissions(0o644))
            .unwrap();
        w.write_all(b"B\n").unwrap();
        w.finish().unwrap();
        let dest = tmp.path().join("out");
        unzip(&zip_path, &dest).unwrap();
        assert_eq!(h1_zip(&zip_path).unwrap(), h1_dir(&dest).unwrap());
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dest.join("terraform-provider-fake_v1.0.0"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o755);
        assert!(zip_matches_any(&zip_path, &[zh(&zip_path).unwrap()]).unwrap());
        assert!(!zip_matches_any(&zip_path, &["zh:00".into()]).unwrap());
    }
}
