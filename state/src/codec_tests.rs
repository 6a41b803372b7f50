use super::*;
use crate::model::{Heads, IndexKey, Mode, Outputs};

const TERRAFORM: &[u8] = include_bytes!("../tests/fixtures/terraform-1.11.4.tfstate");

#[test]
fn a_terraform_written_state_round_trips_byte_for_byte() {
    let doc = decode(TERRAFORM).unwrap();
    assert_eq!(doc.serial, 7);
    assert_eq!(doc.resources.len(), 4);
    assert_eq!(doc.resources[3].module.as_deref(), Some("module.child"));
    assert_eq!(
        doc.resources[1].instances[1].index_key,
        Some(IndexKey::Int(1))
    );
    assert!(doc.resources[0].instances[0].create_before_destroy);
    assert!(doc.outputs["secret"].sensitive);
    let out = encode(&doc).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out),
        String::from_utf8_lossy(TERRAFORM)
    );
}

#[test]
fn compact_raw_values_are_laid_out_as_terraform_does() {
    let mut doc = crate::model::Document::empty("1.11.4");
    doc.lineage = "L".into();
    let raw = |s: &str| serde_json::value::RawValue::from_string(s.into()).unwrap();
    doc.resources.push(crate::model::Resource {
        module: None,
        mode: Mode::Managed,
        ty: "t".into(),
        name: "n".into(),
        each: None,
        provider: "provider[\"p\"]".into(),
        instances: vec![crate::model::Instance {
            index_key: Some(IndexKey::Str("k".into())),
            status: Some("tainted".into()),
            deposed: None,
            schema_version: 1,
            attributes: raw(r#"{"a":[],"b":{"c":"x,y:{z}","d":[1,{}]}}"#),
            sensitive_attributes: Some(raw("[]")),
            identity_schema_version: None,
            object_provider: None,
            identity: None,
            private: None,
            dependencies: vec![],
            create_before_destroy: false,
        }],
    });
    let text = String::from_utf8(encode(&doc).unwrap()).unwrap();
    let expected = r#"      "instances": [
        {
          "index_key": "k",
          "status": "tainted",
          "schema_version": 1,
          "attributes": {
            "a": [],
            "b": {
              "c": "x,y:{z}",
              "d": [
                1,
                {}
              ]
            }
          },
          "sensitive_attributes": []
        }
      ]"#;
    assert!(text.contains(expected), "{text}");
    assert!(text.ends_with("  \"check_results\": null\n}\n"), "{text}");
    // What is written reads back to the same bytes.
    assert_eq!(
        encode(&decode(text.as_bytes()).unwrap()).unwrap(),
        text.as_bytes()
    );
}

#[test]
fn bad_documents_get_typed_errors() {
    let cases: &[(&str, &str)] = &[
        ("{ not json", "1:3: the state file is not valid JSON"),
        ("{\"version\": 4,", "the state file is not valid JSON"),
        ("{\"serial\": 1}", "state has no \"version\""),
        ("[1, 2]", "state has no \"version\""),
        (
            "{\"version\": 5, \"serial\": 1, \"lineage\": \"x\", \"resources\": []}",
            "unsupported state format version 5",
        ),
        (
            "{\"version\": 3, \"modules\": [{\"path\": [\"root\"]}], \"serial\": \"x\"}",
            "unsupported state format version 3",
        ),
        (
            "{\"version\": 4, \"serial\": \"seven\"}",
            "invalid state document",
        ),
        (
            "{\"version\": 4, \"resources\": [{\"mode\": \"managed\", \"type\": \"t\", \"name\": \"n\", \"provider\": \"p\", \"instances\": [{\"index_key\": 1.5, \"attributes\": {}}]}]}",
            "index_key must be a string or an integer",
        ),
    ];
    for (text, want) in cases {
        let err = decode(text.as_bytes()).unwrap_err().to_string();
        assert!(err.contains(want), "{text}: {err}");
    }
}

#[test]
fn stamps_read_only_serial_and_lineage() {
    assert_eq!(
        stamp(TERRAFORM).unwrap(),
        Stamp {
            serial: 7,
            lineage: "a990a030-8f9c-409b-65bf-8d4700c606e0".into()
        }
    );
    assert_eq!(stamp(b"{}").unwrap(), Stamp::default());
    assert!(stamp(b"{").is_err());
}

#[test]
fn reindenting_keeps_strings_with_escapes_intact() {
    let raw = br#"{"q":"a\"b\\","e":"{[,:]}"}"#;
    let mut out = Vec::new();
    reindent(raw, 0, &mut out);
    let out = String::from_utf8(out).unwrap();
    assert_eq!(out, "{\n  \"q\": \"a\\\"b\\\\\",\n  \"e\": \"{[,:]}\"\n}");
}

#[test]
fn parts_read_alone_and_a_borrowed_document_round_trips() {
    let heads: Heads = decode_part(TERRAFORM).unwrap();
    let keys: Vec<_> = heads
        .resources
        .iter()
        .map(|r| (r.name.as_str(), r.instances.len()))
        .collect();
    assert_eq!(keys, [("keyed", 2), ("many", 2), ("one", 1), ("c", 1)]);
    let outputs: Outputs = decode_part(TERRAFORM).unwrap();
    let names: Vec<_> = outputs.outputs.keys().map(String::as_str).collect();
    assert_eq!(names, ["nums", "plain", "secret"]);
    assert!(outputs.outputs["secret"].sensitive);
    assert_eq!(outputs.outputs["secret"].ty.get(), "\"string\"");
    let borrowed: Document<&serde_json::value::RawValue> = decode_part(TERRAFORM).unwrap();
    let mut out = Vec::new();
    encode_to(&borrowed, &mut out).unwrap();
    assert_eq!(out, TERRAFORM);
    // Parts check the version like the whole document.
    let v5 = br#"{"version": 5, "resources": []}"#;
    assert!(matches!(
        decode_part::<Heads>(v5),
        Err(StateError::UnsupportedVersion(5))
    ));
}

#[test]
fn resources_streamed_in_are_written_as_the_documents_own() {
    let whole = decode(TERRAFORM).unwrap();
    assert!(whole.resources.len() > 1);
    let mut head = decode(TERRAFORM).unwrap();
    let resources = std::mem::take(&mut head.resources);
    let mut out = Vec::new();
    encode_streamed_to(&head, resources.into_iter(), &mut out).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        String::from_utf8(encode(&whole).unwrap()).unwrap()
    );
    // None at all: the same empty list the document's own would be.
    let mut none = Vec::new();
    encode_streamed_to(&head, std::iter::empty(), &mut none).unwrap();
    assert_eq!(none, encode(&head).unwrap());
}
