//! Bytes ↔ [`Document`]: Terraform's state v4 JSON. Pure: no I/O, no provider schemas.
//!
//! Terraform writes state with Go's `json.MarshalIndent(state, "", "  ")` and a final newline.
//! [`encode`] writes the same layout; the raw JSON it embeds (attributes, output values) is
//! re-indented to the depth it lands at, so the engine may hand it over compact and a file
//! read from Terraform is written back byte for byte.

use crate::error::{Result, StateError};
use crate::model::{Document, Heads, Outputs, Resource, FORMAT_VERSION};
use serde::{Deserialize, Serialize};
use serde_json::ser::{Formatter, PrettyFormatter};
use std::cell::RefCell;
use std::io::{self, Write};

/// The serial and lineage of a stored state: what the overwrite rules compare.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Stamp {
    /// The snapshot's serial.
    #[serde(default)]
    pub serial: u64,
    /// The snapshot's lineage (empty before the first write).
    #[serde(default)]
    pub lineage: String,
}

/// A part of a state document that can be read alone: the whole input is still checked to be
/// version 4 JSON, but only the part is kept (the rest is skipped without allocating).
pub trait Part<'de>: Deserialize<'de> {
    /// The document's format version.
    fn version(&self) -> u64;
}

impl<'de, R: Deserialize<'de>> Part<'de> for Document<R> {
    fn version(&self) -> u64 {
        self.version
    }
}

impl Part<'_> for Heads {
    fn version(&self) -> u64 {
        self.version
    }
}

impl Part<'_> for Outputs {
    fn version(&self) -> u64 {
        self.version
    }
}

/// Decodes a v4 state document.
pub fn decode(bytes: &[u8]) -> Result<Document> {
    decode_part(bytes)
}

/// Decodes one part of a v4 state document (see [`Part`]).
pub fn decode_part<'de, T: Part<'de>>(bytes: &'de [u8]) -> Result<T> {
    match serde_json::from_slice::<T>(bytes) {
        Ok(doc) if doc.version() == FORMAT_VERSION => Ok(doc),
        Ok(doc) => Err(StateError::UnsupportedVersion(doc.version())),
        Err(e) if e.is_syntax() || e.is_eof() => Err(StateError::InvalidJson {
            line: e.line(),
            column: e.column(),
            source: e,
        }),
        // A structural error: a missing or foreign version explains it best.
        Err(e) => match version_of(bytes) {
            Some(FORMAT_VERSION) => Err(StateError::Malformed(e)),
            Some(v) => Err(StateError::UnsupportedVersion(v)),
            None => Err(StateError::MissingVersion),
        },
    }
}

/// The `version` of a JSON document, if it has a numeric one.
fn version_of(bytes: &[u8]) -> Option<u64> {
    #[derive(Deserialize)]
    struct Probe {
        version: Option<serde_json::Value>,
    }
    serde_json::from_slice::<Probe>(bytes)
        .ok()?
        .version?
        .as_u64()
}

/// The serial and lineage of an encoded state, without decoding the rest.
pub fn stamp(bytes: &[u8]) -> Result<Stamp> {
    serde_json::from_slice(bytes).map_err(StateError::Malformed)
}

/// The stamp of a state document from its first bytes alone: Terraform and AutoStack write
/// `serial` and `lineage` among the first keys, so a large state's stamp needs no full read.
/// `None` when the prefix does not hold both as top-level keys before it ends (or is no
/// JSON object): read the whole document then.
pub fn stamp_of_prefix(prefix: &[u8]) -> Option<Stamp> {
    use serde::de::{Deserializer as _, IgnoredAny, MapAccess, Visitor};
    /// Reads top-level keys until both are seen, then stops (the map's end is never seen,
    /// so the result is handed out through `found`).
    struct Early<'a>(&'a mut Option<Stamp>);
    impl<'de> Visitor<'de> for Early<'_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a state document")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
            let (mut serial, mut lineage) = (None, None);
            while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                match key.as_ref() {
                    "serial" => serial = Some(map.next_value::<u64>()?),
                    "lineage" => lineage = Some(map.next_value::<String>()?),
                    _ => drop(map.next_value::<IgnoredAny>()?),
                }
                if let (Some(serial), Some(lineage)) = (serial, lineage.as_ref()) {
                    *self.0 = Some(Stamp {
                        serial,
                        lineage: lineage.clone(),
                    });
                    return Ok(());
                }
            }
            Ok(())
        }
    }
    let mut found = None;
    let mut de = serde_json::Deserializer::from_slice(prefix);
    // The map's end lies past the prefix, so this "fails" after `found` is set.
    let _ = de.deserialize_map(Early(&mut found));
    found
}

/// Encodes a document as Terraform lays it out (two-space indent, final newline).
pub fn encode(doc: &Document) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(4096);
    encode_to(doc, &mut out)?;
    Ok(out)
}

