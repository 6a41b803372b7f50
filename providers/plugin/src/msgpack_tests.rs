use super::*;

fn obj(pairs: &[(&str, Value)]) -> Value {
    Value::object_from(pairs.iter().map(|(k, v)| (*k, v.clone())))
}

#[test]
fn bytes_are_ctys() {
    // What cty's msgpack.Marshal writes for the same values.
    let ty = Type::Object([("a".to_string(), Type::String)].into());
    assert_eq!(
        encode(&obj(&[("a", Value::string("b"))]), &ty),
        [0x81, 0xa1, b'a', 0xa1, b'b']
    );
    assert_eq!(
        encode(&Value::Unknown(Type::String), &Type::String),
        [0xd4, 0, 0]
    );
    assert_eq!(encode(&Value::Null(Type::Number), &Type::Number), [0xc0]);
    assert_eq!(encode(&Value::int(-1), &Type::Number), [0xff]);
    // A dynamic slot carries the type's JSON as binary before the value.
    assert_eq!(
        encode(&Value::bool(true), &Type::Dynamic),
        [0x92, 0xc4, 6, b'"', b'b', b'o', b'o', b'l', b'"', 0xc3]
    );
}

#[test]
fn values_round_trip_through_their_types() {
    let inner = Type::Object([("n".to_string(), Type::Number)].into());
    let ty = Type::Object(
        [
            ("s".to_string(), Type::String),
            ("l".to_string(), Type::list(Type::Number)),
            ("set".to_string(), Type::set(inner.clone())),
            ("m".to_string(), Type::map(Type::Bool)),
            ("d".to_string(), Type::Dynamic),
            (
                "t".to_string(),
                Type::Tuple(vec![Type::String, Type::Number]),
            ),
            ("u".to_string(), Type::String),
        ]
        .into(),
    );
    let big = Number::parse("123456789012345678901234567890.5").unwrap();
    let v = obj(&[
        ("s", Value::string("x")),
        (
            "l",
            Value::list(
                Type::Number,
                vec![Value::int(1), Value::Number(big), Value::int(i64::MIN)],
            ),
        ),
        (
            "set",
            make_set(
                inner.clone(),
                vec![
                    obj(&[("n", Value::int(2))]),
                    obj(&[("n", Value::Unknown(Type::Number))]),
                ],
            ),
        ),
        (
            "m",
            Value::map(Type::Bool, [("k".to_string(), Value::bool(false))].into()),
        ),
        ("d", Value::list(Type::String, vec![Value::string("dyn")])),
        ("t", Value::tuple(vec![Value::string("a"), Value::int(3)])),
        ("u", Value::Unknown(Type::String)),
    ]);
    let back = decode(&encode(&v, &ty), &ty).unwrap();
    assert!(back.raw_equals(&v), "{back:?}");
}

#[test]
fn sensitive_marks_stay_behind() {
    let v = Value::string("secret").mark(autostack_value::Marks::SENSITIVE);
    assert_eq!(
        decode(&encode(&v, &Type::String), &Type::String)
            .unwrap()
            .marks(),
        autostack_value::Marks::NONE
    );
}

#[test]
fn refined_unknowns_and_floats_decode() {
    // Extension 12 carries refinements (here: not null); the value is simply unknown.
    let refined = [0xc7, 3, 12, 0x81, 0x01, 0xc3];
    assert!(decode(&refined, &Type::String).unwrap().is_unknown());
    let f = [0xcb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0];
    assert!(decode(&f, &Type::Number)
        .unwrap()
        .raw_equals(&Value::Number(Number::parse("1.5").unwrap())));
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    for bytes in [
        &[][..],
        &[0x92][..],
        &[0xa5, b'a'][..],
        &[0x81, 0xa1, b'z', 0xc0][..],
        &[0xc3, 0xc3][..],
    ] {
        let ty = Type::Object([("a".to_string(), Type::String)].into());
        assert!(decode(bytes, &ty).is_err(), "{bytes:?}");
    }
    assert!(decode(&[0xa1, b'x'], &Type::Number).is_err());
}
