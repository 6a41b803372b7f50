//! The test provider's functions (`double`, `divide`, `describe`, `echo`, `fail`: fixed,
//! variadic, nullable and dynamically typed parameters, errors with and without an argument)
//! and its `MoveResourceState`: a `testcloud_server` becomes a `testcloud_machine` (the
//! same object under the type's new name), unless `TESTCLOUD_MOVE=off` withdraws the
//! capability.

use crate::cloud::{error, Cloud, Diags, PRIVATE};
use autostack_provider_plugin::convert::{dynamic, value};
use autostack_provider_plugin::proto::tfplugin6::{self as v6, function};
use autostack_value::{Number, Type, Value};
use std::collections::HashMap;

fn param(name: &str, ty: &str, nullable: bool) -> function::Parameter {
    function::Parameter {
        name: name.into(),
        r#type: ty.as_bytes().to_vec(),
        allow_null_value: nullable,
        ..Default::default()
    }
}

fn func(params: Vec<function::Parameter>, ret: &str, summary: &str) -> v6::Function {
    v6::Function {
        parameters: params,
        r#return: Some(function::Return {
            r#type: ret.as_bytes().to_vec(),
        }),
        summary: summary.into(),
        ..Default::default()
    }
}

/// The functions the provider declares.
pub fn functions() -> HashMap<String, v6::Function> {
    let number = "\"number\"";
    let string = "\"string\"";
    let mut describe = func(
        vec![param("label", string, true)],
        string,
        "Joins items under a label.",
    );
    describe.variadic_parameter = Some(param("items", string, false));
    HashMap::from([
        (
            "double".to_string(),
            func(vec![param("n", number, false)], number, "Doubles a number."),
        ),
        (
            "divide".to_string(),
            func(
                vec![param("a", number, false), param("b", number, false)],
                number,
                "Divides a by b.",
            ),
        ),
        ("describe".to_string(), describe),
        (
            "echo".to_string(),
            func(
                vec![param("value", "\"dynamic\"", true)],
                "\"dynamic\"",
                "Returns its argument.",
            ),
        ),
        (
            "fail".to_string(),
            func(vec![param("text", string, false)], string, "Always fails."),
        ),
        (
            "setting".to_string(),
            func(
                vec![param("name", string, false)],
                string,
                "TESTCLOUD_SETTING_<NAME> of the provider's environment: an impure function, for tests of the plan/apply consistency check.",
            ),
        ),
    ])
}

/// Whether the provider moves state across resource types.
pub fn moves_state() -> bool {
    std::env::var("TESTCLOUD_MOVE").as_deref() != Ok("off")
}

type Reply = v6::call_function::Response;

fn fail(text: &str, arg: Option<i64>) -> Reply {
    Reply {
        result: None,
        error: Some(v6::FunctionError {
            text: text.into(),
            function_argument: arg,
        }),
    }
}

fn ok(v: &Value, ty: &Type) -> Reply {
    Reply {
        result: Some(dynamic(v, ty)),
        error: None,
    }
}

/// CallFunction.
pub fn call(r: &v6::call_function::Request) -> Reply {
    let Some(f) = functions().remove(&r.name) else {
        return fail(&format!("no function named {:?}", r.name), None);
    };
    let mut args = Vec::new();
    for (i, a) in r.arguments.iter().enumerate() {
        let p = f.parameters.get(i).or(f.variadic_parameter.as_ref());
        let ty = p
            .and_then(|p| autostack_provider_plugin::schema::parse_type(&p.r#type))
            .unwrap_or(Type::Dynamic);
        match value(Some(a), &ty, "argument") {
            Ok(v) => args.push(v),
            Err(_) => return fail("the argument does not decode", Some(i as i64)),
        }
    }
    let num = |i: usize| args.get(i).and_then(Value::as_number).cloned();
    match (r.name.as_str(), args.as_slice()) {
        ("double", [_]) => match num(0) {
            Some(n) => ok(
                &Value::Number(n.mul(&Number::from(2i64)).unwrap_or(n)),
                &Type::Number,
            ),
            None => fail("the argument must be a known number", Some(0)),
        },
        ("divide", [_, _]) => match (num(0), num(1)) {
            (_, Some(b)) if b.to_f64() == 0.0 => fail("cannot divide by zero", Some(1)),
            (Some(a), Some(b)) => ok(&Value::Number(a.div(&b).unwrap_or(a)), &Type::Number),
            _ => fail("both arguments must be numbers", None),
        },
        ("describe", [label, items @ ..]) => {
            let label = label.as_str().unwrap_or("(none)");
            let items: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
            ok(
                &Value::string(format!("{label}: {}", items.join(", "))),
                &Type::String,
            )
        }
        ("echo", [v]) => ok(v, &Type::Dynamic),
        ("fail", [text]) => fail(text.as_str().unwrap_or_default(), None),
        ("setting", [name]) => {
            let name = name.as_str().unwrap_or_default().to_uppercase();
            let v = std::env::var(format!("TESTCLOUD_SETTING_{name}")).unwrap_or_default();
            ok(&Value::string(v), &Type::String)
        }
        _ => fail("wrong number of arguments", None),
    }
}

/// MoveResourceState: `testcloud_server` (of this provider, any schema version) to
/// `testcloud_machine`, private data carried over.
pub fn move_state(
    cloud: &Cloud,
    r: &v6::move_resource_state::Request,
) -> Result<v6::move_resource_state::Response, Diags> {
    if r.target_type_name != "testcloud_machine"
        || r.source_type_name != "testcloud_server"
        || !r.source_provider_address.ends_with("autostack/testcloud")
    {
        let detail = format!(
            "A {} of {} cannot become a {}.",
            r.source_type_name, r.source_provider_address, r.target_type_name
        );
        return Err(vec![error("Unsupported move", &detail, None)]);
    }
    if r.source_private != PRIVATE {
        let detail = "MoveResourceState did not get the object's private data.";
        return Err(vec![error("Private data lost", detail, None)]);
    }
    let raw = r.source_state.as_ref().map(|s| s.json.as_slice());
    let v = cloud.recorded_state(r.source_schema_version, raw.unwrap_or_default())?;
    Ok(v6::move_resource_state::Response {
        target_state: Some(dynamic(&v, cloud.server_type())),
        diagnostics: Vec::new(),
        target_private: PRIVATE.to_vec(),
    })
}
