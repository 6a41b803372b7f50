//! Type unification and type-level conversion checks, with cty's rules (`convert.Unify`,
//! `convert.UnifyUnsafe`, `convert.GetConversion[Unsafe]`): the most general type that every
//! given type converts to, trying structural shapes first (collections, objects as maps,
//! tuples as lists) and then each given type in cty's preference order.

use super::Type;
use std::collections::BTreeMap;

/// The type all of `types` convert to, as cty's `unify` finds it; `None` when there is none
/// (cty's `NilType`, which an empty slice also gives). `unsafe_` allows string to number/bool,
/// list to set and map to object, as `UnifyUnsafe` does.
pub fn unify_types(types: &[Type], unsafe_: bool) -> Option<Type> {
    let first = types.first()?;
    if types.iter().all(|t| t == first) {
        // Every path below yields this type when all members are equal.
        return Some(first.clone());
    }
    if let Some(r) = unify_same_kind(types, unsafe_) {
        return r;
    }
    let order = sort_types(types);
    order.into_iter().find_map(|want| {
        let w = &types[want];
        types
            .iter()
            .all(|t| t == w || can_convert(t, w, unsafe_))
            .then(|| w.clone())
    })
}

/// Counts of each kind in a slice of types, as cty's `unify` tallies them.
#[derive(Default)]
struct Kinds {
    map: usize,
    list: usize,
    set: usize,
    object: usize,
    tuple: usize,
    dynamic: usize,
}

/// The structural shortcuts of cty's `unify`: `Some(result)` when one decides the answer,
/// `None` to go on with the preference-order search.
fn unify_same_kind(types: &[Type], unsafe_: bool) -> Option<Option<Type>> {
    let mut k = Kinds::default();
    for t in types {
        match t {
            Type::Map(_) => k.map += 1,
            Type::List(_) => k.list += 1,
            Type::Set(_) => k.set += 1,
            Type::Object(_) => k.object += 1,
            Type::Tuple(_) => k.tuple += 1,
            Type::Dynamic => k.dynamic += 1,
            _ => {}
        }
    }
    let n = types.len();
    let has_dyn = k.dynamic > 0;
    if k.map > 0 && k.map + k.dynamic == n {
        return Some(unify_collections(types, Type::map, unsafe_, has_dyn));
    }
    if k.map > 0 && k.map + k.object + k.dynamic == n {
        // Objects are often maps in disguise: a map result settles it, otherwise fall through.
        return unify_objects_as_maps(types, unsafe_).map(Some);
    }
    if k.list > 0 && k.list + k.dynamic == n {
        return Some(unify_collections(types, Type::list, unsafe_, has_dyn));
    }
    if k.list > 0 && k.list + k.tuple + k.dynamic == n {
        return unify_tuples_as_list(types, unsafe_).map(Some);
    }
    if k.set > 0 && k.set + k.dynamic == n {
        return Some(unify_collections(types, Type::set, unsafe_, has_dyn));
    }
    if k.object > 0 && k.object + k.dynamic == n {
        return Some(if has_dyn {
            Some(Type::Dynamic)
        } else {
            unify_objects(types, unsafe_)
        });
    }
    if k.tuple > 0 && k.tuple + k.dynamic == n {
        return Some(if has_dyn {
            Some(Type::Dynamic)
        } else {
            unify_tuples(types, unsafe_)
        });
    }
    if k.object > 0 && k.tuple > 0 {
        return Some(None);
    }
    None
}

/// cty's `unifyCollectionTypes`: unify the element types (a dynamic member makes it dynamic,
/// since the eventual path cannot be predicted).
fn unify_collections(
    types: &[Type],
    make: fn(Type) -> Type,
    unsafe_: bool,
    has_dyn: bool,
) -> Option<Type> {
    if has_dyn {
        return Some(Type::Dynamic);
    }
    let elems: Vec<Type> = types
        .iter()
        .filter_map(|t| t.element_type().cloned())
        .collect();
    let r = make(unify_types(&elems, unsafe_)?);
    all_convert(types, &r, unsafe_).then_some(r)
}

/// True when every type equals `to` or converts to it.
fn all_convert(types: &[Type], to: &Type, unsafe_: bool) -> bool {
    types.iter().all(|t| t == to || can_convert(t, to, unsafe_))
}

/// cty's `unifyObjectsAsMaps`: the objects unified as one map type, then everything again.
fn unify_objects_as_maps(types: &[Type], unsafe_: bool) -> Option<Type> {
    let objs: Vec<Type> = types
        .iter()
        .filter(|t| matches!(t, Type::Object(_)))
        .cloned()
        .collect();
    let as_map = unify_objects_to_map(&objs, unsafe_)?;
    let mapped: Vec<Type> = types
        .iter()
        .map(|t| match t {
            Type::Object(_) => as_map.clone(),
            other => other.clone(),
        })
        .collect();
    unify_types(&mapped, unsafe_).filter(|t| matches!(t, Type::Map(_)))
}

