//! The values computed during a walk (variables, locals, resources, module outputs) and the
//! expression scope over them.

use crate::addrs::{InstanceKey, ModuleInstance};
use autostack_lang::eval::builtin_refs;
use autostack_lang::eval::scope::{parse_ref, Subject};
use autostack_lang::eval::Scope;
use autostack_lang::functions::provider::ModuleFunctions;
use autostack_lang::syntax::Traversal;
use autostack_lang::value::ValueMap;
use autostack_lang::{Diagnostic, Type, Value};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock};

/// How a resource or module call expands into instances.
#[derive(Debug, Clone, PartialEq)]
pub enum Expansion {
    /// No `count` / `for_each`: one instance without a key.
    Single,
    /// `count = N`.
    Count(i64),
    /// `for_each`: keys and their `each.value`. Shared with the `for_each` value: a walk
    /// hands the expansion to every instance (apply once per instance), and a copy of a
    /// 50,000-key map per instance made applying a large `for_each` quadratic.
    ForEach(Arc<ValueMap>),
}

impl Expansion {
    /// The instance keys, in order.
    pub fn keys(&self) -> Vec<Option<InstanceKey>> {
        match self {
            Expansion::Single => vec![None],
            Expansion::Count(n) => (0..*n).map(|i| Some(InstanceKey::Int(i))).collect(),
            Expansion::ForEach(m) => m.keys().map(|k| Some(InstanceKey::Str(k.into()))).collect(),
        }
    }

    /// `each.value` for a key.
    pub fn each_value(&self, key: &InstanceKey) -> Option<Value> {
        match (self, key) {
            (Expansion::ForEach(m), InstanceKey::Str(k)) => m.get(k.as_str()).cloned(),
            _ => None,
        }
    }
}

/// All instances of one resource, and the assembled value references see.
#[derive(Debug)]
pub struct ResourceValues {
    /// How it expands.
    pub expansion: Expansion,
    /// Each instance's object.
    instances: Instances,
    assembled: OnceLock<Value>,
}

/// Instance values by key. Most resources have one unkeyed instance, kept inline: a
/// `BTreeMap` allocates a whole node (about 800 bytes here) even for a single entry, which
/// at 100,000 resources was 80 MB of a plan's peak.
#[derive(Debug, Default)]
enum Instances {
    /// No value yet.
    #[default]
    Empty,
    /// One instance.
    One(Option<InstanceKey>, Value),
    /// Several, ordered by key.
    Many(BTreeMap<Option<InstanceKey>, Value>),
}

impl Instances {
    fn get(&self, key: &Option<InstanceKey>) -> Option<&Value> {
        match self {
            Instances::Empty => None,
            Instances::One(k, v) => (k == key).then_some(v),
            Instances::Many(m) => m.get(key),
        }
    }

    fn insert(&mut self, key: Option<InstanceKey>, value: Value) {
        match std::mem::take(self) {
            Instances::Empty => *self = Instances::One(key, value),
            Instances::One(k, _) if k == key => *self = Instances::One(k, value),
            Instances::One(k, v) => *self = Instances::Many(BTreeMap::from([(k, v), (key, value)])),
            Instances::Many(mut m) => {
                m.insert(key, value);
                *self = Instances::Many(m);
            }
        }
    }
}

impl ResourceValues {
    /// An expansion with no instance values yet.
    pub fn new(expansion: Expansion) -> Self {
        ResourceValues {
            expansion,
            instances: Instances::Empty,
            assembled: OnceLock::new(),
        }
    }

    /// Sets one instance's value.
    pub fn set(&mut self, key: Option<InstanceKey>, v: Value) {
        self.instances.insert(key, v);
        self.assembled = OnceLock::new();
    }

    /// The value of `TYPE.NAME`: the object, a tuple (count) or an object (for_each).
    pub fn value(&self) -> Value {
        self.assembled
            .get_or_init(|| assemble(&self.expansion, &self.instances))
            .clone()
    }
}

