//! Values: Terraform's dynamic values with unknowns and sensitivity marks (our cty).
//!
//! The small vocabulary every stage of the pipeline shares: the language front end
//! (`autostack-lang`) evaluates expressions to [`Value`]s, the engine plans with them, providers
//! receive and return them, the state stores them as JSON ([`json`]) and the cost engine reads
//! planned ones. It depends on no other AutoStack crate, so a provider can be built against it
//! without the language front end.
#![deny(missing_docs)]

mod bigfloat;
mod bigfloat_fmt;
pub mod convert;
pub mod diag;
pub mod display;
pub mod function;
pub mod json;
pub mod json_stream;
pub mod map;
mod number;
pub mod ops;
pub mod path;
mod set;
mod types;
pub mod unify;
pub mod version;

pub use convert::{convert, unify, ConvertError};
pub use diag::{Diagnostic, Diagnostics};
pub use display::{format_type, format_value};
pub use map::ValueMap;
pub use number::Number;
pub use path::{path_string, AttrPath, PathStep};
pub use set::make_set;
pub use types::Type;

use std::sync::Arc;

/// Marks carried by a value through every operation. Today only "sensitive".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Marks(u8);

impl Marks {
    /// No marks.
    pub const NONE: Marks = Marks(0);
    /// The value is sensitive: never printed, shown as `(sensitive value)`.
    pub const SENSITIVE: Marks = Marks(1);

    /// True when no mark is set.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// True when the sensitive mark is set.
    pub fn is_sensitive(self) -> bool {
        self.0 & Self::SENSITIVE.0 != 0
    }

    /// The union of two mark sets.
    pub fn union(self, other: Marks) -> Marks {
        Marks(self.0 | other.0)
    }
}

/// A Terraform value: null, unknown, primitive, collection or structural, maybe marked.
///
/// Collections are reference-counted so that cloning a value (which evaluation does a lot)
/// is O(1). Sets hold their elements in cty's canonical order, deduplicated.
#[derive(Debug, Clone)]
pub enum Value {
    /// A null of a type (`Dynamic` when untyped).
    Null(Type),
    /// A value that will be known only after apply.
    Unknown(Type),
    /// `true` / `false`.
    Bool(bool),
    /// An arbitrary-precision number.
    Number(Number),
    /// A Unicode string (NFC-normalized where it came from source text).
    String(Arc<str>),
    /// `list(T)`: element type and elements.
    List(Type, Arc<Vec<Value>>),
    /// `set(T)`: element type and elements (canonical order, no duplicates).
    Set(Type, Arc<Vec<Value>>),
    /// `map(T)`: element type and entries ordered by key.
    Map(Type, Arc<ValueMap>),
    /// `tuple([...])`.
    Tuple(Arc<Vec<Value>>),
    /// `object({...})`, attributes ordered by name.
    Object(Arc<ValueMap>),
    /// A value carrying marks (e.g. sensitive). Never nested directly in another `Marked`.
    Marked(Box<Value>, Marks),
}

impl Value {
    /// A string value.
    pub fn string(s: impl Into<Arc<str>>) -> Value {
        Value::String(s.into())
    }

    /// A number value from an integer.
    pub fn int(i: i64) -> Value {
        Value::Number(Number::from(i))
    }

    /// A bool value.
    pub fn bool(b: bool) -> Value {
        Value::Bool(b)
    }

    /// An untyped null.
    pub fn null() -> Value {
        Value::Null(Type::Dynamic)
    }

    /// An unknown of unknown type.
    pub fn unknown() -> Value {
        Value::Unknown(Type::Dynamic)
    }

    /// A list with element type `elem`.
    pub fn list(elem: Type, items: Vec<Value>) -> Value {
        Value::List(elem, Arc::new(items))
    }

    /// A tuple.
    pub fn tuple(items: Vec<Value>) -> Value {
        Value::Tuple(Arc::new(items))
    }

    /// An object.
    pub fn object(attrs: ValueMap) -> Value {
        Value::Object(Arc::new(attrs))
    }

    /// An object from `(name, value)` pairs.
    pub fn object_from<K: Into<String>>(attrs: impl IntoIterator<Item = (K, Value)>) -> Value {
        Value::Object(Arc::new(attrs.into_iter().collect()))
    }

    /// A map with element type `elem`.
    pub fn map(elem: Type, entries: ValueMap) -> Value {
        Value::Map(elem, Arc::new(entries))
    }

