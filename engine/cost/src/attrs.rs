//! Reading planned attributes together with Terraform's `after_unknown` mirror.

use serde_json::Value;

static TRUE: Value = Value::Bool(true);

/// A planned value: known, unknown until apply, or not set.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Attr<T> {
    /// Known at plan time.
    Known(T),
    /// Known only after apply.
    Unknown,
    /// Not set (absent or null).
    Absent,
}

impl<T> Attr<T> {
    /// Treats an absent value as `default` (unknown stays unknown).
    pub(crate) fn absent_as(self, default: T) -> Attr<T> {
        match self {
            Attr::Absent => Attr::Known(default),
            other => other,
        }
    }

    /// The known value, or `default` when absent; `None` when unknown.
    pub(crate) fn or_default(self, default: T) -> Option<T> {
        match self {
            Attr::Known(v) => Some(v),
            Attr::Absent => Some(default),
            Attr::Unknown => None,
        }
    }
}

/// A view into a planned object and its unknown mirror at the same path.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Attrs<'a> {
    known: Option<&'a Value>,
    unknown: Option<&'a Value>,
}

impl<'a> Attrs<'a> {
    /// A view of an object whose unknown mirror is `unknown` (use `Value::Null` when fully known).
    pub(crate) fn new(known: &'a Value, unknown: &'a Value) -> Attrs<'a> {
        Attrs {
            known: Some(known).filter(|v| !v.is_null()),
            unknown: Some(unknown).filter(|v| !v.is_null()),
        }
    }

    /// Whether the whole value at this path is unknown.
    pub(crate) fn is_unknown(&self) -> bool {
        self.unknown == Some(&TRUE)
    }

    /// The attribute `key` of this object.
    pub(crate) fn field(&self, key: &str) -> Attrs<'a> {
        let unknown = if self.is_unknown() {
            Some(&TRUE)
        } else {
            self.unknown.and_then(|u| u.get(key))
        };
        Attrs {
            known: self.known.and_then(|v| v.get(key)).filter(|v| !v.is_null()),
            unknown,
        }
    }

    /// The first element of a list (nested blocks are lists of one object in the JSON plan).
    pub(crate) fn first(&self) -> Attrs<'a> {
        let unknown = if self.is_unknown() {
            Some(&TRUE)
        } else {
            self.unknown.and_then(|u| u.get(0))
        };
        Attrs {
            known: self.known.and_then(|v| v.get(0)).filter(|v| !v.is_null()),
            unknown,
        }
    }

    /// The known elements of a list, each with its unknown mirror (empty when unknown or absent).
    pub(crate) fn items(&self) -> Vec<Attrs<'a>> {
        let Some(list) = self.known.and_then(|v| v.as_array()) else {
            return Vec::new();
        };
        list.iter()
            .enumerate()
            .map(|(i, v)| Attrs {
                known: Some(v).filter(|v| !v.is_null()),
                unknown: self.unknown.and_then(|u| u.get(i)),
            })
            .collect()
    }

    /// Nested block `key`, first element.
    pub(crate) fn block(&self, key: &str) -> Attrs<'a> {
        self.field(key).first()
    }

    /// The raw value.
    pub(crate) fn value(&self) -> Attr<&'a Value> {
        match (self.known, self.is_unknown()) {
            (_, true) => Attr::Unknown,
            (Some(v), false) => Attr::Known(v),
            (None, false) => Attr::Absent,
        }
    }

    /// A string attribute (numbers and bools are rendered as strings).
    pub(crate) fn str(&self, key: &str) -> Attr<String> {
        match self.field(key).value() {
            Attr::Known(Value::String(s)) if s.is_empty() => Attr::Absent,
            Attr::Known(Value::String(s)) => Attr::Known(s.clone()),
            Attr::Known(Value::Number(n)) => Attr::Known(n.to_string()),
            Attr::Known(Value::Bool(b)) => Attr::Known(b.to_string()),
            Attr::Known(_) | Attr::Absent => Attr::Absent,
            Attr::Unknown => Attr::Unknown,
        }
    }

    /// A numeric attribute (numeric strings are accepted).
    pub(crate) fn num(&self, key: &str) -> Attr<f64> {
        match self.field(key).value() {
            Attr::Known(Value::Number(n)) => n.as_f64().map_or(Attr::Absent, Attr::Known),
            Attr::Known(Value::String(s)) => s.trim().parse().map_or(Attr::Absent, Attr::Known),
            Attr::Known(_) | Attr::Absent => Attr::Absent,
            Attr::Unknown => Attr::Unknown,
        }
    }

    /// Whether the object has `key` at all (even null or unknown).
    pub(crate) fn has_key(&self, key: &str) -> bool {
        self.known
            .and_then(|v| v.as_object())
            .is_some_and(|o| o.contains_key(key))
            || self
                .unknown
                .and_then(|v| v.as_object())
                .is_some_and(|o| o.contains_key(key))
    }

    /// A map of strings (`tags`, `labels`): `None` when unknown; unknown values are skipped.
    pub(crate) fn string_map(&self, key: &str) -> Option<Vec<(String, String)>> {
        let f = self.field(key);
        if f.is_unknown() {
            return None;
        }
        let mut out = Vec::new();
        if let Some(obj) = f.known.and_then(|v| v.as_object()) {
            for (k, v) in obj {
                if let Some(s) = v.as_str() {
                    out.push((k.clone(), s.to_string()));
                }
            }
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn known_unknown_absent() {
        let after = json!({"instance_type": "t3.micro", "root_block_device": [{"volume_size": 20}], "tags": {"a": "b"}});
        let unknown =
            json!({"ami": true, "root_block_device": [{"volume_type": true}], "ebs": true});
        let a = Attrs::new(&after, &unknown);
        assert_eq!(a.str("instance_type"), Attr::Known("t3.micro".into()));
        assert_eq!(a.str("ami"), Attr::Unknown);
        assert_eq!(a.str("nothing"), Attr::Absent);
        let rbd = a.block("root_block_device");
        assert_eq!(rbd.num("volume_size"), Attr::Known(20.0));
        assert_eq!(rbd.str("volume_type"), Attr::Unknown);
        assert_eq!(a.block("ebs").num("size"), Attr::Unknown);
        assert_eq!(a.string_map("tags"), Some(vec![("a".into(), "b".into())]));
        assert!(a.has_key("ami") && !a.has_key("zzz"));
        let none = Value::Null;
        let b = Attrs::new(&after, &none);
        assert_eq!(b.str("ami"), Attr::Absent);
    }
}
