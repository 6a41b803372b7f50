//! The functions of Terraform's builtin provider `terraform.io/builtin/terraform`
//! (Terraform 1.8): `provider::terraform::encode_tfvars`, `decode_tfvars` and `encode_expr`.
//! They are the language's own (HCL written as `hclwrite` writes it, `.tfvars` text read as
//! Terraform reads variable files), so the engine serves them for that provider address
//! whatever serves its resource types. Messages are Terraform 1.15's.

use super::provider::{FunctionError, FunctionParam, FunctionSignature};
use crate::config::{eval_static, short_range};
use crate::diag::{Diagnostic, Diagnostics, SourceFile};
use crate::fmt::generate::{attributes, is_identifier, value_expr};
use crate::syntax::parse_file;
use crate::value::{Type, Value};
use std::collections::BTreeMap;

/// The provider these functions belong to.
pub const SOURCE: &str = "terraform.io/builtin/terraform";

/// The functions' names.
pub const NAMES: [&str; 3] = ["decode_tfvars", "encode_expr", "encode_tfvars"];

/// The signature of function `name`, if it is one of [`NAMES`].
pub fn signature(name: &str) -> Option<FunctionSignature> {
    let (param, ty, ret, summary) = match name {
        "encode_tfvars" => (
            "value",
            Type::Dynamic,
            Type::String,
            "Produce a string representation of an object using the same syntax as for `.tfvars` files",
        ),
        "decode_tfvars" => (
            "src",
            Type::String,
            Type::Dynamic,
            "Parse a string containing syntax like that used in a `.tfvars` file",
        ),
        "encode_expr" => (
            "value",
            Type::Dynamic,
            Type::String,
            "Produce a string representation of an arbitrary value using Terraform expression syntax",
        ),
        _ => return None,
    };
    Some(FunctionSignature {
        params: vec![FunctionParam::new(param, ty)],
        variadic: None,
        ret,
        summary: summary.to_string(),
    })
}

/// Calls function `name` with its one argument (known, not null, unmarked).
pub fn call(name: &str, args: &[Value]) -> Result<Value, FunctionError> {
    let arg = args.first().cloned().unwrap_or_else(Value::null);
    match name {
        "encode_tfvars" => encode_tfvars(&arg),
        "decode_tfvars" => decode_tfvars(arg.as_str().unwrap_or_default()),
        "encode_expr" => Ok(value_expr(&arg).map_or(Value::Unknown(Type::String), Value::string)),
        _ => Err(FunctionError::new(format!(
            "this provider has no function named {name:?}"
        ))),
    }
}

fn encode_tfvars(v: &Value) -> Result<Value, FunctionError> {
    let entries = match v.unmarked() {
        Value::Object(m) | Value::Map(_, m) => m,
        _ => return Err(FunctionError::new("invalid value to encode: must be an object whose attribute names will become the encoded variable names")),
    };
    if let Some(bad) = entries.keys().find(|k| !is_identifier(k)) {
        return Err(FunctionError::new(format!("invalid variable name {bad:?}: must be a valid identifier, per Terraform's rules for input variable declarations")));
    }
    let text = attributes(entries.iter().map(|(k, v)| (k.as_str(), v)));
    Ok(text.map_or(Value::Unknown(Type::String), Value::string))
}

fn decode_tfvars(src: &str) -> Result<Value, FunctionError> {
    let file = SourceFile::new("<decode_tfvars argument>", src.to_string());
    let body = parse_file(&file)
        .map_err(|d| FunctionError::new(format!("invalid tfvars syntax: {}", hcl_error(&d))))?;
    if let Some(b) = body.blocks.first() {
        let d = Diagnostic::error(
            format!("Unexpected {:?} block", b.ty),
            "Blocks are not allowed here.",
            Some(b.ty_range.clone()),
        );
        let text = hcl_error(&d.into());
        return Err(FunctionError::new(format!(
            "invalid tfvars content: {text}"
        )));
    }
    let mut out = BTreeMap::new();
    for a in &body.attributes {
        let mut diags = Diagnostics::new();
        match eval_static(&a.expr, &mut diags) {
            Some(v) if !diags.has_errors() => out.insert(a.name.clone(), v),
            _ => {
                let (name, text) = (&a.name, hcl_error(&diags));
                let text = format!("invalid expression for variable {name:?}: {text}");
                return Err(FunctionError::new(text));
            }
        };
    }
    Ok(Value::object(out.into()))
}

