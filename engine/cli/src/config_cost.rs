//! Config-only pricing (`autostack cost DIR`): every resource the configuration declares,
//! priced as if created, with no provider credentials. Values the configuration cannot know
//! without applying (other resources' attributes) stay unknown, and the estimate says what
//! they depend on.

use autostack_core::context::source_of;
use autostack_core::graph::provider_addr;
use autostack_core::jsonplan::known_json;
use autostack_cost::{Action, PlanInput, ProviderConfig, ResourceChange};
use autostack_lang::config::validate::locals_order;
use autostack_lang::config::{Mode, ModuleTree};
use autostack_lang::eval::{Evaluator, MapScope};
use autostack_lang::functions::Functions;
use autostack_lang::value::json::unknown_mask;
use autostack_lang::vars::input_values;
use autostack_lang::{Diagnostics, Type, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// A root-module scope: variables (defaults, tfvars, TF_VAR_), locals, resources unknown.
fn scope(
    tree: &ModuleTree,
    sources: &autostack_lang::diag::Sources,
    functions: &Functions,
) -> Result<MapScope, Diagnostics> {
    let m = &tree.module;
    let env: Vec<(String, String)> = std::env::vars().collect();
    let (vars, diags) = input_values(m, &m.dir, &[], &env, sources, functions);
    if diags.has_errors() {
        return Err(diags);
    }
    let mut scope = MapScope {
        vars: Arc::new(vars),
        resources: Arc::new(
            m.resources
                .keys()
                .map(|k| (k.clone(), Value::Unknown(Type::Dynamic)))
                .collect(),
        ),
        modules: Arc::new(
            m.module_calls
                .keys()
                .map(|k| (k.clone(), Value::Unknown(Type::Dynamic)))
                .collect(),
        ),
        path_module: ".".into(),
        path_root: ".".into(),
        path_cwd: ".".into(),
        workspace: "default".into(),
        ..MapScope::default()
    };
    scope.locals = Arc::new(HashMap::new());
    for name in locals_order(m).map_err(Diagnostics::from)? {
        let v = Evaluator::new(&scope, functions, m.dir.clone())
            .plan_mode(true)
            .eval(&m.locals[&name].expr)
            .unwrap_or(Value::Unknown(Type::Dynamic));
        Arc::make_mut(&mut scope.locals).insert(name, v);
    }
    Ok(scope)
}

/// The priced input of a configuration's root module.
pub fn config_input(loaded: &crate::session::Loaded) -> Result<PlanInput, Diagnostics> {
    let functions = Functions::standard();
    let tree = &loaded.tree;
    let m = &tree.module;
    let scope = scope(tree, &loaded.sources, &functions)?;
    let mut input = PlanInput::new();
    for p in &m.providers {
        let mut ev = Evaluator::new(&scope, &functions, m.dir.clone()).plan_mode(true);
        let mut cfg = ProviderConfig::new(&p.name);
        cfg.alias = p.alias.clone();
        if let Some(region) = p
            .config
            .attr("region")
            .and_then(|a| ev.eval(&a.expr).ok())
            .and_then(|v| v.as_str().map(str::to_string))
        {
            cfg = cfg.region(&region);
        }
        input = input.provider(&p.addr(), cfg);
    }
    for r in m.resources.values().filter(|r| r.mode == Mode::Managed) {
        let config = provider_addr(tree, &[], r);
        let source = source_of(tree, &config).to_string();
        let key = config.to_string();
        for (suffix, inst) in instances(&scope, &functions, r, m) {
            let mut ev = Evaluator::new(&inst, &functions, m.dir.clone()).plan_mode(true);
            let after = ev
                .eval_body(&r.config)
                .unwrap_or(Value::Unknown(Type::Dynamic));
            let rc = ResourceChange::new(&format!("{}{suffix}", r.addr()), &r.ty, Action::Create)
                .after(known_json(&after))
                .after_unknown(unknown_mask(&after))
                .provider(&source, Some(&key));
            input.push(rc);
        }
    }
    Ok(input)
}

/// Instance keys (as address suffixes) and their scopes; an unknown count/for_each is
/// priced as one instance.
fn instances(
    scope: &MapScope,
    functions: &Functions,
    r: &autostack_lang::config::Resource,
    m: &autostack_lang::config::Module,
) -> Vec<(String, MapScope)> {
    let mut ev = Evaluator::new(scope, functions, m.dir.clone()).plan_mode(true);
    if let Some(c) = &r.count {
        if let Some(n) = ev
            .eval(c)
            .ok()
            .and_then(|v| v.as_number().and_then(|n| n.to_i64()))
        {
            return (0..n.max(0))
                .map(|i| {
                    (
                        format!("[{i}]"),
                        MapScope {
                            count_index: Some(Value::int(i)),
                            ..scope.clone()
                        },
                    )
                })
                .collect();
        }
    }
    if let Some(f) = &r.for_each {
        if let Some(entries) = ev.eval(f).ok().and_then(|v| {
            let v = v.unmark_deep().0;
            v.as_entries().cloned().or_else(|| {
                v.as_seq().map(|xs| {
                    xs.iter()
                        .filter_map(|x| x.as_str().map(|s| (s.to_string(), x.clone())))
                        .collect()
                })
            })
        }) {
            return entries
                .into_iter()
                .map(|(k, v)| {
                    (
                        format!("[{k:?}]"),
                        MapScope {
                            each: Some((Value::string(k.as_str()), v)),
                            ..scope.clone()
                        },
                    )
                })
                .collect();
        }
    }
    vec![(String::new(), scope.clone())]
}
