//! Numbers print exactly as `terraform console` (v1.11) prints them.

use super::Number;

fn eval(a: &str, op: char, b: &str) -> String {
    let (x, y) = (Number::parse(a).unwrap(), Number::parse(b).unwrap());
    let r = match op {
        '+' => x.add(&y),
        '-' => x.sub(&y),
        '*' => x.mul(&y),
        '/' => x.div(&y),
        '%' => x.rem(&y),
        _ => unreachable!(),
    };
    r.map_or("error".into(), |n| n.to_string())
}

#[test]
fn arithmetic_prints_like_terraform() {
    let third = format!("2.{}2", "3".repeat(153));
    let two_thirds = format!("0.{}7", "6".repeat(153));
    let cases: &[(&str, char, &str, &str)] = &[
        ("7", '/', "3", &third),
        ("2", '/', "3", &two_thirds),
        ("0.1", '+', "0.2", "0.3"),
        ("1", '/', "0", "+Inf"),
        ("-1", '/', "0", "-Inf"),
        ("0", '/', "0", "error"),
        ("5", '%', "0", "5"),
        ("-7", '%', "3", "-1"),
        ("7.5", '%', "2", "1.5"),
        ("10", '/', "4", "2.5"),
        ("3", '*', "0.1", "0.3"),
        ("0", '*', "-1", "-0"),
        ("100000000000000000000", '*', "10", "1000000000000000000000"),
        ("0.5", '+', "0.25", "0.75"),
        ("5", '/', "-2", "-2.5"),
        ("-5", '%', "3", "-2"),
        ("9223372036854775807", '+', "1", "9223372036854775808"),
        ("-9223372036854775808", '-', "1", "-9223372036854775809"),
        ("4294967296", '*', "4294967296", "18446744073709551616"),
    ];
    let mut bad = Vec::new();
    for (a, op, b, want) in cases {
        let got = eval(a, *op, b);
        if got != *want {
            bad.push(format!("{a} {op} {b}: want {want}, got {got}"));
        }
    }
    let one_third_times_three = Number::from(1)
        .div(&Number::from(3))
        .unwrap()
        .mul(&Number::from(3))
        .unwrap();
    if one_third_times_three.to_string() != "1" {
        bad.push(format!("1/3*3 = {one_third_times_three}"));
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn literals_print_like_terraform() {
    let cases = [
        ("1e100", format!("1{}", "0".repeat(100))),
        ("9007199254740993", "9007199254740993".into()),
        ("1e-5", "0.00001".into()),
        (
            "123456789012345678901234567890",
            "123456789012345678901234567890".into(),
        ),
        ("0.000001", "0.000001".into()),
        ("-0", "-0".into()),
        (
            "100000000000000000000000.0",
            "100000000000000000000000".into(),
        ),
        ("1e21", "1000000000000000000000".into()),
        (".5", "0.5".into()),
        ("5.", "5".into()),
        ("+5", "5".into()),
        ("inf", "+Inf".into()),
        ("1e999999999", "+Inf".into()),
        ("1e-400", format!("0.{}1", "0".repeat(399))),
    ];
    for (lit, want) in cases {
        assert_eq!(Number::parse(lit).unwrap().to_string(), want, "{lit}");
    }
    for bad in [" 1", "1_000", "0x10", "", "-", "1e", "e5", "1.2.3"] {
        assert!(Number::parse(bad).is_none(), "{bad:?} must not parse");
    }
}

#[test]
fn float64_values_keep_float64_precision() {
    let r = Number::from_f64(2f64.sqrt());
    assert_eq!(r.to_string(), "1.4142135623730951");
    assert_eq!(r.add(&r).unwrap().to_string(), "2.8284271247461903");
    assert_eq!(
        r.add(&Number::parse("0").unwrap()).unwrap().to_string(),
        "1.4142135623730951454746218587388284504413604736328125"
    );
}

#[test]
fn ordering_equality_and_hash_ignore_representation() {
    use std::collections::hash_map::DefaultHasher;
    use std::hash::{Hash, Hasher};
    let h = |n: &Number| {
        let mut s = DefaultHasher::new();
        n.hash(&mut s);
        s.finish()
    };
    let a = Number::parse("2").unwrap();
    let b = Number::parse("4")
        .unwrap()
        .div(&Number::parse("2.0").unwrap())
        .unwrap();
    let c = Number::parse("2.000").unwrap();
    assert_eq!(a, b);
    assert_eq!(a, c);
    assert_eq!(h(&a), h(&b));
    assert!(Number::neg_infinity() < Number::from(-5) && Number::from(5) < Number::infinity());
    assert!(Number::parse("0.1").unwrap() < Number::parse("0.2").unwrap());
    assert_eq!(Number::parse("-0").unwrap(), Number::from(0));
    assert_eq!(Number::parse("1.5").unwrap().floor().to_string(), "1");
    assert_eq!(Number::parse("-1.5").unwrap().floor().to_string(), "-2");
    assert_eq!(Number::parse("-1.5").unwrap().ceil().to_string(), "-1");
    assert_eq!(Number::parse("1e30").unwrap().to_i64(), None);
    assert_eq!(Number::parse("12").unwrap().to_i64(), Some(12));
}
