//! The typed configuration model of one module: what its blocks declare.
//!
//! Decoding keeps every expression unevaluated ([`Expr`]) with its range; evaluation happens
//! later, in the core engine's graph walk (or in `validate`).

mod decode;
mod decode_blocks;
pub mod encryption;
mod load;
mod load_calls;
pub mod manifest;
pub mod module_source;
mod module_source_detect;
pub mod recorded;
mod text;
pub mod typeexpr;
pub mod validate;

pub use decode::short as short_range;
pub use encryption::{decode_encryption, Encryption, EncryptionBlock, EncryptionTarget};
pub use load::{
    eval_static, load_module, load_module_tree, load_module_tree_with, ModuleTree, Overlay,
};
pub use load_calls::{call_constraints, call_source, version_not_allowed};
pub use text::module_from_file;
pub use typeexpr::Constraint;

use crate::diag::Range;
use crate::syntax::{Body, Expr, Traversal};
use crate::value::Value;
use indexmap::IndexMap;
use std::path::PathBuf;

/// One module: the merged contents of the `.tf` / `.tf.json` files of a directory.
#[derive(Debug, Clone, Default)]
pub struct Module {
    /// The directory the module was loaded from.
    pub dir: PathBuf,
    /// `terraform {}` settings (merged).
    pub terraform: TerraformSettings,
    /// `provider` blocks.
    pub providers: Vec<ProviderConfig>,
    /// `variable` blocks by name.
    pub variables: IndexMap<String, Variable>,
    /// `locals` entries by name.
    pub locals: IndexMap<String, Local>,
    /// `output` blocks by name.
    pub outputs: IndexMap<String, Output>,
    /// `resource` and `data` blocks by address (`TYPE.NAME`, `data.TYPE.NAME`).
    pub resources: IndexMap<String, Resource>,
    /// `module` calls by name.
    pub module_calls: IndexMap<String, ModuleCall>,
    /// `moved` blocks.
    pub moved: Vec<Moved>,
    /// `import` blocks.
    pub imports: Vec<Import>,
    /// `check` blocks.
    pub checks: Vec<Check>,
}

/// `terraform { required_version, required_providers, backend, encryption }`.
#[derive(Debug, Clone, Default)]
pub struct TerraformSettings {
    /// `required_version` constraint string.
    pub required_version: Option<String>,
    /// `required_providers` by local name.
    pub required_providers: IndexMap<String, RequiredProvider>,
    /// The `backend "TYPE" {}` block.
    pub backend: Option<Backend>,
    /// OpenTofu's `encryption {}` block (state and plan encryption).
    pub encryption: Option<Encryption>,
}

/// One `required_providers` entry.
#[derive(Debug, Clone)]
pub struct RequiredProvider {
    /// Local name (`aws`).
    pub name: String,
    /// Source address (`hashicorp/aws`), defaulting to `hashicorp/NAME`.
    pub source: String,
    /// Version constraint.
    pub version: Option<String>,
    /// Where it is declared.
    pub range: Range,
}

/// `backend "TYPE" { ... }`.
#[derive(Debug, Clone)]
pub struct Backend {
    /// Backend type (`local`, `s3`, `pg`, ...).
    pub ty: String,
    /// Its arguments, unevaluated.
    pub config: Body,
    /// Where it is declared.
    pub range: Range,
}

/// A `provider "NAME" { alias = ... }` block.
#[derive(Debug, Clone)]
pub struct ProviderConfig {
    /// Provider local name.
    pub name: String,
    /// `alias`, if any.
    pub alias: Option<String>,
    /// Remaining arguments and blocks.
    pub config: Body,
    /// The block header's range.
    pub range: Range,
}

impl ProviderConfig {
    /// `aws` or `aws.east`.
    pub fn addr(&self) -> String {
        match &self.alias {
            Some(a) => format!("{}.{a}", self.name),
            None => self.name.clone(),
        }
    }
}

/// A `variable` block.
#[derive(Debug, Clone)]
pub struct Variable {
    /// Variable name.
    pub name: String,
    /// The type constraint (`any` when not given).
    pub ty: Constraint,
    /// True when a `type` argument was given (decides how raw `-var` strings are parsed).
    pub type_declared: bool,
    /// The default, already converted to the type constraint.
    pub default: Option<Value>,
    /// `description`.
    pub description: Option<String>,
    /// `sensitive = true`.
    pub sensitive: bool,
    /// `nullable` (default true).
    pub nullable: bool,
    /// `validation` blocks.
    pub validations: Vec<CheckRule>,
    /// The block header's range.
    pub range: Range,
}

/// A `condition` + `error_message` pair (validation, precondition, postcondition, assert).
#[derive(Debug, Clone)]
pub struct CheckRule {
    /// The condition expression.
    pub condition: Expr,
    /// The error message expression (a string template).
    pub error_message: Expr,
    /// The rule block's range.
    pub range: Range,
}

