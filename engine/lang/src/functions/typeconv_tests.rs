//! Table tests for the conversion and sensitivity functions; expected strings are
//! `terraform console` (v1.11) output.

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
fn conversion_functions() {
    check_table(&[
        (r#"tobool(true)"#, r#"true"#),
        (r#"tobool("true")"#, r#"true"#),
        (r#"tobool("false")"#, r#"false"#),
        (
            r#"tobool("yes")"#,
            r#"error: Invalid value for "v" parameter: cannot convert "yes" to bool; only the strings "true" or "false" are allowed."#,
        ),
        (
            r#"tobool("TRUE")"#,
            r#"error: Invalid value for "v" parameter: cannot convert "TRUE" to bool; only the strings "true" or "false" are allowed."#,
        ),
        (
            r#"tobool(1)"#,
            r#"error: Invalid value for "v" parameter: cannot convert number to bool."#,
        ),
        (r#"tobool(null)"#, r#"tobool(null)"#),
        (r#"tobool(tostring(null))"#, r#"tobool(null)"#),
        (
            r#"tobool([true])"#,
            r#"error: Invalid value for "v" parameter: cannot convert tuple to bool."#,
        ),
        (
            r#"tobool(sensitive("x"))"#,
            r#"error: Invalid value for "v" parameter: cannot convert this sensitive string to bool."#,
        ),
        (r#"tobool(sensitive("true"))"#, r#"(sensitive value)"#),
        (r#"tonumber(1)"#, r#"1"#),
        (r#"tonumber("1")"#, r#"1"#),
        (r#"tonumber("1.5e3")"#, r#"1500"#),
        (
            r#"tonumber("0x10")"#,
            r#"error: Invalid value for "v" parameter: cannot convert "0x10" to number; given string must be a decimal representation of a number."#,
        ),
        (
            r#"tonumber("")"#,
            r#"error: Invalid value for "v" parameter: cannot convert "" to number; given string must be a decimal representation of a number."#,
        ),
        (r#"tonumber("-.5")"#, r#"-0.5"#),
        (r#"tonumber(".5")"#, r#"0.5"#),
        (r#"tonumber("5.")"#, r#"5"#),
        (r#"tonumber("+5")"#, r#"5"#),
        (
            r#"tonumber("1_000")"#,
            r#"error: Invalid value for "v" parameter: cannot convert "1_000" to number; given string must be a decimal representation of a number."#,
        ),
        (
            r#"tonumber(true)"#,
            r#"error: Invalid value for "v" parameter: cannot convert bool to number."#,
        ),
        (r#"tonumber(null)"#, r#"tonumber(null)"#),
        (r#"tonumber(tostring(null))"#, r#"tonumber(null)"#),
        (
            r#"tonumber([1])"#,
            r#"error: Invalid value for "v" parameter: cannot convert tuple to number."#,
        ),
        (
            r#"tonumber(sensitive("x"))"#,
            r#"error: Invalid value for "v" parameter: cannot convert this sensitive string to number."#,
        ),
        (r#"tonumber(sensitive("5"))"#, r#"(sensitive value)"#),
        (r#"tostring("a")"#, r#""a""#),
        (r#"tostring(1)"#, r#""1""#),
        (r#"tostring(1.5)"#, r#""1.5""#),
        (r#"tostring(true)"#, r#""true""#),
        (r#"tostring(null)"#, r#"tostring(null)"#),
        (
            r#"tostring([])"#,
            r#"error: Invalid value for "v" parameter: cannot convert tuple to string."#,
        ),
        (
            r#"tostring(["a"])"#,
            r#"error: Invalid value for "v" parameter: cannot convert tuple to string."#,
        ),
        (
            r#"tostring({})"#,
            r#"error: Invalid value for "v" parameter: cannot convert object to string."#,
        ),
        (
            r#"tostring(tolist(["a"]))"#,
            r#"error: Invalid value for "v" parameter: cannot convert list of string to string."#,
        ),
        (r#"tostring(sensitive(1))"#, r#"(sensitive value)"#),
        (
            r#"tostring(sensitive([1]))"#,
            r#"error: Invalid value for "v" parameter: cannot convert tuple to string."#,
        ),
        (r#"tostring(1e30)"#, r#""1000000000000000000000000000000""#),
        (r#"tolist(["a", "b"])"#, "tolist([\n  \"a\",\n  \"b\",\n])"),
        (r#"tolist(["a", 1])"#, "tolist([\n  \"a\",\n  \"1\",\n])"),
        (
            r#"tolist([1, true])"#,
            r#"error: Invalid value for "v" parameter: cannot convert tuple to list of any single type."#,
        ),
        (
            r#"tolist(["a", 1, true])"#,
            "tolist([\n  \"a\",\n  \"1\",\n  \"true\",\n])",
        ),
        (r#"tolist([])"#, r#"tolist([])"#),
        (r#"tolist(null)"#, r#"tolist(null) /* of dynamic */"#),
        (
            r#"tolist("a")"#,
            r#"error: Invalid value for "v" parameter: cannot convert string to list of any single type."#,
        ),
        (
            r#"tolist(toset(["b", "a"]))"#,
            "tolist([\n  \"a\",\n  \"b\",\n])",
        ),
        (
            r#"tolist({a=1})"#,
            r#"error: Invalid value for "v" parameter: cannot convert object to list of any single type."#,
        ),
        (
            r#"tolist([[1], ["a"]])"#,
            "tolist([\n  [\n    \"1\",\n  ],\n  [\n    \"a\",\n  ],\n])",
        ),
        (
            r#"tolist([{a=1}, {a="x"}])"#,
            "tolist([\n  {\n    \"a\" = \"1\"\n  },\n  {\n    \"a\" = \"x\"\n  },\n])",
        ),
        (
            r#"tolist([{a=1}, {b=1}])"#,
            "tolist([\n  tomap({\n    \"a\" = 1\n  }),\n  tomap({\n    \"b\" = 1\n  }),\n])",
        ),
        (
            r#"tolist([[1], [1, 2]])"#,
            "tolist([\n  tolist([\n    1,\n  ]),\n  tolist([\n    1,\n    2,\n  ]),\n])",
        ),
        (
            r#"tolist([[1], {}])"#,
            r#"error: Invalid value for "v" parameter: cannot convert tuple to list of any single type."#,
        ),
        (
            r#"tolist([null, "a"])"#,
            "tolist([\n  tostring(null),\n  \"a\",\n])",
        ),
        (r#"tolist([null])"#, "tolist([\n  null,\n])"),
        (r#"tolist(tolist(["a"]))"#, "tolist([\n  \"a\",\n])"),
        (r#"tolist(sensitive(["a"]))"#, r#"(sensitive value)"#),
        (
            r#"tolist([sensitive("a"), "b"])"#,
            "tolist([\n  (sensitive value),\n  \"b\",\n])",
        ),
        (
            r#"toset(["a", "b", "a"])"#,
            "toset([\n  \"a\",\n  \"b\",\n])",
        ),
        (
            r#"toset(["c", 1, "b"])"#,
            "toset([\n  \"1\",\n  \"b\",\n  \"c\",\n])",
        ),
        (r#"toset([2, 10, 1])"#, "toset([\n  1,\n  2,\n  10,\n])"),
        (
            r#"toset([true, false, true])"#,
            "toset([\n  false,\n  true,\n])",
        ),
        (r#"toset([])"#, r#"toset([])"#),
        (r#"toset(null)"#, r#"toset(null) /* of dynamic */"#),
        (
            r#"toset("a")"#,
            r#"error: Invalid value for "v" parameter: cannot convert string to set of any single type."#,
        ),
        (
            r#"toset({a=1})"#,
            r#"error: Invalid value for "v" parameter: cannot convert object to set of any single type."#,
        ),
        (r#"toset([[1], [1]])"#, "toset([\n  [\n    1,\n  ],\n])"),
        (
            r#"toset([null, "a"])"#,
            "toset([\n  \"a\",\n  tostring(null),\n])",
        ),
        (r#"toset(["a", sensitive("b")])"#, r#"(sensitive value)"#),
        (
            r#"tomap({a=1, b=2})"#,
            "tomap({\n  \"a\" = 1\n  \"b\" = 2\n})",
        ),
        (
            r#"tomap({a="foo", b=true})"#,
            "tomap({\n  \"a\" = \"foo\"\n  \"b\" = \"true\"\n})",
        ),
        (
            r#"tomap({a=1, b=true})"#,
            r#"error: Invalid value for "v" parameter: cannot convert object to map of any single type."#,
        ),
        (r#"tomap({})"#, r#"tomap({})"#),
        (r#"tomap(null)"#, r#"tomap(null) /* of dynamic */"#),
        (
            r#"tomap([])"#,
            r#"error: Invalid value for "v" parameter: cannot convert tuple to map of any single type."#,
        ),
        (
            r#"tomap(["a"])"#,
            r#"error: Invalid value for "v" parameter: cannot convert tuple to map of any single type."#,
        ),
        (
            r#"tomap("a")"#,
            r#"error: Invalid value for "v" parameter: cannot convert string to map of any single type."#,
        ),
        (
            r#"tomap({a=[1], b=["x"]})"#,
            "tomap({\n  \"a\" = [\n    \"1\",\n  ]\n  \"b\" = [\n    \"x\",\n  ]\n})",
        ),
        (
            r#"tomap({a=[1], b={}})"#,
            r#"error: Invalid value for "v" parameter: cannot convert object to map of any single type."#,
        ),
        (
            r#"tomap({a=null, b=1})"#,
            "tomap({\n  \"a\" = tonumber(null)\n  \"b\" = 1\n})",
        ),
        (r#"tomap(tomap({a=1}))"#, "tomap({\n  \"a\" = 1\n})"),
        (
            r#"tomap({a=sensitive(1)})"#,
            "tomap({\n  \"a\" = (sensitive value)\n})",
        ),
        (r#"sensitive(1)"#, r#"(sensitive value)"#),
        (r#"sensitive(null)"#, r#"(sensitive value)"#),
        (r#"sensitive([1])"#, r#"(sensitive value)"#),
        (r#"nonsensitive(sensitive(1))"#, r#"1"#),
        (r#"nonsensitive(1)"#, r#"1"#),
        (r#"nonsensitive(null)"#, r#"null"#),
        (
            r#"nonsensitive([sensitive(1)])"#,
            "[\n  (sensitive value),\n]",
        ),
        (
            r#"nonsensitive(sensitive([sensitive(1)]))"#,
            "[\n  (sensitive value),\n]",
        ),
        (
            r#"nonsensitive({a=sensitive(1)})"#,
            "{\n  \"a\" = (sensitive value)\n}",
        ),
        (r#"issensitive(1)"#, r#"false"#),
        (r#"issensitive(sensitive(1))"#, r#"true"#),
        (r#"issensitive([sensitive(1)])"#, r#"false"#),
        (r#"issensitive(null)"#, r#"false"#),
        (r#"issensitive(sensitive(null))"#, r#"true"#),
        (r#"issensitive(nonsensitive(sensitive(1)))"#, r#"false"#),
        (r#"issensitive({a=sensitive(1)}["a"])"#, r#"true"#),
        (r#"type(sensitive(1))"#, r#"number"#),
        (r#"type(tolist(["a", 1]))"#, r#"list(string)"#),
        (r#"type(tomap({a=1, b="x"}))"#, r#"map(string)"#),
        (r#"type(tostring(null))"#, r#"string"#),
        (r#"type(tolist(null))"#, r#"list(dynamic)"#),
        (r#"type(tomap(null))"#, r#"map(dynamic)"#),
        (r#"type(toset(null))"#, r#"set(dynamic)"#),
        (r#"type(tonumber(null))"#, r#"number"#),
        (r#"type(tobool(null))"#, r#"bool"#),
        (
            r#"sensitive()"#,
            r#"error: Function "sensitive" expects 1 argument(s). Missing value for "value"."#,
        ),
        (
            r#"sensitive(1, 2)"#,
            r#"error: Function "sensitive" expects only 1 argument(s)."#,
        ),
        (
            r#"tostring()"#,
            r#"error: Function "tostring" expects 1 argument(s). Missing value for "v"."#,
        ),
        (r#"type(tolist([]))"#, r#"list(dynamic)"#),
        (r#"type(toset([]))"#, r#"set(dynamic)"#),
        (r#"type(tomap({}))"#, r#"map(dynamic)"#),
        (r#"tolist([1, "a"])[0]"#, r#""1""#),
        (r#"toset([1.5, 1.50])"#, "toset([\n  1.5,\n])"),
        (r#"tostring(0.1)"#, r#""0.1""#),
        (r#"tonumber("0.1")"#, r#"0.1"#),
        (r#"tonumber("1e-7")"#, r#"0.0000001"#),
        (r#"tonumber("00012")"#, r#"12"#),
        (r#"tonumber("1.")"#, r#"1"#),
        (
            r#"tonumber("1e")"#,
            r#"error: Invalid value for "v" parameter: cannot convert "1e" to number; given string must be a decimal representation of a number."#,
        ),
        (
            r#"tonumber("e5")"#,
            r#"error: Invalid value for "v" parameter: cannot convert "e5" to number; given string must be a decimal representation of a number."#,
        ),
        (
            r#"tonumber("-")"#,
            r#"error: Invalid value for "v" parameter: cannot convert "-" to number; given string must be a decimal representation of a number."#,
        ),
        (
            r#"tonumber("1,000")"#,
            r#"error: Invalid value for "v" parameter: cannot convert "1,000" to number; given string must be a decimal representation of a number."#,
        ),
        (
            r#"tobool(sensitive(1))"#,
            r#"error: Invalid value for "v" parameter: cannot convert number to bool."#,
        ),
        (
            r#"tostring(sensitive(tolist(["a"])))"#,
            r#"error: Invalid value for "v" parameter: cannot convert list of string to string."#,
        ),
        (
            r#"tonumber(sensitive(true))"#,
            r#"error: Invalid value for "v" parameter: cannot convert bool to number."#,
        ),
        (
            r#"tolist(tomap({a="b"}))"#,
            r#"error: Invalid value for "v" parameter: cannot convert map of string to list of any single type."#,
        ),
        (
            r#"tomap(toset(["a"]))"#,
            r#"error: Invalid value for "v" parameter: cannot convert set of string to map of any single type."#,
        ),
        (r#"toset(tolist([1, 1, 2]))"#, "toset([\n  1,\n  2,\n])"),
        (r#"issensitive(tolist([sensitive("a")]))"#, r#"false"#),
        (r#"issensitive(toset([sensitive("a")]))"#, r#"true"#),
        (
            r#"nonsensitive(tolist([sensitive("a")]))"#,
            "tolist([\n  (sensitive value),\n])",
        ),
        (r#"sensitive(sensitive(1))"#, r#"(sensitive value)"#),
        (r#"tostring(-0)"#, r#""-0""#),
        (r#"tonumber("-0")"#, r#"-0"#),
    ]);
}

/// needs exact Number: strict decimal parsing (no spaces, no NaN), `+Inf`, and 512-bit
/// digits.
#[test]
fn conversion_functions_exact_number() {
    check_table(&[
        (
            r#"tonumber(" 1")"#,
            r#"error: Invalid value for "v" parameter: cannot convert " 1" to number; given string must be a decimal representation of a number."#,
        ),
        (
            r#"tonumber("1 ")"#,
            r#"error: Invalid value for "v" parameter: cannot convert "1 " to number; given string must be a decimal representation of a number."#,
        ),
        (r#"tonumber("Inf")"#, r#"+Inf"#),
        (
            r#"tonumber("NaN")"#,
            r#"error: Invalid value for "v" parameter: cannot convert "NaN" to number; given string must be a decimal representation of a number."#,
        ),
        (
            r#"tonumber("1e1000")"#,
            r#"10000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"#,
        ),
        (
            r#"tostring(1/3)"#,
            r#""0.33333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333335""#,
        ),
    ]);
}

#[test]
fn conversion_unknowns_and_marks() {
    let unk = Value::Unknown(Type::Number);
    assert!(matches!(
        call("tostring", vec![unk.clone()]),
        Ok(Value::Unknown(Type::String))
    ));
    let r = call("tostring", vec![unk.clone().sensitive()]).expect("ok");
    assert!(r.marks().is_sensitive() && r.is_unknown() && r.ty() == Type::String);
    assert!(matches!(
        call(
            "tolist",
            vec![Value::Unknown(Type::Tuple(vec![Type::String]))]
        ),
        Ok(Value::Unknown(Type::List(_)))
    ));
    assert_eq!(
        call("tobool", vec![unk.clone()]).unwrap_err(),
        CallError::Arg(
            0,
            "Invalid value for \"v\" parameter: cannot convert number to bool.".into()
        )
    );
    let partly = Value::tuple(vec![Value::Unknown(Type::String), Value::string("a")]);
    let r = call("tolist", vec![partly]).expect("ok");
    assert_eq!(r.ty(), Type::list(Type::String));
    assert!(!r.is_wholly_known() && !r.is_unknown());
    assert!(matches!(
        call("issensitive", vec![unk.clone()]),
        Ok(Value::Unknown(Type::Bool))
    ));
    assert!(matches!(
        call("issensitive", vec![unk.clone().sensitive()]),
        Ok(Value::Bool(true))
    ));
    let r = call("sensitive", vec![unk.clone()]).expect("ok");
    assert!(r.marks().is_sensitive() && r.is_unknown());
    let r = call("nonsensitive", vec![unk.sensitive()]).expect("ok");
    assert!(r.marks().is_empty() && r.is_unknown());
    let r = call("sensitive", vec![Value::unknown()]).expect("ok");
    assert_eq!(r.ty(), Type::Dynamic);
}
