//! `regex`, `regexall` and the `/pattern/` form of `replace`, with Go's RE2 syntax (see
//! `re2.rs`), Go's match iteration and Go's `$name` replacement expansion.

use super::re2::{translate, SyntaxError};
use super::{rt, str_arg, CallCtx, FnError, FnResult, Function, Functions, Param, Ret};
use crate::value::{Type, Value};
use regex::{Captures, Regex, RegexBuilder};
use std::collections::BTreeMap;
use std::sync::OnceLock;

pub(super) fn register(f: &mut Functions) {
    let params = || {
        vec![
            Param::new("pattern", Type::String).unknowns(),
            Param::new("string", Type::String).unknowns(),
        ]
    };
    f.add(
        "regex",
        Function::new(params(), Ret::Fixed(rt::dynamic), regex),
    );
    f.add(
        "regexall",
        Function::new(params(), Ret::Fixed(list_dynamic), regexall),
    );
}

fn list_dynamic() -> Type {
    Type::list(Type::Dynamic)
}

/// A compiled pattern and its capture group names (empty for unnamed groups).
struct Compiled {
    re: Regex,
    names: Vec<String>,
}

/// Compiles a Go pattern; the error is Go's syntax error.
fn compile(pattern: &str) -> Result<Compiled, SyntaxError> {
    let t = translate(pattern)?;
    let re = RegexBuilder::new(&t.pattern)
        .size_limit(64 << 20)
        .nest_limit(8000)
        .build()
        .map_err(|_| SyntaxError {
            code: "expression too large",
            expr: pattern.to_string(),
        })?;
    Ok(Compiled { re, names: t.names })
}

/// The result type for a pattern: string, tuple of strings, or object of named strings.
fn result_type(names: &[String]) -> Result<Type, FnError> {
    let named = names.iter().filter(|n| !n.is_empty()).count();
    if named == 0 && names.is_empty() {
        return Ok(Type::String);
    }
    if named == 0 {
        return Ok(Type::Tuple(vec![Type::String; names.len()]));
    }
    if named < names.len() {
        return Err(FnError::arg(
            0,
            "invalid regexp pattern: cannot mix both named and unnamed capture groups",
        ));
    }
    Ok(Type::Object(
        names.iter().map(|n| (n.clone(), Type::String)).collect(),
    ))
}

/// Compiles the pattern argument and finds the result type (the work of cty's type check).
fn prepare(args: &[Value]) -> Result<(Compiled, Type), FnError> {
    let c = compile(str_arg(args, 0)).map_err(|e| {
        FnError::arg(
            0,
            format!("invalid regexp pattern: {} in {}", e.code, e.expr),
        )
    })?;
    let ty = result_type(&c.names)?;
    Ok((c, ty))
}

fn regex(_: &CallCtx<'_>, args: &[Value]) -> FnResult {
    if args.first().is_some_and(Value::is_unknown) {
        return Ok(Value::Unknown(Type::Dynamic));
    }
    let (c, ty) = prepare(args)?;
    if args.get(1).is_some_and(Value::is_unknown) {
        return Ok(Value::Unknown(ty));
    }
    let caps =
        c.re.captures(str_arg(args, 1))
            .ok_or_else(|| FnError::new("pattern did not match any part of the given string"))?;
    Ok(match_value(&caps, &ty, &c.names))
}

fn regexall(_: &CallCtx<'_>, args: &[Value]) -> FnResult {
    if args.first().is_some_and(Value::is_unknown) {
        return Ok(Value::Unknown(list_dynamic()));
    }
    let (c, ty) = prepare(args)?;
    if args.get(1).is_some_and(Value::is_unknown) {
        return Ok(Value::Unknown(Type::list(ty)));
    }
    let items = go_all_matches(&c.re, str_arg(args, 1))
        .iter()
        .map(|caps| match_value(caps, &ty, &c.names))
        .collect();
    Ok(Value::list(ty, items))
}

/// One match as Terraform returns it; groups that did not participate are null strings.
fn match_value(caps: &Captures<'_>, ty: &Type, names: &[String]) -> Value {
    let group = |i: usize| {
        caps.get(i)
            .map_or(Value::Null(Type::String), |m| Value::string(m.as_str()))
    };
    match ty {
        Type::Tuple(ts) => Value::tuple((1..=ts.len()).map(group).collect()),
        Type::Object(_) => {
            let mut attrs = BTreeMap::new();
            for (i, name) in names.iter().enumerate() {
                attrs.insert(name.clone(), group(i + 1));
            }
            Value::object(attrs.into())
        }
        _ => group(0),
    }
}