/// One `locals` entry.
#[derive(Debug, Clone)]
pub struct Local {
    /// Name.
    pub name: String,
    /// Value expression.
    pub expr: Expr,
    /// The attribute's range.
    pub range: Range,
}

/// An `output` block.
#[derive(Debug, Clone)]
pub struct Output {
    /// Name.
    pub name: String,
    /// `value`.
    pub expr: Expr,
    /// `description`.
    pub description: Option<String>,
    /// `sensitive = true`.
    pub sensitive: bool,
    /// `depends_on`.
    pub depends_on: Vec<Traversal>,
    /// `precondition` blocks.
    pub preconditions: Vec<CheckRule>,
    /// The block header's range.
    pub range: Range,
}

/// Managed resource or data source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mode {
    /// `resource`.
    Managed,
    /// `data`.
    Data,
}

/// A `resource` or `data` block.
#[derive(Debug, Clone)]
pub struct Resource {
    /// Managed or data.
    pub mode: Mode,
    /// Resource type (`aws_instance`).
    pub ty: String,
    /// Resource name.
    pub name: String,
    /// `provider = aws.east`: local name and alias.
    pub provider: Option<(String, Option<String>)>,
    /// `count` (boxed, as are `for_each` and `lifecycle`: most resources have none, and a
    /// configuration holds every resource's record at once).
    pub count: Option<Box<Expr>>,
    /// `for_each`.
    pub for_each: Option<Box<Expr>>,
    /// `depends_on`.
    pub depends_on: Vec<Traversal>,
    /// `lifecycle`.
    pub lifecycle: Box<Lifecycle>,
    /// The remaining (provider-defined) arguments and blocks, including `dynamic` blocks.
    pub config: Body,
    /// The block header's range.
    pub range: Range,
}

impl Resource {
    /// `TYPE.NAME` or `data.TYPE.NAME`.
    pub fn addr(&self) -> String {
        match self.mode {
            Mode::Managed => format!("{}.{}", self.ty, self.name),
            Mode::Data => format!("data.{}.{}", self.ty, self.name),
        }
    }
}

/// `lifecycle { ... }`.
#[derive(Debug, Clone, Default)]
pub struct Lifecycle {
    /// `create_before_destroy`.
    pub create_before_destroy: bool,
    /// `prevent_destroy`.
    pub prevent_destroy: bool,
    /// `ignore_changes`.
    pub ignore_changes: IgnoreChanges,
    /// `replace_triggered_by`.
    pub replace_triggered_by: Vec<Expr>,
    /// `precondition` blocks.
    pub preconditions: Vec<CheckRule>,
    /// `postcondition` blocks.
    pub postconditions: Vec<CheckRule>,
}

/// `ignore_changes = [a, b]` or `ignore_changes = all`.
#[derive(Debug, Clone, Default)]
pub enum IgnoreChanges {
    /// Nothing ignored.
    #[default]
    None,
    /// These attribute paths.
    Paths(Vec<Traversal>),
    /// `all`.
    All,
}

/// A `module "NAME" { source = ... }` call.
#[derive(Debug, Clone)]
pub struct ModuleCall {
    /// Call name.
    pub name: String,
    /// `source`.
    pub source: String,
    /// Where `source` is.
    pub source_range: Range,
    /// `version`.
    pub version: Option<String>,
    /// `count`.
    pub count: Option<Expr>,
    /// `for_each`.
    pub for_each: Option<Expr>,
    /// `providers = { aws = aws.east }`: child local name → parent provider address.
    pub providers: Vec<(String, String)>,
    /// `depends_on`.
    pub depends_on: Vec<Traversal>,
    /// Input variable arguments.
    pub inputs: IndexMap<String, Expr>,
    /// The block header's range.
    pub range: Range,
    /// Where a required input the call lacks is reported (the body's `{`).
    pub missing_input_range: Range,
}

/// `moved { from = ... to = ... }`.
#[derive(Debug, Clone)]
pub struct Moved {
    /// Old address.
    pub from: Expr,
    /// New address.
    pub to: Expr,
    /// Where the block is declared (its `moved {` header), as Terraform reports it.
    pub range: Range,
}

/// `import { to = ... id = ... }`.
#[derive(Debug, Clone)]
pub struct Import {
    /// Target resource address expression.
    pub to: Expr,
    /// The cloud ID expression.
    pub id: Expr,
    /// `provider`, if given.
    pub provider: Option<(String, Option<String>)>,
    /// The block's range.
    pub range: Range,
}

/// `check "NAME" { data ... assert { } }`.
#[derive(Debug, Clone)]
pub struct Check {
    /// Name.
    pub name: String,
    /// A scoped data source, if any.
    pub data: Option<Resource>,
    /// `assert` blocks.
    pub asserts: Vec<CheckRule>,
    /// The block header's range.
    pub range: Range,
}