fn assemble(exp: &Expansion, instances: &Instances) -> Value {
    let get = |k: &Option<InstanceKey>| {
        instances
            .get(k)
            .cloned()
            .unwrap_or(Value::Unknown(Type::Dynamic))
    };
    match exp {
        Expansion::Single => get(&None),
        Expansion::Count(n) => {
            Value::tuple((0..*n).map(|i| get(&Some(InstanceKey::Int(i)))).collect())
        }
        Expansion::ForEach(m) => Value::object(
            m.keys()
                .map(|k| (k.clone(), get(&Some(InstanceKey::Str(k.into())))))
                .collect(),
        ),
    }
}

/// Everything evaluated so far in a walk.
#[derive(Debug, Default)]
pub struct Values {
    /// Input variables per module instance.
    pub vars: HashMap<ModuleInstance, HashMap<String, Value>>,
    /// Local values per module instance.
    pub locals: HashMap<ModuleInstance, HashMap<String, Value>>,
    /// Resources per module instance, by `TYPE.NAME` / `data.TYPE.NAME`.
    pub resources: HashMap<ModuleInstance, crate::FastMap<String, ResourceValues>>,
    /// Outputs of each module instance.
    pub outputs: HashMap<ModuleInstance, BTreeMap<String, Value>>,
    /// How each module call expands, per calling module instance.
    pub calls: HashMap<ModuleInstance, HashMap<String, Expansion>>,
    /// Declared names per static module path, for "undeclared" diagnostics.
    pub declared: HashMap<Vec<String>, Declared>,
    /// `path.root` and `path.cwd`.
    pub root_dir: String,
    /// `path.cwd`.
    pub cwd: String,
    /// `terraform.workspace`.
    pub workspace: String,
    /// `path.module` per static module path.
    pub module_dirs: HashMap<Vec<String>, String>,
    /// The provider-defined functions per static module path.
    pub provider_functions: HashMap<Vec<String>, ModuleFunctions>,
}

/// Names a module declares.
#[derive(Debug, Default, Clone)]
pub struct Declared {
    /// Variables.
    pub vars: Vec<String>,
    /// Locals.
    pub locals: Vec<String>,
    /// Resources (`TYPE.NAME` / `data.TYPE.NAME`).
    pub resources: Vec<String>,
    /// Module calls.
    pub calls: Vec<String>,
}

impl Values {
    /// The value of `module.NAME` seen from `from`.
    fn module_value(&self, from: &ModuleInstance, name: &str) -> Option<Value> {
        let exp = self.calls.get(from)?.get(name)?;
        let outputs = |key: Option<InstanceKey>| {
            let child = from.child(name, key);
            Value::object(self.outputs.get(&child).cloned().unwrap_or_default().into())
        };
        Some(match exp {
            Expansion::Single => outputs(None),
            Expansion::Count(n) => Value::tuple(
                (0..*n)
                    .map(|i| outputs(Some(InstanceKey::Int(i))))
                    .collect(),
            ),
            Expansion::ForEach(m) => Value::object(
                m.keys()
                    .map(|k| (k.clone(), outputs(Some(InstanceKey::Str(k.into())))))
                    .collect(),
            ),
        })
    }
}

/// The scope of one module instance (and, inside a resource, one of its instances).
pub struct WalkScope<'a> {
    /// The store.
    pub values: &'a Values,
    /// The module instance.
    pub module: &'a ModuleInstance,
    /// `count.index` / `each.key` of the instance being evaluated.
    pub key: Option<InstanceKey>,
    /// `each.value`.
    pub each_value: Option<Value>,
    /// `self`.
    pub self_value: Option<Value>,
}

impl<'a> WalkScope<'a> {
    /// A module-level scope (no instance).
    pub fn module(values: &'a Values, module: &'a ModuleInstance) -> Self {
        WalkScope {
            values,
            module,
            key: None,
            each_value: None,
            self_value: None,
        }
    }
}

