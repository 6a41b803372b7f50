//! `provider` blocks of `autostack.hcl`: concurrency per configuration (alias included) and
//! the implementation choice, with located errors for bad values.

use autostack_cost::policy::ProviderSettings;
use autostack_cost::{CostError, PolicySet};

#[test]
fn provider_blocks_set_concurrency_per_configuration() {
    let text = "budget \"b\" {\n  amount = 5\n}\nprovider \"aws\" {\n  concurrency = 20\n}\nprovider \"aws\" {\n  alias       = \"west\"\n  concurrency = 4\n}\nprovider \"google\" {\n  implementation = \"plugin\"\n}\n";
    let set = PolicySet::parse("autostack.hcl", text).unwrap();
    assert_eq!(set.budgets.len(), 1);
    assert_eq!(
        set.providers,
        vec![
            ProviderSettings {
                name: "aws".into(),
                concurrency: Some(20),
                ..ProviderSettings::default()
            },
            ProviderSettings {
                name: "aws".into(),
                alias: Some("west".into()),
                concurrency: Some(4),
                ..ProviderSettings::default()
            },
            ProviderSettings {
                name: "google".into(),
                implementation: Some("plugin".into()),
                ..ProviderSettings::default()
            },
        ]
    );
    assert_eq!(set.concurrency("aws", None), Some(20));
    assert_eq!(set.concurrency("aws", Some("west")), Some(4));
    // An alias without a block of its own takes the default configuration's limit.
    assert_eq!(set.concurrency("aws", Some("east")), Some(20));
    assert_eq!(set.concurrency("google", None), None);
    assert_eq!(set.concurrency("azurerm", None), None);
    assert_eq!(set.providers[1].address(), "aws.west");
}

#[test]
fn nested_unclosed_braces_are_an_error_at_once() {
    // Found by the `policy` fuzz target: hcl-edit backtracked for over a minute on this shape.
    let text = "# x\n".to_string() + &"  O = 250* 250* {\n ! {\n".repeat(22);
    let start = std::time::Instant::now();
    let e = PolicySet::parse("autostack.hcl", &text).unwrap_err();
    assert!(start.elapsed().as_secs() < 5, "{:?}", start.elapsed());
    assert!(
        e.to_string().contains("Unclosed configuration block"),
        "{e}"
    );
    // Brackets inside strings and comments do not count.
    let ok = "# {\n// (\n/* [ */\nbudget \"b\" {\n  amount = 5\n  tags = { t = \"{\\\"\" }\n}\n";
    PolicySet::parse("autostack.hcl", ok).unwrap();
}

#[test]
fn unclosed_interpolations_and_heredocs_are_an_error_at_once() {
    // All found by the `policy` fuzz target: hcl-edit took 20 s on the first, over ten
    // minutes on the second (an unterminated heredoc with NULs after it), over 30 s on
    // the third (unclosed braces inside a heredoc's interpolations) on the fourth (a
    // block comment that never closes) and on the fifth (a `%{if}` left open in a string), and the sixth nests operators' bracketed
    // operands 19 deep in invalid text (hcl-edit's work doubles per level); in the seventh,
    // hcl-edit ends a heredoc at a line that merely starts with its marker.
    let cases: [(&[u8], &str); 7] = [
        (
            include_bytes!("../../../tests/fuzz/corpus/policy/regress-unclosed-interpolation"),
            "Unclosed configuration block",
        ),
        (
            include_bytes!("../../../tests/fuzz/corpus/policy/regress-unterminated-heredoc"),
            "Unterminated template string",
        ),
        (
            include_bytes!("../../../tests/fuzz/corpus/policy/regress-heredoc-interpolation"),
            "Unterminated template string",
        ),
        (
            include_bytes!("../../../tests/fuzz/corpus/policy/regress-unterminated-comment"),
            "invalid HCL",
        ),
        (
            include_bytes!("../../../tests/fuzz/corpus/policy/regress-open-directive"),
            "Unexpected end of template",
        ),
        (
            include_bytes!("../../../tests/fuzz/corpus/policy/regress-operand-nesting"),
            "Expression too complex",
        ),
        (
            include_bytes!("../../../tests/fuzz/corpus/policy/regress-heredoc-marker-prefix"),
            "invalid HCL",
        ),
    ];
    for (bytes, msg) in cases {
        let text = std::str::from_utf8(bytes).unwrap();
        let start = std::time::Instant::now();
        let e = PolicySet::parse("autostack.hcl", text).unwrap_err();
        assert!(start.elapsed().as_secs() < 2, "{:?}", start.elapsed());
        assert!(e.to_string().contains(msg), "{e}");
    }
}

#[test]
fn bad_provider_settings_name_file_line_and_column() {
    #[rustfmt::skip]
    let cases = [
        ("provider \"aws\" {\n  concurrency = 0\n}\n", 2, 17, "concurrency must be a whole number from 1 to 10000"),
        ("provider \"aws\" {\n  concurrency = -3\n}\n", 2, 17, "concurrency must be a whole number"),
        ("provider \"aws\" {\n  concurrency = 2.5\n}\n", 2, 17, "concurrency must be a whole number"),
        ("provider \"aws\" {\n  concurrency = \"20\"\n}\n", 2, 17, "concurrency must be a whole number"),
        ("provider \"aws\" {\n  concurrency = 10001\n}\n", 2, 17, "concurrency must be a whole number"),
        ("provider \"aws\" {\n  concurrency = var.n\n}\n", 2, 17, "concurrency must be a whole number"),
        ("provider \"aws\" {\n  concurency = 5\n}\n", 2, 16, "unknown argument \"concurency\""),
        ("provider \"aws\" {\n  alias = 3\n}\n", 2, 11, "alias must be a name"),
        ("provider \"aws\" {\n  alias = \"we st\"\n}\n", 2, 11, "alias must be a name"),
        ("provider \"aws\" {\n  implementation = \"both\"\n}\n", 2, 20, "implementation must be"),
        ("provider \"aws.west\" {\n  concurrency = 2\n}\n", 1, 1, "alias = \"west\""),
        ("provider {\n  concurrency = 2\n}\n", 1, 1, "exactly one name label"),
        ("provider \"aws\" {\n  concurrency = 2\n}\nprovider \"aws\" {\n  concurrency = 3\n}\n", 4, 1, "duplicate provider \"aws\""),
        ("provider \"aws\" {\n  alias = \"w\"\n}\nprovider \"aws\" {\n  alias = \"w\"\n}\n", 4, 1, "duplicate provider \"aws.w\""),
        ("provider \"aws\" {\n  endpoints {}\n}\n", 2, 3, "unexpected block \"endpoints\""),
        ("provider \"aws\" {\n  concurrency = 2\n", 1, 16, "Unclosed configuration block"),
    ];
    for (text, line, col, msg) in cases {
        let e = PolicySet::parse("autostack.hcl", text).unwrap_err();
        let CostError::Policy {
            line: l,
            column,
            message,
            ..
        } = &e
        else {
            panic!("{e}")
        };
        assert!(message.contains(msg), "{text:?}: {e}");
        assert_eq!((*l, *column), (line, col), "{text:?}: {e}");
    }
}
