//! Module packages that come as archives, unpacked as go-getter unpacks them for Terraform:
//! the format from the `archive=` query parameter or the file name's longest known suffix
//! (`.zip`, `.tar.gz`, `.tgz`, ...), entries kept at their paths (no top directory
//! stripped), nothing written outside the destination.

use std::io::Read;
use std::path::Path;

/// The formats Terraform knows, longest suffixes first.
const FORMATS: [&str; 11] = [
    "tar.tbz2", "tar.bz2", "tar.gz", "tar.xz", "tbz2", "tgz", "txz", "bz2", "zip", "gz", "xz",
];

/// The archive format a package URL names: `archive=FORMAT` (`archive=false`: none), else
/// its path's suffix. Returns the format and the URL without the `archive` parameter.
pub fn detect(url: &str) -> (Option<String>, String) {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut kept = Vec::new();
    let mut forced = None;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.strip_prefix("archive=") {
            Some(v) => forced = Some(v.to_string()),
            None => kept.push(pair),
        }
    }
    let url = match kept.is_empty() {
        true => base.to_string(),
        false => format!("{base}?{}", kept.join("&")),
    };
    let format = match forced {
        Some(f) if f == "false" => None,
        Some(f) => Some(f),
        None => FORMATS
            .iter()
            .find(|f| base.ends_with(&format!(".{f}")))
            .map(|f| f.to_string()),
    };
    (format, url)
}

/// Unpacks `bytes`, an archive of `format`, into the directory `dest`.
pub fn unpack(format: &str, bytes: &[u8], dest: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dest).map_err(|e| format!("{}: {e}", dest.display()))?;
    match format {
        "zip" => unzip(bytes, dest),
        "tar.gz" | "tgz" => untar(flate2::read::GzDecoder::new(bytes), dest),
        "tar" => untar(bytes, dest),
        other => Err(format!(
            "archive format {other:?} is not supported by AutoStack (zip, tar.gz, tgz and tar are)"
        )),
    }
}

fn untar(reader: impl Read, dest: &Path) -> Result<(), String> {
    let mut archive = tar::Archive::new(reader);
    archive.set_preserve_permissions(true);
    // `unpack` refuses entries that would land outside `dest` (`..`, absolute paths).
    archive
        .unpack(dest)
        .map_err(|e| format!("error decompressing tar archive: {e}"))
}

fn unzip(bytes: &[u8], dest: &Path) -> Result<(), String> {
    let bad = |e: zip::result::ZipError| format!("error decompressing zip archive: {e}");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(bad)?;
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(bad)?;
        let Some(rel) = entry.enclosed_name() else {
            return Err(format!(
                "error decompressing zip archive: entry {:?} leaves the destination",
                entry.name()
            ));
        };
        let path = dest.join(rel);
        let io = |e: std::io::Error| format!("{}: {e}", path.display());
        if entry.is_dir() {
            std::fs::create_dir_all(&path).map_err(io)?;
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        let mut out = std::fs::File::create(&path).map_err(io)?;
        std::io::copy(&mut entry, &mut out).map_err(io)?;
        #[cfg(unix)]
        if let Some(mode) = entry.unix_mode() {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode & 0o777))
                .map_err(io)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_come_from_the_parameter_or_the_name() {
        assert_eq!(detect("https://h/m.tar.gz").0.as_deref(), Some("tar.gz"));
        assert_eq!(detect("https://h/m.tgz?x=1").0.as_deref(), Some("tgz"));
        assert_eq!(
            detect("https://h/m?archive=zip&x=1"),
            (Some("zip".to_string()), "https://h/m?x=1".to_string())
        );
        assert_eq!(detect("https://h/m.zip?archive=false").0, None);
        assert_eq!(detect("https://h/module").0, None);
    }

    #[test]
    fn tarballs_unpack_in_place_and_cannot_escape() {
        let mut data = Vec::new();
        {
            let gz = flate2::write::GzEncoder::new(&mut data, flate2::Compression::fast());
            let mut b = tar::Builder::new(gz);
            let mut h = tar::Header::new_gnu();
            h.set_size(5);
            h.set_mode(0o644);
            b.append_data(&mut h, "top/main.tf", &b"x = 1"[..]).unwrap();
            b.into_inner().unwrap().finish().unwrap();
        }
        let dir = tempfile::tempdir().unwrap();
        unpack("tgz", &data, dir.path()).unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join("top/main.tf")).unwrap(),
            "x = 1"
        );
        assert!(unpack("txz", &data, dir.path())
            .unwrap_err()
            .contains("not supported"));
    }
}
