//! File functions, templatefile and the impure functions, on files made in a temp dir.

use crate::diag::SourceFile;
use crate::eval::{Evaluator, MapScope};
use crate::functions::Functions;
use crate::syntax::parse_expr;
use crate::value::format_value;

fn eval_in(dir: &std::path::Path, expr: &str, plan: bool) -> Result<String, String> {
    let f = SourceFile::new("t", expr.to_string());
    let e = parse_expr(&f).map_err(|d| d.to_string())?;
    let funcs = Functions::standard();
    let scope = MapScope::default();
    let mut ev = Evaluator::new(&scope, &funcs, dir.to_path_buf()).plan_mode(plan);
    ev.eval(&e).map(|v| format_value(&v, 0)).map_err(|d| {
        d.iter()
            .map(|x| x.detail.clone())
            .collect::<Vec<_>>()
            .join("; ")
    })
}

#[test]
fn file_functions_read_relative_to_the_base_dir() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("hello.txt"), "hello").unwrap();
    std::fs::create_dir_all(d.path().join("sub/deep")).unwrap();
    std::fs::write(d.path().join("sub/a.tf"), "").unwrap();
    std::fs::write(d.path().join("sub/deep/b.tf"), "").unwrap();
    std::fs::write(d.path().join("sub/c.txt"), "").unwrap();
    std::fs::write(d.path().join("bin"), [0xff, 0xfe]).unwrap();
    let p = d.path();
    assert_eq!(
        eval_in(p, "file(\"hello.txt\")", false).unwrap(),
        "\"hello\""
    );
    assert_eq!(
        eval_in(p, "filemd5(\"hello.txt\")", false).unwrap(),
        "\"5d41402abc4b2a76b9719d911017c592\""
    );
    assert_eq!(
        eval_in(p, "filebase64sha256(\"hello.txt\")", false).unwrap(),
        "\"LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=\""
    );
    assert_eq!(
        eval_in(p, "filebase64(\"bin\")", false).unwrap(),
        "\"//4=\""
    );
    assert_eq!(
        eval_in(p, "fileexists(\"hello.txt\")", false).unwrap(),
        "true"
    );
    assert_eq!(
        eval_in(p, "fileexists(\"nope.txt\")", false).unwrap(),
        "false"
    );
    assert_eq!(
        eval_in(p, "fileset(\"sub\", \"**/*.tf\")", false).unwrap(),
        "toset([\n  \"a.tf\",\n  \"deep/b.tf\",\n])"
    );
    assert_eq!(
        eval_in(p, "fileset(\"sub\", \"*.tf\")", false).unwrap(),
        "toset([\n  \"a.tf\",\n])"
    );
    let missing = eval_in(p, "file(\"nope.txt\")", false).unwrap_err();
    assert!(
        missing.contains("no file exists at \"nope.txt\""),
        "{missing}"
    );
    let binary = eval_in(p, "file(\"bin\")", false).unwrap_err();
    assert!(binary.contains("are not valid UTF-8"), "{binary}");
}

#[test]
fn templatefile_renders_with_only_its_vars() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("t.tftpl"),
        "Hello, ${name}!\n%{ for x in items ~}\n- ${upper(x)}\n%{ endfor ~}\n",
    )
    .unwrap();
    std::fs::write(d.path().join("bad.tftpl"), "${missing}").unwrap();
    std::fs::write(
        d.path().join("rec.tftpl"),
        "${templatefile(\"t.tftpl\", {})}",
    )
    .unwrap();
    let p = d.path();
    assert_eq!(
        eval_in(
            p,
            "templatefile(\"t.tftpl\", { name = \"you\", items = [\"a\", \"b\"] })",
            false
        )
        .unwrap(),
        "<<EOT\nHello, you!\n- A\n- B\n\nEOT"
    );
    let err = eval_in(p, "templatefile(\"bad.tftpl\", {})", false).unwrap_err();
    assert!(
        err.contains("vars map does not contain key \"missing\""),
        "{err}"
    );
    assert!(eval_in(p, "templatefile(\"rec.tftpl\", {})", false)
        .unwrap_err()
        .contains("templatefile"));
    assert!(eval_in(p, "templatefile(\"t.tftpl\", \"x\")", false)
        .unwrap_err()
        .contains("must be a map"));
}

#[test]
fn impure_functions_are_unknown_during_plan() {
    let p = std::env::temp_dir();
    for f in ["uuid()", "timestamp()", "bcrypt(\"x\")"] {
        assert_eq!(eval_in(&p, f, true).unwrap(), "(known after apply)", "{f}");
    }
    let u = eval_in(&p, "uuid()", false).unwrap();
    assert_eq!(u.len(), 38, "{u}");
    let t = eval_in(&p, "timestamp()", false).unwrap();
    assert!(t.ends_with("Z\"") && t.len() == 22, "{t}");
    let h = eval_in(&p, "bcrypt(\"secret\", 4)", false).unwrap();
    let h = h.trim_matches('"');
    assert!(h.starts_with("$2a$04$"), "{h}");
    assert!(bcrypt::verify("secret", h).unwrap());
}

#[test]
fn the_library_has_terraforms_functions() {
    let names = Functions::standard().names();
    for want in [
        "format",
        "regex",
        "replace",
        "jsonencode",
        "yamldecode",
        "templatefile",
        "cidrsubnets",
        "formatdate",
        "bcrypt",
        "tolist",
        "sensitive",
        "issensitive",
        "setproduct",
        "zipmap",
    ] {
        assert!(names.contains(&want), "missing {want}");
    }
    // `try`, `can` and `type` are evaluator forms, not table entries.
    assert!(
        names.len() + 3 >= 110,
        "only {} functions: {names:?}",
        names.len()
    );
}
