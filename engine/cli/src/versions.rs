//! What a state version records (see `autostack_state::versions` for where it is kept):
//! a [`Meta`] for listings (`state history`) and a [`Body`] for `rollback`: the state the
//! apply replaced, and the evaluated desired configuration it applied: the text of every
//! configuration file of the module tree as the engine read it, and the root module's input
//! variables as evaluated (sensitive ones included, with their marks: the body goes through
//! the state's encryption like the state itself). Planning the recorded texts with the
//! recorded variables plans that configuration again exactly (files the configuration reads
//! with `file()` are not recorded; they are read from disk).

use autostack_lang::value::json::{decode_full, encode_full};
use autostack_lang::Value;
use autostack_state::model::Document;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

/// Marks a body as ours, and its format version.
const FORMAT: &str = "autostack-state-version";
const VERSION: u64 = 1;

/// A version's listing entry.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Meta {
    /// The serial of the state the apply wrote.
    pub serial: u64,
    /// The serial of the state it replaced (kept in the body).
    pub previous_serial: u64,
    /// When the apply finished (RFC 3339, UTC).
    pub time: String,
    /// Who applied it: `user@host`, as lock info records it.
    pub who: String,
    /// `apply`, `destroy`, `refresh` or `rollback`.
    pub operation: String,
    /// Resources added.
    pub added: usize,
    /// Resources changed in place.
    pub changed: usize,
    /// Resources destroyed.
    pub destroyed: usize,
    /// Monthly cost after the apply (USD; none when not priced, e.g. `-no-cost`).
    pub monthly_cost: Option<f64>,
    /// For a rollback: the serial whose configuration it returned to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rolled_back_to: Option<u64>,
}

/// The desired configuration an apply applied.
#[derive(Debug, Clone, Default)]
pub struct Recorded {
    /// Every configuration file (path as the tree names it, text as read).
    pub files: Vec<(PathBuf, String)>,
    /// The root module's input variables, as evaluated.
    pub variables: HashMap<String, Value>,
}

/// A version's body as stored.
#[derive(Serialize, Deserialize)]
struct BodyDoc<R> {
    format: String,
    version: u64,
    files: Vec<FileDoc>,
    variables: BTreeMap<String, Json>,
    previous_state: R,
}

#[derive(Serialize, Deserialize)]
struct FileDoc {
    path: PathBuf,
    text: String,
}

/// Encodes a body: the configuration `recorded` and the state it replaced.
pub fn encode_body(recorded: &Recorded, previous: &Document) -> Vec<u8> {
    let doc = BodyDoc {
        format: FORMAT.into(),
        version: VERSION,
        files: (recorded.files.iter())
            .map(|(path, text)| FileDoc {
                path: path.clone(),
                text: text.clone(),
            })
            .collect(),
        variables: (recorded.variables.iter())
            .map(|(k, v)| (k.clone(), encode_full(v)))
            .collect(),
        previous_state: previous,
    };
    serde_json::to_vec(&doc).unwrap_or_default()
}

/// Decodes a body's configuration (the replaced state is left unread).
pub fn decode_body(bytes: &[u8]) -> Result<Recorded, String> {
    let doc: BodyDoc<serde::de::IgnoredAny> =
        serde_json::from_slice(bytes).map_err(|e| format!("not a state version: {e}"))?;
    if doc.format != FORMAT || doc.version != VERSION {
        return Err(format!(
            "unsupported state version format {:?} v{}",
            doc.format, doc.version
        ));
    }
    let mut variables = HashMap::new();
    for (name, v) in &doc.variables {
        let value = decode_full(v).map_err(|e| format!("variable {name}: {}", e.0))?;
        variables.insert(name.clone(), value);
    }
    let files = doc.files.into_iter().map(|f| (f.path, f.text)).collect();
    Ok(Recorded { files, variables })
}

/// Decodes a listing entry.
pub fn decode_meta(bytes: &[u8]) -> Result<Meta, String> {
    serde_json::from_slice(bytes).map_err(|e| format!("not a state version: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_keeps_texts_and_variables_with_their_marks() {
        let recorded = Recorded {
            files: vec![("main.tf".into(), "resource \"x\" \"y\" {}\n".into())],
            variables: [
                ("n".to_string(), Value::from(3i64)),
                ("pw".to_string(), Value::from("hunter2").sensitive()),
            ]
            .into(),
        };
        let previous = Document::empty("1.9.0");
        let back = decode_body(&encode_body(&recorded, &previous)).unwrap();
        assert_eq!(back.files, recorded.files);
        assert_eq!(
            format!("{:?}", back.variables.get("pw")),
            format!("{:?}", recorded.variables.get("pw"))
        );
        assert!(back.variables["pw"].is_sensitive_deep());
        assert!(decode_body(b"{\"format\":\"other\"}").is_err());
    }
}
