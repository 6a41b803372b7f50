//! Table-driven test helpers: evaluate an expression like `terraform console` and compare
//! the printed result (or the error detail, written as `error: <detail>`).

use crate::console::eval_line;

/// Asserts every `(expression, expected console output)` pair; reports all mismatches at once.
pub fn check_table(cases: &[(&str, &str)]) {
    let mut failures = Vec::new();
    for (expr, want) in cases {
        let got = match eval_line(expr) {
            Ok(s) => s,
            Err(d) => format!(
                "error: {}",
                d.iter()
                    .map(|d| d.detail.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        };
        if got != *want {
            failures.push(format!("  {expr}\n    want: {want}\n    got:  {got}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
