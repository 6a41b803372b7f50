//! Sequence functions: element, index, length, slice, reverse, concat, flatten, chunklist,
//! distinct, compact, contains, range, sort, sum, one, alltrue, anytrue, coalesce,
//! coalescelist.

use super::{same_kind, seq};
use crate::functions::numeric::NOT_WHOLE;
use crate::functions::{rt, CallCtx, FnError, FnResult, Function, Functions, Param, Ret};
use crate::value::convert::unify_values;
use crate::value::{convert, Number, Type, Value};
use unicode_segmentation::UnicodeSegmentation;

fn any(name: &'static str) -> Param {
    Param::new(name, Type::Dynamic)
}

pub(super) fn register(f: &mut Functions) {
    f.add(
        "element",
        Function::new(
            vec![
                any("list").marked().unknowns(),
                Param::new("index", Type::Number),
            ],
            Ret::Computed(elem_ty),
            element,
        ),
    );
    f.add(
        "index",
        Function::new(
            vec![any("list"), any("value")],
            Ret::Fixed(rt::number),
            index,
        ),
    );
    f.add(
        "length",
        Function::new(
            vec![any("value").unknowns()],
            Ret::Fixed(rt::number),
            length,
        ),
    );
    f.add(
        "slice",
        Function::new(
            vec![
                any("list"),
                Param::new("start_index", Type::Number),
                Param::new("end_index", Type::Number),
            ],
            Ret::Computed(first_ty),
            slice,
        ),
    );
    f.add(
        "reverse",
        Function::new(vec![any("list")], Ret::Computed(first_ty), reverse),
    );
    f.add(
        "concat",
        Function::new(vec![], Ret::Fixed(rt::dynamic), concat).variadic(any("seqs")),
    );
    f.add(
        "flatten",
        Function::new(vec![any("list")], Ret::Fixed(rt::dynamic), flatten),
    );
    f.add(
        "chunklist",
        Function::new(
            vec![
                Param::new("list", Type::list(Type::Dynamic)),
                Param::new("size", Type::Number),
            ],
            Ret::Fixed(rt::dynamic),
            chunklist,
        ),
    );
    f.add(
        "distinct",
        Function::new(
            vec![Param::new("list", Type::list(Type::Dynamic))],
            Ret::Computed(first_ty),
            distinct,
        ),
    );
    f.add(
        "compact",
        Function::new(
            vec![Param::new("list", Type::list(Type::String))],
            Ret::Fixed(rt::list_string),
            compact,
        ),
    );
    f.add(
        "contains",
        Function::new(
            vec![any("list"), any("value")],
            Ret::Fixed(rt::bool),
            contains,
        ),
    );
    f.add(
        "range",
        Function::new(vec![], Ret::Fixed(|| Type::list(Type::Number)), range)
            .variadic(Param::new("params", Type::Number)),
    );
    f.add(
        "sort",
        Function::new(
            vec![Param::new("list", Type::list(Type::String))],
            Ret::Fixed(rt::list_string),
            sort,
        ),
    );
    f.add(
        "sum",
        Function::new(vec![any("list")], Ret::Fixed(rt::number), sum),
    );
    f.add(
        "one",
        Function::new(vec![any("list")], Ret::Computed(elem_ty), one),
    );
    f.add(
        "alltrue",
        Function::new(
            vec![Param::new("list", Type::list(Type::Bool))],
            Ret::Fixed(rt::bool),
            |_, a| {
                Ok(Value::Bool(
                    seq(&a[0]).iter().all(|x| x.as_bool() == Some(true)),
                ))
            },
        ),
    );
    f.add(
        "anytrue",
        Function::new(
            vec![Param::new("list", Type::list(Type::Bool))],
            Ret::Fixed(rt::bool),
            |_, a| {
                Ok(Value::Bool(
                    seq(&a[0]).iter().any(|x| x.as_bool() == Some(true)),
                ))
            },
        ),
    );
    f.add(
        "coalesce",
        Function::new(vec![], Ret::Fixed(rt::dynamic), coalesce).variadic(any("vals").nullable()),
    );
    f.add(
        "coalescelist",
        Function::new(vec![], Ret::Fixed(rt::dynamic), coalescelist)
            .variadic(any("vals").nullable()),
    );
}

fn first_ty(args: &[Value]) -> Type {
    args.first().map_or(Type::Dynamic, Value::ty)
}

