//! String functions (Go semantics: simple Unicode case mappings, grapheme clusters where cty
//! counts characters). `format`/`formatlist` live in `string_format.rs`, `regex`/`regexall`
//! in `regex_fns.rs`.

use super::numeric::NOT_WHOLE;
use super::{
    regex_fns, rt, str_arg, string_format, CallCtx, FnError, FnResult, Function, Functions, Param,
    Ret,
};
use crate::value::{Number, Type, Value};
use unicode_segmentation::UnicodeSegmentation;

type Imp = fn(&CallCtx<'_>, &[Value]) -> FnResult;

pub(super) fn register(f: &mut Functions) {
    regex_fns::register(f);
    string_format::register(f);
    let s = |n: &'static str| Param::new(n, Type::String);
    let string = Ret::Fixed(rt::string);
    let one: [(&'static str, Imp); 6] = [
        ("upper", upper),
        ("lower", lower),
        ("title", title),
        ("chomp", chomp),
        ("strrev", strrev),
        ("trimspace", trimspace),
    ];
    for (name, imp) in one {
        f.add(name, Function::new(vec![s("str")], string, imp));
    }
    f.add(
        "split",
        Function::new(
            vec![s("separator"), s("str")],
            Ret::Fixed(rt::list_string),
            split,
        ),
    );
    let lists = Param::new("lists", Type::list(Type::String));
    f.add(
        "join",
        Function::new(vec![s("separator")], string, join).variadic(lists),
    );
    register_pairs(f);
}

/// The functions taking several arguments.
fn register_pairs(f: &mut Functions) {
    let s = |n: &'static str| Param::new(n, Type::String);
    let string = Ret::Fixed(rt::string);
    let two: [(&'static str, &'static str, Imp); 3] = [
        ("trim", "cutset", trim),
        ("trimprefix", "prefix", trimprefix),
        ("trimsuffix", "suffix", trimsuffix),
    ];
    for (name, second, imp) in two {
        f.add(name, Function::new(vec![s("str"), s(second)], string, imp));
    }
    let bool_ret = Ret::Fixed(rt::bool);
    f.add(
        "startswith",
        Function::new(vec![s("str").unknowns(), s("prefix")], bool_ret, startswith),
    );
    f.add(
        "endswith",
        Function::new(vec![s("str"), s("suffix")], bool_ret, endswith),
    );
    f.add(
        "strcontains",
        Function::new(vec![s("str"), s("substr")], bool_ret, strcontains),
    );
    let n = |name: &'static str| Param::new(name, Type::Number);
    f.add(
        "indent",
        Function::new(vec![n("spaces"), s("str")], string, indent),
    );
    f.add(
        "substr",
        Function::new(vec![s("str"), n("offset"), n("length")], string, substr),
    );
    f.add(
        "replace",
        Function::new(vec![s("str"), s("substr"), s("replace")], string, replace),
    );
}

/// Go's `unicode.ToUpper`: the simple (one-to-one) uppercase mapping.
fn go_upper(c: char) -> char {
    let mut it = c.to_uppercase();
    match (it.next(), it.next()) {
        (Some(u), None) => u,
        // Only a full (special-casing) mapping exists; Go uses the simple one.
        _ => {
            let u = c as u32;
            let simple = match u {
                0x1F80..=0x1FAF if u & 0xF < 8 => u + 8,
                0x1FB3 | 0x1FC3 | 0x1FF3 => u + 9,
                _ => u,
            };
            char::from_u32(simple).unwrap_or(c)
        }
    }
}

/// Go's `unicode.ToLower`: the simple lowercase mapping (no final-sigma rule).
fn go_lower(c: char) -> char {
    let mut it = c.to_lowercase();
    match (it.next(), it.next()) {
        (Some(l), None) => l,
        _ if c == '\u{130}' => 'i',
        _ => c,
    }
}

/// Go's `unicode.ToTitle`: like uppercase except for the digraphs and Georgian.
fn go_title(c: char) -> char {
    match c as u32 {
        0x01C4..=0x01C6 => '\u{1C5}',
        0x01C7..=0x01C9 => '\u{1C8}',
        0x01CA..=0x01CC => '\u{1CB}',
        0x01F1..=0x01F3 => '\u{1F2}',
        0x10D0..=0x10FA | 0x10FD..=0x10FF => c,
        _ => go_upper(c),
    }
}

fn upper(_: &CallCtx<'_>, args: &[Value]) -> FnResult {
    Ok(Value::string(
        str_arg(args, 0).chars().map(go_upper).collect::<String>(),
    ))
}

fn lower(_: &CallCtx<'_>, args: &[Value]) -> FnResult {
    Ok(Value::string(
        str_arg(args, 0).chars().map(go_lower).collect::<String>(),
    ))
}

/// Go's `strings.Title` word-separator test.
fn is_separator(c: char) -> bool {
    if c.is_ascii() {
        return !(c.is_ascii_alphanumeric() || c == '_');
    }
    c.is_whitespace()
}

fn title(_: &CallCtx<'_>, args: &[Value]) -> FnResult {
    let mut prev = ' ';
    let out: String = str_arg(args, 0)
        .chars()
        .map(|c| {
            let mapped = if is_separator(prev) { go_title(c) } else { c };
            prev = c;
            mapped
        })
        .collect();
    Ok(Value::string(out))
}

fn chomp(_: &CallCtx<'_>, args: &[Value]) -> FnResult {
    Ok(Value::string(
        str_arg(args, 0).trim_end_matches(['\r', '\n']),
    ))
}

fn strrev(_: &CallCtx<'_>, args: &[Value]) -> FnResult {
    let s = str_arg(args, 0);
    Ok(Value::string(s.graphemes(true).rev().collect::<String>()))
}

fn trimspace(_: &CallCtx<'_>, args: &[Value]) -> FnResult {
    Ok(Value::string(str_arg(args, 0).trim()))
}

fn trim(_: &CallCtx<'_>, args: &[Value]) -> FnResult {
    let cutset = str_arg(args, 1);
    Ok(Value::string(
        str_arg(args, 0).trim_matches(|c| cutset.contains(c)),
    ))
}

fn trimprefix(_: &CallCtx<'_>, args: &[Value]) -> FnResult {
    let s = str_arg(args, 0);
    Ok(Value::string(s.strip_prefix(str_arg(args, 1)).unwrap_or(s)))
}

fn trimsuffix(_: &CallCtx<'_>, args: &[Value]) -> FnResult {
    let s = str_arg(args, 0);
    Ok(Value::string(s.strip_suffix(str_arg(args, 1)).unwrap_or(s)))
}

/// `startswith` accepts an unknown string: the empty prefix still gives `true`.
fn startswith(_: &CallCtx<'_>, args: &[Value]) -> FnResult {
    let prefix = str_arg(args, 1);
    if args.first().is_some_and(Value::is_unknown) {
        return Ok(if prefix.is_empty() {
            Value::Bool(true)
        } else {
            Value::Unknown(Type::Bool)
        });
    }
    Ok(Value::Bool(str_arg(args, 0).starts_with(prefix)))
}

fn endswith(_: &CallCtx<'_>, args: &[Value]) -> FnResult {
    Ok(Value::Bool(str_arg(args, 0).ends_with(str_arg(args, 1))))
}

fn strcontains(_: &CallCtx<'_>, args: &[Value]) -> FnResult {
    Ok(Value::Bool(str_arg(args, 0).contains(str_arg(args, 1))))
}

/// Go's `strings.Split`: an empty separator splits into characters (code points).
fn split(_: &CallCtx<'_>, args: &[Value]) -> FnResult {
    let (sep, s) = (str_arg(args, 0), str_arg(args, 1));
    let items: Vec<Value> = if sep.is_empty() {
        s.chars().map(|c| Value::string(c.to_string())).collect()
    } else {
        s.split(sep).map(Value::string).collect()
    };
    Ok(Value::list(Type::String, items))
}

fn join(_: &CallCtx<'_>, args: &[Value]) -> FnResult {
    let sep = str_arg(args, 0);
    let lists = args.get(1..).unwrap_or_default();
    if lists.is_empty() {
        return Err(FnError::new("at least one list is required"));
    }
    let mut items = Vec::new();
    for (ai, list) in lists.iter().enumerate() {
        for (ei, v) in list.as_seq().unwrap_or_default().iter().enumerate() {
            let Some(s) = v.as_str() else {
                let msg = if lists.len() > 1 {
                    format!(
                        "element {ei} of list {} is null; cannot concatenate null values",
                        ai + 1
                    )
                } else {
                    format!("element {ei} is null; cannot concatenate null values")
                };
                return Err(FnError::arg(ai + 1, msg));
            };
            items.push(s);
        }
    }
    Ok(Value::string(items.join(sep)))
}

/// A number argument as a Go `int` (gocty's conversion and error).
fn int_arg(args: &[Value], i: usize) -> Result<i64, FnError> {
    args.get(i)
        .and_then(Value::as_number)
        .and_then(Number::to_i64)
        .ok_or_else(|| FnError::new(NOT_WHOLE))
}

/// Largest padding `indent` builds (Go would try to allocate any size and crash).
const MAX_INDENT: u64 = 1 << 28;

fn indent(_: &CallCtx<'_>, args: &[Value]) -> FnResult {
    let spaces = int_arg(args, 0)?;
    if spaces < 0 {
        return Err(FnError::new(
            "panic in function implementation: strings: negative Repeat count",
        ));
    }
    let lines = str_arg(args, 1).matches('\n').count() as u64;
    if spaces as u64 > MAX_INDENT || (spaces as u64).saturating_mul(lines) > MAX_INDENT {
        return Err(FnError::new(
            "panic in function implementation: strings: Repeat output length overflow",
        ));
    }
    let pad = format!("\n{}", " ".repeat(spaces as usize));
    Ok(Value::string(str_arg(args, 1).replace('\n', &pad)))
}

/// cty's `substr`: offsets and lengths count grapheme clusters; a negative offset counts
/// from the end; a negative length (or zero after a negative offset) takes the rest.
fn substr(_: &CallCtx<'_>, args: &[Value]) -> FnResult {
    let s = str_arg(args, 0);
    let mut offset = int_arg(args, 1)?;
    let length = int_arg(args, 2)?;
    let clusters: Vec<&str> = s.graphemes(true).collect();
    if offset < 0 {
        offset = offset.saturating_add(clusters.len() as i64);
    } else if length == 0 {
        return Ok(Value::string(""));
    }
    let start = usize::try_from(offset.max(0)).unwrap_or(usize::MAX);
    if start > 0 && start >= clusters.len() {
        return Ok(Value::string(""));
    }
    let rest = clusters.get(start..).unwrap_or_default();
    let take = if length <= 0 {
        rest.len()
    } else {
        usize::try_from(length)
            .unwrap_or(usize::MAX)
            .min(rest.len())
    };
    Ok(Value::string(rest[..take].concat()))
}

/// Terraform's `replace`: a substring wrapped in slashes is a regular expression.
fn replace(_: &CallCtx<'_>, args: &[Value]) -> FnResult {
    let (s, sub, with) = (str_arg(args, 0), str_arg(args, 1), str_arg(args, 2));
    if sub.len() > 1 && sub.starts_with('/') && sub.ends_with('/') {
        let pattern = &sub[1..sub.len() - 1];
        return regex_fns::replace_all(s, pattern, with)
            .map(Value::string)
            .map_err(FnError::new);
    }
    Ok(Value::string(s.replace(sub, with)))
}

#[cfg(test)]
#[path = "string_tests.rs"]
mod tests;
