use super::*;
use autostack_core::addrs::parse_instance;
use autostack_lang::value::Type;
use autostack_provider_sdk::{Attribute, Nesting};
use serde_json::json;

fn s(x: &str) -> Value {
    Value::string(x)
}

fn obj(pairs: &[(&str, Value)]) -> Value {
    Value::object_from(pairs.iter().cloned())
}

fn change(before: Value, after: Option<Value>) -> ResourceChange {
    let action = if after.is_some() {
        Action::Update
    } else {
        Action::Delete
    };
    let addr = parse_instance("aws_instance.web[0]").unwrap();
    ResourceChange::new(addr, action, Some(before), after)
}

fn at(t: &str) -> DateTime<Utc> {
    t.parse().unwrap()
}

fn record(t: &str, serial: u64, changed: &[&str]) -> RunRate {
    RunRate::nothing_priced(at(t), serial)
        .with_changed(changed.iter().map(|x| x.to_string()).collect())
}

#[test]
fn changed_leaves_are_reported_by_path_and_equal_ones_are_not() {
    let tags = |n: &str| {
        Value::map(
            Type::String,
            [("Name".to_string(), s(n)), ("Team".into(), s("a"))].into(),
        )
    };
    let before = obj(&[
        ("instance_type", s("t3.micro")),
        ("tags", tags("web")),
        (
            "ebs",
            Value::list(Type::Dynamic, vec![obj(&[("size", Value::int(8))])]),
        ),
    ]);
    let after = obj(&[
        ("instance_type", s("t3.large")),
        ("tags", tags("hand-edited")),
        (
            "ebs",
            Value::list(Type::Dynamic, vec![obj(&[("size", Value::int(16))])]),
        ),
    ]);
    let r = drifted(&change(before, Some(after)), None, &Past::default());
    assert!(!r.deleted);
    let got: Vec<(String, String, String)> = r
        .attributes
        .iter()
        .map(|a| (a.path.clone(), a.before.text(), a.after.text()))
        .collect();
    let want = [
        ("ebs[0].size", "8", "16"),
        ("instance_type", "\"t3.micro\"", "\"t3.large\""),
        ("tags[\"Name\"]", "\"web\"", "\"hand-edited\""),
    ];
    assert_eq!(got.len(), want.len(), "{got:?}");
    for (g, w) in got.iter().zip(want) {
        assert_eq!((g.0.as_str(), g.1.as_str(), g.2.as_str()), w);
    }
}

#[test]
fn sensitive_values_never_reach_the_report() {
    // Marked in the state, marked by the read, and declared sensitive by the schema only.
    let schema = Block::new()
        .attr("password", Attribute::optional(Type::String).sensitive())
        .attr("note", Attribute::optional(Type::String))
        .block(
            "auth",
            Nesting::List,
            Block::new().attr("token", Attribute::optional(Type::String).sensitive()),
        );
    let before = obj(&[
        ("password", s("hunter2")),
        ("note", s("old-secret").sensitive()),
        ("auth", Value::tuple(vec![obj(&[("token", s("tok-1"))])])),
        ("list", Value::tuple(vec![s("a"), s("pw-a").sensitive()])),
    ]);
    let after = obj(&[
        ("password", s("hunter3")),
        ("note", s("new-secret")),
        ("auth", Value::tuple(vec![obj(&[("token", s("tok-2"))])])),
        (
            "list",
            Value::tuple(vec![s("a"), s("b"), s("pw-b").sensitive()]),
        ),
    ]);
    let r = drifted(
        &change(before.clone(), Some(after)),
        Some(&schema),
        &Past::default(),
    );
    assert_eq!(r.attributes.len(), 4, "{:?}", r.attributes);
    for a in &r.attributes {
        assert_eq!(
            (&a.before, &a.after),
            (&Shown::Sensitive, &Shown::Sensitive),
            "{a:?}"
        );
    }
    let gone = drifted(&change(before, None), Some(&schema), &Past::default());
    assert!(gone.deleted);
    let text = format!("{:?}", gone.attributes);
    for secret in ["hunter2", "old-secret", "tok-1", "pw-a"] {
        assert!(!text.contains(secret), "{text}");
    }
    assert!(gone.attributes.iter().all(|a| a.after == Shown::Absent));
}

#[test]
fn a_deleted_object_lists_what_the_state_recorded() {
    let before = obj(&[
        ("id", s("sgr-1")),
        ("from_port", Value::int(22)),
        ("description", Value::Null(Type::String)),
        ("tags", Value::map(Type::String, Default::default())),
    ]);
    let r = drifted(&change(before, None), None, &Past::default());
    let paths: Vec<&str> = r.attributes.iter().map(|a| a.path.as_str()).collect();
    assert_eq!(paths, ["from_port", "id"]);
    assert_eq!(r.attributes[0].before, Shown::Value(json!(22)));
}

#[test]
fn last_applied_comes_from_the_newest_record_naming_it_then_the_state_write() {
    let past = Past {
        records: vec![
            record(
                "2024-05-01T10:00:00Z",
                2,
                &["aws_instance.web[0]", "aws_vpc.main"],
            ),
            record("2024-05-02T10:00:00Z", 3, &["aws_vpc.main"]),
            record("2024-05-03T10:00:00Z", 4, &[]),
        ],
        state_written: Some(at("2024-05-03T10:00:01Z")),
    };
    let web = past.last_applied("aws_instance.web[0]");
    assert_eq!(web.time, Some(at("2024-05-01T10:00:00Z")));
    assert_eq!(web.source, WhenSource::History(2));
    assert_eq!(
        past.last_applied("aws_vpc.main").source,
        WhenSource::History(3)
    );
    let other = past.last_applied("aws_subnet.a");
    assert_eq!(
        (other.time, other.source),
        (past.state_written, WhenSource::StateWrite)
    );
    let remote = Past {
        state_written: None,
        ..past
    };
    assert_eq!(
        remote.last_applied("aws_subnet.a").source,
        WhenSource::LastApply(4)
    );
    assert_eq!(
        Past::default().last_applied("x.y").source,
        WhenSource::Unknown
    );
}

#[test]
fn costs_are_set_per_resource_and_summed() {
    let mut rs = vec![drifted(
        &change(obj(&[("a", s("1"))]), Some(obj(&[("a", s("2"))]))),
        None,
        &Past::default(),
    )];
    let priced = BTreeMap::from([(
        "aws_instance.web[0]".to_string(),
        CostEffect {
            before: 7.5,
            after: 30.0,
        },
    )]);
    let total = set_costs(&mut rs, &priced).unwrap();
    assert_eq!(total.delta(), 22.5);
    assert_eq!(rs[0].monthly, Some(total));
    assert_eq!(set_costs(&mut rs, &BTreeMap::new()), None);
}