fn elem_ty(args: &[Value]) -> Type {
    args.first()
        .and_then(|v| v.ty().element_type().cloned())
        .unwrap_or(Type::Dynamic)
}

fn need_seq(v: &Value, i: usize) -> Result<Vec<Value>, FnError> {
    v.as_seq()
        .map(<[Value]>::to_vec)
        .ok_or_else(|| FnError::arg(i, "a list, set, or tuple value is required"))
}

fn int_arg(v: &Value, i: usize, what: &str) -> Result<i64, FnError> {
    let n = v
        .as_number()
        .ok_or_else(|| FnError::arg(i, "number required"))?;
    if !n.is_integer() {
        return Err(FnError::arg(i, format!("{what} must be a whole number")));
    }
    n.to_i64()
        .ok_or_else(|| FnError::arg(i, format!("{what} is out of range")))
}

/// cty's `element` (as since go-cty 1.16.1, Terraform 1.15): the index wraps around in both
/// directions, so -1 is the last element; a bad index is reported before an empty list.
fn element(_: &CallCtx<'_>, a: &[Value]) -> FnResult {
    if let Value::Unknown(t) = a[0].unmarked() {
        // Unknown elements inside a known list do not matter; an unknown list does.
        let t = match t {
            Type::List(et) => (**et).clone(),
            Type::Tuple(ts) if !ts.is_empty() => a[1]
                .as_number()
                .and_then(|n| n.to_i64())
                .map_or(Type::Dynamic, |i| {
                    ts[i.rem_euclid(ts.len() as i64) as usize].clone()
                }),
            _ => Type::Dynamic,
        };
        return Ok(Value::Unknown(t).mark(a[0].marks()));
    }
    let items = match a[0].unmarked() {
        Value::List(..) | Value::Tuple(..) => seq(&a[0]),
        _ => {
            return Err(FnError::new(format!(
                "cannot read elements from {}",
                a[0].ty().friendly_name()
            )))
        }
    };
    let i = a[1]
        .as_number()
        .filter(|n| n.is_integer())
        .and_then(|n| n.to_i64())
        .ok_or_else(|| FnError::new(format!("invalid index: {NOT_WHOLE}")))?;
    if items.is_empty() {
        return Err(FnError::new(
            "cannot use element function with an empty list",
        ));
    }
    // Only the list's own marks go on the result; marks inside stay on their elements.
    Ok(items[i.rem_euclid(items.len() as i64) as usize]
        .clone()
        .mark(a[0].marks()))
}

fn index(_: &CallCtx<'_>, a: &[Value]) -> FnResult {
    let items = need_seq(&a[0], 0)?;
    for (i, x) in items.iter().enumerate() {
        match x.equals(&a[1]).as_bool() {
            Some(true) => return Ok(Value::int(i as i64)),
            None => return Ok(Value::Unknown(Type::Number)),
            _ => {}
        }
    }
    Err(FnError::new("item not found"))
}

fn length(_: &CallCtx<'_>, a: &[Value]) -> FnResult {
    let v = &a[0];
    if v.is_unknown() {
        return Ok(Value::Unknown(Type::Number));
    }
    match v.unmarked() {
        Value::String(s) => Ok(Value::int(s.graphemes(true).count() as i64)),
        Value::List(..)
        | Value::Set(..)
        | Value::Tuple(..)
        | Value::Map(..)
        | Value::Object(..) => Ok(Value::int(v.length().unwrap_or(0) as i64)),
        _ => Err(FnError::arg(
            0,
            "argument must be a string, a collection type, or a structural type",
        )),
    }
}

fn slice(_: &CallCtx<'_>, a: &[Value]) -> FnResult {
    let items = match a[0].unmarked() {
        Value::List(..) | Value::Tuple(..) => seq(&a[0]),
        _ => return Err(FnError::arg(0, "must be a list or tuple value")),
    };
    let start = int_arg(&a[1], 1, "start index")?;
    let end = int_arg(&a[2], 2, "end index")?;
    if start < 0 {
        return Err(FnError::arg(1, "start index must not be less than zero"));
    }
    if end > items.len() as i64 {
        return Err(FnError::arg(
            2,
            "end index must not be greater than the length of the list",
        ));
    }
    if start > end {
        return Err(FnError::arg(
            1,
            "start index must not be greater than end index",
        ));
    }
    Ok(same_kind(
        &a[0],
        items[start as usize..end as usize].to_vec(),
    ))
}

