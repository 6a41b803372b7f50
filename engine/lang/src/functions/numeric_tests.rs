//! Table tests for the numeric functions; expected strings are `terraform console` (v1.11).

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
fn numeric_functions() {
    check_table(&[
        (r#"abs(-5)"#, r#"5"#),
        (r#"abs(5)"#, r#"5"#),
        (r#"abs(0)"#, r#"0"#),
        (r#"abs(-3.25)"#, r#"3.25"#),
        (r#"abs(-0)"#, r#"0"#),
        (r#"abs("-7")"#, r#"7"#),
        (
            r#"abs("x")"#,
            r#"error: Invalid value for "num" parameter: a number is required."#,
        ),
        (
            r#"abs(true)"#,
            r#"error: Invalid value for "num" parameter: number required."#,
        ),
        (
            r#"abs(null)"#,
            r#"error: Invalid value for "num" parameter: argument must not be null."#,
        ),
        (r#"abs(sensitive(-1))"#, r#"(sensitive value)"#),
        (r#"ceil(1.2)"#, r#"2"#),
        (r#"ceil(-1.2)"#, r#"-1"#),
        (r#"ceil(5)"#, r#"5"#),
        (r#"ceil("2.5")"#, r#"3"#),
        (r#"ceil(-0.5)"#, r#"0"#),
        (r#"ceil(0.0000001)"#, r#"1"#),
        (r#"floor(1.8)"#, r#"1"#),
        (r#"floor(-1.2)"#, r#"-2"#),
        (r#"floor(5)"#, r#"5"#),
        (r#"floor(-0.5)"#, r#"-1"#),
        (
            r#"floor("x")"#,
            r#"error: Invalid value for "num" parameter: a number is required."#,
        ),
        (r#"log(50, 10)"#, r#"1.6989700043360185"#),
        (r#"log(16, 2)"#, r#"4"#),
        (r#"log(1, 10)"#, r#"0"#),
        (r#"log(10, 0)"#, r#"-0"#),
        (r#"log(8, 2)"#, r#"3"#),
        (r#"log(100, 10)"#, r#"2"#),
        (
            r#"log("x", 10)"#,
            r#"error: Invalid value for "num" parameter: a number is required."#,
        ),
        (
            r#"log(10)"#,
            r#"error: Function "log" expects 2 argument(s). Missing value for "base"."#,
        ),
        (r#"pow(3, 2)"#, r#"9"#),
        (r#"pow(4, 0)"#, r#"1"#),
        (r#"pow(2, 0.5)"#, r#"1.4142135623730951"#),
        (r#"pow(2, -2)"#, r#"0.25"#),
        (
            r#"pow(10, 300)"#,
            r#"1000000000000000600000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"#,
        ),
        (r#"pow(-2, 3)"#, r#"-8"#),
        (r#"pow(1.5, 2)"#, r#"2.25"#),
        (r#"pow(2, 100)"#, r#"1267650600228229400000000000000"#),
        (r#"signum(-13)"#, r#"-1"#),
        (r#"signum(0)"#, r#"0"#),
        (r#"signum(344)"#, r#"1"#),
        (
            r#"signum(0.5)"#,
            r#"error: Call to function "signum" failed: value must be a whole number, between -9223372036854775808 and 9223372036854775807."#,
        ),
        (
            r#"signum(-0.5)"#,
            r#"error: Call to function "signum" failed: value must be a whole number, between -9223372036854775808 and 9223372036854775807."#,
        ),
        (
            r#"signum(1e30)"#,
            r#"error: Call to function "signum" failed: value must be a whole number, between -9223372036854775808 and 9223372036854775807."#,
        ),
        (
            r#"signum(1/0)"#,
            r#"error: Call to function "signum" failed: value must be a whole number, between -9223372036854775808 and 9223372036854775807."#,
        ),
        (
            r#"signum(-1/0)"#,
            r#"error: Call to function "signum" failed: value must be a whole number, between -9223372036854775808 and 9223372036854775807."#,
        ),
        (r#"signum(2.0)"#, r#"1"#),
        (r#"signum("-3")"#, r#"-1"#),
        (r#"max(12, 54, 3)"#, r#"54"#),
        (r#"max(-1)"#, r#"-1"#),
        (
            r#"max()"#,
            r#"error: Call to function "max" failed: must pass at least one number."#,
        ),
        (r#"max([12, 54, 3]...)"#, r#"54"#),
        (r#"max(1, "5")"#, r#"5"#),
        (
            r#"max(1, "x")"#,
            r#"error: Invalid value for "numbers" parameter: a number is required."#,
        ),
        (
            r#"max(1, true)"#,
            r#"error: Invalid value for "numbers" parameter: number required."#,
        ),
        (r#"max(1.5, 1.25)"#, r#"1.5"#),
        (r#"max(-1/0, -5)"#, r#"-5"#),
        (r#"min(12, 54, 3)"#, r#"3"#),
        (r#"min(-1.5, 2)"#, r#"-1.5"#),
        (
            r#"min()"#,
            r#"error: Call to function "min" failed: must pass at least one number."#,
        ),
        (
            r#"min(1, null)"#,
            r#"error: Invalid value for "numbers" parameter: argument must not be null."#,
        ),
        (r#"min(3, sensitive(1))"#, r#"(sensitive value)"#),
        (
            r#"max([]...)"#,
            r#"error: Call to function "max" failed: must pass at least one number."#,
        ),
        (r#"parseint("100", 10)"#, r#"100"#),
        (r#"parseint("FF", 16)"#, r#"255"#),
        (r#"parseint("ff", 16)"#, r#"255"#),
        (r#"parseint("-10", 16)"#, r#"-16"#),
        (r#"parseint("+10", 10)"#, r#"10"#),
        (r#"parseint("1011111011101111", 2)"#, r#"48879"#),
        (r#"parseint("aA", 62)"#, r#"656"#),
        (r#"parseint("zZ", 62)"#, r#"2231"#),
        (r#"parseint("Zz", 36)"#, r#"1295"#),
        (
            r#"parseint("12", 2)"#,
            r#"error: Invalid value for "number" parameter: cannot parse "12" as a base 2 integer."#,
        ),
        (
            r#"parseint("0x10", 16)"#,
            r#"error: Invalid value for "number" parameter: cannot parse "0x10" as a base 16 integer."#,
        ),
        (
            r#"parseint("", 10)"#,
            r#"error: Invalid value for "number" parameter: cannot parse "" as a base 10 integer."#,
        ),
        (
            r#"parseint("1_000", 10)"#,
            r#"error: Invalid value for "number" parameter: cannot parse "1_000" as a base 10 integer."#,
        ),
        (
            r#"parseint(" 1", 10)"#,
            r#"error: Invalid value for "number" parameter: cannot parse " 1" as a base 10 integer."#,
        ),
        (
            r#"parseint("10", 1)"#,
            r#"error: Invalid value for "base" parameter: base must be a whole number between 2 and 62 inclusive."#,
        ),
        (
            r#"parseint("10", 63)"#,
            r#"error: Invalid value for "base" parameter: base must be a whole number between 2 and 62 inclusive."#,
        ),
        (
            r#"parseint("10", 2.5)"#,
            r#"error: Invalid value for "base" parameter: value must be a whole number, between -9223372036854775808 and 9223372036854775807."#,
        ),
        (
            r#"parseint("10", -1)"#,
            r#"error: Invalid value for "base" parameter: base must be a whole number between 2 and 62 inclusive."#,
        ),
        (
            r#"parseint(10, 10)"#,
            r#"error: Invalid value for "number" parameter: first argument must be a string, not number."#,
        ),
        (
            r#"parseint(true, 10)"#,
            r#"error: Invalid value for "number" parameter: first argument must be a string, not bool."#,
        ),
        (
            r#"parseint(null, 10)"#,
            r#"error: Invalid value for "number" parameter: argument must not be null."#,
        ),
        (
            r#"parseint("10", null)"#,
            r#"error: Invalid value for "base" parameter: argument must not be null."#,
        ),
        (r#"parseint("10", "16")"#, r#"16"#),
        (
            r#"parseint(sensitive("zz"), 10)"#,
            r#"error: Invalid value for "number" parameter: cannot parse "zz" as a base 10 integer."#,
        ),
        (
            r#"parseint("zz", sensitive(10))"#,
            r#"error: Invalid value for "number" parameter: cannot parse "zz" as a base 10 integer."#,
        ),
        (r#"parseint(sensitive("10"), 10)"#, r#"(sensitive value)"#),
        (r#"parseint("-0", 10)"#, r#"0"#),
        (
            r#"parseint("-", 10)"#,
            r#"error: Invalid value for "number" parameter: cannot parse "-" as a base 10 integer."#,
        ),
        (r#"parseint("z", 36)"#, r#"35"#),
        (
            r#"parseint(["1"], 10)"#,
            r#"error: Invalid value for "number" parameter: first argument must be a string, not tuple."#,
        ),
        (r#"pow(1.1, 7)"#, r#"1.9487171000000012"#),
        (r#"pow(2, 0.3)"#, r#"1.2311444133449163"#),
        (r#"pow(3, -2.2)"#, r#"0.08919350686224783"#),
        (r#"log(7, 3)"#, r#"1.7712437491614224"#),
        (r#"log(1000, 10)"#, r#"2.9999999999999996"#),
        (r#"max(-0, 0)"#, r#"-0"#),
        (r#"min(0, -0)"#, r#"0"#),
        (r#"max(1, 2, 2)"#, r#"2"#),
        (
            r#"abs(-1.5e300)"#,
            r#"1500000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"#,
        ),
        (r#"ceil("1e2")"#, r#"100"#),
        (r#"pow("2", "3")"#, r#"8"#),
        (r#"signum(-0)"#, r#"0"#),
        (r#"floor(-0)"#, r#"0"#),
        (r#"ceil(-0)"#, r#"0"#),
        (r#"max(-0)"#, r#"-0"#),
        (r#"min(-0, 0)"#, r#"-0"#),
    ]);
}

/// needs exact Number: infinities print as `+Inf`/`-Inf` and big integers keep all digits.
#[test]
fn numeric_functions_exact_number() {
    check_table(&[
        (r#"abs(1/0)"#, r#"+Inf"#),
        (r#"abs(-1/0)"#, r#"+Inf"#),
        (r#"ceil(1/0)"#, r#"+Inf"#),
        (r#"ceil(-1/0)"#, r#"-Inf"#),
        (r#"floor(1/0)"#, r#"+Inf"#),
        (r#"log(0, 10)"#, r#"-Inf"#),
        (r#"log(10, 1)"#, r#"+Inf"#),
        (r#"log(1/0, 10)"#, r#"+Inf"#),
        (r#"pow(0, -1)"#, r#"+Inf"#),
        (r#"pow(10, 400)"#, r#"+Inf"#),
        (r#"pow(2, 1/0)"#, r#"+Inf"#),
        (r#"max(1/0, 1)"#, r#"+Inf"#),
        (
            r#"parseint("123456789012345678901234567890", 10)"#,
            r#"123456789012345678901234567890"#,
        ),
        (
            r#"parseint("FFFFFFFFFFFFFFFFFFFF", 16)"#,
            r#"1208925819614629174706175"#,
        ),
        (r#"pow(-0, -1)"#, r#"-Inf"#),
        (r#"floor(-1/0)"#, r#"-Inf"#),
    ]);
}

#[test]
fn numeric_nan_is_go_panic() {
    let nan =
        "Call to function \"log\" failed: panic in function implementation: Float.SetFloat64(NaN)";
    for (name, a, b) in [("log", -1, 10), ("log", 2, -1)] {
        match call(name, vec![Value::int(a), Value::int(b)]) {
            Err(CallError::Failed(m)) => assert!(m.starts_with(nan), "{m}"),
            other => panic!("{other:?}"),
        }
    }
}

/// needs exact Number: 1e400 must stay finite (beyond float64) for the range error.
#[test]
fn numeric_float64_range_error_exact_number() {
    let big = Value::Number(crate::value::Number::parse("1e400").expect("parses"));
    match call("pow", vec![big, Value::int(1)]) {
        Err(CallError::Failed(m)) => {
            assert!(m.starts_with("Call to function \"pow\" failed: value must be between -17976931348623157081452742373170435679807056752584499659891747680315726078002853876058955863276687817154045895351438246423432132688946418276846754670353751698604991057655128207624549009038932894407586850845513394230458323690322294816580855933212334827479782620414472316873817718091929988125040402618412485836"));
            assert!(m.ends_with("8.000000 inclusive."));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn numeric_unknowns_and_marks() {
    let unk = || Value::Unknown(Type::Number);
    assert!(matches!(
        call("abs", vec![unk()]),
        Ok(Value::Unknown(Type::Number))
    ));
    assert!(matches!(
        call("max", vec![Value::int(1), unk()]),
        Ok(Value::Unknown(Type::Number))
    ));
    assert!(matches!(
        call("pow", vec![unk(), Value::int(2)]),
        Ok(Value::Unknown(Type::Number))
    ));
    let s = |v: &str| Value::string(v);
    assert!(matches!(
        call(
            "parseint",
            vec![Value::Unknown(Type::String), Value::int(10)]
        ),
        Ok(Value::Unknown(Type::Number))
    ));
    assert!(matches!(
        call("parseint", vec![s("zz"), unk()]),
        Ok(Value::Unknown(Type::Number))
    ));
    assert!(matches!(
        call("parseint", vec![Value::unknown(), Value::int(10)]),
        Ok(Value::Unknown(Type::Dynamic))
    ));
    assert_eq!(
        call("parseint", vec![unk(), Value::int(10)]).unwrap_err(),
        CallError::Arg(
            0,
            "Invalid value for \"number\" parameter: first argument must be a string, not number."
                .into()
        )
    );
    let r = call("parseint", vec![s("ff").sensitive(), Value::int(16)]).expect("ok");
    assert!(r.marks().is_sensitive());
    assert_eq!(r.unmarked().as_number().and_then(|n| n.to_i64()), Some(255));
    let r = call("parseint", vec![s("11"), Value::int(2).sensitive()]).expect("ok");
    assert!(r.marks().is_sensitive());
    let r = call("abs", vec![Value::int(-3).sensitive()]).expect("ok");
    assert!(r.marks().is_sensitive());
    let r = call("min", vec![Value::int(3), Value::int(1).sensitive()]).expect("ok");
    assert!(r.marks().is_sensitive());
}
