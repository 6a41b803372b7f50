//! Diagnostics: errors and warnings with the source range they are about, as every stage
//! reports them (rendering lives with the source files, in the language front end).

use serde::Serialize;
use std::fmt;
use std::sync::Arc;

/// A position in a source file: 1-based line and column (in characters), 0-based byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
pub struct Pos {
    /// 1-based line number.
    pub line: u32,
    /// 1-based column, counted in Unicode scalar values as Terraform does.
    pub column: u32,
    /// 0-based byte offset into the file.
    pub byte: usize,
}

/// A half-open range of source text in one file.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Default)]
pub struct Range {
    /// File name as the user gave it (relative to the working directory where possible).
    pub filename: Arc<str>,
    /// First position covered.
    pub start: Pos,
    /// First position after the range.
    pub end: Pos,
}

impl Range {
    /// A range that covers both `self` and `other` (which must be in the same file).
    pub fn to(&self, other: &Range) -> Range {
        Range {
            filename: self.filename.clone(),
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

impl fmt::Display for Range {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}",
            self.filename, self.start.line, self.start.column
        )
    }
}

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The operation cannot continue.
    Error,
    /// Worth telling the user; the operation continues.
    Warning,
}

/// One error or warning with its location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// One-line summary, e.g. "Unsupported argument".
    pub summary: String,
    /// Longer explanation; may be empty.
    pub detail: String,
    /// The source range the diagnostic is about, if any.
    pub subject: Option<Range>,
    /// A wider range giving context (e.g. the whole expression), if any.
    pub context: Option<Range>,
    /// The expression this diagnostic is about, rendered as `name = value` lines under the excerpt.
    pub expression_values: Vec<(String, String)>,
    /// The resource instance it is about (`with ADDR,` above the excerpt), if any.
    pub address: Option<String>,
}

impl Diagnostic {
    /// An error with a summary and detail at a location.
    pub fn error(
        summary: impl Into<String>,
        detail: impl Into<String>,
        subject: Option<Range>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Error,
            summary: summary.into(),
            detail: detail.into(),
            subject,
            context: None,
            expression_values: Vec::new(),
            address: None,
        }
    }

    /// A warning with a summary and detail at a location.
    pub fn warning(
        summary: impl Into<String>,
        detail: impl Into<String>,
        subject: Option<Range>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(summary, detail, subject)
        }
    }

    /// Sets the subject range when none is set yet.
    pub fn or_at(mut self, range: &Range) -> Self {
        if self.subject.is_none() {
            self.subject = Some(range.clone());
        }
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "Error",
            Severity::Warning => "Warning",
        };
        if let Some(r) = &self.subject {
            write!(f, "{r}: ")?;
        }
        write!(f, "{sev}: {}", self.summary)?;
        if !self.detail.is_empty() {
            write!(f, "; {}", self.detail)?;
        }
        Ok(())
    }
}

/// An ordered collection of diagnostics.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// An empty collection.
    pub fn new() -> Self {
        Diagnostics(Vec::new())
    }

    /// Appends one diagnostic.
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    /// Appends all diagnostics of `other`.
    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    /// True when at least one diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    /// True when there are no diagnostics at all.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Number of diagnostics.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Iterates over the diagnostics.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }

    /// Number of warnings.
    pub fn warning_count(&self) -> usize {
        self.0.len() - self.error_count()
    }

    /// Keeps `value` and moves the diagnostics of a `Result` into `self`.
    pub fn take<T>(&mut self, r: Result<T, Diagnostics>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(d) => {
                self.extend(d);
                None
            }
        }
    }

    /// `Err(self)` when there are errors, else `Ok(value)`.
    pub fn into_result<T>(self, value: T) -> Result<T, Diagnostics> {
        if self.has_errors() {
            Err(self)
        } else {
            Ok(value)
        }
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

/// The suggestion Terraform appends to misspellings (` Did you mean "x"?`), or "".
///
/// Like Terraform's `didyoumean.NameSuggestion`: the first candidate within edit distance 2.
pub fn did_you_mean<'a>(given: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    candidates
        .into_iter()
        .find(|c| strsim::levenshtein(given, c) < 3)
        .map(|c| format!(" Did you mean \"{c}\"?"))
        .unwrap_or_default()
}
