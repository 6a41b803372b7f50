//! Tests of the human plan renderer.

use super::*;
use autostack_core::addrs::parse_instance;
use autostack_lang::Type;
use autostack_provider_sdk::Attribute;

fn vm(disks: &[i64]) -> Value {
    let disk = |n: i64| Value::object_from([("size", Value::int(n))]);
    let dt = Type::Object([("size".to_string(), Type::Number)].into_iter().collect());
    Value::object_from([
        ("id", Value::string("vm-1")),
        ("name", Value::string("web")),
        (
            "disk",
            Value::list(dt, disks.iter().map(|n| disk(*n)).collect()),
        ),
    ])
}

#[test]
fn nested_blocks_render_as_blocks() {
    let schema = Block::new()
        .attr("id", Attribute::computed(Type::String))
        .attr("name", Attribute::required(Type::String))
        .block(
            "disk",
            Nesting::List,
            Block::new().attr("size", Attribute::required(Type::Number)),
        );
    let addr = parse_instance("test_vm.web").unwrap();
    let mut c = ResourceChange::new(
        addr,
        Action::Update,
        Some(vm(&[10, 7])),
        Some(vm(&[20, 7, 5])),
    );
    let out = render_change(&c, &Style { color: false }, &|_| Some(schema.clone()));
    assert_eq!(
        out,
        "  # test_vm.web will be updated in-place\n  ~ resource \"test_vm\" \"web\" {\n        id   = \"vm-1\"\n        name = \"web\"\n\n      ~ disk {\n          ~ size = 10 -> 20\n        }\n\n      + disk {\n          + size = 5\n        }\n\n        # (1 unchanged block hidden)\n    }\n"
    );
    c.action = Action::Create;
    c.before = None;
    let created = render_change(&c, &Style { color: false }, &|_| Some(schema.clone()));
    assert!(
        created.contains("      + disk {\n          + size = 20\n        }\n"),
        "{created}"
    );
}

#[test]
fn rows_pair_both_sides_by_name_in_order() {
    let b = Value::object_from([("a", Value::int(1)), ("c", Value::int(3))]);
    let a = Value::object_from([
        ("b", Value::int(2)),
        ("c", Value::int(4)),
        ("d", Value::int(5)),
    ]);
    let got: Vec<(&str, Option<&Value>, Option<&Value>)> =
        rows(entries(Some(&b)), entries(Some(&a)));
    let int = Value::int;
    let want = [
        ("a", Some(int(1)), None),
        ("b", None, Some(int(2))),
        ("c", Some(int(3)), Some(int(4))),
        ("d", None, Some(int(5))),
    ];
    assert_eq!(got.len(), want.len());
    for ((n, b, a), (wn, wb, wa)) in got.into_iter().zip(want) {
        assert_eq!((n, b, a), (wn, wb.as_ref(), wa.as_ref()));
    }
    assert!(rows(entries(None), entries(None)).is_empty());
}

#[test]
fn action_symbols_are_right_aligned_to_three_columns_and_painted() {
    let (plain, color) = (Style { color: false }, Style { color: true });
    for (sym, want) in [
        ("", "   "),
        (" ", "   "),
        ("+", "  +"),
        ("<=", " <="),
        ("-/+", "-/+"),
        ("~>", " ~>"),
    ] {
        assert_eq!(plain.action(sym), want);
    }
    assert_eq!(color.action("~"), "\x1b[33m  ~\x1b[0m");
    assert_eq!(color.action("+/-"), "\x1b[32m+\x1b[0m/\x1b[31m-\x1b[0m");
    assert_eq!(color.sym(Sym::Delete), "\x1b[31m-\x1b[0m");
}
