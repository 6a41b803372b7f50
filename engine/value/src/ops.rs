//! Operations on values shared by the evaluator and the functions: equality, attribute and
//! index access, with unknown and mark propagation.

use super::{convert, Marks, Number, Type, Value};

/// A failed access: Terraform's summary and detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessError {
    /// Diagnostic summary ("Unsupported attribute").
    pub summary: &'static str,
    /// Diagnostic detail.
    pub detail: String,
}

fn access_err(summary: &'static str, detail: impl Into<String>) -> AccessError {
    AccessError {
        summary,
        detail: detail.into(),
    }
}

impl Value {
    /// `self == other` with cty semantics: unknown if either side is (partly) unknown,
    /// marks of both sides carried to the result.
    pub fn equals(&self, other: &Value) -> Value {
        let marks = self.marks().union(other.marks());
        let (a, b) = (self.unmarked(), other.unmarked());
        let r = match (a.is_null(), b.is_null()) {
            (true, true) => Value::Bool(true),
            (true, false) | (false, true) if a.is_unknown() || b.is_unknown() => {
                Value::Unknown(Type::Bool)
            }
            (true, false) | (false, true) => Value::Bool(false),
            _ => equals_known(a, b),
        };
        r.mark(marks)
    }

    /// Attribute access (`v.name`).
    pub fn get_attr(&self, name: &str) -> Result<Value, AccessError> {
        let marks = self.marks();
        let r = match self.unmarked() {
            Value::Null(_) => {
                return Err(access_err(
                    "Attempt to get attribute from null value",
                    "This value is null, so it does not have any attributes.",
                ))
            }
            Value::Unknown(Type::Object(attrs)) => match attrs.get(name) {
                Some(t) => Value::Unknown(t.clone()),
                None => return Err(no_attr(name)),
            },
            Value::Unknown(Type::Map(et)) => Value::Unknown((**et).clone()),
            Value::Unknown(Type::Dynamic) => Value::Unknown(Type::Dynamic),
            Value::Object(m) => m.get(name).cloned().ok_or_else(|| no_attr(name))?,
            Value::Map(_, m) => m.get(name).cloned().ok_or_else(|| {
                access_err(
                    "Missing map element",
                    format!("This map does not have an element with the key {name:?}."),
                )
            })?,
            Value::List(Type::Object(_), _) | Value::Set(Type::Object(_), _) => {
                return Err(access_err("Unsupported attribute", format!("Can't access attributes on a list of objects. Did you mean to access attribute {name:?} for a specific element of the list, or across all elements of the list?")));
            }
            _ => {
                return Err(access_err(
                    "Unsupported attribute",
                    "This value does not have any attributes.",
                ))
            }
        };
        Ok(r.mark(marks))
    }

    /// Index access (`v[key]`).
    pub fn index(&self, key: &Value) -> Result<Value, AccessError> {
        let marks = self.marks().union(key.marks());
        let key = key.unmarked();
        let r = match self.unmarked() {
            Value::Null(_) => return Err(access_err("Attempt to index null value", "This value is null, so it does not have any indices.")),
            Value::Unknown(t) => Value::Unknown(unknown_element_type(t, key)),
            _ if key.is_null() => return Err(access_err("Invalid index", "Can't use a null value as an indexing key.")),
            Value::List(..) | Value::Tuple(..) | Value::Set(..) if key.is_unknown() => Value::Unknown(unknown_element_type(&self.ty(), key)),
            Value::Map(et, _) if key.is_unknown() => Value::Unknown(et.clone()),
            Value::Object(_) if key.is_unknown() => Value::Unknown(Type::Dynamic),
            Value::List(_, xs) | Value::Tuple(xs) => xs[seq_index(key, xs.len())?].clone(),
            Value::Map(_, m) | Value::Object(m) => {
                let k = convert(key, &Type::String).map_err(|_| access_err("Invalid index", "The given key does not identify an element in this collection value: string required."))?;
                let k = k.as_str().unwrap_or_default().to_string();
                match m.get(&k) {
                    Some(v) => v.clone(),
                    None if matches!(self.unmarked(), Value::Object(_)) => return Err(no_attr(&k)),
                    None => return Err(access_err("Invalid index", "The given key does not identify an element in this collection value.")),
                }
            }
            Value::Set(..) => return Err(access_err("Invalid index", "Elements of a set are identified only by their value and don't have any separate index or key to select with, so it's only possible to perform operations across all elements of the set.")),
            _ => return Err(access_err("Invalid index", "This value does not have any indices.")),
        };
        Ok(r.mark(marks))
    }
}

fn no_attr(name: &str) -> AccessError {
    access_err(
        "Unsupported attribute",
        format!("This object does not have an attribute named {name:?}."),
    )
}

/// The position `key` selects in a sequence of `len` elements, or HCL 2.23's `Index` error
/// (whose "length" wording applies only to an index equal to the length: HCL compares
/// `index - length < 1`; anything further gets the generic message).
fn seq_index(key: &Value, len: usize) -> Result<usize, AccessError> {
    const NO_ELEMENT: &str = "The given key does not identify an element in this collection value";
    let n = convert(key, &Type::Number)
        .map_err(|e| access_err("Invalid index", format!("{NO_ELEMENT}: {}.", e.message)))?;
    let n = n.as_number().cloned().unwrap_or_else(|| Number::from(-1));
    if !n.is_integer() {
        return Err(access_err("Invalid index", format!("{NO_ELEMENT}: indexing a sequence requires a whole number, but the given index has a fractional part.")));
    }
    let i = n.to_i64();
    if i.is_none_or(|i| i < 0) && n < Number::from(0) {
        return Err(access_err(
            "Invalid index",
            format!("{NO_ELEMENT}: a negative number is not a valid index for a sequence."),
        ));
    }
    match i.map(|i| i as u64) {
        Some(i) if i < len as u64 => Ok(i as usize),
        Some(i) if i == len as u64 && len == 0 => Err(access_err("Invalid index", format!("{NO_ELEMENT}: the collection has no elements."))),
        Some(i) if i == len as u64 => Err(access_err("Invalid index", format!("{NO_ELEMENT}: the given index is greater than or equal to the length of the collection."))),
        _ => Err(access_err("Invalid index", format!("{NO_ELEMENT}."))),
    }
}