/// Width of the character at `pos` (0 at the end).
fn char_width(s: &str, pos: usize) -> usize {
    s.get(pos..)
        .and_then(|t| t.chars().next())
        .map_or(0, char::len_utf8)
}

/// Go's `FindAllStringSubmatchIndex`: no empty match right after a previous match.
fn go_all_matches<'h>(re: &Regex, s: &'h str) -> Vec<Captures<'h>> {
    let mut out = Vec::new();
    let mut pos = 0;
    let mut prev_end = None;
    while pos <= s.len() {
        let Some(caps) = re.captures_at(s, pos) else {
            break;
        };
        let Some(m) = caps.get(0) else { break };
        let (start, end) = (m.start(), m.end());
        let mut accept = true;
        if end == pos {
            accept = prev_end != Some(start);
            pos += char_width(s, pos).max(1);
        } else {
            pos = end;
        }
        prev_end = Some(end);
        if accept {
            out.push(caps);
        }
    }
    out
}

/// Go's `Regexp.ReplaceAllString`; the error is Go's compile error text.
pub(super) fn replace_all(s: &str, pattern: &str, template: &str) -> Result<String, String> {
    let c =
        compile(pattern).map_err(|e| format!("error parsing regexp: {}: `{}`", e.code, e.expr))?;
    let mut out = String::new();
    let mut last_end = 0;
    let mut search = 0;
    while search <= s.len() {
        let Some(caps) = c.re.captures_at(s, search) else {
            break;
        };
        let Some(m) = caps.get(0) else { break };
        out.push_str(s.get(last_end..m.start()).unwrap_or_default());
        if m.end() > last_end || m.start() == 0 {
            expand(&mut out, template, &caps, &c.names);
        }
        last_end = m.end();
        let width = char_width(s, search);
        search = if search + width > m.end() {
            search + width
        } else if search + 1 > m.end() {
            search + 1
        } else {
            m.end()
        };
    }
    out.push_str(s.get(last_end..).unwrap_or_default());
    Ok(out)
}

/// Go's `Regexp.expand`: `$1`, `${1}`, `$name`, `${name}`, `$$`; unknown groups give "".
fn expand(out: &mut String, template: &str, caps: &Captures<'_>, names: &[String]) {
    let mut t = template;
    while let Some(i) = t.find('$') {
        out.push_str(&t[..i]);
        t = &t[i..];
        if t[1..].starts_with('$') {
            out.push('$');
            t = &t[2..];
            continue;
        }
        let Some((name, rest)) = extract_name(t) else {
            out.push('$');
            t = &t[1..];
            continue;
        };
        t = rest;
        let index =
            group_number(name).or_else(|| names.iter().position(|n| n == name).map(|p| p + 1));
        if let Some(m) = index.and_then(|i| caps.get(i)) {
            out.push_str(m.as_str());
        }
    }
    out.push_str(t);
}

/// The name after `$` (braced or not) and the rest of the template.
fn extract_name(t: &str) -> Option<(&str, &str)> {
    let (body, braced) = match t.get(1..)? {
        b if b.starts_with('{') => (&b[1..], true),
        b => (b, false),
    };
    let len: usize = body
        .chars()
        .take_while(|c| is_name_char(*c))
        .map(char::len_utf8)
        .sum();
    if len == 0 {
        return None;
    }
    let name = &body[..len];
    let rest = &body[len..];
    if braced {
        return rest.strip_prefix('}').map(|r| (name, r));
    }
    Some((name, rest))
}

/// A group number in Go's sense: at most 9 digits, no leading zero.
fn group_number(name: &str) -> Option<usize> {
    if name.len() > 1 && name.starts_with('0') {
        return None;
    }
    if !name.bytes().all(|b| b.is_ascii_digit()) || name.len() > 9 {
        return None;
    }
    name.parse().ok()
}

/// Go's `unicode.IsLetter(c) || unicode.IsDigit(c) || c == '_'`.
fn is_name_char(c: char) -> bool {
    if c.is_ascii() {
        return c == '_' || c.is_ascii_alphanumeric();
    }
    static LETTER_OR_DIGIT: OnceLock<Option<Regex>> = OnceLock::new();
    LETTER_OR_DIGIT
        .get_or_init(|| Regex::new(r"^[\p{L}\p{Nd}]$").ok())
        .as_ref()
        .is_some_and(|re| re.is_match(c.encode_utf8(&mut [0; 4])))
}

#[cfg(test)]
#[path = "regex_tests.rs"]
mod tests;