/// cty's `unifyTuplesAsList`: the tuples unified as one list type, then everything again.
fn unify_tuples_as_list(types: &[Type], unsafe_: bool) -> Option<Type> {
    let tups: Vec<Type> = types
        .iter()
        .filter(|t| matches!(t, Type::Tuple(_)))
        .cloned()
        .collect();
    let as_list = unify_tuples_to_list(&tups, unsafe_)?;
    let listed: Vec<Type> = types
        .iter()
        .map(|t| match t {
            Type::Tuple(_) => as_list.clone(),
            other => other.clone(),
        })
        .collect();
    unify_types(&listed, unsafe_).filter(|t| matches!(t, Type::List(_)))
}

fn attrs(t: &Type) -> &BTreeMap<String, Type> {
    static EMPTY: BTreeMap<String, Type> = BTreeMap::new();
    match t {
        Type::Object(a) => a,
        _ => &EMPTY,
    }
}

fn elems(t: &Type) -> &[Type] {
    match t {
        Type::Tuple(e) => e,
        _ => &[],
    }
}

/// cty's `unifyObjectTypes`: same attribute names unify attribute-wise, otherwise as a map.
fn unify_objects(types: &[Type], unsafe_: bool) -> Option<Type> {
    let first = attrs(&types[0]);
    if !types[1..].iter().all(|t| attrs(t).keys().eq(first.keys())) {
        return unify_objects_to_map(types, unsafe_);
    }
    let mut out = BTreeMap::new();
    for name in first.keys() {
        let across: Vec<Type> = types.iter().map(|t| attrs(t)[name].clone()).collect();
        out.insert(name.clone(), unify_types(&across, unsafe_)?);
    }
    let r = Type::Object(out);
    if all_convert(types, &r, unsafe_) {
        Some(r)
    } else {
        unify_objects_to_map(types, unsafe_)
    }
}

/// cty's `unifyObjectTypesToMap`: one map whose element type takes every attribute's type.
fn unify_objects_to_map(types: &[Type], unsafe_: bool) -> Option<Type> {
    let all: Vec<Type> = types
        .iter()
        .flat_map(|t| attrs(t).values().cloned())
        .collect();
    let r = Type::map(unify_types(&all, unsafe_)?);
    all_convert(types, &r, unsafe_).then_some(r)
}

/// cty's `unifyTupleTypes`: same lengths unify element-wise, otherwise as a list.
fn unify_tuples(types: &[Type], unsafe_: bool) -> Option<Type> {
    let len = elems(&types[0]).len();
    if !types[1..].iter().all(|t| elems(t).len() == len) {
        return unify_tuples_to_list(types, unsafe_);
    }
    let out = (0..len)
        .map(|i| {
            let across: Vec<Type> = types.iter().map(|t| elems(t)[i].clone()).collect();
            unify_types(&across, unsafe_)
        })
        .collect::<Option<Vec<_>>>()?;
    let r = Type::Tuple(out);
    if all_convert(types, &r, unsafe_) {
        Some(r)
    } else {
        unify_tuples_to_list(types, unsafe_)
    }
}

/// cty's `unifyTupleTypesToList`: one list whose element type takes every element's type.
fn unify_tuples_to_list(types: &[Type], unsafe_: bool) -> Option<Type> {
    let all: Vec<Type> = types.iter().flat_map(|t| elems(t).to_vec()).collect();
    let r = Type::list(unify_types(&all, unsafe_)?);
    all_convert(types, &r, unsafe_).then_some(r)
}

/// cty's `sortTypes`: indices of `tys`, most general first (a topological sort of the
/// "more general than" relation of `compare_types`). Members left in a cycle stay as index 0,
/// as in cty, where the result slice is pre-filled with zeros.
fn sort_types(tys: &[Type]) -> Vec<usize> {
    let l = tys.len();
    let mut edges: Vec<Vec<usize>> = vec![Vec::new(); l];
    for i in 0..l.saturating_sub(1) {
        for j in i + 1..l {
            match compare_types(&tys[i], &tys[j]) {
                c if c < 0 => edges[i].push(j),
                c if c > 0 => edges[j].push(i),
                _ => {}
            }
        }
    }
    let mut in_degree = vec![0usize; l];
    for outs in &edges {
        for &j in outs {
            in_degree[j] += 1;
        }
    }
    let mut order: Vec<usize> = (0..l).filter(|&i| in_degree[i] == 0).collect();
    let mut head = 0;
    while head < order.len() {
        let i = order[head];
        head += 1;
        for &j in &edges[i] {
            in_degree[j] -= 1;
            if in_degree[j] == 0 {
                order.push(j);
            }
        }
    }
    order.resize(l, 0);
    order
}

