//! Diagnostics: errors and warnings located in source files, rendered like Terraform's.
//!
//! The types themselves live in `autostack-value` (providers report them without this crate);
//! this module adds the source files they point into and the renderers.

mod render;
mod source;

pub use autostack_value::diag::{did_you_mean, Diagnostic, Diagnostics, Pos, Range, Severity};
pub use render::{render_human, render_json, RenderOptions};
pub use source::{BlockHeader, SourceFile, Sources};