impl Scope for WalkScope<'_> {
    fn provider_functions(&self) -> Option<&ModuleFunctions> {
        self.values.provider_functions.get(&self.module.path())
    }

    fn resolve(&self, t: &Traversal) -> Result<(Value, usize), Diagnostic> {
        let (subject, used) = parse_ref(t)?;
        let range = t
            .steps
            .get(used.saturating_sub(1))
            .filter(|_| used > 0)
            .map_or(t.root_range.clone(), |s| t.root_range.to(s.range()));
        let path = self.module.path();
        let declared = self.values.declared.get(&path);
        let undeclared =
            |summary: &str, detail: String| Diagnostic::error(summary, detail, Some(range.clone()));
        let v = match &subject {
            Subject::Var(n) => self.values.vars.get(self.module).and_then(|m| m.get(n)).cloned().ok_or_else(|| {
                undeclared("Reference to undeclared input variable", format!("An input variable with the name {n:?} has not been declared. This variable can be declared with a variable {n:?} {{}} block."))
            })?,
            Subject::Local(n) => match self.values.locals.get(self.module).and_then(|m| m.get(n)) {
                Some(v) => v.clone(),
                None if declared.is_some_and(|d| d.locals.contains(n)) => Value::Unknown(Type::Dynamic),
                None => {
                    let hint = autostack_lang::diag::did_you_mean(n, declared.map(|d| d.locals.iter().map(String::as_str).collect::<Vec<_>>()).unwrap_or_default());
                    return Err(undeclared("Reference to undeclared local value", format!("A local value with the name {n:?} has not been declared.{hint}")));
                }
            },
            Subject::Module(n) => self.values.module_value(self.module, n).ok_or_else(|| undeclared("Reference to undeclared module", format!("No module call named {n:?} is declared in {}.", module_name(self.module))))?,
            Subject::Resource { data, ty, name } => {
                let key = if *data { format!("data.{ty}.{name}") } else { format!("{ty}.{name}") };
                match self.values.resources.get(self.module).and_then(|m| m.get(&key)) {
                    Some(r) => r.value(),
                    None if declared.is_some_and(|d| d.resources.contains(&key)) => Value::Unknown(Type::Dynamic),
                    None => {
                        let kind = if *data { "data resource" } else { "managed resource" };
                        return Err(undeclared("Reference to undeclared resource", format!("A {kind} {ty:?} {name:?} has not been declared in {}.", module_name(self.module))));
                    }
                }
            }
            Subject::CountIndex => match &self.key {
                Some(k @ InstanceKey::Int(_)) => k.to_value(),
                _ => return Err(builtin_refs::count_outside_count(range)),
            },
            Subject::EachKey | Subject::EachValue => match (&self.key, &self.each_value) {
                (Some(k @ InstanceKey::Str(_)), Some(v)) => if subject == Subject::EachKey { k.to_value() } else { v.clone() },
                _ => return Err(builtin_refs::each_outside_for_each(range)),
            },
            Subject::Path(a) => Value::string(match a.as_str() {
                "module" => self.values.module_dirs.get(&path).cloned().unwrap_or_else(|| ".".into()),
                "root" => self.values.root_dir.clone(),
                "cwd" => self.values.cwd.clone(),
                other => return Err(builtin_refs::invalid_path_attr(other, range)),
            }),
            Subject::Terraform(a) if a == "workspace" => Value::string(self.values.workspace.as_str()),
            Subject::Terraform(a) => return Err(builtin_refs::invalid_terraform_attr(a, range)),
            Subject::SelfRef => self.self_value.clone().ok_or_else(|| builtin_refs::self_unavailable(range.clone()))?,
        };
        Ok((v, used))
    }
}

fn module_name(m: &ModuleInstance) -> String {
    if m.is_root() {
        "the root module".into()
    } else {
        m.to_string()
    }
}