fn reverse(_: &CallCtx<'_>, a: &[Value]) -> FnResult {
    let mut items = need_seq(&a[0], 0)?;
    items.reverse();
    Ok(same_kind(&a[0], items))
}

fn concat(_: &CallCtx<'_>, a: &[Value]) -> FnResult {
    let mut all_lists = true;
    let mut items = Vec::new();
    for (i, v) in a.iter().enumerate() {
        match v.unmarked() {
            Value::List(..) => items.extend(seq(v)),
            Value::Tuple(..) => {
                all_lists = false;
                items.extend(seq(v));
            }
            other => {
                return Err(FnError::arg(
                    i,
                    format!(
                        "all arguments must be lists or tuples; got {}",
                        other.ty().friendly_name()
                    ),
                ))
            }
        }
    }
    if a.is_empty() {
        return Err(FnError::new("at least one argument is required"));
    }
    if all_lists {
        if let Some((t, vals)) = unify_values(&items) {
            let t = if items.is_empty() {
                a[0].ty().element_type().cloned().unwrap_or(Type::Dynamic)
            } else {
                t
            };
            return Ok(Value::list(t, vals));
        }
    }
    Ok(Value::tuple(items))
}

fn flatten(_: &CallCtx<'_>, a: &[Value]) -> FnResult {
    fn walk(v: &Value, out: &mut Vec<Value>) -> bool {
        match v.unmarked() {
            Value::List(..) | Value::Set(..) | Value::Tuple(..) => {
                seq(v).iter().all(|x| walk(x, out))
            }
            Value::Unknown(_) => false,
            _ => {
                out.push(v.clone());
                true
            }
        }
    }
    need_seq(&a[0], 0)?;
    let mut out = Vec::new();
    if !walk(&a[0], &mut out) {
        return Ok(Value::Unknown(Type::Dynamic));
    }
    Ok(Value::tuple(out))
}

fn chunklist(_: &CallCtx<'_>, a: &[Value]) -> FnResult {
    let items = seq(&a[0]);
    let et = a[0].ty().element_type().cloned().unwrap_or(Type::Dynamic);
    let size = int_arg(&a[1], 1, "size")?;
    if size < 0 {
        return Err(FnError::new("the size argument must be positive"));
    }
    let chunks: Vec<Value> = if size == 0 || items.is_empty() {
        if items.is_empty() {
            Vec::new()
        } else {
            vec![Value::list(et.clone(), items)]
        }
    } else {
        items
            .chunks(size as usize)
            .map(|c| Value::list(et.clone(), c.to_vec()))
            .collect()
    };
    Ok(Value::list(Type::list(et), chunks))
}

fn distinct(_: &CallCtx<'_>, a: &[Value]) -> FnResult {
    let items = seq(&a[0]);
    let mut seen = std::collections::HashSet::new();
    let out: Vec<Value> = items
        .into_iter()
        .filter(|x| seen.insert(crate::value::format_value(x, 0) + &x.ty().to_string()))
        .collect();
    Ok(Value::list(
        a[0].ty().element_type().cloned().unwrap_or(Type::Dynamic),
        out,
    ))
}

fn compact(_: &CallCtx<'_>, a: &[Value]) -> FnResult {
    let out: Vec<Value> = seq(&a[0])
        .into_iter()
        .filter(|x| !x.is_null() && x.as_str() != Some(""))
        .collect();
    Ok(Value::list(Type::String, out))
}

fn contains(_: &CallCtx<'_>, a: &[Value]) -> FnResult {
    let items = match a[0].unmarked() {
        Value::List(..) | Value::Set(..) | Value::Tuple(..) => seq(&a[0]),
        _ => return Err(FnError::new("argument must be list, tuple, or set")),
    };
    let mut unknown = false;
    for x in &items {
        match x.equals(&a[1]).as_bool() {
            Some(true) => return Ok(Value::Bool(true)),
            None => unknown = true,
            _ => {}
        }
    }
    Ok(if unknown {
        Value::Unknown(Type::Bool)
    } else {
        Value::Bool(false)
    })
}

