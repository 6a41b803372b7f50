//! Terraform resolves every reference of an expression before evaluating it (the objects of
//! `lang.Scope.EvalContext`), so a reference to something undeclared is an error even where
//! evaluation would never reach it or would swallow the failure: inside `try` and `can`, in
//! the branch a conditional does not take, in the body of a `for` over an empty collection.

use super::Evaluator;
use crate::diag::Diagnostics;
use crate::syntax::{Expr, ExprKind, TemplatePart};

impl Evaluator<'_> {
    /// Resolves the root of every reference in `e` (names bound by `for` expressions and by
    /// the evaluator's frames excepted) and returns every failure, as Terraform reports them.
    pub(super) fn check_references(&self, e: &Expr) -> Result<(), Diagnostics> {
        let mut diags = Diagnostics::new();
        e.visit_traversals(&mut |t| {
            if self.frames.iter().any(|(n, _)| *n == t.root) {
                return;
            }
            if let Err(d) = self.scope.resolve(t) {
                diags.push(d);
            }
        });
        diags.into_result(())
    }
}

/// True when evaluating `e` may skip or swallow the failure of a reference: only then does
/// the up-front check find anything evaluation itself would not report.
pub(super) fn may_hide_errors(e: &Expr) -> bool {
    let mut found = false;
    e.walk(&mut |x| {
        found |= match &x.kind {
            ExprKind::Call { name, .. } => name == "try" || name == "can",
            ExprKind::Conditional(..) | ExprKind::For(_) => true,
            ExprKind::Template(parts) => parts
                .iter()
                .any(|p| matches!(p, TemplatePart::If { .. } | TemplatePart::For { .. })),
            _ => false,
        };
    });
    found
}
