//! [`ValueMap`]: a map's entries or an object's attributes, as one vector sorted by key.
//!
//! Objects are small, made once and read many times: a resource's planned object has a
//! handful of attributes, and a plan holds one per resource. A B-tree spends a whole leaf on
//! them whatever their number (eleven slots of a 72-byte entry: 808 bytes for
//! `terraform_data`'s four attributes), a sorted vector exactly what it holds (288). Lookups are
//! a binary search over contiguous keys; iteration is in key order, as cty's is.
//!
//! The API is the part of `BTreeMap`'s that values use, with the same meaning, so code reads
//! the same over either. Building from an iterator sorts once (the last of equal keys wins, as
//! `BTreeMap::from_iter` keeps it); [`ValueMap::insert`] is a binary search, and a move of the
//! entries after the slot unless the key sorts last, which is how maps are built in order.

use crate::Value;
use std::borrow::Borrow;
use std::collections::BTreeMap;

/// One entry: the key and its value.
type Entry = (String, Value);

/// String-keyed values in key order, unique keys (see the module docs).
#[derive(Clone, Default)]
pub struct ValueMap(Vec<Entry>);

/// Iterator over `(&key, &value)` in key order.
pub type Iter<'a> =
    std::iter::Map<std::slice::Iter<'a, Entry>, fn(&'a Entry) -> (&'a String, &'a Value)>;

impl ValueMap {
    /// An empty map.
    pub const fn new() -> ValueMap {
        ValueMap(Vec::new())
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there are no entries.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn find<Q>(&self, key: &Q) -> Result<usize, usize>
    where
        String: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.0.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    /// The value of `key`.
    pub fn get<Q>(&self, key: &Q) -> Option<&Value>
    where
        String: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.find(key).ok().map(|i| &self.0[i].1)
    }

    /// The value of `key`, to change in place.
    pub fn get_mut<Q>(&mut self, key: &Q) -> Option<&mut Value>
    where
        String: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.find(key).ok().map(|i| &mut self.0[i].1)
    }

    /// True when `key` has an entry.
    pub fn contains_key<Q>(&self, key: &Q) -> bool
    where
        String: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.find(key).is_ok()
    }

    /// Sets `key` to `value`, returning the value it replaces.
    pub fn insert(&mut self, key: String, value: Value) -> Option<Value> {
        if self.0.last().is_none_or(|(last, _)| *last < key) {
            self.0.push((key, value));
            return None;
        }
        match self.find(key.as_str()) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, value)),
            Err(i) => {
                self.0.insert(i, (key, value));
                None
            }
        }
    }

    /// The value of `key`, set to `make()` first when there is none (`BTreeMap`'s
    /// `entry(key).or_insert_with(make)`).
    pub fn get_or_insert_with(&mut self, key: String, make: impl FnOnce() -> Value) -> &mut Value {
        let i = match self.find(key.as_str()) {
            Ok(i) => i,
            Err(i) => {
                self.0.insert(i, (key, make()));
                i
            }
        };
        &mut self.0[i].1
    }

    /// Removes `key`, returning its value.
    pub fn remove<Q>(&mut self, key: &Q) -> Option<Value>
    where
        String: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.find(key).ok().map(|i| self.0.remove(i).1)
    }

    /// Keeps the entries `keep` accepts.
    pub fn retain(&mut self, mut keep: impl FnMut(&String, &mut Value) -> bool) {
        self.0.retain_mut(|(k, v)| keep(k, v));
    }

    /// The entries in key order.
    pub fn iter(&self) -> Iter<'_> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    /// The keys in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &String> + ExactSizeIterator + Clone {
        self.0.iter().map(|(k, _)| k)
    }

    /// The values in key order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Value> + ExactSizeIterator + Clone {
        self.0.iter().map(|(_, v)| v)
    }

    /// The values in key order, to change in place.
    pub fn values_mut(
        &mut self,
    ) -> impl DoubleEndedIterator<Item = &mut Value> + ExactSizeIterator {
        self.0.iter_mut().map(|(_, v)| v)
    }

    /// The entries in key order, values changeable in place.
    pub fn iter_mut(
        &mut self,
    ) -> impl DoubleEndedIterator<Item = (&String, &mut Value)> + ExactSizeIterator {
        self.0.iter_mut().map(|(k, v)| (&*k, v))
    }

    /// The entry with the least key.
    pub fn first_key_value(&self) -> Option<(&String, &Value)> {
        self.0.first().map(|(k, v)| (k, v))
    }

    /// The entry with the greatest key.
    pub fn last_key_value(&self) -> Option<(&String, &Value)> {
        self.0.last().map(|(k, v)| (k, v))
    }

    /// The entries as a `BTreeMap` (for code that builds on one).
    pub fn to_btree(&self) -> BTreeMap<String, Value> {
        self.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    }
}

