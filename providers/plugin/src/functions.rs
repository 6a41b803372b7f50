//! Provider-defined functions over the protocol: signatures from the schema (cached), else
//! from `GetFunctions` (asked once, only for a name the schema lacks: a provider may list its
//! functions there alone); calls through `CallFunction` with msgpack arguments, the
//! provider's `FunctionError` kept with the argument it names.

use crate::convert::{dynamic, value};
use crate::plugin::{block_on, Plugin};
use crate::proto::tfplugin6 as v6;
use crate::schema::function_signature;
use autostack_provider_sdk::{FunctionError, FunctionSignature};
use autostack_value::{Diagnostics, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The functions `GetFunctions` lists.
pub type Listed = BTreeMap<String, FunctionSignature>;

/// The signature of `name`: the schema's, else `GetFunctions`'s.
pub fn signature(plugin: &Arc<Plugin>, name: &str) -> Option<FunctionSignature> {
    if let Some(s) = plugin.schema.functions.get(name) {
        return Some(s.clone());
    }
    plugin
        .listed_functions(|| list(plugin.clone()))
        .get(name)
        .cloned()
}

/// `GetFunctions` (nothing when the plugin cannot be started or does not implement it).
fn list(plugin: Arc<Plugin>) -> Listed {
    let r = block_on(async move {
        let conn = plugin.connection().await.ok()?;
        conn.rpc.get_functions().await.ok()
    });
    r.map(|r| {
        r.functions
            .iter()
            .map(|(k, f)| (k.clone(), function_signature(f)))
            .collect()
    })
    .unwrap_or_default()
}

/// `CallFunction` with `args` (converted to the parameter types already).
pub fn call(plugin: &Arc<Plugin>, name: &str, args: &[Value]) -> Result<Value, FunctionError> {
    let sig = signature(plugin, name)
        .ok_or_else(|| FunctionError::new(format!("there is no function named {name:?}")))?;
    let arguments = args
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let ty = sig
                .param(i)
                .map_or(autostack_value::Type::Dynamic, |p| p.ty.clone());
            dynamic(a, &ty)
        })
        .collect();
    let msg = v6::call_function::Request {
        name: name.to_string(),
        arguments,
    };
    let owned = plugin.clone();
    let r = block_on(async move {
        let conn = owned.connection().await?;
        match conn.rpc.call_function(msg).await {
            Ok(r) => Ok(r),
            Err(status) => Err(owned.call_failed(&conn, "CallFunction", status).await),
        }
    })
    .map_err(|d| from_diagnostics(&d))?;
    if let Some(e) = r.error {
        return Err(FunctionError {
            arg: e.function_argument.and_then(|i| usize::try_from(i).ok()),
            text: e.text,
        });
    }
    value(r.result.as_ref(), &sig.ret, "function result").map_err(|d| from_diagnostics(&d))
}

/// A failed call (the plugin crashed, or answered nonsense) as a function error.
fn from_diagnostics(d: &Diagnostics) -> FunctionError {
    let text = d
        .iter()
        .map(|d| match d.detail.is_empty() {
            true => d.summary.clone(),
            false => format!("{}: {}", d.summary, d.detail),
        })
        .collect::<Vec<_>>()
        .join("; ");
    FunctionError::new(text)
}
