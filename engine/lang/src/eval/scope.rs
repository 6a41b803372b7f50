//! Reference resolution: what `var.x`, `local.y`, `aws_instance.web`, `count.index` mean.

use super::builtin_refs;
use crate::diag::{did_you_mean, Diagnostic, Range};
use crate::functions::provider::ModuleFunctions;
use crate::syntax::{Step, Traversal};
use crate::value::{Type, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// Resolves the root of a reference.
pub trait Scope {
    /// The value `t` refers to and how many of its steps the scope consumed (the evaluator
    /// applies the remaining steps).
    fn resolve(&self, t: &Traversal) -> Result<(Value, usize), Diagnostic>;

    /// The provider-defined functions (`provider::NAME::FUNC`) expressions here can call:
    /// those of the module the scope belongs to; none by default.
    fn provider_functions(&self) -> Option<&ModuleFunctions> {
        None
    }
}

/// What a reference names, as Terraform's `addrs.ParseRef` classifies it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Subject {
    /// `var.NAME`.
    Var(String),
    /// `local.NAME`.
    Local(String),
    /// `module.NAME`.
    Module(String),
    /// `TYPE.NAME` (managed) or `data.TYPE.NAME`.
    Resource {
        /// True for `data.`.
        data: bool,
        /// Resource type.
        ty: String,
        /// Resource name.
        name: String,
    },
    /// `count.index`.
    CountIndex,
    /// `each.key`.
    EachKey,
    /// `each.value`.
    EachValue,
    /// `path.module` / `path.root` / `path.cwd` (the attribute name).
    Path(String),
    /// `terraform.workspace` (and other `terraform.` attributes).
    Terraform(String),
    /// `self`.
    SelfRef,
}

fn attr(t: &Traversal, i: usize) -> Option<(&str, &Range)> {
    match t.steps.get(i) {
        Some(Step::Attr(n, r)) => Some((n, r)),
        _ => None,
    }
}

fn invalid(t: &Traversal, detail: impl Into<String>) -> Diagnostic {
    let range = t
        .steps
        .first()
        .map_or(t.root_range.clone(), |s| t.root_range.to(s.range()));
    Diagnostic::error("Invalid reference", detail, Some(range))
}

/// Classifies a traversal; returns the subject and the number of steps it spans.
pub fn parse_ref(t: &Traversal) -> Result<(Subject, usize), Diagnostic> {
    let root = t.root.as_str();
    let need_attr = |what: &str| -> Result<String, Diagnostic> {
        attr(t, 0).map(|(n, _)| n.to_string()).ok_or_else(|| {
            invalid(
                t,
                format!("The {root:?} object cannot be accessed directly. Instead, access {what}."),
            )
        })
    };
    Ok(match root {
        "var" => (Subject::Var(need_attr("one of its attributes")?), 1),
        "local" => (Subject::Local(need_attr("one of its attributes")?), 1),
        "module" => (Subject::Module(need_attr("one of its attributes")?), 1),
        "count" => match need_attr("one of its attributes")?.as_str() {
            "index" => (Subject::CountIndex, 1),
            other => return Err(invalid(t, format!("The \"count\" object does not have an attribute named {other:?}. The only supported attribute is count.index, which is the index of each instance of a resource block that has the \"count\" argument set."))),
        },
        "each" => match need_attr("one of its attributes")?.as_str() {
            "key" => (Subject::EachKey, 1),
            "value" => (Subject::EachValue, 1),
            other => return Err(invalid(t, format!("The \"each\" object does not have an attribute named {other:?}. The supported attributes are each.key and each.value, the current key and value pair of the \"for_each\" attribute set."))),
        },
        "path" => (Subject::Path(need_attr("one of its attributes")?), 1),
        "terraform" => (Subject::Terraform(need_attr("one of its attributes")?), 1),
        "self" => (Subject::SelfRef, 0),
        "data" => {
            let ty = need_attr("a data source type")?;
            let name = attr(t, 1).map(|(n, _)| n.to_string()).ok_or_else(|| invalid(t, "A reference to a data source must be followed by at least one attribute access, specifying the resource name."))?;
            (Subject::Resource { data: true, ty, name }, 2)
        }
        "resource" if attr(t, 1).is_some() => {
            let ty = need_attr("a resource type")?;
            let name = attr(t, 1).map(|(n, _)| n.to_string()).unwrap_or_default();
            (Subject::Resource { data: false, ty, name }, 2)
        }
        ty => {
            let name = attr(t, 0).map(|(n, _)| n.to_string()).ok_or_else(|| {
                invalid(t, "A reference to a resource type must be followed by at least one attribute access, specifying the resource name.")
            })?;
            (Subject::Resource { data: false, ty: ty.to_string(), name }, 1)
        }
    })
}

