//! Planning: refresh prior state, walk the configuration graph, and decide each resource
//! instance's action.

pub(crate) mod adopt;
mod changes;
pub(crate) mod migrate;
mod moves;
pub(crate) mod resource;
pub(crate) mod run;

pub use migrate::{cloud_name, data_note, is_migration};
pub use run::{plan, plan_owned};

use crate::addrs::{InstanceAddr, ProviderConfig, ProviderSource};
use crate::state::State;
use autostack_lang::Value;
use autostack_provider_sdk::AttrPath;
use std::collections::BTreeMap;

/// What will happen to one resource instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Nothing.
    NoOp,
    /// Create a new object.
    Create,
    /// Read a data source during apply.
    Read,
    /// Update in place.
    Update,
    /// Destroy, then create the replacement.
    DeleteThenCreate,
    /// Create the replacement, then destroy the old object (`create_before_destroy`).
    CreateThenDelete,
    /// Destroy.
    Delete,
    /// Move a portable resource to another cloud: create on the new cloud, copy its data,
    /// switch references, delete on the old one (see [`Migration`]).
    Migrate,
}

impl Action {
    /// Terraform's plan symbol (`+`, `~`, `-/+`, ...).
    pub fn symbol(self) -> &'static str {
        match self {
            Action::NoOp => " ",
            Action::Create => "+",
            Action::Read => "<=",
            Action::Update => "~",
            Action::DeleteThenCreate => "-/+",
            Action::CreateThenDelete => "+/-",
            Action::Delete => "-",
            Action::Migrate => "~>",
        }
    }

    /// Terraform's JSON `actions` list.
    pub fn json_actions(self) -> &'static [&'static str] {
        match self {
            Action::NoOp => &["no-op"],
            Action::Create => &["create"],
            Action::Read => &["read"],
            Action::Update => &["update"],
            Action::DeleteThenCreate => &["delete", "create"],
            Action::CreateThenDelete => &["create", "delete"],
            Action::Delete => &["delete"],
            // Terraform's JSON knows no migrate: it is the create-then-delete it amounts to
            // (the detail goes in the change's added `migration` field).
            Action::Migrate => &["create", "delete"],
        }
    }

    /// True for both replacement orders.
    pub fn is_replace(self) -> bool {
        matches!(self, Action::DeleteThenCreate | Action::CreateThenDelete)
    }
}

/// Why an action was chosen, when Terraform says so in the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// The object was tainted.
    Tainted,
    /// `-replace` asked for it.
    ReplaceByRequest,
    /// `replace_triggered_by` fired.
    ReplaceByTriggers,
    /// A force-new attribute changed.
    CannotUpdate,
    /// The resource is no longer in the configuration.
    NoResourceConfig,
    /// A count index beyond the new count.
    CountIndex,
    /// A for_each key no longer present.
    EachKey,
    /// `-destroy`.
    DestroyMode,
    /// A data source whose configuration is unknown until apply.
    ConfigUnknown,
    /// A data source depending on resources with changes.
    DependencyPending,
}

/// How a portable instance moves between clouds: which provider its old object is on and
/// where the move stands (see [`Action::Migrate`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Migration {
    /// The root provider configuration the old object is on (as its state records it).
    pub from: ProviderConfig,
    /// That provider's source (`registry.terraform.io/hashicorp/aws`).
    pub from_source: ProviderSource,
    /// The deposed key the old object has in state while the move runs (given at plan time,
    /// so a saved plan and a resumed apply name the same object).
    pub deposed_key: String,
    /// True when the old object is already deposed: an earlier apply started the move.
    pub resumed: bool,
    /// True when the new side's object already exists (created by that earlier apply).
    pub created: bool,
}

/// The planned change of one resource instance.
#[derive(Debug, Clone)]
pub struct ResourceChange {
    /// The instance.
    pub addr: InstanceAddr,
    /// Its previous address when a `moved` block renamed it.
    pub prev_addr: Option<Box<InstanceAddr>>,
    /// Root provider configuration (`aws`, `aws.east`).
    pub provider: ProviderConfig,
    /// Provider source (`registry.terraform.io/hashicorp/aws`).
    pub provider_source: std::sync::Arc<ProviderSource>,
    /// The action.
    pub action: Action,
    /// Why, when it matters.
    pub reason: Option<Reason>,
    /// Prior state (`None` on create).
    pub before: Option<Value>,
    /// Planned state (`None` on delete).
    pub after: Option<Value>,
    /// Paths whose change forces replacement.
    pub requires_replace: Vec<AttrPath>,
    /// Resources this instance depends on (recorded in state); one list shared by the
    /// resource's instances and their state objects.
    pub dependencies: std::sync::Arc<[String]>,
    /// `create_before_destroy`.
    pub create_before_destroy: bool,
    /// Being imported with this ID.
    pub importing: Option<String>,
    /// Schema version of the resource type.
    pub schema_version: u64,
    /// The provider-private data the plan produced (base64, as in the state).
    pub planned_private: Option<String>,
    /// The move to another cloud, for [`Action::Migrate`].
    pub migration: Option<Box<Migration>>,
    /// The deposed key of the object a delete is about (`None`: the current object).
    pub deposed: Option<String>,
}

