//! `.terraform/modules/modules.json`, the record of installed modules, in Terraform's layout:
//! `{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"vpc","Source":"…","Version":"5.21.0",
//! "Dir":".terraform/modules/vpc"}]}`, records sorted by key (`a.b` for module `b` called by
//! `a`), written compactly with Go's HTML-safe escaping so the bytes equal Terraform's.

use super::module_source::parse_module_source;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One installed module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleRecord {
    /// The module's key: call names from the root joined with `.`; empty for the root.
    pub key: String,
    /// The normalized source address it was installed from (empty for the root).
    pub source: String,
    /// The registry version selected, if it came from a registry.
    pub version: Option<String>,
    /// Its directory, relative to the working directory (`/`-separated as written).
    pub dir: String,
}

/// The manifest: records by key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ModuleManifest(pub BTreeMap<String, ModuleRecord>);

/// `TF_DATA_DIR`, else `.terraform`, relative to the working directory `root`.
pub fn data_dir(root: &Path) -> PathBuf {
    match std::env::var_os("TF_DATA_DIR").filter(|d| !d.is_empty()) {
        Some(d) => root.join(d),
        None => root.join(".terraform"),
    }
}

/// Where the manifest of the configuration in `root` lives.
pub fn manifest_path(root: &Path) -> PathBuf {
    data_dir(root).join("modules").join("modules.json")
}

impl ModuleManifest {
    /// Reads `path`; a missing or empty file is an empty manifest.
    pub fn read(path: &Path) -> Result<ModuleManifest, String> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(e) => return Err(format!("{}: {e}", path.display())),
        };
        if text.trim().is_empty() {
            return Ok(Self::default());
        }
        let json: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| format!("error unmarshalling snapshot: {e}"))?;
        let mut out = BTreeMap::new();
        let records = json.get("Modules").and_then(|m| m.as_array());
        for r in records.into_iter().flatten() {
            let field = |k: &str| r.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
            let mut source = field("Source");
            // Older Terraform versions wrote sources unnormalized; compare normalized.
            if let Some(Ok(s)) = (!source.is_empty()).then(|| parse_module_source(&source)) {
                source = s.to_string();
            }
            let version = Some(field("Version")).filter(|v| !v.is_empty());
            let rec = ModuleRecord {
                key: field("Key"),
                source,
                version,
                dir: field("Dir"),
            };
            if out.insert(rec.key.clone(), rec.clone()).is_some() {
                return Err(format!(
                    "snapshot file contains two records for path {}",
                    rec.key
                ));
            }
        }
        Ok(ModuleManifest(out))
    }

    /// The manifest's bytes as Terraform writes them.
    pub fn to_json(&self) -> String {
        let mut out = String::from("{\"Modules\":[");
        for (i, r) in self.0.values().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str("{\"Key\":");
            go_string(&mut out, &r.key);
            out.push_str(",\"Source\":");
            go_string(&mut out, &r.source);
            if let Some(v) = &r.version {
                out.push_str(",\"Version\":");
                go_string(&mut out, v);
            }
            out.push_str(",\"Dir\":");
            go_string(&mut out, &r.dir);
            out.push('}');
        }
        out.push_str("]}");
        out
    }

    /// Writes the manifest to `path` (creating its directory).
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, self.to_json())
    }
}

/// A JSON string as Go's `encoding/json` writes it (`<`, `>`, `&`, U+2028/2029 escaped).
fn go_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifests_round_trip_in_terraforms_bytes() {
        let text = r#"{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"vpc","Source":"registry.terraform.io/terraform-aws-modules/vpc/aws","Version":"5.21.0","Dir":".terraform/modules/vpc"},{"Key":"x","Source":"git::https://h/r.git?a=1\u0026ref=v1","Dir":".terraform/modules/x"}]}"#;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("modules.json");
        std::fs::write(&p, text).unwrap();
        let m = ModuleManifest::read(&p).unwrap();
        assert_eq!(m.0["vpc"].version.as_deref(), Some("5.21.0"));
        assert_eq!(m.0["x"].source, "git::https://h/r.git?a=1&ref=v1");
        assert_eq!(m.to_json(), text);
        assert_eq!(
            ModuleManifest::read(&dir.path().join("none")).unwrap(),
            ModuleManifest::default()
        );
    }
}
