use super::*;

fn instance(attrs: &str) -> Box<Instance> {
    Box::new(Instance {
        index_key: None,
        status: None,
        deposed: None,
        schema_version: 0,
        attributes: RawValue::from_string(format!("{attrs:?}")).unwrap(),
        sensitive_attributes: None,
        identity_schema_version: None,
        object_provider: None,
        identity: None,
        private: None,
        dependencies: Vec::new(),
        create_before_destroy: false,
    })
}

fn id(module: Option<&str>, mode: Mode, name: &str, key: Option<IndexKey>) -> InstanceId {
    InstanceId {
        module: module.map(str::to_string),
        mode,
        ty: "t".into(),
        name: name.into(),
        key,
    }
}

fn put(id: InstanceId, attrs: &str) -> Change {
    Change::Put {
        id,
        provider: "p".into(),
        instance: instance(attrs),
    }
}

fn layout(doc: &Document) -> Vec<String> {
    doc.instances()
        .map(|(r, i)| {
            format!(
                "{}{:?}.{}{:?}={}",
                r.module.as_deref().unwrap_or(""),
                r.mode,
                r.name,
                i.index_key,
                i.attributes.get().trim_matches('"')
            )
        })
        .collect()
}

#[test]
fn changes_land_in_terraforms_order_and_replace_or_remove_objects() {
    let mut doc = Document::empty("1.11.4");
    let int = |i| Some(IndexKey::Int(i));
    doc.apply_changes(vec![
        put(id(None, Mode::Managed, "b", int(1)), "1"),
        put(id(None, Mode::Managed, "b", int(0)), "0"),
        put(id(Some("module.m"), Mode::Managed, "a", None), "m"),
        put(id(None, Mode::Data, "z", None), "d"),
        put(
            id(None, Mode::Managed, "a", Some(IndexKey::Str("k".into()))),
            "s",
        ),
        put(id(None, Mode::Managed, "a", int(2)), "i"),
    ]);
    assert_eq!(
        layout(&doc),
        [
            "Data.zNone=d",
            "Managed.aSome(Int(2))=i",
            "Managed.aSome(Str(\"k\"))=s",
            "Managed.bSome(Int(0))=0",
            "Managed.bSome(Int(1))=1",
            "module.mManaged.aNone=m",
        ]
    );
    doc.apply_changes(vec![
        put(id(None, Mode::Managed, "b", int(0)), "new"),
        Change::Remove(id(None, Mode::Data, "z", None)),
        Change::Remove(id(None, Mode::Managed, "b", int(1))),
        Change::Remove(id(None, Mode::Managed, "nothing", None)),
    ]);
    assert_eq!(doc.resources.len(), 3, "a resource without instances goes");
    assert_eq!(layout(&doc)[2], "Managed.bSome(Int(0))=new");
}

#[test]
fn objects_put_in_order_make_the_document_the_changes_make() {
    let int = |i| Some(IndexKey::Int(i));
    let str_key = |s: &str| Some(IndexKey::Str(s.into()));
    let deposed = |id: InstanceId, attrs: &str| {
        let mut i = instance(attrs);
        i.deposed = Some("00000001".into());
        i.object_provider = Some("p".into());
        (id, "p".to_string(), *i)
    };
    let current = |id: InstanceId, attrs: &str| (id, "p".to_string(), *instance(attrs));
    // In the engine's address order: module names compare as strings, count keys as
    // numbers; data after managed there, before it in Terraform's order.
    let puts = || {
        vec![
            current(id(None, Mode::Managed, "a", int(2)), "a2"),
            current(id(None, Mode::Managed, "a", int(10)), "a10"),
            current(id(None, Mode::Data, "a", None), "da"),
            current(id(None, Mode::Managed, "b", str_key("x")), "bx"),
            current(id(Some("module.m[\"k\"]"), Mode::Managed, "c", None), "c"),
            current(id(Some("module.m10"), Mode::Managed, "c", None), "c10"),
            current(id(Some("module.m9"), Mode::Managed, "c", None), "c9"),
            deposed(id(None, Mode::Managed, "a", int(2)), "a2-old"),
            deposed(id(None, Mode::Managed, "z", None), "z-old"),
        ]
    };
    let as_changes = |puts: Vec<(InstanceId, String, Instance)>| -> Vec<Change> {
        (puts.into_iter())
            .map(|(id, provider, instance)| Change::Put {
                id,
                provider,
                instance: Box::new(instance),
            })
            .collect()
    };
    let mut expected = Document::empty("1.11.4");
    expected.apply_changes(as_changes(puts()));
    let mut doc = Document::empty("1.11.4");
    doc.put_in_order(puts());
    assert_eq!(layout(&doc), layout(&expected));
    let encoded = |d: &Document| crate::codec::encode(d).unwrap();
    assert_eq!(encoded(&doc), encoded(&expected));
    let scattered = |swaps: &[(usize, usize)]| {
        let mut p = puts();
        swaps.iter().for_each(|&(a, b)| p.swap(a, b));
        p
    };
    // Keys falling within a resource; a resource's objects apart.
    for swaps in [&[(0, 3), (1, 2)][..], &[(1, 3)]] {
        let mut expected = Document::empty("1.11.4");
        expected.apply_changes(as_changes(scattered(swaps)));
        let mut doc = Document::empty("1.11.4");
        doc.put_in_order(scattered(swaps));
        assert_eq!(encoded(&doc), encoded(&expected), "{swaps:?}");
        assert_eq!(layout(&doc).len(), 9);
    }
}