/// cty's `compareTypes`: negative when `a` is preferred (more general), positive when `b` is.
fn compare_types(a: &Type, b: &Type) -> i32 {
    if *a == Type::Dynamic || *b == Type::Dynamic {
        return match (*a == Type::Dynamic, *b == Type::Dynamic) {
            (false, _) => -1,
            (_, false) => 1,
            _ => 0,
        };
    }
    if a.is_primitive() && b.is_primitive() && (*a == Type::String || *b == Type::String) {
        return match (*a == Type::String, *b == Type::String) {
            (false, _) => 1,
            (_, false) => -1,
            _ => 0,
        };
    }
    match (a, b) {
        (Type::List(x), Type::List(y))
        | (Type::Set(x), Type::Set(y))
        | (Type::Map(x), Type::Map(y)) => return compare_types(x, y),
        _ => {}
    }
    let swap = matches!(
        (a, b),
        (Type::Tuple(_), Type::List(_))
            | (Type::Object(_), Type::Map(_))
            | (Type::Set(_), Type::Tuple(_) | Type::List(_))
    );
    let (a, b, sign) = if swap { (b, a, -1) } else { (a, b, 1) };
    match (a, b) {
        (Type::Tuple(_) | Type::List(_), Type::Set(_)) => -sign,
        (Type::List(_), Type::Tuple(_)) | (Type::Map(_), Type::Object(_)) => -sign,
        (Type::Object(x), Type::Object(y)) => {
            if x.len() != y.len() || !x.keys().all(|k| y.contains_key(k)) {
                return 0;
            }
            sign * supertype_side(x.keys().map(|k| compare_types(&x[k], &y[k])))
        }
        (Type::Tuple(x), Type::Tuple(y)) if x.len() == y.len() => {
            sign * supertype_side(x.iter().zip(y).map(|(p, q)| compare_types(p, q)))
        }
        _ => 0,
    }
}

/// -1 when only the left side holds more general members, 1 when only the right does.
fn supertype_side(cmps: impl Iterator<Item = i32>) -> i32 {
    let (mut left, mut right) = (false, false);
    for c in cmps {
        left |= c < 0;
        right |= c > 0;
    }
    match (left, right) {
        (true, false) => -1,
        (false, true) => 1,
        _ => 0,
    }
}

/// Whether cty's `getConversion` finds a conversion from `from` to `to` by type alone (a
/// value may still fail, e.g. a string that is not a number).
pub fn can_convert(from: &Type, to: &Type, unsafe_: bool) -> bool {
    if from == to || *to == Type::Dynamic {
        return true;
    }
    match (from, to) {
        (Type::Dynamic, _) => unsafe_,
        (Type::Number | Type::Bool, Type::String) => true,
        (Type::String, Type::Number | Type::Bool) => unsafe_,
        (Type::Object(f), Type::Object(t)) => t
            .iter()
            .all(|(k, tt)| f.get(k).is_some_and(|ft| can_convert(ft, tt, unsafe_))),
        (Type::Tuple(f), Type::Tuple(t)) => {
            f.len() == t.len() && f.iter().zip(t).all(|(a, b)| can_convert(a, b, unsafe_))
        }
        (Type::List(f) | Type::Set(f), Type::List(t)) => can_convert(f, t, unsafe_),
        (Type::Set(f), Type::Set(t)) => can_convert(f, t, unsafe_),
        (Type::List(f), Type::Set(t)) => unsafe_ && can_convert(f, t, unsafe_),
        (Type::Map(f), Type::Map(t)) => can_convert(f, t, unsafe_),
        (Type::Tuple(f), Type::List(t) | Type::Set(t)) => tuple_to_seq(f, t, unsafe_),
        (Type::Object(f), Type::Map(t)) => object_to_map(f, t, unsafe_),
        (Type::Map(f), Type::Object(t)) => {
            unsafe_ && t.values().all(|tt| can_convert(f, tt, unsafe_))
        }
        _ => false,
    }
}

/// cty's `conversionTupleToList`/`ToSet` type check: an empty tuple always converts; a
/// dynamic element type is first found by unifying the tuple's element types.
fn tuple_to_seq(from: &[Type], ety: &Type, unsafe_: bool) -> bool {
    if from.is_empty() {
        return true;
    }
    let ety = if *ety == Type::Dynamic {
        match unify_types(from, unsafe_) {
            None => return false,
            Some(Type::Dynamic) => return from.iter().all(|t| *t == Type::Dynamic),
            Some(u) => u,
        }
    } else {
        ety.clone()
    };
    from.iter().all(|t| can_convert(t, &ety, unsafe_))
}

