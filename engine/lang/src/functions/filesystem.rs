//! Filesystem functions: paths, file contents and digests, fileset, templatefile.
//! Relative paths resolve against the working directory (`CallCtx::base_dir`).

use super::{rt, str_arg, CallCtx, FnError, FnResult, Function, Functions, Param, Ret};
use crate::diag::{Diagnostic, SourceFile};
use crate::eval::{Evaluator, Scope};
use crate::syntax::{parse_template, Traversal};
use crate::value::{Type, Value};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use std::path::{Component, Path, PathBuf};

pub(super) fn register(f: &mut Functions) {
    let p = || vec![Param::new("path", Type::String)];
    f.add(
        "abspath",
        Function::new(p(), Ret::Fixed(rt::string), abspath),
    );
    f.add(
        "dirname",
        Function::new(p(), Ret::Fixed(rt::string), |_, a| {
            Ok(Value::string(go_dir(str_arg(a, 0))))
        }),
    );
    f.add(
        "basename",
        Function::new(p(), Ret::Fixed(rt::string), |_, a| {
            Ok(Value::string(go_base(str_arg(a, 0))))
        }),
    );
    f.add(
        "pathexpand",
        Function::new(p(), Ret::Fixed(rt::string), |_, a| {
            Ok(Value::string(expand_home(str_arg(a, 0))))
        }),
    );
    f.add("file", Function::new(p(), Ret::Fixed(rt::string), file));
    f.add(
        "fileexists",
        Function::new(p(), Ret::Fixed(rt::bool), fileexists),
    );
    f.add(
        "filebase64",
        Function::new(p(), Ret::Fixed(rt::string), |ctx, a| {
            Ok(Value::string(STANDARD.encode(read(ctx, str_arg(a, 0))?)))
        }),
    );
    for (name, kind) in [
        ("filemd5", "md5"),
        ("filesha1", "sha1"),
        ("filesha256", "sha256"),
        ("filesha512", "sha512"),
        ("filebase64sha256", "base64sha256"),
        ("filebase64sha512", "base64sha512"),
    ] {
        f.add(
            name,
            Function::new(p(), Ret::Fixed(rt::string), file_digest(kind)),
        );
    }
    f.add(
        "fileset",
        Function::new(
            vec![
                Param::new("path", Type::String),
                Param::new("pattern", Type::String),
            ],
            Ret::Fixed(|| Type::set(Type::String)),
            fileset,
        ),
    );
    f.add(
        "templatefile",
        Function::new(
            vec![
                Param::new("path", Type::String),
                Param::new("vars", Type::Dynamic),
            ],
            Ret::Fixed(rt::dynamic),
            templatefile,
        ),
    );
}

fn file_digest(kind: &'static str) -> fn(&CallCtx<'_>, &[Value]) -> FnResult {
    match kind {
        "md5" => |c, a| {
            Ok(Value::string(super::crypto::digest(
                "md5",
                &read(c, str_arg(a, 0))?,
            )))
        },
        "sha1" => |c, a| {
            Ok(Value::string(super::crypto::digest(
                "sha1",
                &read(c, str_arg(a, 0))?,
            )))
        },
        "sha256" => |c, a| {
            Ok(Value::string(super::crypto::digest(
                "sha256",
                &read(c, str_arg(a, 0))?,
            )))
        },
        "sha512" => |c, a| {
            Ok(Value::string(super::crypto::digest(
                "sha512",
                &read(c, str_arg(a, 0))?,
            )))
        },
        "base64sha256" => |c, a| {
            Ok(Value::string(super::crypto::digest(
                "base64sha256",
                &read(c, str_arg(a, 0))?,
            )))
        },
        _ => |c, a| {
            Ok(Value::string(super::crypto::digest(
                "base64sha512",
                &read(c, str_arg(a, 0))?,
            )))
        },
    }
}

/// `~` and `~/x` expanded with the home directory.
fn expand_home(p: &str) -> String {
    let home = || std::env::var("HOME").unwrap_or_else(|_| "/".into());
    match p.strip_prefix('~') {
        Some("") => home(),
        Some(rest) if rest.starts_with('/') => format!("{}{rest}", home()),
        _ => p.to_string(),
    }
}

/// Go's `filepath.Clean`.
fn clean(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for c in p.split('/') {
        match c {
            "" | "." => {}
            ".." if parts.last().is_some_and(|l| *l != "..") => {
                parts.pop();
            }
            ".." if rooted => {}
            c => parts.push(c),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        _ => joined,
    }
}

/// Go's `filepath.Dir`.
fn go_dir(p: &str) -> String {
    let i = p.rfind('/').map_or(0, |i| i + 1);
    clean(&p[..i])
}

/// Go's `filepath.Base`.
fn go_base(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let t = p.trim_end_matches('/');
    if t.is_empty() {
        return "/".into();
    }
    t.rsplit('/').next().unwrap_or(t).to_string()
}

fn abspath(ctx: &CallCtx<'_>, a: &[Value]) -> FnResult {
    let p = str_arg(a, 0);
    let full = if p.starts_with('/') {
        p.to_string()
    } else {
        format!(
            "{}/{p}",
            std::env::current_dir()
                .unwrap_or_else(|_| ctx.base_dir.clone())
                .display()
        )
    };
    Ok(Value::string(clean(&full)))
}

fn resolve(ctx: &CallCtx<'_>, p: &str) -> PathBuf {
    let p = PathBuf::from(expand_home(p));
    if p.is_absolute() {
        p
    } else {
        ctx.base_dir.join(p)
    }
}

fn read(ctx: &CallCtx<'_>, p: &str) -> Result<Vec<u8>, FnError> {
    let path = resolve(ctx, p);
    if path.is_dir() {
        return Err(FnError::arg(0, format!("{p:?} is a directory, not a file")));
    }
    std::fs::read(&path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => FnError::arg(0, format!("no file exists at {p:?}; this function works only with files that are distributed as part of the configuration source code, so if this file will be created by a resource in this configuration you must instead obtain this result from an attribute of that resource")),
        _ => FnError::arg(0, format!("failed to read file: {e}")),
    })
}