/// Diagnostics as HCL's `Diagnostics.Error()` puts them: `FILE:RANGE: SUMMARY; DETAIL`, and
/// how many more there are.
fn hcl_error(d: &Diagnostics) -> String {
    let all: Vec<&Diagnostic> = d.iter().filter(|d| d.is_error()).collect();
    let Some(first) = all.first() else {
        return String::new();
    };
    let one = match &first.subject {
        Some(r) => format!("{}: {}; {}", short_range(r), first.summary, first.detail),
        None => format!("{}; {}", first.summary, first.detail),
    };
    match all.len() {
        1 => one,
        n => format!("{one}, and {} other diagnostic(s)", n - 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failed(name: &str, arg: Value) -> String {
        call(name, &[arg]).unwrap_err().text
    }

    /// The texts Terraform 1.15 gives for the same calls.
    #[test]
    fn tfvars_decode_and_encode_as_terraform_does() {
        let v = call(
            "decode_tfvars",
            &[Value::string("# c\n\nzz = 1\nb = [\"x\", 1 + 2]\n")],
        )
        .unwrap();
        let want = Value::object_from([
            ("b", Value::tuple(vec![Value::string("x"), Value::int(3)])),
            ("zz", Value::int(1)),
        ]);
        assert_eq!(v, want);
        let back = call("encode_tfvars", &[v]).unwrap();
        assert_eq!(back, Value::string("b  = [\"x\", 3]\nzz = 1\n"));
        let decode_errors = [
            ("a = var.x\nb = local.y", "invalid expression for variable \"a\": <decode_tfvars argument>:1,5-8: Variables not allowed; Variables may not be used here."),
            ("a = \"${1+1}\"\nb = upper(\"x\")", "invalid expression for variable \"b\": <decode_tfvars argument>:2,5-15: Function calls not allowed; Functions may not be called here."),
            ("x {\n}", "invalid tfvars content: <decode_tfvars argument>:1,1-2: Unexpected \"x\" block; Blocks are not allowed here."),
            ("a = 1\na = 2", "invalid tfvars syntax: <decode_tfvars argument>:2,1-2: Attribute redefined; The argument \"a\" was already set at <decode_tfvars argument>:1,1-2. Each argument may be set only once."),
            ("a = ", "invalid tfvars syntax: <decode_tfvars argument>:1,5-5: Missing expression; Expected the start of an expression, but found the end of the file."),
        ];
        for (src, want) in decode_errors {
            assert_eq!(failed("decode_tfvars", Value::string(src)), want, "{src:?}");
        }
        let encode_errors = [
            (Value::string("x"), "invalid value to encode: must be an object whose attribute names will become the encoded variable names"),
            (Value::object_from([("not valid", Value::int(1))]), "invalid variable name \"not valid\": must be a valid identifier, per Terraform's rules for input variable declarations"),
        ];
        for (v, want) in encode_errors {
            assert_eq!(failed("encode_tfvars", v), want);
        }
        let empty = Value::object_from(Vec::<(&str, Value)>::new());
        assert_eq!(
            call("encode_tfvars", std::slice::from_ref(&empty)),
            Ok(Value::string(""))
        );
        assert_eq!(call("decode_tfvars", &[Value::string("")]), Ok(empty));
        assert_eq!(
            call("encode_expr", &[Value::tuple(vec![Value::string("a")])]),
            Ok(Value::string("[\"a\"]"))
        );
    }
}
