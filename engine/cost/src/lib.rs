#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![warn(missing_docs)]

mod attrs;
pub mod catalog;
mod equiv;
mod error;
mod estimate;
mod hints;
pub mod history;
pub mod history_render;
pub mod model;
pub mod plan_json;
pub mod policy;
mod price;
pub mod regions;
pub mod report;
pub mod sizing;
pub mod usage;
mod util;

pub use catalog::{Catalog, Cloud};
pub use equiv::{
    compute_equivalent, disk_class_label, disk_type_equivalent, disk_type_for_class, ComputeMatch,
};
pub use error::CostError;
pub use estimate::{is_inert, reads_values, Estimator};
pub use model::{Action, Mode, PlanInput, ProviderConfig, ResourceChange, Setting};
pub use plan_json::{load_plan_json, parse_plan_json};
pub use policy::{PolicySet, Violation};
pub use report::{GroupBy, Report};
pub use usage::Usage;
pub use util::{fmt_delta, fmt_usd};

/// Hours in a month for hourly prices (AWS, Azure and GCP all bill on 730).
pub const HOURS_PER_MONTH: f64 = 730.0;

/// Exit code of `autostack cost` / `plan` when a budget or policy is broken
/// (distinct from 1 = error and 2 = changes present with `-detailed-exitcode`).
pub const EXIT_POLICY_VIOLATION: i32 = 3;