/// cty's `conversionObjectToMap` type check, as `tuple_to_seq` for objects.
fn object_to_map(from: &BTreeMap<String, Type>, ety: &Type, unsafe_: bool) -> bool {
    if from.is_empty() {
        return true;
    }
    let ety = if *ety == Type::Dynamic {
        let tys: Vec<Type> = from.values().cloned().collect();
        match unify_types(&tys, unsafe_) {
            None => return false,
            Some(u) => u,
        }
    } else {
        ety.clone()
    };
    from.values().all(|t| can_convert(t, &ety, unsafe_))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(attrs: &[(&str, Type)]) -> Type {
        Type::Object(
            attrs
                .iter()
                .map(|(k, t)| (k.to_string(), t.clone()))
                .collect(),
        )
    }

    /// cty's own unify cases (unify_test.go) for what a console line cannot build: dynamic
    /// members, safe versus unsafe mode, no types at all.
    #[test]
    fn unify_matches_cty() {
        let s = Type::String;
        let cases: Vec<(Vec<Type>, bool, Option<Type>)> = vec![
            (vec![], true, None),
            (vec![Type::Number, s.clone()], false, Some(s.clone())),
            (vec![s.clone(), Type::Bool], true, Some(s.clone())),
            (vec![Type::Number, Type::Bool], true, None),
            (vec![s.clone(), Type::Dynamic], true, Some(s.clone())),
            (
                vec![Type::Dynamic, Type::Dynamic],
                true,
                Some(Type::Dynamic),
            ),
            (
                vec![Type::list(s.clone()), Type::Dynamic],
                true,
                Some(Type::Dynamic),
            ),
            (
                vec![obj(&[("a", s.clone())]), Type::Dynamic],
                true,
                Some(Type::Dynamic),
            ),
            (
                vec![Type::list(s.clone()), Type::set(s.clone())],
                true,
                Some(Type::list(s.clone())),
            ),
            (
                vec![Type::set(s.clone()), Type::list(s.clone())],
                false,
                Some(Type::list(s.clone())),
            ),
            (
                vec![Type::Tuple(vec![]), Type::set(s.clone())],
                true,
                Some(Type::set(s.clone())),
            ),
            (
                vec![obj(&[]), Type::map(s.clone())],
                false,
                Some(Type::map(s.clone())),
            ),
            (
                vec![obj(&[("a", s.clone())]), obj(&[("a", Type::Number)])],
                false,
                Some(obj(&[("a", s.clone())])),
            ),
            (
                vec![obj(&[("a", s.clone())]), obj(&[("b", Type::Number)])],
                true,
                Some(Type::map(s.clone())),
            ),
            (
                vec![Type::map(s.clone()), obj(&[("a", Type::Number)])],
                true,
                Some(Type::map(s.clone())),
            ),
        ];
        for (types, unsafe_, want) in cases {
            assert_eq!(
                unify_types(&types, unsafe_),
                want,
                "unify({types:?}, unsafe={unsafe_})"
            );
        }
    }

    #[test]
    fn conversions_by_type_match_cty() {
        let s = Type::String;
        assert!(can_convert(&Type::Number, &s, false));
        assert!(!can_convert(&s, &Type::Number, false));
        assert!(can_convert(&s, &Type::Number, true));
        assert!(!can_convert(
            &Type::list(s.clone()),
            &Type::set(s.clone()),
            false
        ));
        assert!(can_convert(
            &Type::list(s.clone()),
            &Type::set(s.clone()),
            true
        ));
        assert!(!can_convert(
            &Type::map(s.clone()),
            &obj(&[("a", s.clone())]),
            false
        ));
        assert!(can_convert(
            &Type::map(s.clone()),
            &obj(&[("a", s.clone())]),
            true
        ));
        assert!(!can_convert(
            &Type::list(s.clone()),
            &Type::Tuple(vec![s.clone()]),
            true
        ));
        assert!(!can_convert(&Type::Dynamic, &s, false));
        assert!(can_convert(
            &Type::Tuple(vec![]),
            &Type::list(Type::Dynamic),
            true
        ));
        assert!(can_convert(
            &Type::Tuple(vec![s.clone(), Type::Dynamic]),
            &Type::list(Type::Dynamic),
            true
        ));
        assert!(!can_convert(
            &Type::Tuple(vec![Type::Number, Type::Bool]),
            &Type::list(Type::Dynamic),
            true
        ));
    }
}