impl std::fmt::Debug for ValueMap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl PartialEq for ValueMap {
    fn eq(&self, other: &ValueMap) -> bool {
        self.0 == other.0
    }
}

impl<K: Into<String>> FromIterator<(K, Value)> for ValueMap {
    fn from_iter<I: IntoIterator<Item = (K, Value)>>(iter: I) -> ValueMap {
        let mut entries: Vec<Entry> = iter.into_iter().map(|(k, v)| (k.into(), v)).collect();
        if entries.windows(2).all(|w| w[0].0 < w[1].0) {
            return ValueMap(entries);
        }
        // Stable, so that of equal keys the last stays last; dedup then keeps that one.
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out: Vec<Entry> = Vec::with_capacity(entries.len());
        for e in entries {
            match out.last_mut() {
                Some(last) if last.0 == e.0 => *last = e,
                _ => out.push(e),
            }
        }
        ValueMap(out)
    }
}

impl<K: Into<String>> Extend<(K, Value)> for ValueMap {
    fn extend<I: IntoIterator<Item = (K, Value)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k.into(), v);
        }
    }
}

impl From<BTreeMap<String, Value>> for ValueMap {
    fn from(m: BTreeMap<String, Value>) -> ValueMap {
        ValueMap(m.into_iter().collect())
    }
}

impl<const N: usize> From<[(String, Value); N]> for ValueMap {
    fn from(entries: [(String, Value); N]) -> ValueMap {
        entries.into_iter().collect()
    }
}

impl IntoIterator for ValueMap {
    type Item = (String, Value);
    type IntoIter = std::vec::IntoIter<Entry>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a ValueMap {
    type Item = (&'a String, &'a Value);
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl<Q> std::ops::Index<&Q> for ValueMap
where
    String: Borrow<Q>,
    Q: Ord + ?Sized,
{
    type Output = Value;

    fn index(&self, key: &Q) -> &Value {
        self.get(key).expect("no entry for the key in the ValueMap")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(m: &ValueMap) -> Vec<&str> {
        m.keys().map(String::as_str).collect()
    }

    #[test]
    fn built_from_any_order_it_is_sorted_and_the_last_of_equal_keys_wins() {
        let m: ValueMap = [
            ("b", Value::int(1)),
            ("a", Value::int(2)),
            ("b", Value::int(3)),
        ]
        .into_iter()
        .collect();
        assert_eq!(keys(&m), ["a", "b"]);
        assert_eq!(m.get("b"), Some(&Value::int(3)));
        let same: BTreeMap<String, Value> = [
            ("b".to_string(), Value::int(1)),
            ("a".into(), Value::int(2)),
            ("b".into(), Value::int(3)),
        ]
        .into_iter()
        .collect();
        assert_eq!(m, ValueMap::from(same));
    }

    #[test]
    fn insert_and_remove_keep_the_order_and_answer_as_a_btreemap_does() {
        let mut m = ValueMap::new();
        let mut b = BTreeMap::new();
        for (i, k) in ["m", "c", "x", "a", "m", "d", "z", "c"]
            .into_iter()
            .enumerate()
        {
            assert_eq!(
                m.insert(k.into(), Value::int(i as i64)),
                b.insert(k.to_string(), Value::int(i as i64))
            );
        }
        for k in ["c", "q", "z"] {
            assert_eq!(m.remove(k), b.remove(k));
        }
        assert_eq!(m, ValueMap::from(b.clone()));
        assert!(m.iter().map(|(k, _)| k).eq(b.keys()));
        assert!(m.contains_key("m") && !m.contains_key("c"));
        assert_eq!(m["x"], Value::int(2));
        assert_eq!(m.first_key_value().map(|(k, _)| k.as_str()), Some("a"));
        assert_eq!(m.last_key_value().map(|(k, _)| k.as_str()), Some("x"));
    }
}
