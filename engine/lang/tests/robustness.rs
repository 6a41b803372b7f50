//! Bad and extreme input never panics: located diagnostics or results.

use autostack_lang::config::load_module_tree;
use autostack_lang::console::eval_line;
use autostack_lang::diag::{SourceFile, Sources};
use autostack_lang::syntax::parse_file;

fn on_big_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(512 << 20)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("no panic")
}

fn errors_of(src: &str) -> Vec<String> {
    let f = SourceFile::new("main.tf", src.to_string());
    match parse_file(&f) {
        Ok(_) => Vec::new(),
        Err(d) => d
            .iter()
            .map(|d| {
                format!(
                    "{}:{}: {}",
                    d.subject.as_ref().map_or(0, |r| r.start.line),
                    d.subject.as_ref().map_or(0, |r| r.start.column),
                    d.summary
                )
            })
            .collect(),
    }
}

#[test]
fn syntax_errors_are_located() {
    for (src, line) in [
        ("a = {\n  b = 1\n", 1),
        ("a = \"unterminated\n", 1),
        ("resource \"x\" {\n  = 1\n}\n", 2),
        ("a = <<EOT\nno end\n", 1),
        ("x = [1, 2\ny = 3\n", 1),
    ] {
        let errs = errors_of(src);
        assert_eq!(errs.len(), 1, "{src:?}: {errs:?}");
        assert!(
            errs[0].starts_with(&format!("{line}:")),
            "{src:?}: {errs:?}"
        );
    }
}

#[test]
fn a_syntax_error_inside_a_multibyte_character_is_located_at_it() {
    // Found by the `hcl` fuzz target: the parser's error offset fell inside `ї` (2 bytes).
    let errs = errors_of("t is o\u{457}");
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(errs[0].starts_with("1:"), "{errs:?}");
    let errs = errors_of("a = 1\nb \u{1F600}\u{457} = 2\n");
    assert_eq!(errs.len(), 1, "{errs:?}");
}

#[test]
fn nested_unclosed_braces_are_reported_at_once() {
    // Found by the fuzz targets: hcl-edit backtracked for minutes on 676 bytes like these.
    let src = "# x\n".to_string() + &"  O = 250* 250* {\n ! {\n".repeat(22);
    let start = std::time::Instant::now();
    let errs = errors_of(&src);
    assert!(start.elapsed().as_secs() < 5, "{:?}", start.elapsed());
    assert_eq!(errs.len(), 1, "{errs:?}");
    // The innermost unclosed block, as Terraform reports it.
    assert_eq!(errs, vec!["45:4: Unclosed configuration block"]);
    let expr = "{a = [".repeat(40);
    let err = autostack_lang::console::eval_line(&expr).unwrap_err();
    assert!(start.elapsed().as_secs() < 5, "{:?}", start.elapsed());
    assert!(err.iter().next().unwrap().subject.is_some());
}

#[test]
fn thousand_levels_of_nesting_give_a_located_error() {
    // hcl-edit (like HCL) bounds nesting; deep input must be a diagnostic, never a crash.
    for (open, close) in [("(", ")"), ("[", "]"), ("{a=", "}")] {
        let expr = format!("{}1{}", open.repeat(1000), close.repeat(1000));
        let err = on_big_stack(move || {
            eval_line(&expr).map(|_| ()).map_err(|d| {
                d.iter()
                    .map(|x| (x.summary.clone(), x.subject.is_some()))
                    .collect::<Vec<_>>()
            })
        });
        let err = err.expect_err("too deep");
        assert!(err.iter().all(|(_, located)| *located), "{err:?}");
    }
    let shallow = format!("{}1{}", "(".repeat(40), ")".repeat(40));
    assert_eq!(eval_line(&shallow).unwrap(), "1");
}

#[test]
fn absurd_nesting_is_a_diagnostic_not_a_crash() {
    let expr = format!("{}1{}", "(".repeat(100_000), ")".repeat(100_000));
    let err = eval_line(&expr).unwrap_err();
    assert_eq!(err.iter().next().unwrap().summary, "Nesting too deep");
}

#[test]
fn ten_megabyte_single_line_parses() {
    let mut src = String::from("locals { big = \"");
    src.push_str(&"x".repeat(10 << 20));
    src.push_str("\" }\n");
    let f = SourceFile::new("big.tf", src);
    let start = std::time::Instant::now();
    let body = parse_file(&f).expect("parses");
    assert_eq!(body.blocks.len(), 1);
    assert!(
        start.elapsed().as_secs() < 20,
        "parsing 10 MB took {:?}",
        start.elapsed()
    );
}

#[test]
fn invalid_utf8_is_located() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf"), b"locals {\n  a = \"\xff\"\n}\n").unwrap();
    let sources = Sources::new();
    let (_, diags) = load_module_tree(dir.path(), &sources);
    let d = diags.iter().next().expect("a diagnostic");
    assert_eq!(d.summary, "Invalid character encoding");
    let r = d.subject.as_ref().unwrap();
    assert_eq!((r.start.line, r.start.column), (2, 8));
}

#[test]
fn semantic_errors_are_all_reported_in_one_pass() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        "locals {\n  a = nosuch(1)\n  b = var.missing\n  c = upper(1, 2)\n}\nbogus \"x\" {}\nvariable \"t\" {\n  type = strng\n}\nvariable \"v\" {}\nvariable \"v\" {}\n",
    )
    .unwrap();
    let sources = Sources::new();
    let (tree, mut diags) = load_module_tree(dir.path(), &sources);
    diags.extend(autostack_lang::config::validate::validate_tree(
        &tree,
        &autostack_lang::functions::Functions::standard(),
    ));
    let summaries: Vec<&str> = diags.iter().map(|d| d.summary.as_str()).collect();
    for want in [
        "Unsupported block type",
        "Invalid type specification",
        "Duplicate variable declaration",
        "Call to unknown function",
        "Reference to undeclared input variable",
        "Too many function arguments",
    ] {
        assert!(
            summaries.contains(&want),
            "missing {want:?} in {summaries:?}"
        );
    }
    assert!(
        diags.iter().all(|d| d.subject.is_some()),
        "every diagnostic is located"
    );
}

#[test]
fn local_cycles_name_the_cycle() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        "locals {\n  a = local.b\n  b = local.c\n  c = local.a\n}\n",
    )
    .unwrap();
    let sources = Sources::new();
    let (tree, _) = load_module_tree(dir.path(), &sources);
    let diags = autostack_lang::config::validate::validate_tree(
        &tree,
        &autostack_lang::functions::Functions::standard(),
    );
    let d = diags.iter().next().expect("cycle diagnostic");
    assert!(
        d.summary.contains("local.a")
            && d.summary.contains("local.b")
            && d.summary.contains("local.c"),
        "{}",
        d.summary
    );
}
