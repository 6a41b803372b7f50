//! Table tests for the string functions; expected strings are `terraform console` (v1.11).

use crate::functions::testkit::check_table;
use crate::functions::{CallCtx, CallError, Functions};
use crate::value::{Type, Value};

fn call(name: &str, args: Vec<Value>) -> Result<Value, CallError> {
    let f = Functions::standard();
    let ctx = CallCtx {
        base_dir: ".".into(),
        functions: &f,
        plan_mode: false,
    };
    f.call(&ctx, name, args)
}

#[test]
fn string_functions() {
    check_table(&[
        (r#"chomp("hello\n")"#, r#""hello""#),
        (r#"chomp("hello\r\n")"#, r#""hello""#),
        (r#"chomp("hello\n\n\r\n\r")"#, r#""hello""#),
        (r#"chomp("hello\n\rx")"#, "<<EOT\nhello\n\u{d}x\nEOT"),
        (r#"chomp("\n")"#, r#""""#),
        (r#"chomp("a\r\r")"#, r#""a""#),
        (r#"chomp(1)"#, r#""1""#),
        (r#"endswith("hello world", "world")"#, r#"true"#),
        (r#"endswith("hello world", "hello")"#, r#"false"#),
        (r#"endswith("", "")"#, r#"true"#),
        (r#"endswith("a", "")"#, r#"true"#),
        (r#"startswith("hello world", "hello")"#, r#"true"#),
        (r#"startswith("hello world", "world")"#, r#"false"#),
        (r#"startswith("", "")"#, r#"true"#),
        (r#"startswith(1, 1)"#, r#"true"#),
        (r#"strcontains("hello world", "wor")"#, r#"true"#),
        (r#"strcontains("hello world", "wod")"#, r#"false"#),
        (r#"strcontains("a", "")"#, r#"true"#),
        (
            r#"strcontains(null, "a")"#,
            r#"error: Invalid value for "str" parameter: argument must not be null."#,
        ),
        (
            r#"indent(2, "[\n  foo,\n  bar,\n]\n")"#,
            "<<EOT\n[\n    foo,\n    bar,\n  ]\n  \nEOT",
        ),
        (r#"indent(0, "a\nb")"#, "<<EOT\na\nb\nEOT"),
        (
            r#"indent(1.5, "a\nb")"#,
            r#"error: Call to function "indent" failed: value must be a whole number, between -9223372036854775808 and 9223372036854775807."#,
        ),
        (r#"indent("3", "a\nb")"#, "<<EOT\na\n   b\nEOT"),
        (r#"indent(2, "")"#, r#""""#),
        (r#"join(", ", ["foo", "bar", "baz"])"#, r#""foo, bar, baz""#),
        (r#"join(", ", ["foo"])"#, r#""foo""#),
        (r#"join(", ", [])"#, r#""""#),
        (r#"join("-", ["a"], ["b", "c"])"#, r#""a-b-c""#),
        (
            r#"join("-")"#,
            r#"error: Call to function "join" failed: at least one list is required."#,
        ),
        (
            r#"join("-", ["a", null])"#,
            r#"error: Invalid value for "lists" parameter: element 1 is null; cannot concatenate null values."#,
        ),
        (
            r#"join("-", ["a"], ["b", null])"#,
            r#"error: Invalid value for "lists" parameter: element 1 of list 2 is null; cannot concatenate null values."#,
        ),
        (r#"join("-", [1, true])"#, r#""1-true""#),
        (
            r#"join("-", "a")"#,
            r#"error: Invalid value for "lists" parameter: list of string required."#,
        ),
        (r#"join("-", toset(["b", "a"]))"#, r#""a-b""#),
        (r#"lower("HELLO")"#, r#""hello""#),
        (r#"lower("ÀÉÎ")"#, r#""àéî""#),
        (r#"lower("İ")"#, r#""i""#),
        (r#"lower("ΣΑΣ")"#, r#""σασ""#),
        (r#"upper("ß")"#, r#""ß""#),
        (r#"upper("ǆ")"#, r#""Ǆ""#),
        (r#"upper("ᾀ")"#, r#""ᾈ""#),
        (r#"upper("ᾈ")"#, r#""ᾈ""#),
        (r#"upper("ა")"#, r#""Ა""#),
        (r#"upper("ﬀ")"#, r#""ﬀ""#),
        (r#"upper("straße")"#, r#""STRAßE""#),
        (r#"title("hello world")"#, r#""Hello World""#),
        (
            r#"title("hello_world foo-bar")"#,
            r#""Hello_world Foo-Bar""#,
        ),
        (r#"title("ǆemal")"#, r#""ǅemal""#),
        (r#"title("ßa")"#, r#""ßa""#),
        (r#"title("ᾀa")"#, r#""ᾈa""#),
        (r#"title("αβγ δ")"#, r#""Αβγ Δ""#),
        (r#"title("1st place")"#, r#""1st Place""#),
        (r#"title("o'neil mc.donald")"#, r#""O'Neil Mc.Donald""#),
        (r#"title("ა")"#, r#""ა""#),
        (r#"title("")"#, r#""""#),
        (r#"title("élan vital")"#, r#""Élan Vital""#),
        (r#"title("x\ty")"#, r#""X\tY""#),
        (r#"trim("?!hello?!", "!?")"#, r#""hello""#),
        (r#"trim("foobar", "")"#, r#""foobar""#),
        (r#"trim("  a  ", " ")"#, r#""a""#),
        (r#"trim("ééaéé", "é")"#, r#""a""#),
        (r#"trimprefix("helloworld", "hello")"#, r#""world""#),
        (r#"trimprefix("helloworld", "world")"#, r#""helloworld""#),
        (r#"trimprefix("aaa", "a")"#, r#""aa""#),
        (r#"trimsuffix("helloworld", "world")"#, r#""hello""#),
        (r#"trimsuffix("aaa", "a")"#, r#""aa""#),
        (r#"trimspace("  hello\n\t ")"#, r#""hello""#),
        (r#"trimspace("\u00a0a\u2003")"#, r#""a""#),
        (r#"trimspace("\u200ba")"#, r#""\u200ba""#),
        (r#"trimspace("\u0085a\u000b")"#, r#""a""#),
        (r#"trimspace("")"#, r#""""#),
        (r#"strrev("hello")"#, r#""olleh""#),
        (r#"strrev("a\u0301b")"#, r#""bá""#),
        (r#"strrev("🇩🇪🇫🇷")"#, r#""🇫🇷🇩🇪""#),
        (r#"strrev("")"#, r#""""#),
        (r#"strrev("👨‍👩‍👧x")"#, r#""x👨\u200d👩\u200d👧""#),
        (r#"substr("hello world", 1, 4)"#, r#""ello""#),
        (r#"substr("hello world", -5, 3)"#, r#""wor""#),
        (r#"substr("hello world", -5, -1)"#, r#""world""#),
        (r#"substr("hello world", 0, -1)"#, r#""hello world""#),
        (r#"substr("hello", 10, 2)"#, r#""""#),
        (r#"substr("hello", 5, 2)"#, r#""""#),
        (r#"substr("hello", 4, 10)"#, r#""o""#),
        (r#"substr("hello", -10, 2)"#, r#""he""#),
        (r#"substr("hello", -10, -1)"#, r#""hello""#),
        (r#"substr("hello", 2, 0)"#, r#""""#),
        (r#"substr("hello", 0, 0)"#, r#""""#),
        (r#"substr("hello", -2, 0)"#, r#""lo""#),
        (r#"substr("hello", 1, -5)"#, r#""ello""#),
        (r#"substr("héllo", 1, 1)"#, r#""é""#),
        (r#"substr("a\u0301bc", 0, 1)"#, r#""á""#),
        (
            r#"substr("hello", 1.5, 1)"#,
            r#"error: Call to function "substr" failed: value must be a whole number, between -9223372036854775808 and 9223372036854775807."#,
        ),
        (
            r#"substr("hello", 1, 1.5)"#,
            r#"error: Call to function "substr" failed: value must be a whole number, between -9223372036854775808 and 9223372036854775807."#,
        ),
        (r#"substr("", 0, 1)"#, r#""""#),
        (r#"substr("", 1, 1)"#, r#""""#),
        (r#"substr("abc", 3, -1)"#, r#""""#),
        (r#"substr("abc", -3, 1)"#, r#""a""#),
        (r#"substr("abc", 1, -2)"#, r#""bc""#),
        (
            r#"split(",", "foo,bar,baz")"#,
            "tolist([\n  \"foo\",\n  \"bar\",\n  \"baz\",\n])",
        ),
        (r#"split(",", "foo")"#, "tolist([\n  \"foo\",\n])"),
        (r#"split(",", "")"#, "tolist([\n  \"\",\n])"),
        (
            r#"split("", "abc")"#,
            "tolist([\n  \"a\",\n  \"b\",\n  \"c\",\n])",
        ),
        (
            r#"split("", "héllo")"#,
            "tolist([\n  \"h\",\n  \"é\",\n  \"l\",\n  \"l\",\n  \"o\",\n])",
        ),
        (
            r#"split(",", ",a,")"#,
            "tolist([\n  \"\",\n  \"a\",\n  \"\",\n])",
        ),
        (
            r#"split(", ", "a, b, c")"#,
            "tolist([\n  \"a\",\n  \"b\",\n  \"c\",\n])",
        ),
        (r#"split("", "")"#, r#"tolist([])"#),
        (r#"replace("1 + 2 + 3", "+", "-")"#, r#""1 - 2 - 3""#),
        (
            r#"replace("hello world", "/w.*d/", "everybody")"#,
            r#""hello everybody""#,
        ),
        (r#"replace("aaa", "a", "")"#, r#""""#),
        (r#"replace("abc", "", "-")"#, r#""-a-b-c-""#),
        (r#"replace("hello", "/l/", "$0$0")"#, r#""hellllo""#),
        (r#"replace("hello", "/(l+)/", "[$1]")"#, r#""he[ll]o""#),
        (
            r#"replace("hello", "/(?P<x>l+)/", "[$${x}]")"#,
            r#""he[ll]o""#,
        ),
        (r#"replace("hello", "/(l+)/", "[$1x]")"#, r#""he[]o""#),
        (r#"replace("hello", "/(l+)/", "[$${1}x]")"#, r#""he[llx]o""#),
        (r#"replace("hello", "/(l+)/", "$$")"#, r#""he$o""#),
        (r#"replace("hello", "/(l+)/", "$")"#, r#""he$o""#),
        (r#"replace("hello", "/(l+)/", "$${1")"#, r#""he${1o""#),
        (r#"replace("hello", "/(l+)/", "$01")"#, r#""heo""#),
        (r#"replace("hello", "/(l+)/", "$2")"#, r#""heo""#),
        (r#"replace("hello", "/(l+)/", "$-")"#, r#""he$-o""#),
        (
            r#"replace("hello", "/(/", "x")"#,
            r#"error: Call to function "replace" failed: error parsing regexp: missing closing ): `(`."#,
        ),
        (r#"replace("hello", "/", "x")"#, r#""hello""#),
        (r#"replace("a/b/", "/", "x")"#, r#""axbx""#),
        (r#"replace("//", "//", "x")"#, r#""x/x/x""#),
        (r#"replace("abc", "/", "x")"#, r#""abc""#),
        (r#"replace("baaab", "/a*/", "-")"#, r#""-b-b-""#),
        (r#"replace("abc", "/x*/", "-")"#, r#""-a-b-c-""#),
        (r#"replace("héllo", "//", "-")"#, r#""-h-é-l-l-o-""#),
        (r#"replace("a.b", ".", "x")"#, r#""axb""#),
        (r#"replace("hello", "/L/", "x")"#, r#""hello""#),
        (r#"replace("hello", "/(?i)L/", "x")"#, r#""hexxo""#),
        (
            r#"replace("hello", "/(l)(?P<x>l)?/", "<$1>")"#,
            r#""he<l>o""#,
        ),
        (r#"replace("abc", "/b/", "$")"#, r#""a$c""#),
        (
            r#"replace("a-b", "/(?P<é>-)/", "[$é]")"#,
            r#"error: Call to function "replace" failed: error parsing regexp: invalid named capture: `(?P<é>`."#,
        ),
        (r#"replace("aXbXc", "/X/", "$0$0")"#, r#""aXXbXXc""#),
        (r#"replace("héllo", "/é/", "e")"#, r#""hello""#),
        (r#"replace("abc", "/(b)/", "$1$1$1")"#, r#""abbbc""#),
        (r#"replace("abc", "/(b)/", "$11")"#, r#""ac""#),
        (r#"replace("a.b.c", ".", "")"#, r#""abc""#),
        (r#"replace("x", "x", "$1")"#, r#""$1""#),
        (r#"upper("ǅ")"#, r#""Ǆ""#),
        (r#"lower("ǅ")"#, r#""ǆ""#),
        (r#"title("ǅ")"#, r#""ǅ""#),
        (r#"upper("ŉ")"#, r#""ŉ""#),
        (r#"upper("ῼ")"#, r#""ῼ""#),
        (r#"lower("ῼ")"#, r#""ῳ""#),
        (r#"upper("ᾳ")"#, r#""ᾼ""#),
        (r#"lower("Σ")"#, r#""σ""#),
        (r#"upper("ꭰ")"#, r#""Ꭰ""#),
        (r#"lower("Ꭰ")"#, r#""ꭰ""#),
        (r#"upper("ı")"#, r#""I""#),
        (r#"lower("K")"#, r#""k""#),
        (r#"upper("ſ")"#, r#""S""#),
        (r#"title("ᲀ")"#, r#""В""#),
        (r#"title("a.b,c")"#, r#""A.B,C""#),
        (r#"title("a\u00a0b")"#, r#""A\u00a0B""#),
        (r#"title("a\u2028b")"#, r#""A\u2028B""#),
        (r#"title("a\u0301b c")"#, r#""Áb C""#),
        (r#"title("ǉ")"#, r#""ǈ""#),
        (r#"title("ǆ1")"#, r#""ǅ1""#),
        (
            r#"upper(null)"#,
            r#"error: Invalid value for "str" parameter: argument must not be null."#,
        ),
        (r#"upper(true)"#, r#""TRUE""#),
        (
            r#"lower([])"#,
            r#"error: Invalid value for "str" parameter: string required."#,
        ),
        (
            r#"split(",", null)"#,
            r#"error: Invalid value for "str" parameter: argument must not be null."#,
        ),
        (r#"split(1, "a1b")"#, "tolist([\n  \"a\",\n  \"b\",\n])"),
        (
            r#"split(",", ["a"])"#,
            r#"error: Invalid value for "str" parameter: string required."#,
        ),
        (r#"join(",", [], ["a"])"#, r#""a""#),
        (r#"join(",", tolist([]), ["a"], [])"#, r#""a""#),
        (r#"trimspace(1)"#, r#""1""#),
        (r#"trim("xxaxx", "x")"#, r#""a""#),
        (r#"trim("abcba", "ab")"#, r#""c""#),
        (r#"trimprefix("", "a")"#, r#""""#),
        (r#"trimsuffix("a", "")"#, r#""a""#),
        (r#"substr("hello", 0, 10)"#, r#""hello""#),
        (r#"substr("hello", -1, 1)"#, r#""o""#),
        (r#"substr("hello", -6, 2)"#, r#""he""#),
        (r#"substr("😀😁😂", 1, 1)"#, r#""😁""#),
        (r#"substr("😀😁😂", -1, -1)"#, r#""😂""#),
        (r#"strrev("mañana")"#, r#""anañam""#),
        (r#"strrev("a\r\nb")"#, "<<EOT\nb\u{d}\na\nEOT"),
        (r#"chomp("a\r\n\r\n")"#, r#""a""#),
        (r#"chomp("\r\na")"#, "<<EOT\n\u{d}\na\nEOT"),
        (r#"indent(1, "a\n\nb")"#, "<<EOT\na\n \n b\nEOT"),
        (r#"indent(3, "a\r\nb")"#, "<<EOT\na\u{d}\n   b\nEOT"),
        (r#"startswith("héllo", "h")"#, r#"true"#),
        (r#"endswith("héllo", "llo")"#, r#"true"#),
        (r#"strcontains("héllo", "é")"#, r#"true"#),
        (r#"strcontains("", "")"#, r#"true"#),
        (
            r#"startswith(null, "a")"#,
            r#"error: Invalid value for "str" parameter: argument must not be null."#,
        ),
        (
            r#"endswith("a", null)"#,
            r#"error: Invalid value for "suffix" parameter: argument must not be null."#,
        ),
    ]);
}

/// Depends on the shared conversion code naming list elements the way cty does
/// (`element 0:`), not on the string functions themselves.
#[test]
fn join_element_conversion_error() {
    check_table(&[(
        r#"join("-", [["a"]])"#,
        r#"error: Invalid value for "lists" parameter: element 0: string required."#,
    )]);
}

#[test]
fn string_go_panics() {
    match call("indent", vec![Value::int(-1), Value::string("a\nb")]) {
        Err(CallError::Failed(m)) => assert!(m.starts_with(
            "Call to function \"indent\" failed: panic in function implementation: strings: negative Repeat count"
        )),
        other => panic!("{other:?}"),
    }
}

#[test]
fn string_unknowns_and_marks() {
    let unk = || Value::Unknown(Type::String);
    let s = |v: &str| Value::string(v);
    assert!(matches!(
        call("upper", vec![unk()]),
        Ok(Value::Unknown(Type::String))
    ));
    assert!(matches!(
        call("split", vec![s(","), unk()]),
        Ok(Value::Unknown(Type::List(_)))
    ));
    assert!(matches!(
        call("startswith", vec![unk(), s("")]),
        Ok(Value::Bool(true))
    ));
    assert!(matches!(
        call("startswith", vec![unk(), s("a")]),
        Ok(Value::Unknown(Type::Bool))
    ));
    assert!(matches!(
        call("endswith", vec![unk(), s("")]),
        Ok(Value::Unknown(Type::Bool))
    ));
    let partly = Value::tuple(vec![s("a"), unk()]);
    assert!(matches!(
        call("join", vec![s(","), partly]),
        Ok(Value::Unknown(Type::String))
    ));
    // An invalid pattern is not reported while the string is unknown (cty short-circuits).
    assert!(matches!(
        call("replace", vec![unk(), s("/(/"), s("x")]),
        Ok(Value::Unknown(Type::String))
    ));
    let r = call("upper", vec![s("a").sensitive()]).expect("ok");
    assert!(r.marks().is_sensitive());
    assert_eq!(r.unmarked().as_str(), Some("A"));
    let r = call(
        "join",
        vec![s("-"), Value::tuple(vec![s("a"), s("b").sensitive()])],
    )
    .expect("ok");
    assert!(r.marks().is_sensitive());
    assert_eq!(r.unmarked().as_str(), Some("a-b"));
    let r = call("startswith", vec![unk().sensitive(), s("")]).expect("ok");
    assert!(r.marks().is_sensitive());
}