/// A scope over plain maps, used by the console, `validate` and tests; the core engine fills
/// one per module instance.
#[derive(Debug, Clone, Default)]
pub struct MapScope {
    /// Input variable values.
    pub vars: Arc<HashMap<String, Value>>,
    /// Local values.
    pub locals: Arc<HashMap<String, Value>>,
    /// Module call results (objects of outputs, or tuples/objects of them).
    pub modules: Arc<HashMap<String, Value>>,
    /// Resources by `TYPE.NAME` or `data.TYPE.NAME`.
    pub resources: Arc<HashMap<String, Value>>,
    /// `count.index`, when evaluating a counted instance.
    pub count_index: Option<Value>,
    /// `each.key` / `each.value`, when evaluating a `for_each` instance.
    pub each: Option<(Value, Value)>,
    /// `self`, inside provisioners and conditions.
    pub self_value: Option<Value>,
    /// `path.module`.
    pub path_module: String,
    /// `path.root`.
    pub path_root: String,
    /// `path.cwd`.
    pub path_cwd: String,
    /// `terraform.workspace`.
    pub workspace: String,
    /// When true, unknown resources resolve to unknown values instead of errors (validate).
    pub lenient_resources: bool,
    /// The provider-defined functions of the module.
    pub provider_functions: Option<ModuleFunctions>,
}

impl Scope for MapScope {
    fn provider_functions(&self) -> Option<&ModuleFunctions> {
        self.provider_functions.as_ref()
    }

    fn resolve(&self, t: &Traversal) -> Result<(Value, usize), Diagnostic> {
        let (subject, used) = parse_ref(t)?;
        let range = match t.steps.get(used.saturating_sub(1)) {
            Some(s) if used > 0 => t.root_range.to(s.range()),
            _ => t.root_range.clone(),
        };
        let undeclared = |kind: &str, detail: String| {
            Diagnostic::error(
                format!("Reference to undeclared {kind}"),
                detail,
                Some(range.clone()),
            )
        };
        let v = match &subject {
            Subject::Var(n) => self.vars.get(n).cloned().ok_or_else(|| {
                undeclared("input variable", format!("An input variable with the name {n:?} has not been declared. This variable can be declared with a variable {n:?} {{}} block."))
            })?,
            Subject::Local(n) => self.locals.get(n).cloned().ok_or_else(|| {
                let hint = did_you_mean(n, self.locals.keys().map(String::as_str));
                undeclared("local value", format!("A local value with the name {n:?} has not been declared.{hint}"))
            })?,
            Subject::Module(n) => self.modules.get(n).cloned().ok_or_else(|| {
                undeclared("module", format!("No module call named {n:?} is declared in the root module."))
            })?,
            Subject::Resource { data, ty, name } => {
                let key = if *data { format!("data.{ty}.{name}") } else { format!("{ty}.{name}") };
                match self.resources.get(&key) {
                    Some(v) => v.clone(),
                    None if self.lenient_resources => Value::Unknown(Type::Dynamic),
                    None if *data => return Err(undeclared("resource", format!("A data resource {ty:?} {name:?} has not been declared in the root module."))),
                    None => return Err(undeclared("resource", format!("A managed resource {ty:?} {name:?} has not been declared in the root module."))),
                }
            }
            Subject::CountIndex => self.count_index.clone().ok_or_else(|| builtin_refs::count_outside_count(range.clone()))?,
            Subject::EachKey | Subject::EachValue => match &self.each {
                Some((k, v)) => if subject == Subject::EachKey { k.clone() } else { v.clone() },
                None => return Err(builtin_refs::each_outside_for_each(range.clone())),
            },
            Subject::Path(a) => Value::string(match a.as_str() {
                "module" => self.path_module.as_str(),
                "root" => self.path_root.as_str(),
                "cwd" => self.path_cwd.as_str(),
                other => return Err(builtin_refs::invalid_path_attr(other, range)),
            }),
            Subject::Terraform(a) => match a.as_str() {
                "workspace" => Value::string(self.workspace.as_str()),
                other => return Err(builtin_refs::invalid_terraform_attr(other, range)),
            },
            Subject::SelfRef => self.self_value.clone().ok_or_else(|| builtin_refs::self_unavailable(range.clone()))?,
        };
        Ok((v, used))
    }
}
