//! Addresses exactly as Terraform writes them: `module.net["a"].aws_subnet.private[0]`.
//!
//! A plan holds an address for every instance several times over (the state's key, the
//! change, the operation), and the state's B-tree and the plan's sort compare them by the
//! million. So the parts are cheap to copy and to compare: names are [`Name`]s (inline up to
//! 23 bytes, shared above), and a module path is one slice made once a process, so a copy
//! of an address allocates nothing, and two addresses in one module instance compare its
//! path by pointer, reading nothing but the names most configurations use.

use autostack_lang::config::Mode;
use autostack_lang::value::display::quote;
use autostack_lang::{Number, Value};
pub mod portable;
pub mod provider;

pub use portable::{bind_portable, is_portable, serves_portable};
pub use provider::{implied_local_name, AbsProviderConfig, ProviderConfig, ProviderSource};
use std::collections::HashSet;
use std::fmt;
use std::sync::{Arc, LazyLock, Mutex};

/// A name in an address (type, resource, module call, `for_each` key): a string stored in
/// place up to 23 bytes and shared beyond, so copies never allocate.
pub type Name = smol_str::SmolStr;

/// The key of one instance of a counted or `for_each` resource or module.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum InstanceKey {
    /// `[0]` (count).
    Int(i64),
    /// `["a"]` (for_each).
    Str(Name),
}

impl InstanceKey {
    /// The key as a value (`count.index` / `each.key`).
    pub fn to_value(&self) -> Value {
        match self {
            InstanceKey::Int(i) => Value::Number(Number::from(*i)),
            InstanceKey::Str(s) => Value::string(s.as_str()),
        }
    }
}

impl fmt::Display for InstanceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InstanceKey::Int(i) => write!(f, "[{i}]"),
            InstanceKey::Str(s) => write!(f, "[{}]", quote(s)),
        }
    }
}

/// One step of a module path: the call's name and its instance key.
pub type ModuleStep = (Name, Option<InstanceKey>);

/// The root's path, shared: asking for the root allocates nothing.
static ROOT: LazyLock<Arc<[ModuleStep]>> = LazyLock::new(|| Arc::from(Vec::new()));

/// Every module path made in this process, once: the state decoder, the plan file's reader
/// and the walk's expansion each make the paths they meet, and a state key and the walk's
/// query for it compare by pointer only when they are one allocation. A configuration has
/// few module instances next to its resources, so the table stays small.
static PATHS: LazyLock<Mutex<HashSet<Arc<[ModuleStep]>>>> = LazyLock::new(Default::default);

/// The one shared path of these steps.
fn intern(steps: Vec<ModuleStep>) -> Arc<[ModuleStep]> {
    if steps.is_empty() {
        return ROOT.clone();
    }
    // A panic elsewhere while holding the lock leaves the set whole: insertion is one call.
    let mut paths = PATHS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(p) = paths.get(steps.as_slice()) {
        return p.clone();
    }
    let p: Arc<[ModuleStep]> = steps.into();
    paths.insert(p.clone());
    p
}

/// A path of module instances from the root: `module.a[0].module.b`. Copies share the path.
#[derive(Debug, Clone)]
pub struct ModuleInstance(Arc<[ModuleStep]>);

impl ModuleInstance {
    /// The root module.
    pub fn root() -> Self {
        ModuleInstance(ROOT.clone())
    }

    /// The module instance of these steps.
    pub fn from_steps(steps: Vec<ModuleStep>) -> Self {
        ModuleInstance(intern(steps))
    }

    /// Its steps from the root.
    pub fn steps(&self) -> &[ModuleStep] {
        &self.0
    }

    /// True when `other` is this very path (equal paths are, being made once a process).
    pub fn shares_path(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    /// True for the root module.
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// The child instance `module.NAME[key]`.
    pub fn child(&self, name: &str, key: Option<InstanceKey>) -> Self {
        let mut v = self.0.to_vec();
        v.push((Name::new(name), key));
        ModuleInstance::from_steps(v)
    }

    /// The static module path (call names only).
    pub fn path(&self) -> Vec<String> {
        self.0.iter().map(|(n, _)| n.to_string()).collect()
    }

    /// The parent instance and the last call step, or `None` at the root.
    pub fn split_last(&self) -> Option<(ModuleInstance, &ModuleStep)> {
        let (last, rest) = self.0.split_last()?;
        Some((ModuleInstance::from_steps(rest.to_vec()), last))
    }
}

impl Default for ModuleInstance {
    fn default() -> Self {
        ModuleInstance::root()
    }
}

// Hashed by the steps, as equality compares them when the paths are not shared.
impl std::hash::Hash for ModuleInstance {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.hash(state)
    }
}

