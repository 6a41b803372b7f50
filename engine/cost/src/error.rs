//! Errors for bad input: every variant names where the problem is.

use std::fmt;

/// An error reading a catalog, usage file, policy file or plan document.
#[derive(Debug, Clone, PartialEq)]
pub enum CostError {
    /// A catalog CSV row is malformed; `line` is the 1-based line in `file`.
    Catalog {
        /// File name (or `embedded:aws.csv`).
        file: String,
        /// 1-based line number.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// A usage file (YAML) is malformed.
    Usage {
        /// File name.
        file: String,
        /// 1-based line (0 when the parser gave no position).
        line: usize,
        /// 1-based column (0 when the parser gave no position).
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// `autostack.hcl` is malformed or has an invalid budget/policy.
    Policy {
        /// File name.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A Terraform JSON plan document is malformed; `path` is a JSON path such as `resource_changes[3].change`.
    PlanJson {
        /// File name.
        file: String,
        /// JSON path or `line:column` of the problem.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A file could not be read.
    Io {
        /// File name.
        file: String,
        /// The operating system's message.
        message: String,
    },
}

impl fmt::Display for CostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CostError::Catalog {
                file,
                line,
                message,
            } => write!(f, "{file}:{line}: invalid price catalog: {message}"),
            CostError::Usage {
                file,
                line,
                column,
                message,
            } => write!(f, "{file}:{line}:{column}: invalid usage file: {message}"),
            CostError::Policy {
                file,
                line,
                column,
                message,
            } => write!(f, "{file}:{line}:{column}: {message}"),
            CostError::PlanJson {
                file,
                path,
                message,
            } => write!(f, "{file}: {path}: invalid plan JSON: {message}"),
            CostError::Io { file, message } => write!(f, "{file}: {message}"),
        }
    }
}

impl std::error::Error for CostError {}

/// Reads a whole file, mapping the failure to [`CostError::Io`].
pub(crate) fn read_file(path: &std::path::Path) -> Result<String, CostError> {
    std::fs::read_to_string(path).map_err(|e| CostError::Io {
        file: path.display().to_string(),
        message: e.to_string(),
    })
}
