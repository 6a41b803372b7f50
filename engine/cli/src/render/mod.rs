//! Human-readable rendering of plans in Terraform's notation.

pub mod diff;
pub mod drift;
pub mod migrate;
pub mod plan;
pub mod style;

pub use plan::{render_plan, summary_line, write_plan, RULE};
pub use style::Style;
