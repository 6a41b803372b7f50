//! Root module input variables: `-var`, `-var-file`, `terraform.tfvars`, `*.auto.tfvars`,
//! `TF_VAR_name` and defaults, with Terraform's precedence, conversion and validation.

use crate::config::{typeexpr, Constraint, Module, Variable};
use crate::diag::{Diagnostic, Diagnostics, Range, Sources};
use crate::eval::{Evaluator, MapScope};
use crate::functions::Functions;
use crate::syntax::{parse_expr, parse_file};
use crate::value::{convert, Type, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A command-line variable argument, in the order given.
#[derive(Debug, Clone)]
pub enum CliVar {
    /// `-var 'name=value'`.
    Var(String),
    /// `-var-file FILE`.
    File(PathBuf),
}

/// Where a raw value came from (later kinds override earlier ones).
#[derive(Debug, Clone)]
enum Raw {
    /// A string to parse by the variable's parsing mode (env and `-var`).
    Text(String, Option<Range>),
    /// An evaluated value from a file.
    Val(Value, Range),
}

/// Collects raw values from every source in precedence order and finalizes all declared
/// variables: conversion, nullability, sensitivity and `validation` rules.
pub fn input_values(
    m: &Module,
    dir: &Path,
    cli: &[CliVar],
    env: &[(String, String)],
    sources: &Sources,
    functions: &Functions,
) -> (HashMap<String, Value>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let mut raw: HashMap<String, Raw> = HashMap::new();
    for (k, v) in env {
        if let Some(name) = k.strip_prefix("TF_VAR_") {
            if m.variables.contains_key(name) {
                raw.insert(name.to_string(), Raw::Text(v.clone(), None));
            }
        }
    }
    let mut files: Vec<PathBuf> = ["terraform.tfvars", "terraform.tfvars.json"]
        .iter()
        .map(|f| dir.join(f))
        .filter(|p| p.is_file())
        .collect();
    let mut auto: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| {
                    p.to_string_lossy().ends_with(".auto.tfvars")
                        || p.to_string_lossy().ends_with(".auto.tfvars.json")
                })
                .collect()
        })
        .unwrap_or_default();
    auto.sort();
    files.extend(auto);
    for f in files {
        read_var_file(&f, m, false, sources, &mut raw, &mut diags);
    }
    for c in cli {
        match c {
            CliVar::File(f) => read_var_file(f, m, true, sources, &mut raw, &mut diags),
            CliVar::Var(s) => cli_var(s, m, &mut raw, &mut diags),
        }
    }
    let mut values = HashMap::new();
    for v in m.variables.values() {
        if let Some(val) = finalize(v, raw.remove(&v.name), sources, &mut diags) {
            values.insert(v.name.clone(), val);
        }
    }
    if !diags.has_errors() {
        diags.extend(run_validations(m, &values, functions));
    }
    (values, diags)
}

fn cli_var(s: &str, m: &Module, raw: &mut HashMap<String, Raw>, diags: &mut Diagnostics) {
    let Some((name, value)) = s.split_once('=') else {
        diags.push(Diagnostic::error("Invalid -var option", format!("The given -var option {s:?} is not correctly specified. Must be a variable name and value separated by an equals sign, like -var=\"key=value\"."), None));
        return;
    };
    if !m.variables.contains_key(name) {
        diags.push(Diagnostic::error("Value for undeclared variable", format!("A variable named {name:?} was assigned on the command line, but the root module does not declare a variable of that name. To use this value, add a \"variable\" block to the configuration."), None));
        return;
    }
    raw.insert(name.to_string(), Raw::Text(value.to_string(), None));
}

fn read_var_file(
    path: &Path,
    m: &Module,
    explicit: bool,
    sources: &Sources,
    raw: &mut HashMap<String, Raw>,
    diags: &mut Diagnostics,
) {
    let name = path.to_string_lossy().into_owned();
    let text = match std::fs::read(path).map(String::from_utf8) {
        Ok(Ok(t)) => t,
        Ok(Err(_)) => {
            return diags.push(Diagnostic::error(
                "Invalid character encoding",
                format!("The file {name} is not valid UTF-8."),
                None,
            ))
        }
        Err(e) => {
            return diags.push(Diagnostic::error(
                "Failed to read variables file",
                format!("Given variables file {name} does not exist: {e}."),
                None,
            ))
        }
    };
    let file = sources.add(name, text);
    let Some(body) = diags.take(parse_file(&file)) else {
        return;
    };
    for b in &body.blocks {
        diags.push(Diagnostic::error(
            "Unexpected block",
            "Blocks are not allowed in variables files.",
            Some(b.def_range()),
        ));
    }
    for a in &body.attributes {
        if !m.variables.contains_key(&a.name) {
            let (summary, detail) = ("Value for undeclared variable", format!("The root module does not declare a variable named {:?} but a value was found in file {:?}. If you meant to use this value, add a \"variable\" block to the configuration.\n\nTo silence these warnings, use TF_VAR_... environment variables to provide certain \"global\" settings to all configurations in your organization. To reduce the verbosity of these warnings, use the -compact-warnings option.", a.name, file.name.as_ref()));
            diags.push(if explicit {
                Diagnostic::error(summary, detail, Some(a.name_range.clone()))
            } else {
                Diagnostic::warning(summary, detail, Some(a.name_range.clone()))
            });
            continue;
        }
        if let Some(v) = crate::config::eval_static(&a.expr, diags) {
            raw.insert(a.name.clone(), Raw::Val(v, a.expr.range.clone()));
        }
    }
}

