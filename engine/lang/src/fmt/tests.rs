//! Golden tests against `terraform fmt` (v1.11.4) outputs stored under `tests/fmt/cases`,
//! plus error, robustness and scaling checks.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::{format_source, FormatError};

fn cases_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fmt/cases")
}

/// Every `NAME.in` fixture with its expected `NAME.out`, sorted by name.
fn golden_cases() -> Vec<(String, String, String)> {
    let mut cases = Vec::new();
    for entry in std::fs::read_dir(cases_dir()).expect("fixture directory") {
        let path = entry.expect("fixture entry").path();
        if path.extension().is_some_and(|e| e == "in") {
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            let input = std::fs::read_to_string(&path).expect("fixture input");
            let output = std::fs::read_to_string(path.with_extension("out")).expect(&name);
            cases.push((name, input, output));
        }
    }
    cases.sort();
    cases
}

#[test]
fn fmt_golden_cases_match_terraform_and_are_idempotent() {
    let cases = golden_cases();
    assert!(cases.len() >= 40, "only {} golden cases", cases.len());
    let mut failures = Vec::new();
    for (name, input, expected) in &cases {
        match format_source(input) {
            Ok(got) if got == *expected => {}
            Ok(got) => failures.push(format!("{name}: got\n{got:?}\nwant\n{expected:?}")),
            Err(e) => failures.push(format!("{name}: unexpected error {e}")),
        }
        match format_source(expected) {
            Ok(again) if again == *expected => {}
            Ok(again) => failures.push(format!("{name}: not idempotent, second pass {again:?}")),
            Err(e) => failures.push(format!("{name}: formatted output rejected: {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Inputs `terraform fmt` refuses, with where we report the problem.
const ERROR_CASES: &[(&str, usize, usize, &str)] = &[
    ("a = \"unterminated\n", 1, 18, "multi-line string"),
    ("a = (1\n", 1, 5, "Unbalanced parentheses"),
    ("a = 1)\n", 1, 6, "Unbalanced"),
    ("a = [1)\n", 1, 7, "Unbalanced"),
    ("a = 1 }\n", 1, 7, "Missing newline after argument"),
    ("a =\n", 1, 4, "Invalid expression"),
    ("a = \"${}\"\n", 1, 8, "Invalid expression"),
    ("a 1\n", 1, 1, "Argument or block definition required"),
    ("= 1\n", 1, 1, "Argument or block definition required"),
    (
        "a {} b = 1\n",
        1,
        6,
        "Missing newline after block definition",
    ),
    ("a \"b\"\n", 1, 6, "Invalid block definition"),
    (
        "resource \"a\"\n\"b\" {\n}\n",
        1,
        13,
        "Invalid block definition",
    ),
    ("a {\n b = 1\n", 1, 3, "Unclosed configuration block"),
    ("a { b { } }\n", 1, 5, "single-line block"),
    (
        "r \"a\" \"b\" { a = 1\n b = 2\n}\n",
        1,
        18,
        "single-line block",
    ),
    ("a = <<EOT\nfoo\nEOT", 1, 5, "Unterminated template string"),
    (
        "a = <<EOT  \nfoo\nEOT\n",
        2,
        1,
        "Argument or block definition required",
    ),
    ("a = 1 /* foo\n", 1, 7, "Unterminated block comment"),
    ("a = ${x}\n", 1, 5, "Invalid character"),
    ("a =\u{a0}1\n", 1, 4, "Invalid character"),
    ("a = 1\rb = 2\n", 1, 6, "Invalid character"),
    ("a = 1\n\u{feff}b = 2\n", 2, 1, "Invalid character"),
    ("a \"\\q\" {}\n", 1, 4, "Invalid escape sequence"),
    ("a = \"\\q\"\n", 1, 6, "Invalid escape sequence"),
    (
        "a \"${b}\" {}\n",
        1,
        4,
        "template sequences are not allowed",
    ),
    ("foo = 1\nfoo = 2\n", 2, 1, "Attribute redefined"),
    ("b {\n  x = 2\n  x = 3\n}\n", 3, 3, "Attribute redefined"),
    (
        "[for x in [y]: x]\n",
        1,
        1,
        "Argument or block definition required",
    ),
    ("ü = \"日本\" + (\n", 1, 12, "Unbalanced parentheses"),
];

#[test]
fn fmt_rejects_what_terraform_rejects() {
    for &(input, line, column, fragment) in ERROR_CASES {
        let err = format_source(input).expect_err(input);
        assert_eq!((err.line, err.column), (line, column), "{input:?}: {err}");
        assert!(err.message.contains(fragment), "{input:?}: {err}");
    }
}

#[test]
fn fmt_error_display_has_position() {
    let err = FormatError {
        message: "Unbalanced parentheses".into(),
        line: 3,
        column: 7,
        first_definition: None,
    };
    assert_eq!(err.to_string(), "3:7: Unbalanced parentheses");
}

/// Every prefix of every fixture (many of them broken mid-token) must format or fail
/// cleanly, never panic; whatever formats must be stable, except where Terraform's own
/// output does not parse (an unwrapped `"${<<EOT ...}"`, see the test below).
#[test]
fn fmt_never_panics_on_truncated_input() {
    for (name, input, _) in golden_cases() {
        for (cut, _) in input.char_indices() {
            let prefix = &input[..cut];
            if let Ok(once) = format_source(prefix) {
                match format_source(&once) {
                    Ok(twice) => assert_eq!(twice, once, "{name} cut at {cut}"),
                    Err(e) => assert!(prefix.contains("${<<"), "{name} cut at {cut}: {e}"),
                }
            }
        }
    }
}

fn assert_quick(what: &str, started: Instant) {
    let took = started.elapsed();
    assert!(took < Duration::from_secs(60), "{what} took {took:?}");
}

#[test]
fn fmt_large_single_line_is_linear() {
    let input = format!("a=[{}]\n", "1,".repeat(5_000_000));
    assert!(input.len() > 10_000_000);
    let started = Instant::now();
    let out = format_source(&input).expect("formats");
    assert_quick("10 MB single line", started);
    assert_eq!(out.len(), input.len() + 2 + 5_000_000);
    assert!(out.starts_with("a = [1, 1, 1,"));
    assert!(out.ends_with("1, 1, ]\n"));
}

#[test]
fn fmt_deep_nesting_does_not_recurse() {
    let depth = 1_000_000;
    let input = format!("a = {}{}\n", "[".repeat(depth), "]".repeat(depth));
    let started = Instant::now();
    assert_eq!(format_source(&input).expect("formats"), input);
    let blocks = format!("{}{}", "b {\n".repeat(2_000), "}\n".repeat(2_000));
    let out = format_source(&blocks).expect("formats");
    assert!(out.contains(&format!("{}b {{\n", " ".repeat(2 * 1_999))));
    let unclosed = format!("a = \"{}\"\n", "${\"".repeat(depth));
    assert!(format_source(&unclosed).is_err());
    assert_quick("deep nesting", started);
}

/// Terraform splices the unwrapped tokens without re-lexing, so a heredoc followed by a
/// comment on its closing line stays a heredoc, even though the output no longer parses
/// (`terraform fmt` then refuses its own output, and so do we).
#[test]
fn fmt_unwrapped_heredoc_keeps_tokens_like_terraform() {
    let input = "a = \"${<<EOT\nfoo\nEOT\n}\" // cc\n";
    let out = format_source(input).expect("formats");
    assert_eq!(out, "a = <<EOT\nfoo\nEOT // cc\n");
    assert!(format_source(&out).is_err());
}
