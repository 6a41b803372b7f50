//! `.terraform.lock.hcl`, read and written byte for byte as Terraform writes it: the two
//! comment lines, one `provider` block per address in address order, `version` and
//! `constraints` aligned, hashes sorted one per line.

use std::collections::BTreeMap;
use std::path::Path;

/// The lock file's name in the working directory.
pub const LOCK_FILE: &str = ".terraform.lock.hcl";

/// One provider's selection.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lock {
    /// The selected version.
    pub version: String,
    /// The constraints it was selected under (as written in the configuration).
    pub constraints: Option<String>,
    /// Package hashes (`h1:…`, `zh:…`), sorted.
    pub hashes: Vec<String>,
}

/// The lock file: selections by provider address.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Locks(pub BTreeMap<String, Lock>);

impl Locks {
    /// Reads the lock file in `dir` (none: empty).
    pub fn read(dir: &Path) -> Result<Locks, String> {
        let path = dir.join(LOCK_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => Locks::parse(&text).map_err(|e| format!("{}: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Locks::default()),
            Err(e) => Err(format!("{}: {e}", path.display())),
        }
    }

    /// Parses lock file text.
    pub fn parse(text: &str) -> Result<Locks, String> {
        let body: hcl::Body = hcl::from_str(text).map_err(|e| e.to_string())?;
        let mut out = BTreeMap::new();
        for block in body.blocks() {
            if block.identifier() != "provider" {
                continue;
            }
            let Some(addr) = block.labels().first().map(|l| l.as_str().to_string()) else {
                return Err("a provider block needs its address as label".into());
            };
            let mut lock = Lock::default();
            for attr in block.body().attributes() {
                match (attr.key(), attr.expr()) {
                    ("version", hcl::Expression::String(s)) => lock.version = s.clone(),
                    ("constraints", hcl::Expression::String(s)) => {
                        lock.constraints = Some(s.clone())
                    }
                    ("hashes", hcl::Expression::Array(items)) => {
                        for i in items {
                            if let hcl::Expression::String(s) = i {
                                lock.hashes.push(s.clone());
                            }
                        }
                    }
                    _ => {}
                }
            }
            out.insert(addr, lock);
        }
        Ok(Locks(out))
    }

    /// The file's text, as Terraform writes it.
    pub fn render(&self) -> String {
        let mut s = String::from("# This file is maintained automatically by \"terraform init\".\n# Manual edits may be lost in future updates.\n");
        for (addr, lock) in &self.0 {
            s.push_str(&format!("\nprovider {addr:?} {{\n"));
            match &lock.constraints {
                Some(c) => s.push_str(&format!(
                    "  version     = {:?}\n  constraints = {:?}\n",
                    lock.version, c
                )),
                None => s.push_str(&format!("  version = {:?}\n", lock.version)),
            }
            let mut hashes = lock.hashes.clone();
            hashes.sort();
            hashes.dedup();
            s.push_str("  hashes = [\n");
            for h in hashes {
                s.push_str(&format!("    {h:?},\n"));
            }
            s.push_str("  ]\n}\n");
        }
        s
    }

    /// Writes the lock file into `dir` (through a temporary file and a rename).
    pub fn write(&self, dir: &Path) -> Result<(), String> {
        let path = dir.join(LOCK_FILE);
        let tmp = dir.join(format!(".terraform.lock.hcl.tmp{}", std::process::id()));
        std::fs::write(&tmp, self.render()).map_err(|e| format!("{}: {e}", tmp.display()))?;
        std::fs::rename(&tmp, &path).map_err(|e| format!("{}: {e}", path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What Terraform 1.11 wrote for a filesystem-mirror install with and without
    /// constraints.
    const TERRAFORM: &str = r#"# This file is maintained automatically by "terraform init".
# Manual edits may be lost in future updates.

provider "registry.terraform.io/autostack/testcloud" {
  version     = "0.1.0"
  constraints = "~> 0.1"
  hashes = [
    "h1:BH8IyC4xzN4Mx4c4taxjeficAUYt3gjCBODnNlAvETU=",
  ]
}

provider "registry.terraform.io/example/fake" {
  version = "1.0.0"
  hashes = [
    "h1:sZjXBRzZ1BF+pdgS6He4rPDsC44INPhR+XeLHFAy0sY=",
    "zh:0000000000000000000000000000000000000000000000000000000000000000",
  ]
}
"#;

    #[test]
    fn terraforms_lock_file_reads_and_renders_byte_for_byte() {
        let locks = Locks::parse(TERRAFORM).unwrap();
        assert_eq!(
            locks.0["registry.terraform.io/autostack/testcloud"]
                .constraints
                .as_deref(),
            Some("~> 0.1")
        );
        assert_eq!(
            locks.0["registry.terraform.io/example/fake"].hashes.len(),
            2
        );
        assert_eq!(locks.render(), TERRAFORM);
        assert!(Locks::parse("provider {").is_err());
    }
}