fn file(ctx: &CallCtx<'_>, a: &[Value]) -> FnResult {
    let p = str_arg(a, 0);
    let bytes = read(ctx, p)?;
    String::from_utf8(bytes).map(Value::string).map_err(|_| FnError::arg(0, format!("contents of {p:?} are not valid UTF-8; use the filebase64 function to obtain the Base64 encoded contents or the other file functions (e.g. filemd5, filesha256) to obtain file hashing results instead")))
}

fn fileexists(ctx: &CallCtx<'_>, a: &[Value]) -> FnResult {
    let p = str_arg(a, 0);
    let path = resolve(ctx, p);
    match std::fs::metadata(&path) {
        Ok(m) if m.is_file() => Ok(Value::Bool(true)),
        Ok(_) => Err(FnError::arg(
            0,
            format!(
                "{p:?} is not a regular file, but {:?}",
                if path.is_dir() { "directory" } else { "other" }
            ),
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Value::Bool(false)),
        Err(e) => Err(FnError::arg(0, format!("failed to stat {p:?}: {e}"))),
    }
}

fn fileset(ctx: &CallCtx<'_>, a: &[Value]) -> FnResult {
    let base = resolve(ctx, str_arg(a, 0));
    let pattern = str_arg(a, 1);
    let glob = globset::GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .map_err(|e| FnError::arg(1, format!("failed to glob pattern ({pattern}): {e}")))?
        .compile_matcher();
    let mut out = Vec::new();
    walk(&base, &base, &glob, &mut out);
    out.sort();
    Ok(crate::value::make_set(
        Type::String,
        out.into_iter().map(Value::string).collect(),
    ))
}

fn walk(base: &Path, dir: &Path, glob: &globset::GlobMatcher, out: &mut Vec<String>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(base, &p, glob, out);
        } else if let Ok(rel) = p.strip_prefix(base) {
            let rel: Vec<String> = rel
                .components()
                .filter_map(|c| {
                    if let Component::Normal(s) = c {
                        Some(s.to_string_lossy().into_owned())
                    } else {
                        None
                    }
                })
                .collect();
            let rel = rel.join("/");
            if glob.is_match(&rel) {
                out.push(rel);
            }
        }
    }
}

/// The scope of a template: only the `vars` given, by bare name.
struct TemplateScope {
    vars: autostack_value::ValueMap,
}

impl Scope for TemplateScope {
    fn resolve(&self, t: &Traversal) -> Result<(Value, usize), Diagnostic> {
        match self.vars.get(&t.root) {
            Some(v) => Ok((v.clone(), 0)),
            None => Err(Diagnostic::error(
                "Invalid function argument",
                format!(
                    "vars map does not contain key {:?}, referenced at {}",
                    t.root,
                    crate::config::short_range(&t.root_range)
                ),
                Some(t.root_range.clone()),
            )),
        }
    }
}

fn templatefile(ctx: &CallCtx<'_>, a: &[Value]) -> FnResult {
    let p = str_arg(a, 0);
    let bytes = read(ctx, p)?;
    let text = String::from_utf8(bytes)
        .map_err(|_| FnError::arg(0, format!("contents of {p:?} are not valid UTF-8")))?;
    let vars = match a[1].unmarked() {
        Value::Map(..) | Value::Object(..) => a[1].as_entries().cloned().unwrap_or_default(),
        Value::Null(_) => return Err(FnError::arg(1, "argument must not be null")),
        _ => return Err(FnError::arg(1, "invalid vars value: must be a map")),
    };
    for k in vars.keys() {
        if !k
            .chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_')
            || !k
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        {
            return Err(FnError::arg(1, format!("invalid template variable name {k:?}: must start with a letter, followed by zero or more letters, digits, and underscores")));
        }
    }
    let file = SourceFile::new(p.to_string(), text);
    let expr = parse_template(&file)
        .map_err(|d| FnError::arg(0, format!("failed to parse template: {d}")))?;
    let mut functions: Functions = ctx.functions.clone();
    functions.remove("templatefile");
    let scope = TemplateScope { vars };
    let mut ev = Evaluator::new(&scope, &functions, ctx.base_dir.clone()).plan_mode(ctx.plan_mode);
    ev.eval(&expr).map_err(|d| {
        FnError::new(
            d.iter()
                .map(|x| x.detail.clone())
                .collect::<Vec<_>>()
                .join("; "),
        )
    })
}