fn range(_: &CallCtx<'_>, a: &[Value]) -> FnResult {
    let n = |i: usize| a[i].as_number().cloned().unwrap_or_else(|| Number::from(0));
    let (start, end, step) = match a.len() {
        1 => {
            let e = n(0);
            let step = if e.signum() < 0 {
                Number::from(-1)
            } else {
                Number::from(1)
            };
            (Number::from(0), e, step)
        }
        2 => {
            let (s, e) = (n(0), n(1));
            let step = if e < s {
                Number::from(-1)
            } else {
                Number::from(1)
            };
            (s, e, step)
        }
        3 => (n(0), n(1), n(2)),
        _ => return Err(FnError::arg(0, "must have one, two, or three arguments")),
    };
    if step.is_zero() {
        return Err(FnError::arg(0, "step must not be zero"));
    }
    if step.signum() < 0 && start < end {
        return Err(FnError::arg(
            0,
            "end must be less than start when step is negative",
        ));
    }
    if step.signum() > 0 && start > end {
        return Err(FnError::arg(
            0,
            "start must be less than or equal to end when step is positive",
        ));
    }
    let mut out = Vec::new();
    let mut x = start;
    while if step.signum() > 0 { x < end } else { x > end } {
        if out.len() >= 1024 {
            return Err(FnError::new("more than 1024 values were generated; either decrease the difference between start and end or use a smaller step"));
        }
        out.push(Value::Number(x.clone()));
        x = x.add(&step).ok_or_else(|| FnError::new("invalid range"))?;
    }
    Ok(Value::list(Type::Number, out))
}

fn sort(_: &CallCtx<'_>, a: &[Value]) -> FnResult {
    let mut items = seq(&a[0]);
    if items.iter().any(Value::is_null) {
        return Err(FnError::arg(
            0,
            "given list element 0 is null; a null string cannot be sorted",
        ));
    }
    items.sort_by(|x, y| {
        x.as_str()
            .unwrap_or_default()
            .cmp(y.as_str().unwrap_or_default())
    });
    Ok(Value::list(Type::String, items))
}

fn sum(_: &CallCtx<'_>, a: &[Value]) -> FnResult {
    let items = match a[0].unmarked() {
        Value::List(..) | Value::Set(..) | Value::Tuple(..) => seq(&a[0]),
        _ => return Err(FnError::arg(0, "cannot sum noniterable")),
    };
    if items.is_empty() {
        return Err(FnError::arg(0, "cannot sum an empty list"));
    }
    let mut total = Number::from(0);
    for x in &items {
        if x.is_null() {
            return Err(FnError::arg(
                0,
                "argument must be list, set, or tuple of number values",
            ));
        }
        let n = convert(x, &Type::Number).map_err(|_| {
            FnError::arg(0, "argument must be list, set, or tuple of number values")
        })?;
        total = total
            .add(n.as_number().unwrap_or(&Number::from(0)))
            .ok_or_else(|| FnError::new("can't compute the sum of opposing infinities"))?;
    }
    Ok(Value::Number(total))
}

fn one(_: &CallCtx<'_>, a: &[Value]) -> FnResult {
    let items = need_seq(&a[0], 0).map_err(|_| {
        FnError::arg(
            0,
            "must be a list, set, or tuple value with either zero or one elements",
        )
    })?;
    match items.as_slice() {
        [] => Ok(Value::Null(elem_ty(a))),
        [x] => Ok(x.clone()),
        _ => Err(FnError::arg(
            0,
            "must be a list, set, or tuple value with either zero or one elements",
        )),
    }
}

fn coalesce(_: &CallCtx<'_>, a: &[Value]) -> FnResult {
    let Some((_, vals)) = unify_values(a) else {
        return Err(FnError::new("all arguments must have the same type"));
    };
    vals.into_iter()
        .find(|v| !v.is_null() && v.as_str() != Some(""))
        .ok_or_else(|| FnError::new("no non-null, non-empty-string arguments"))
}

fn coalescelist(_: &CallCtx<'_>, a: &[Value]) -> FnResult {
    for v in a {
        match v.unmarked() {
            Value::List(..) | Value::Tuple(..) => {
                if v.length().unwrap_or(0) > 0 {
                    return Ok(v.clone());
                }
            }
            _ => {
                return Err(FnError::new(
                    "coalescelist arguments must be lists or tuples",
                ))
            }
        }
    }
    Err(FnError::new("no non-null arguments"))
}
