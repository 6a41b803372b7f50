//! Attribute paths: where inside a resource's object a value sits
//! (`root_block_device[0].volume_size`, `tags["Name"]`), as plans, state and providers name it.

use std::fmt;

/// One step of a path to an attribute.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PathStep {
    /// `.name`.
    Attr(String),
    /// `[0]`.
    Index(usize),
    /// `["key"]`.
    Key(String),
}

/// A path to an attribute.
pub type AttrPath = Vec<PathStep>;

/// A path displayed the way Terraform shows it (`tags["Name"]`, `ebs[0].size`).
pub struct PathDisplay<'a>(pub &'a [PathStep]);

impl fmt::Display for PathDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.0.iter().enumerate() {
            match step {
                PathStep::Attr(a) if i == 0 => f.write_str(a)?,
                PathStep::Attr(a) => write!(f, ".{a}")?,
                PathStep::Index(n) => write!(f, "[{n}]")?,
                PathStep::Key(k) => write!(f, "[{k:?}]")?,
            }
        }
        Ok(())
    }
}

/// Renders a path the way Terraform shows it (`tags["Name"]`, `ebs[0].size`).
pub fn path_string(p: &[PathStep]) -> String {
    PathDisplay(p).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_as_terraform() {
        let p = vec![
            PathStep::Attr("ebs".into()),
            PathStep::Index(0),
            PathStep::Attr("tags".into()),
            PathStep::Key("Name".into()),
        ];
        assert_eq!(path_string(&p), "ebs[0].tags[\"Name\"]");
        assert_eq!(path_string(&[]), "");
    }
}
