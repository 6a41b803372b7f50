//! The progress meter of long commands: on stderr, after a while, never on stdout.

mod common;

use common::Work;
use std::fmt::Write;

/// A configuration of `n` chained `terraform_data` resources.
fn chain(n: usize) -> String {
    let mut s = String::from("resource \"terraform_data\" \"r0\" {\n  input = \"x\"\n}\n");
    for i in 1..n {
        let _ = writeln!(
            s,
            "resource \"terraform_data\" \"r{i}\" {{\n  input = terraform_data.r{}.output\n}}",
            i - 1
        );
    }
    s
}

#[test]
fn a_long_plan_reports_its_phase_on_stderr_and_leaves_stdout_alone() {
    let w = Work::new(&[("main.tf", &chain(300))]);
    let quiet = w
        .run_env(
            &["plan", "-no-color"],
            &[("AUTOSTACK_PROGRESS_AFTER_MS", "600000")],
        )
        .expect(0);
    // Shown at once: the first tick writes the phase and counts.
    let shown = w
        .run_env(
            &["plan", "-no-color"],
            &[("AUTOSTACK_PROGRESS_AFTER_MS", "0")],
        )
        .expect(0);
    assert_eq!(shown.stdout(), quiet.stdout());
    let err = shown.stderr();
    let line = err.lines().next().unwrap_or_default();
    assert!(
        line.ends_with("s elapsed]")
            && [
                "Loading configuration...",
                "Reading state...",
                "Planning..."
            ]
            .iter()
            .any(|p| line.starts_with(p)),
        "{err}"
    );
    // Work that ends before the meter is due shows nothing, and -json never does.
    assert!(!quiet.stderr().contains("elapsed]"), "{}", quiet.stderr());
    let json = w
        .run_env(&["plan", "-json"], &[("AUTOSTACK_PROGRESS_AFTER_MS", "0")])
        .expect(0);
    assert!(json.stderr().is_empty(), "{}", json.stderr());
}