/// [`encode`], streamed to `w` (buffer it: it gets many small writes).
pub fn encode_to<R: Serialize>(doc: &Document<R>, w: impl Write) -> Result<()> {
    write_serialized(doc, w)
}

/// [`encode_to`] of `doc` with the resources `resources` yields in its place (its own are not
/// written), each made as the writer reaches it: a large state is never held whole.
pub fn encode_streamed_to(
    doc: &Document,
    resources: impl Iterator<Item = Resource>,
    w: impl Write,
) -> Result<()> {
    let streamed = Streamed {
        doc,
        resources: RefCell::new(Some(resources)),
    };
    write_serialized(&streamed, w)
}

/// Serializes `value` as Terraform lays it out, with the final newline.
fn write_serialized(value: &impl Serialize, mut w: impl Write) -> Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(&mut w, TerraformFormatter::default());
    value.serialize(&mut ser).map_err(StateError::Encode)?;
    w.write_all(b"\n")
        .map_err(|e| StateError::Encode(serde_json::Error::io(e)))
}

/// A document written with resources from an iterator, field for field as [`Document`]'s
/// own serialization writes them.
struct Streamed<'a, I> {
    doc: &'a Document,
    /// Taken by the one serialization.
    resources: RefCell<Option<I>>,
}

impl<I: Iterator<Item = Resource>> Serialize for Streamed<'_, I> {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let d = self.doc;
        let mut s = ser.serialize_struct("Document", 7)?;
        s.serialize_field("version", &d.version)?;
        s.serialize_field("terraform_version", &d.terraform_version)?;
        s.serialize_field("serial", &d.serial)?;
        s.serialize_field("lineage", &d.lineage)?;
        s.serialize_field("outputs", &d.outputs)?;
        s.serialize_field("resources", &Taken(&self.resources))?;
        s.serialize_field("check_results", &d.check_results)?;
        s.end()
    }
}

/// A sequence serialized from the iterator it takes out of its cell (empty the second time).
struct Taken<'a, I>(&'a RefCell<Option<I>>);

impl<I: Iterator<Item = Resource>> Serialize for Taken<'_, I> {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> std::result::Result<S::Ok, S::Error> {
        ser.collect_seq(self.0.borrow_mut().take().into_iter().flatten())
    }
}

/// serde_json's pretty formatter, plus raw fragments re-indented at the depth they land at.
#[derive(Default)]
struct TerraformFormatter {
    pretty: PrettyFormatter<'static>,
    depth: usize,
    /// Reused for every re-indented fragment.
    scratch: Vec<u8>,
}

impl Formatter for TerraformFormatter {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.depth += 1;
        self.pretty.begin_array(w)
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.depth -= 1;
        self.pretty.end_array(w)
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.pretty.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.pretty.end_array_value(w)
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.depth += 1;
        self.pretty.begin_object(w)
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.depth -= 1;
        self.pretty.end_object(w)
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.pretty.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.pretty.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.pretty.end_object_value(w)
    }
    fn write_raw_fragment<W: ?Sized + Write>(&mut self, w: &mut W, raw: &str) -> io::Result<()> {
        self.scratch.clear();
        reindent(raw.as_bytes(), self.depth, &mut self.scratch);
        w.write_all(&self.scratch)
    }
}

/// Lays out one JSON value as the pretty formatter would at nesting `depth`: whitespace
/// outside strings is dropped and re-inserted; strings are copied byte for byte.
fn reindent(raw: &[u8], depth: usize, out: &mut Vec<u8>) {
    out.reserve(raw.len() + raw.len() / 2);
    let newline = |out: &mut Vec<u8>, depth: usize| {
        out.push(b'\n');
        out.resize(out.len() + 2 * depth, b' ');
    };
    let mut depth = depth;
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        i += 1;
        match b {
            b' ' | b'\n' | b'\r' | b'\t' => {}
            b'"' => {
                let end = string_end(raw, i);
                out.extend_from_slice(&raw[i - 1..end]);
                i = end;
            }
            b'{' | b'[' => {
                out.push(b);
                let next = raw[i..].iter().position(|c| !c.is_ascii_whitespace());
                if next.is_some_and(|n| matches!(raw[i + n], b'}' | b']')) {
                    // Empty: `{}` / `[]` on one line.
                    let n = next.unwrap_or(0);
                    out.push(raw[i + n]);
                    i += n + 1;
                } else {
                    depth += 1;
                    newline(out, depth);
                }
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                newline(out, depth);
                out.push(b);
            }
            b',' => {
                out.push(b);
                newline(out, depth);
            }
            b':' => out.extend_from_slice(b": "),
            _ => out.push(b),
        }
    }
}

/// The index just past the string whose contents start at `start` (after its quote).
fn string_end(raw: &[u8], start: usize) -> usize {
    let mut i = start;
    while i < raw.len() {
        match raw[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    raw.len()
}

#[cfg(test)]
#[path = "codec_tests.rs"]
mod tests;
