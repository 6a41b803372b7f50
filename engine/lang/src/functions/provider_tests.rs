//! The calling convention of provider-defined functions at the language boundary: what
//! reaches the provider, what never does (unknown arguments), and where marks go.

use super::provider::{
    FunctionError, FunctionParam, FunctionSignature, ModuleFunctions, ProviderFunctions,
};
use crate::eval::{Evaluator, MapScope};
use crate::value::{Type, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// One provider `p` with `twice(n number) number` and `join(sep string, parts... string)`,
/// recording the calls it gets.
#[derive(Default)]
struct Recorder(Mutex<Vec<String>>);

impl ProviderFunctions for Recorder {
    fn signature(&self, _: &[String], local: &str, func: &str) -> Option<FunctionSignature> {
        let p = |n: &str, ty: Type| FunctionParam::new(n, ty);
        let (params, variadic, ret) = match (local, func) {
            ("p", "twice") => (vec![p("n", Type::Number)], None, Type::Number),
            ("p", "join") => (
                vec![p("sep", Type::String)],
                Some(p("parts", Type::String)),
                Type::String,
            ),
            _ => return None,
        };
        Some(FunctionSignature {
            params,
            variadic,
            ret,
            summary: String::new(),
        })
    }

    fn call(
        &self,
        _: &[String],
        _: &str,
        func: &str,
        args: &[Value],
    ) -> Result<Value, FunctionError> {
        self.0
            .lock()
            .unwrap()
            .push(format!("{func}({})", args.len()));
        match func {
            "twice" => match args[0].as_number().and_then(|n| n.to_i64()) {
                Some(0) => Err(FunctionError {
                    arg: Some(0),
                    text: "zero".into(),
                }),
                Some(n) => Ok(Value::int(2 * n)),
                None => Err(FunctionError::new("not a number")),
            },
            _ => {
                let parts: Vec<&str> = args[1..].iter().filter_map(Value::as_str).collect();
                Ok(Value::string(parts.join(args[0].as_str().unwrap_or(""))))
            }
        }
    }

    fn names(&self, _: &[String]) -> Vec<String> {
        vec!["provider::p::join".into(), "provider::p::twice".into()]
    }
}

fn eval(src: &str, vars: &[(&str, Value)], rec: &Arc<Recorder>) -> Result<Value, String> {
    let sources = crate::diag::Sources::new();
    let file = sources.add("main.tf", src.to_string());
    let expr = crate::syntax::parse_expr(&file).map_err(|d| format!("{d:?}"))?;
    let vars: HashMap<String, Value> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    let table: Arc<dyn ProviderFunctions> = rec.clone();
    let scope = MapScope {
        vars: Arc::new(vars),
        provider_functions: Some(ModuleFunctions {
            table,
            module: Vec::new(),
        }),
        ..MapScope::default()
    };
    let functions = super::Functions::standard();
    Evaluator::new(&scope, &functions, ".".into())
        .eval(&expr)
        .map_err(|d| {
            d.iter()
                .map(|d| format!("{}: {}", d.summary, d.detail))
                .collect()
        })
}

#[test]
fn provider_functions_follow_the_calling_convention() {
    let rec = Arc::new(Recorder::default());
    let unknown = [("u", Value::Unknown(Type::Number))];
    let secret = [("s", Value::int(4).sensitive())];
    assert_eq!(
        eval("provider::p::twice(\"21\")", &[], &rec)
            .unwrap()
            .as_number()
            .and_then(|n| n.to_i64()),
        Some(42)
    );
    // Unknown in: an unknown of the return type out, and no call.
    let u = eval("provider::p::twice(var.u)", &unknown, &rec).unwrap();
    assert!(matches!(u, Value::Unknown(Type::Number)), "{u:?}");
    // A sensitive argument reaches the provider unmarked; the result carries the mark.
    let s = eval("provider::p::twice(var.s)", &secret, &rec).unwrap();
    assert!(s.marks().is_sensitive(), "{s:?}");
    assert_eq!(
        eval("provider::p::join(\"-\", \"a\", \"b\")", &[], &rec)
            .unwrap()
            .as_str(),
        Some("a-b")
    );
    assert_eq!(
        eval("provider::p::join(\"-\")", &[], &rec)
            .unwrap()
            .as_str(),
        Some("")
    );
    assert_eq!(
        *rec.0.lock().unwrap(),
        ["twice(1)", "twice(1)", "join(3)", "join(1)"]
    );
    let e = eval("provider::p::twice(0)", &[], &rec).unwrap_err();
    assert_eq!(
        e,
        "Invalid function argument: Invalid value for \"n\" parameter: zero."
    );
    let e = eval("provider::p::join()", &[], &rec).unwrap_err();
    assert_eq!(e, "Not enough function arguments: Function \"provider::p::join\" expects 1 argument(s). Missing value for \"sep\".");
    // HCL's suggestion among all names, then Terraform's for a provider's function.
    let e = eval("twice(1)", &[], &rec).unwrap_err();
    assert_eq!(e, "Call to unknown function: There is no function named \"twice\". Did you mean \"slice\"? Did you mean \"provider::p::twice\"?");
    assert_eq!(
        eval("core::max(1, 3)", &[], &rec)
            .unwrap()
            .as_number()
            .and_then(|n| n.to_i64()),
        Some(3)
    );
}