fn unknown_element_type(t: &Type, key: &Value) -> Type {
    match t {
        Type::List(et) | Type::Map(et) | Type::Set(et) => (**et).clone(),
        Type::Tuple(ts) => key
            .as_number()
            .and_then(Number::to_i64)
            .and_then(|i| ts.get(i as usize).cloned())
            .unwrap_or(Type::Dynamic),
        Type::Object(attrs) => key
            .as_str()
            .and_then(|k| attrs.get(k).cloned())
            .unwrap_or(Type::Dynamic),
        _ => Type::Dynamic,
    }
}

fn equals_known(a: &Value, b: &Value) -> Value {
    if !a.is_wholly_known() || !b.is_wholly_known() {
        return Value::Unknown(Type::Bool);
    }
    Value::Bool(deep_equal(a, b))
}

/// Deep equality of two known values, ignoring marks; different types are unequal
/// (except that the kinds of collections must match exactly too, as in cty).
fn deep_equal(a: &Value, b: &Value) -> bool {
    let (a, b) = (a.unmarked(), b.unmarked());
    if a.shares_contents(b) {
        return true;
    }
    match (a, b) {
        (Value::Null(_), Value::Null(_)) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Number(x), Value::Number(y)) => x == y,
        (Value::String(x), Value::String(y)) => x == y,
        (Value::List(ta, x), Value::List(tb, y)) | (Value::Set(ta, x), Value::Set(tb, y)) => {
            ta == tb && seq_equal(x, y)
        }
        (Value::Tuple(x), Value::Tuple(y)) => a.same_type(b) && seq_equal(x, y),
        (Value::Map(ta, x), Value::Map(tb, y)) => {
            ta == tb
                && x.len() == y.len()
                && x.iter()
                    .zip(y.iter())
                    .all(|((k1, v1), (k2, v2))| k1 == k2 && deep_equal(v1, v2))
        }
        (Value::Object(x), Value::Object(y)) => {
            a.same_type(b)
                && x.iter()
                    .zip(y.iter())
                    .all(|((_, v1), (_, v2))| deep_equal(v1, v2))
        }
        _ => false,
    }
}

fn seq_equal(x: &[Value], y: &[Value]) -> bool {
    x.len() == y.len() && x.iter().zip(y).all(|(a, b)| deep_equal(a, b))
}

/// Merges the marks of several values.
pub fn union_marks<'a>(values: impl IntoIterator<Item = &'a Value>) -> Marks {
    values
        .into_iter()
        .fold(Marks::NONE, |m, v| m.union(v.marks()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Values whose types differ only deep inside: a nested null's type, a tuple's length, an
    /// attribute's name, a collection's kind or element type, and marks around them.
    fn samples() -> Vec<Value> {
        let obj = |attrs: Vec<(&str, Value)>| Value::object_from(attrs);
        let s = |x: &str| Value::string(x);
        vec![
            Value::Null(Type::String),
            Value::Null(Type::Number),
            Value::Unknown(Type::String),
            s("a"),
            s("a").mark(Marks::SENSITIVE),
            Value::Bool(true),
            Value::list(Type::String, vec![s("a")]),
            Value::list(Type::Dynamic, vec![s("a")]),
            Value::tuple(vec![s("a"), Value::Bool(true)]),
            Value::tuple(vec![s("a")]),
            obj(vec![("a", s("x")), ("b", Value::Null(Type::String))]),
            obj(vec![("a", s("y")), ("b", Value::Null(Type::Number))]),
            obj(vec![("a", s("x")), ("c", Value::Null(Type::String))]),
            obj(vec![
                ("a", s("x").mark(Marks::SENSITIVE)),
                ("b", Value::Null(Type::String)),
            ]),
            Value::Null(Type::Object(
                [("a".to_string(), Type::String)].into_iter().collect(),
            )),
            obj(vec![("a", s("x"))]),
        ]
    }

    #[test]
    fn same_type_is_comparing_the_types() {
        for a in samples() {
            for b in samples() {
                assert_eq!(a.same_type(&b), a.ty() == b.ty(), "{a:?} vs {b:?}");
            }
        }
    }

    #[test]
    fn a_collection_shares_contents_with_its_clones_not_with_equal_copies() {
        for a in samples() {
            let collection = matches!(a, Value::List(..) | Value::Tuple(_) | Value::Object(_));
            assert_eq!(a.shares_contents(&a.clone()), collection, "{a:?}");
            assert_eq!(
                a.equals(&a.clone()).as_bool(),
                a.is_wholly_known().then_some(true)
            );
        }
        let make = || Value::object_from([("a", Value::string("x"))]);
        let (one, other) = (make(), make());
        assert!(!one.shares_contents(&other));
        assert_eq!(one.equals(&other).as_bool(), Some(true));
        let retyped = Value::list(Type::Dynamic, vec![Value::string("a")]);
        let Value::List(_, items) = &retyped else {
            unreachable!()
        };
        let typed = Value::List(Type::String, items.clone());
        assert!(
            !typed.shares_contents(&retyped),
            "same items, other element type"
        );
    }
}
