//! The errors of references to Terraform's built-in objects (`count`, `each`, `path`,
//! `terraform`, `self`) used where they do not exist, worded as Terraform words them; every
//! scope (the language's and the engine's) reports them through these.

use crate::diag::{did_you_mean, Diagnostic, Range};

/// `count.index` outside a counted block.
pub fn count_outside_count(range: Range) -> Diagnostic {
    Diagnostic::error("Reference to \"count\" in non-counted context", "The \"count\" object can only be used in \"module\", \"resource\", and \"data\" blocks, and only when the \"count\" argument is set.", Some(range))
}

/// `each.key` / `each.value` outside a `for_each` block.
pub fn each_outside_for_each(range: Range) -> Diagnostic {
    Diagnostic::error("Reference to \"each\" in context without for_each", "The \"each\" object can be used only in \"module\" or \"resource\" blocks, and only when the \"for_each\" argument is set.", Some(range))
}

/// `path.NAME` for a name other than `cwd`, `module`, `root`.
pub fn invalid_path_attr(name: &str, range: Range) -> Diagnostic {
    Diagnostic::error(
        "Invalid \"path\" attribute",
        format!(
            "The \"path\" object does not have an attribute named {name:?}.{}",
            did_you_mean(name, ["cwd", "module", "root"])
        ),
        Some(range),
    )
}

/// `terraform.NAME` for a name other than `workspace`.
pub fn invalid_terraform_attr(name: &str, range: Range) -> Diagnostic {
    Diagnostic::error("Invalid \"terraform\" attribute", format!("The \"terraform\" object does not have an attribute named {name:?}. The only supported attributes are terraform.workspace, the name of the currently-selected workspace, and terraform.applying, a boolean which is true only during apply."), Some(range))
}

/// `self` outside provisioners, connections and postconditions.
pub fn self_unavailable(range: Range) -> Diagnostic {
    Diagnostic::error("Invalid \"self\" reference", "The \"self\" object is not available in this context. This object can be used only in resource provisioner, connection, and postcondition blocks.", Some(range))
}