    /// The value's type (marks are transparent).
    pub fn ty(&self) -> Type {
        match self {
            Value::Null(t) | Value::Unknown(t) => t.clone(),
            Value::Bool(_) => Type::Bool,
            Value::Number(_) => Type::Number,
            Value::String(_) => Type::String,
            Value::List(t, _) => Type::list(t.clone()),
            Value::Set(t, _) => Type::set(t.clone()),
            Value::Map(t, _) => Type::map(t.clone()),
            Value::Tuple(items) => Type::Tuple(items.iter().map(Value::ty).collect()),
            Value::Object(attrs) => {
                Type::Object(attrs.iter().map(|(k, v)| (k.clone(), v.ty())).collect())
            }
            Value::Marked(v, _) => v.ty(),
        }
    }

    /// `self.ty() == other.ty()`, without building either type (a plan compares the types of
    /// every object it diffs).
    pub fn same_type(&self, other: &Value) -> bool {
        fn pairwise<'a>(mut pairs: impl Iterator<Item = (&'a Value, &'a Value)>) -> bool {
            pairs.all(|(a, b)| a.same_type(b))
        }
        match (self.unmarked(), other.unmarked()) {
            (Value::Null(a) | Value::Unknown(a), Value::Null(b) | Value::Unknown(b)) => a == b,
            (Value::Bool(_), Value::Bool(_))
            | (Value::Number(_), Value::Number(_))
            | (Value::String(_), Value::String(_)) => true,
            (Value::List(a, _), Value::List(b, _))
            | (Value::Set(a, _), Value::Set(b, _))
            | (Value::Map(a, _), Value::Map(b, _)) => a == b,
            (Value::Tuple(x), Value::Tuple(y)) => {
                x.len() == y.len() && pairwise(x.iter().zip(y.iter()))
            }
            (Value::Object(x), Value::Object(y)) => {
                Arc::ptr_eq(x, y)
                    || (x.len() == y.len()
                        && x.keys().eq(y.keys())
                        && pairwise(x.values().zip(y.values())))
            }
            (a, b) => a.ty() == b.ty(),
        }
    }

    /// True when both are the same collection (one allocation), hence equal in type, marks
    /// inside and contents: a value read back unchanged is the prior's own.
    pub fn shares_contents(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::List(a, x), Value::List(b, y)) | (Value::Set(a, x), Value::Set(b, y)) => {
                Arc::ptr_eq(x, y) && a == b
            }
            (Value::Tuple(x), Value::Tuple(y)) => Arc::ptr_eq(x, y),
            (Value::Map(a, x), Value::Map(b, y)) => Arc::ptr_eq(x, y) && a == b,
            (Value::Object(x), Value::Object(y)) => Arc::ptr_eq(x, y),
            _ => false,
        }
    }

    /// True for a null (looking through marks).
    pub fn is_null(&self) -> bool {
        matches!(self.unmarked(), Value::Null(_))
    }

    /// True when this value itself is unknown (not looking inside collections).
    pub fn is_unknown(&self) -> bool {
        matches!(self.unmarked(), Value::Unknown(_))
    }

    /// True when the value and everything inside it is known.
    pub fn is_wholly_known(&self) -> bool {
        match self {
            Value::Unknown(_) => false,
            Value::List(_, items) | Value::Set(_, items) | Value::Tuple(items) => {
                items.iter().all(Value::is_wholly_known)
            }
            Value::Map(_, m) | Value::Object(m) => m.values().all(Value::is_wholly_known),
            Value::Marked(v, _) => v.is_wholly_known(),
            _ => true,
        }
    }

    /// The value without its top-level marks.
    pub fn unmarked(&self) -> &Value {
        match self {
            Value::Marked(v, _) => v,
            v => v,
        }
    }

    /// The top-level marks.
    pub fn marks(&self) -> Marks {
        match self {
            Value::Marked(_, m) => *m,
            _ => Marks::NONE,
        }
    }

    /// Splits off the top-level marks.
    pub fn unmark(self) -> (Value, Marks) {
        match self {
            Value::Marked(v, m) => (*v, m),
            v => (v, Marks::NONE),
        }
    }

    /// Removes marks everywhere inside the value and returns their union.
    pub fn unmark_deep(self) -> (Value, Marks) {
        let mut marks = Marks::NONE;
        let v = self.unmark_deep_into(&mut marks);
        (v, marks)
    }

    fn unmark_deep_into(self, marks: &mut Marks) -> Value {
        if !self.has_marks_deep() {
            return self;
        }
        let strip = |items: &Arc<Vec<Value>>, marks: &mut Marks| -> Arc<Vec<Value>> {
            Arc::new(
                items
                    .iter()
                    .map(|v| v.clone().unmark_deep_into(marks))
                    .collect(),
            )
        };
        let strip_map = |m: &Arc<ValueMap>, marks: &mut Marks| {
            Arc::new(
                m.iter()
                    .map(|(k, v)| (k.clone(), v.clone().unmark_deep_into(marks)))
                    .collect(),
            )
        };
        match self {
            Value::Marked(v, m) => {
                *marks = marks.union(m);
                v.unmark_deep_into(marks)
            }
            Value::List(t, items) => Value::List(t, strip(&items, marks)),
            Value::Set(t, items) => Value::Set(t, strip(&items, marks)),
            Value::Tuple(items) => Value::Tuple(strip(&items, marks)),
            Value::Map(t, m) => Value::Map(t, strip_map(&m, marks)),
            Value::Object(m) => Value::Object(strip_map(&m, marks)),
            v => v,
        }
    }

    /// True when any part of the value carries a mark.
    pub fn has_marks_deep(&self) -> bool {
        match self {
            Value::Marked(..) => true,
            Value::List(_, items) | Value::Set(_, items) | Value::Tuple(items) => {
                items.iter().any(Value::has_marks_deep)
            }
            Value::Map(_, m) | Value::Object(m) => m.values().any(Value::has_marks_deep),
            _ => false,
        }
    }

    /// True when the value or anything inside it is sensitive.
    pub fn is_sensitive_deep(&self) -> bool {
        match self {
            Value::Marked(v, m) => m.is_sensitive() || v.is_sensitive_deep(),
            Value::List(_, items) | Value::Set(_, items) | Value::Tuple(items) => {
                items.iter().any(Value::is_sensitive_deep)
            }
            Value::Map(_, m) | Value::Object(m) => m.values().any(Value::is_sensitive_deep),
            _ => false,
        }
    }

    /// Adds marks to the value (no-op for empty marks; merges with existing top-level marks).
    pub fn mark(self, marks: Marks) -> Value {
        if marks.is_empty() {
            return self;
        }
        match self {
            Value::Marked(v, m) => Value::Marked(v, m.union(marks)),
            v => Value::Marked(Box::new(v), marks),
        }
    }

    /// Marks the value sensitive.
    pub fn sensitive(self) -> Value {
        self.mark(Marks::SENSITIVE)
    }

    /// The string inside a known, unmarked string value.
    pub fn as_str(&self) -> Option<&str> {
        match self.unmarked() {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The number inside a known number value.
    pub fn as_number(&self) -> Option<&Number> {
        match self.unmarked() {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    /// The bool inside a known bool value.
    pub fn as_bool(&self) -> Option<bool> {
        match self.unmarked() {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// Elements of a known list, set or tuple.
    pub fn as_seq(&self) -> Option<&[Value]> {
        match self.unmarked() {
            Value::List(_, items) | Value::Set(_, items) | Value::Tuple(items) => Some(items),
            _ => None,
        }
    }

    /// Entries of a known map or object.
    pub fn as_entries(&self) -> Option<&ValueMap> {
        match self.unmarked() {
            Value::Map(_, m) | Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// Number of elements of a known collection or structural value.
    pub fn length(&self) -> Option<usize> {
        self.as_seq()
            .map(<[Value]>::len)
            .or_else(|| self.as_entries().map(ValueMap::len))
    }

    /// Structural equality that also compares types and marks (cty's `RawEquals`).
    pub fn raw_equals(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Null(a), Value::Null(b)) | (Value::Unknown(a), Value::Unknown(b)) => a == b,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Number(a), Value::Number(b)) => a == b,
            (Value::String(a), Value::String(b)) => a == b,
            (Value::List(ta, a), Value::List(tb, b)) | (Value::Set(ta, a), Value::Set(tb, b)) => {
                ta == tb
                    && a.len() == b.len()
                    && a.iter().zip(b.iter()).all(|(x, y)| x.raw_equals(y))
            }
            (Value::Tuple(a), Value::Tuple(b)) => {
                a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| x.raw_equals(y))
            }
            (Value::Map(ta, a), Value::Map(tb, b)) => ta == tb && maps_raw_equal(a, b),
            (Value::Object(a), Value::Object(b)) => maps_raw_equal(a, b),
            (Value::Marked(a, ma), Value::Marked(b, mb)) => ma == mb && a.raw_equals(b),
            _ => false,
        }
    }
}

fn maps_raw_equal(a: &ValueMap, b: &ValueMap) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b.iter())
            .all(|((ka, va), (kb, vb))| ka == kb && va.raw_equals(vb))
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::string(s)
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::string(s)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Value {
        Value::int(i)
    }
}

impl From<Number> for Value {
    fn from(n: Number) -> Value {
        Value::Number(n)
    }
}

impl PartialEq for Value {
    /// Exact structural equality, including types and marks (cty's `RawEquals`).
    fn eq(&self, other: &Value) -> bool {
        self.raw_equals(other)
    }
}