/// A root output's planned value.
#[derive(Debug, Clone)]
pub struct OutputChange {
    /// Value in prior state.
    pub before: Option<Value>,
    /// Planned value (may be unknown).
    pub after: Option<Value>,
    /// Declared sensitive.
    pub sensitive: bool,
}

/// Normal, destroy or refresh-only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PlanMode {
    /// Converge to the configuration.
    #[default]
    Normal,
    /// Destroy everything.
    Destroy,
    /// Only update state to match reality.
    RefreshOnly,
}

/// Options of a plan.
#[derive(Debug, Clone, Default)]
pub struct PlanOptions {
    /// The mode.
    pub mode: PlanMode,
    /// Skip reading current state from providers.
    pub skip_refresh: bool,
    /// `-target` addresses (resource or instance, as written).
    pub targets: Vec<String>,
    /// `-replace` instance addresses.
    pub replace: Vec<InstanceAddr>,
}

/// A complete plan.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The mode it was made in.
    pub mode: PlanMode,
    /// Per-instance changes, in address order (no-ops included). Boxed: the planner files
    /// each change in an address-ordered map as it goes, and the plan takes them over without
    /// copying (a second copy of every record was a tenth of a large plan's memory).
    pub changes: Vec<Box<ResourceChange>>,
    /// Changes made outside AutoStack since the last apply (refresh found them).
    pub drift: Vec<ResourceChange>,
    /// Root outputs.
    pub outputs: BTreeMap<String, OutputChange>,
    /// The state the plan was made against, after refresh and moves.
    pub prior: State,
    /// The serial and lineage of the stored state the plan started from.
    pub base_serial: u64,
    /// Lineage of that state.
    pub base_lineage: String,
    /// Root input variable values.
    pub variables: BTreeMap<String, Value>,
    /// Warnings found while planning (failed `check` assertions, ...).
    pub warnings: autostack_lang::Diagnostics,
    /// The provider-function calls made while planning, which apply must agree with.
    pub function_results: Vec<crate::functions::FunctionResultHash>,
}

impl Plan {
    /// Instances moving to another cloud (counted apart from adds and destroys, as
    /// Terraform counts `forget`s apart).
    pub fn migrations(&self) -> usize {
        (self.changes.iter())
            .filter(|c| c.action == Action::Migrate)
            .count()
    }

    /// `(to import, to add, to change, to destroy)` counts as in Terraform's summary.
    pub fn counts(&self) -> (usize, usize, usize, usize) {
        let (mut imp, mut add, mut change, mut destroy) = (0, 0, 0, 0);
        for c in &self.changes {
            if c.importing.is_some() {
                imp += 1;
            }
            match c.action {
                Action::Create => add += 1,
                Action::Update => change += 1,
                Action::Delete => destroy += 1,
                Action::DeleteThenCreate | Action::CreateThenDelete => {
                    add += 1;
                    destroy += 1;
                }
                Action::NoOp | Action::Read | Action::Migrate => {}
            }
        }
        (imp, add, change, destroy)
    }

    /// True when applying would change infrastructure or outputs.
    pub fn has_changes(&self) -> bool {
        self.changes
            .iter()
            .any(|c| !matches!(c.action, Action::NoOp | Action::Read))
            || self
                .changes
                .iter()
                .any(|c| c.importing.is_some() || c.prev_addr.is_some())
            || self.outputs_changed()
            || (self.mode == PlanMode::RefreshOnly && !self.drift.is_empty())
    }

    /// True when some root output changes.
    pub fn outputs_changed(&self) -> bool {
        self.outputs.values().any(|o| match (&o.before, &o.after) {
            (Some(b), Some(a)) => autostack_provider_sdk::differs(b, a),
            (None, None) => false,
            _ => true,
        })
    }
}