// Equal when they share their path (copies of one instance do) without reading it.
impl PartialEq for ModuleInstance {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.0 == other.0
    }
}

impl Eq for ModuleInstance {}

impl PartialOrd for ModuleInstance {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ModuleInstance {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        match Arc::ptr_eq(&self.0, &other.0) {
            true => std::cmp::Ordering::Equal,
            false => self.0.cmp(&other.0),
        }
    }
}

impl fmt::Display for ModuleInstance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (name, key)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            write!(f, "module.{name}")?;
            if let Some(k) = key {
                write!(f, "{k}")?;
            }
        }
        Ok(())
    }
}

/// The configuration address of resource `local` (`TYPE.NAME`, `data.TYPE.NAME`) in the
/// static module path `path` (call names): `module.a.module.b.aws_vpc.main`.
pub fn config_address<'a>(path: impl Iterator<Item = &'a str> + Clone, local: &str) -> String {
    let len = local.len() + path.clone().map(|m| m.len() + 8).sum::<usize>();
    let mut s = String::with_capacity(len);
    for m in path {
        s.push_str("module.");
        s.push_str(m);
        s.push('.');
    }
    s.push_str(local);
    s
}

/// A resource (not one instance) in a module instance.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResourceAddr {
    /// The module instance.
    pub module: ModuleInstance,
    /// Managed or data.
    pub mode: Mode,
    /// Resource type.
    pub ty: Name,
    /// Resource name.
    pub name: Name,
}

impl ResourceAddr {
    /// `TYPE.NAME` / `data.TYPE.NAME` without the module part.
    pub fn local(&self) -> String {
        match self.mode {
            Mode::Managed => format!("{}.{}", self.ty, self.name),
            Mode::Data => format!("data.{}.{}", self.ty, self.name),
        }
    }

    /// Its configuration address, module keys left out (`module.net.aws_subnet.a`): how
    /// state `dependencies` name it.
    pub fn config_address(&self) -> String {
        let path = self.module.steps().iter().map(|(name, _)| name.as_str());
        config_address(path, &self.local())
    }

    /// One instance of this resource.
    pub fn instance(&self, key: Option<InstanceKey>) -> InstanceAddr {
        InstanceAddr {
            resource: self.clone(),
            key,
        }
    }
}

impl fmt::Display for ResourceAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.module.is_root() {
            write!(f, "{}.", self.module)?;
        }
        f.write_str(&self.local())
    }
}

/// One resource instance: `aws_instance.web[0]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct InstanceAddr {
    /// The resource.
    pub resource: ResourceAddr,
    /// The instance key, if counted or `for_each`.
    pub key: Option<InstanceKey>,
}

impl fmt::Display for InstanceAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.resource)?;
        if let Some(k) = &self.key {
            write!(f, "{k}")?;
        }
        Ok(())
    }
}

/// Why an address string could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddrError(pub String);

impl fmt::Display for AddrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Parses `module.a["x"].aws_instance.web[0]`; the instance key is optional.
pub fn parse_instance(s: &str) -> Result<InstanceAddr, AddrError> {
    let mut p = Parser { s, i: 0 };
    let mut module = Vec::new();
    loop {
        let word = p.ident()?;
        if word == "module" {
            p.expect('.')?;
            let name = p.ident()?;
            let key = p.key()?;
            module.push((name, key));
            p.expect('.')?;
            continue;
        }
        let (mode, ty) = if word == "data" {
            p.expect('.')?;
            (Mode::Data, p.ident()?)
        } else {
            (Mode::Managed, word)
        };
        p.expect('.')?;
        let name = p.ident()?;
        let key = p.key()?;
        if p.i != s.len() {
            return Err(AddrError(format!(
                "Unexpected extra operators after address {s:?}."
            )));
        }
        return Ok(InstanceAddr {
            resource: ResourceAddr {
                module: ModuleInstance::from_steps(module),
                mode,
                ty,
                name,
            },
            key,
        });
    }
}

struct Parser<'a> {
    s: &'a str,
    i: usize,
}