/// Variables of primitive type (or no type) take raw strings literally; others parse as HCL.
fn parse_text(
    v: &Variable,
    text: &str,
    sources: &Sources,
    diags: &mut Diagnostics,
) -> Option<Value> {
    if matches!(v.ty, Constraint::Prim(_)) || !v.type_declared {
        return Some(Value::string(text));
    }
    let file = sources.add(format!("<value for var.{}>", v.name), text.to_string());
    let e = diags.take(parse_expr(&file))?;
    crate::config::eval_static(&e, diags)
}

fn finalize(
    v: &Variable,
    raw: Option<Raw>,
    sources: &Sources,
    diags: &mut Diagnostics,
) -> Option<Value> {
    let (given, at) = match raw {
        Some(Raw::Text(t, r)) => (parse_text(v, &t, sources, diags)?, r),
        Some(Raw::Val(val, r)) => (val, Some(r)),
        None => match &v.default {
            Some(d) => (d.clone(), None),
            None => {
                diags.push(Diagnostic::error("No value for required variable", format!("The root module input variable {:?} is not set, and has no default value. Use a -var or -var-file command line argument to provide a value for this variable.", v.name), Some(v.range.clone())));
                return None;
            }
        },
    };
    let given = if given.is_null() && !v.nullable {
        match &v.default {
            Some(d) if !d.is_null() => d.clone(),
            _ => {
                diags.push(Diagnostic::error("Required variable not set", format!("Unsuitable value for var.{} set from outside of the configuration: required variable may not be set to null.", v.name), at.or(Some(v.range.clone()))));
                return None;
            }
        }
    } else {
        given
    };
    match typeexpr::convert_to(&given, &v.ty) {
        Ok(val) => Some(if v.sensitive { val.sensitive() } else { val }),
        Err(e) => {
            let detail = format!(
                "The given value is not suitable for var.{} declared at {}: {e}.",
                v.name,
                crate::config::short_range(&v.range)
            );
            diags.push(Diagnostic::error(
                "Invalid value for input variable",
                detail,
                at.or(Some(v.range.clone())),
            ));
            None
        }
    }
}

/// Evaluates every `validation` rule of every variable against the final values.
pub fn run_validations(
    m: &Module,
    values: &HashMap<String, Value>,
    functions: &Functions,
) -> Diagnostics {
    let vars = Arc::new(values.clone());
    let mut diags = Diagnostics::new();
    for v in m.variables.values() {
        diags.extend(validate_variable(v, &vars, functions, &m.dir, None));
    }
    diags
}

/// Evaluates `v`'s `validation` rules with `vars` as `var.*` (a module's variables known so
/// far, `v`'s own among them). A rule whose condition is unknown is skipped, as Terraform
/// does; a failed one points at `at` (the expression that set the value, in the caller) or
/// else at the variable, and names the rule's own location.
pub fn validate_variable(
    v: &Variable,
    vars: &Arc<HashMap<String, Value>>,
    functions: &Functions,
    dir: &Path,
    at: Option<Range>,
) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let scope = MapScope {
        vars: vars.clone(),
        ..MapScope::default()
    };
    for rule in &v.validations {
        let mut ev = Evaluator::new(&scope, functions, dir.to_path_buf());
        let Some(c) = diags.take(ev.eval(&rule.condition)) else {
            continue;
        };
        let ok = match convert(c.unmarked(), &Type::Bool) {
            Ok(b) => b.as_bool(),
            Err(e) => {
                diags.push(Diagnostic::error(
                    "Invalid validation result",
                    format!("Invalid validation condition result value: {e}."),
                    Some(rule.condition.range.clone()),
                ));
                continue;
            }
        };
        if ok == Some(false) {
            // A message revealing the (sensitive) value is withheld, as Terraform does.
            let message = crate::eval::condition_message(&mut ev, rule, crate::Severity::Error);
            let withheld = message.withheld;
            let detail = format!(
                "{}\n\nThis was checked by the validation rule at {}.",
                message.text,
                crate::config::short_range(&rule.range)
            );
            diags.push(Diagnostic::error(
                "Invalid value for variable",
                detail,
                Some(at.clone().unwrap_or_else(|| v.range.clone())),
            ));
            if let Some(w) = withheld {
                diags.push(w);
            }
        }
    }
    diags
}
