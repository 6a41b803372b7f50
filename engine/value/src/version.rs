//! Semantic versions and Terraform's version constraints (`~> 5.0`, `>= 1.2, < 2.0`, `1.2.3`),
//! which provider and module installation share: a pre-release is selected only by a
//! constraint that names it exactly, as Terraform does.

use std::cmp::Ordering;
use std::fmt;

/// A semantic version.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Version {
    /// Major, minor, patch.
    pub parts: [u64; 3],
    /// The pre-release label (`beta1` of `1.0.0-beta1`); empty for a release.
    pub pre: String,
}

impl Version {
    /// Parses `1`, `1.2`, `1.2.3` or `1.2.3-pre` (a leading `v` allowed; build metadata
    /// ignored).
    pub fn parse(s: &str) -> Option<Version> {
        let s = s.trim().trim_start_matches('v');
        let s = s.split('+').next()?;
        let (nums, pre) = match s.split_once('-') {
            Some((n, p)) if !p.is_empty() => (n, p.to_string()),
            Some(_) => return None,
            None => (s, String::new()),
        };
        let mut parts = [0u64; 3];
        let mut n = 0;
        for (i, p) in nums.split('.').enumerate() {
            if i >= 3 || p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            parts[i] = p.parse().ok()?;
            n = i + 1;
        }
        (n > 0).then_some(Version { parts, pre })
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.parts.cmp(&other.parts).then_with(|| {
            match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => self.pre.cmp(&other.pre),
            }
        })
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.parts[0], self.parts[1], self.parts[2])?;
        if !self.pre.is_empty() {
            write!(f, "-{}", self.pre)?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    Pessimistic,
}

/// One `OP VERSION` term, with how many version parts were written (for `~>`).
#[derive(Debug, Clone, PartialEq)]
struct Term {
    op: Op,
    version: Version,
    written: usize,
}

/// A conjunction of constraint terms (several `version` strings are simply joined).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Constraints(Vec<Term>);

impl Constraints {
    /// Parses `">= 1.0, < 2.0"`; an empty string allows every release.
    pub fn parse(s: &str) -> Result<Constraints, String> {
        let mut terms = Vec::new();
        for raw in s.split(',').map(str::trim).filter(|t| !t.is_empty()) {
            let (op, rest) = [
                (">=", Op::Ge),
                ("<=", Op::Le),
                ("!=", Op::Ne),
                ("~>", Op::Pessimistic),
                (">", Op::Gt),
                ("<", Op::Lt),
                ("=", Op::Eq),
            ]
            .iter()
            .find_map(|(p, op)| raw.strip_prefix(p).map(|r| (*op, r)))
            .unwrap_or((Op::Eq, raw));
            let rest = rest.trim();
            let version = Version::parse(rest)
                .ok_or_else(|| format!("invalid version constraint {raw:?}"))?;
            let written = rest.split('-').next().unwrap_or("").split('.').count();
            terms.push(Term {
                op,
                version,
                written,
            });
        }
        Ok(Constraints(terms))
    }

    /// The constraints of several strings together.
    pub fn merge(&mut self, other: Constraints) {
        self.0.extend(other.0);
    }

    /// True when `v` satisfies every term (pre-releases only when a term names them).
    pub fn allows(&self, v: &Version) -> bool {
        if !v.pre.is_empty() && !self.0.iter().any(|t| t.op == Op::Eq && &t.version == v) {
            return false;
        }
        self.0.iter().all(|t| term_allows(t, v))
    }
}

fn term_allows(t: &Term, v: &Version) -> bool {
    let c = v.cmp(&t.version);
    match t.op {
        Op::Eq => c == Ordering::Equal,
        Op::Ne => c != Ordering::Equal,
        Op::Gt => c == Ordering::Greater,
        Op::Ge => c != Ordering::Less,
        Op::Lt => c == Ordering::Less,
        Op::Le => c != Ordering::Greater,
        Op::Pessimistic => {
            // `~> 1.2` allows 1.x from 1.2; `~> 1.2.3` allows 1.2.x from 1.2.3.
            let fixed = t.written.saturating_sub(1).max(1);
            c != Ordering::Less && v.parts[..fixed] == t.version.parts[..fixed]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allows(c: &str, v: &str) -> bool {
        Constraints::parse(c)
            .unwrap()
            .allows(&Version::parse(v).unwrap())
    }

    #[test]
    fn constraints_select_as_terraform_does() {
        assert!(
            allows("~> 5.0", "5.100.0") && !allows("~> 5.0", "6.0.0") && !allows("~> 5.0", "4.9.0")
        );
        assert!(allows("~> 1.2.3", "1.2.9") && !allows("~> 1.2.3", "1.3.0"));
        assert!(allows(">= 1.0, < 2.0", "1.5.0") && !allows(">= 1.0, < 2.0", "2.0.0"));
        assert!(
            allows("1.2.3", "1.2.3") && !allows("1.2.3", "1.2.4") && allows("!= 1.0.0", "1.0.1")
        );
        assert!(
            allows("", "0.1.0")
                && !allows("", "1.0.0-beta1")
                && allows("= 1.0.0-beta1", "1.0.0-beta1")
        );
        assert!(Constraints::parse(">= banana").is_err());
        assert!(Version::parse("1.0.0-beta") < Version::parse("1.0.0"));
    }
}