impl Parser<'_> {
    fn rest(&self) -> &str {
        &self.s[self.i..]
    }

    fn ident(&mut self) -> Result<Name, AddrError> {
        let n = self
            .rest()
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(self.rest().len());
        if n == 0 {
            return Err(AddrError(format!(
                "Invalid address {:?}: expected a name at offset {}.",
                self.s, self.i
            )));
        }
        let w = Name::new(&self.rest()[..n]);
        self.i += n;
        Ok(w)
    }

    fn expect(&mut self, c: char) -> Result<(), AddrError> {
        if self.rest().starts_with(c) {
            self.i += c.len_utf8();
            Ok(())
        } else {
            Err(AddrError(format!(
                "Invalid address {:?}: expected {c:?} at offset {}.",
                self.s, self.i
            )))
        }
    }

    fn key(&mut self) -> Result<Option<InstanceKey>, AddrError> {
        if !self.rest().starts_with('[') {
            return Ok(None);
        }
        self.i += 1;
        let key = if self.rest().starts_with('"') {
            let end = self.rest()[1..].find('"').ok_or_else(|| {
                AddrError(format!("Invalid address {:?}: unterminated key.", self.s))
            })?;
            let k = Name::new(&self.rest()[1..1 + end]);
            self.i += end + 2;
            InstanceKey::Str(k)
        } else {
            let end = self.rest().find(']').unwrap_or(self.rest().len());
            let n = self.rest()[..end].parse::<i64>().map_err(|_| {
                AddrError(format!(
                    "Invalid address {:?}: index must be a number or a quoted string.",
                    self.s
                ))
            })?;
            self.i += end;
            InstanceKey::Int(n)
        };
        self.expect(']')?;
        Ok(Some(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_round_trip_in_terraform_syntax() {
        for s in [
            "aws_instance.web",
            "aws_instance.web[0]",
            "data.aws_ami.ubuntu",
            "module.net[\"a\"].aws_subnet.private[\"x y\"]",
            "module.a.module.b[2].null_resource.n",
        ] {
            assert_eq!(parse_instance(s).unwrap().to_string(), s);
        }
        assert!(parse_instance("aws_instance").is_err());
        assert!(parse_instance("aws_instance.web[x]").is_err());
        assert!(parse_instance("aws_instance.web.extra").is_err());
    }

    #[test]
    fn addresses_order_as_their_parts_do_and_copies_share_their_module_path() {
        let texts = [
            "a.x",
            "a.x[\"k\"]",
            "a.x[0]",
            "b.a",
            "data.a.x",
            "module.m.a.x",
            "module.m[\"k\"].a.x",
            "module.m[\"l\"].module.n.a.x",
            "module.m[\"l\"].module.n[1].a.x",
            "module.n.a.x",
        ];
        // The order addresses had as plain strings and vectors (the derived order of the
        // parts: module steps, mode, type, name, key), which the state and plans keep.
        let parts = |a: &InstanceAddr| {
            let steps: Vec<(String, Option<InstanceKey>)> = (a.resource.module.steps().iter())
                .map(|(n, k)| (n.to_string(), k.clone()))
                .collect();
            let r = &a.resource;
            (
                steps,
                r.mode,
                r.ty.to_string(),
                r.name.to_string(),
                a.key.clone(),
            )
        };
        let mut addrs: Vec<InstanceAddr> =
            texts.iter().map(|t| parse_instance(t).unwrap()).collect();
        addrs.reverse();
        let mut by_parts = addrs.clone();
        by_parts.sort_by_key(|a| parts(a));
        addrs.sort();
        assert_eq!(addrs, by_parts);
        // A path is made once a process: parsed anew or expanded from its parent, it is
        // the same allocation, so equality and order never read it.
        let a = parse_instance("module.m[\"k\"].a.x")
            .unwrap()
            .resource
            .module;
        let anew = parse_instance("module.m[\"k\"].b.y")
            .unwrap()
            .resource
            .module;
        let expanded = ModuleInstance::root().child("m", Some(InstanceKey::Str("k".into())));
        assert!(a.shares_path(&a.clone()) && a.shares_path(&anew) && a.shares_path(&expanded));
        let other = ModuleInstance::root().child("m", Some(InstanceKey::Str("l".into())));
        assert!(!a.shares_path(&other) && a != other && a < other);
        let (parent, _) = other.split_last().unwrap();
        assert!(parent.shares_path(&ModuleInstance::root()));
        assert!(ModuleInstance::root() < a);
        assert!(ModuleInstance::root().shares_path(&ModuleInstance::default()));
    }
}
