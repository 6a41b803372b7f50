//! Tests of the state codec: one schema lookup a run of objects, and decoded objects sharing
//! their provider string and module path.

use super::*;
use crate::addrs::parse_instance;
use std::cell::Cell;

/// Types `t_a` (an object of a string and a number) and counts its lookups.
struct Counting(Cell<usize>);

impl SchemaSource for Counting {
    fn resource_type(&self, _: &str, _: Mode, ty: &str) -> Option<(Type, u64)> {
        self.0.set(self.0.get() + 1);
        let attrs = [
            ("id", Type::String),
            ("n", Type::Number),
            ("tag", Type::String),
        ];
        let object = attrs.into_iter().map(|(k, t)| (k.to_string(), t)).collect();
        (ty == "t_a").then_some((Type::Object(object), 1))
    }
}

fn object(id: &str, n: i64) -> InstanceObject {
    InstanceObject {
        value: Value::object_from([("id", Value::string(id)), ("n", Value::from(n))]),
        provider: r#"provider["registry.terraform.io/hashicorp/t"]"#.into(),
        schema_version: 1,
        dependencies: std::sync::Arc::from(Vec::new()),
        tainted: false,
        private: None,
        create_before_destroy: false,
    }
}

#[test]
fn a_documents_objects_look_their_schema_up_once_a_run_of_one_type() {
    let mut st = State::default();
    for (addr, id) in [
        ("t_a.x[0]", "x0"),
        ("t_a.x[1]", "x1"),
        ("t_a.y", "y"),
        ("t_b.z", "z"),
    ] {
        st.instances
            .insert(parse_instance(addr).unwrap(), object(id, 7));
    }
    let counting = Counting(Cell::new(0));
    let doc = encode(&st, &counting);
    assert_eq!(
        counting.0.get(),
        2,
        "one lookup for the t_a run, one for t_b"
    );
    // Each object is what encoding it alone makes (typed by its own lookup).
    let encoded: Vec<&model::Instance> = doc.resources.iter().flat_map(|r| &r.instances).collect();
    for ((addr, obj), inst) in st.instances.iter().zip(encoded) {
        let alone = encode_instance(addr, obj, &counting);
        assert_eq!(inst.attributes.get(), alone.attributes.get(), "{addr}");
    }
    // Decoding looks up once a run too (three resources, two types).
    let decoding = Counting(Cell::new(0));
    let back = decode(&doc, &decoding).unwrap();
    assert_eq!(decoding.0.get(), 2);
    assert_eq!(back.instances.len(), 4);
    // The objects of one provider share its string.
    let providers: Vec<&Arc<str>> = back.instances.values().map(|o| &o.provider).collect();
    assert!(providers.windows(2).all(|w| Arc::ptr_eq(w[0], w[1])));
}

#[test]
fn addresses_decoded_from_one_module_share_its_path() {
    let addrs = [
        "module.m[\"a\"].t_a.x",
        "module.m[\"a\"].t_a.y",
        "module.n.t_a.z",
    ];
    let mut st = State::default();
    for (i, a) in addrs.iter().enumerate() {
        st.instances
            .insert(parse_instance(a).unwrap(), object(&i.to_string(), 1));
    }
    let back = decode(&encode(&st, &NoSchemas), &NoSchemas).unwrap();
    let paths: Vec<&ModuleInstance> = back.instances.keys().map(|a| &a.resource.module).collect();
    assert!(paths[0].shares_path(paths[1]));
    assert!(!paths[1].shares_path(paths[2]));
    let found: Vec<String> = back.instances.keys().map(|a| a.to_string()).collect();
    assert_eq!(
        found, addrs,
        "equal to, and ordered as, the addresses parsed anew"
    );
}

#[test]
fn an_object_alone_is_its_instance_as_a_whole_document_writes_it_but_for_the_index_key() {
    let (mut memo, counted) = (SchemaMemo::default(), Counting(Cell::new(0)));
    for (i, a) in ["t_a.x", "module.m[\"k\"].t_a.y[2]", "data.t_a.z"]
        .iter()
        .enumerate()
    {
        let addr = parse_instance(a).unwrap();
        let obj = object(&i.to_string(), i as i64);
        let alone = encode_object(&addr, &obj, &counted, &mut memo);
        assert!(alone.index_key.is_none(), "{a}");
        let mut one = State::default();
        one.instances.insert(addr.clone(), obj);
        let whole = serde_json::to_value(encode(&one, &Counting(Cell::new(0)))).unwrap();
        let mut want = whole["resources"][0]["instances"][0].clone();
        want.as_object_mut().unwrap().remove("index_key");
        assert_eq!(serde_json::to_value(&alone).unwrap(), want, "{a}");
    }
    assert_eq!(
        counted.0.get(),
        2,
        "one lookup for the managed t_a run, one for the data"
    );
}

/// The file `encode` writes for `st`, and the one its resources streamed in write (`None`:
/// not streamed).
fn both_ways(st: &State) -> (String, Option<String>) {
    let schemas = Counting(Cell::new(0));
    let mut whole = Vec::new();
    autostack_state::codec::encode_to(&encode(st, &schemas), &mut whole).unwrap();
    let streamed = ResourceRuns::of(st).map(|runs| {
        let mut out = Vec::new();
        let resources = runs.resources(&schemas);
        autostack_state::codec::encode_streamed_to(&encode_head(st), resources, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    });
    (String::from_utf8(whole).unwrap(), streamed)
}

#[test]
fn resources_streamed_as_they_are_written_make_the_file_the_whole_document_makes() {
    // Module keys the document orders as text (`m[10]` before `m[2]`), data sources before
    // managed resources of a module, keys of both kinds, outputs and a tainted object.
    let mut st = State::default();
    let addrs = [
        "t_a.x[0]",
        "t_a.x[2]",
        "t_a.x[10]",
        "data.t_a.d",
        "module.m[2].t_a.y",
        "module.m[10].t_a.y",
        "module.m[10].data.t_a.q",
        "module.n[\"b\"].t_b.w[\"k\"]",
        "module.n[\"b\"].t_b.w[\"K\"]",
        "module.n[\"a\"].t_a.v",
    ];
    for (i, a) in addrs.iter().enumerate() {
        let mut obj = object(a, i as i64);
        obj.tainted = i == 3;
        st.instances.insert(parse_instance(a).unwrap(), obj);
    }
    st.outputs.insert(
        "o".into(),
        OutputValue {
            value: Value::string("v"),
            sensitive: true,
        },
    );
    st.lineage = "L".into();
    st.serial = 4;
    let (whole, streamed) = both_ways(&st);
    assert!(
        whole.find("module.m[10]") < whole.find("module.m[2]"),
        "{whole}"
    );
    assert_eq!(streamed.as_deref(), Some(whole.as_str()));
    // A deposed object is placed by the whole document only.
    let (addr, obj) = (parse_instance("t_a.x[2]").unwrap(), object("old", 9));
    st.deposed.insert((addr, "0badf00d".into()), obj);
    assert_eq!(both_ways(&st).1, None);
    // Nothing at all.
    let (whole, streamed) = both_ways(&State::default());
    assert_eq!(streamed, Some(whole));
}
