//! Resolving the pending intents a killed apply left in the journal: each create that may
//! have made an object is looked up through its provider's `recover`, and what exists is
//! put in the state, so no object lives outside it.

use super::Intent;
use crate::context::Context;
use crate::state::State;
use crate::walk::Walker;
use autostack_lang::{Diagnostics, Value};
use autostack_provider_sdk::{ApplyRequest, Instance, RecoverRequest};
use std::sync::Arc;

/// What resolving pending intents did.
#[derive(Debug, Default)]
pub struct Recovery {
    /// Objects found and put in the state.
    pub recorded: usize,
    /// Indexes (into the intents given) that could not be resolved now, to keep pending.
    pub unresolved: Vec<usize>,
    /// Why they could not.
    pub diags: Diagnostics,
}

/// Resolves `intents` (in journal order) against `state` through their providers, configured
/// from the root module's provider blocks.
pub async fn recover(ctx: &Context, state: &mut State, intents: &[Intent]) -> Recovery {
    let mut walker = Walker::new(ctx, state.clone());
    let mut out = Recovery::default();
    for (i, intent) in intents.iter().enumerate() {
        walker.visit_provider(&intent.provider).await;
        let Some(provider) = ctx.provider(&intent.provider).await else {
            out.unresolved.push(i);
            continue;
        };
        let ty = &intent.addr.resource.ty;
        let req = RecoverRequest::new(ty, &intent.object.value, &intent.token);
        let found = match provider.recover(req).await {
            Ok(found) => found,
            Err(d) => {
                out.diags.extend(d);
                out.unresolved.push(i);
                continue;
            }
        };
        let Some(Instance {
            state: value,
            private,
            ..
        }) = found
        else {
            continue;
        };
        if state.instances.contains_key(&intent.addr) {
            // A create-before-destroy replacement died before recording its new object: the
            // state holds the old one at this address, so the new one is undone (the next
            // apply replaces again) rather than left unrecorded.
            let undo = ApplyRequest::new(ty, Some(&value), None).with_private(&private);
            if let Err(e) = provider.apply(undo).await {
                out.diags.extend(e.diags);
                out.unresolved.push(i);
            }
            continue;
        }
        let mut obj = intent.object.clone();
        obj.value = known(value);
        obj.private = private.to_state();
        state.instances.insert(intent.addr.clone(), obj);
        out.recorded += 1;
    }
    out.diags.extend(std::mem::take(&mut walker.diags));
    out
}

/// `v` with every unknown left in it (an attribute the provider's read does not set and only
/// the interrupted create would have) null: state never holds unknowns, and the next plan
/// sees the difference from the configuration and settles it.
fn known(v: Value) -> Value {
    let all = |xs: &Arc<Vec<Value>>| xs.iter().cloned().map(known).collect::<Vec<_>>();
    match v {
        Value::Unknown(t) => Value::Null(t),
        Value::List(t, xs) => Value::List(t, Arc::new(all(&xs))),
        Value::Set(t, xs) => Value::Set(t, Arc::new(all(&xs))),
        Value::Tuple(xs) => Value::Tuple(Arc::new(all(&xs))),
        Value::Map(t, m) => Value::Map(
            t,
            Arc::new(
                m.iter()
                    .map(|(k, x)| (k.clone(), known(x.clone())))
                    .collect(),
            ),
        ),
        Value::Object(m) => Value::Object(Arc::new(
            m.iter()
                .map(|(k, x)| (k.clone(), known(x.clone())))
                .collect(),
        )),
        Value::Marked(x, marks) => Value::Marked(Box::new(known(*x)), marks),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use autostack_lang::Type;

    #[test]
    fn unknowns_left_by_a_read_become_nulls() {
        let v = Value::object_from([
            ("id", Value::string("i-1")),
            ("hash", Value::Unknown(Type::String)),
            (
                "list",
                Value::list(Type::String, vec![Value::Unknown(Type::String)]),
            ),
        ]);
        let k = known(v);
        assert!(k.is_wholly_known());
        assert_eq!(k.as_entries().unwrap()["hash"], Value::Null(Type::String));
        assert_eq!(k.as_entries().unwrap()["id"], Value::string("i-1"));
    }
}
