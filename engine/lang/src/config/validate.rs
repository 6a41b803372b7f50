//! `validate`: check a module tree without any state or provider: every expression is
//! evaluated with input variables and resources unknown, so that undeclared references,
//! unknown functions, wrong argument types and cycles are all reported in one pass.

use super::{Mode, Module, ModuleTree};
use crate::diag::{Diagnostic, Diagnostics};
use crate::eval::{Evaluator, MapScope};
use crate::functions::provider::{ModuleFunctions, ProviderFunctions};
use crate::functions::Functions;
use crate::syntax::{Expr, Traversal};
use crate::value::{Type, Value};
use indexmap::IndexMap;
use std::collections::HashMap;
use std::sync::Arc;

/// Validates a module tree; returns every diagnostic found.
pub fn validate_tree(tree: &ModuleTree, functions: &Functions) -> Diagnostics {
    validate_tree_with(tree, functions, None, &mut Vec::new())
}

/// [`validate_tree`] with the provider-defined functions the engine offers (`path`: the
/// static path of `tree`, empty for the root).
pub fn validate_tree_with(
    tree: &ModuleTree,
    functions: &Functions,
    provider: Option<&Arc<dyn ProviderFunctions>>,
    path: &mut Vec<String>,
) -> Diagnostics {
    let bound = provider.map(|table| ModuleFunctions {
        table: table.clone(),
        module: path.clone(),
    });
    let mut diags = module_diags(&tree.module, Some(&tree.children), functions, bound);
    for (name, child) in &tree.children {
        path.push(name.clone());
        diags.extend(validate_tree_with(child, functions, provider, path));
        path.pop();
    }
    diags
}

/// The order to evaluate locals in (dependencies first), or the cycle that prevents one.
pub fn locals_order(m: &Module) -> Result<Vec<String>, Diagnostic> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Active,
        Done,
    }
    let deps: IndexMap<&str, Vec<&str>> = m
        .locals
        .iter()
        .map(|(n, l)| (n.as_str(), local_refs(&l.expr)))
        .collect();
    let mut mark: HashMap<&str, Mark> = deps.keys().map(|k| (*k, Mark::New)).collect();
    let mut order = Vec::with_capacity(deps.len());
    for start in deps.keys() {
        if mark[start] != Mark::New {
            continue;
        }
        // Iterative DFS: (node, next dependency index), so deep chains cannot overflow.
        let mut stack: Vec<(&str, usize)> = vec![(start, 0)];
        mark.insert(start, Mark::Active);
        while let Some((node, i)) = stack.last().copied() {
            let ds = &deps[node];
            if i == ds.len() {
                stack.pop();
                mark.insert(node, Mark::Done);
                order.push(node.to_string());
                continue;
            }
            stack.last_mut().expect("non-empty").1 += 1;
            let d = ds[i];
            match mark.get(d) {
                Some(Mark::New) => {
                    mark.insert(d, Mark::Active);
                    stack.push((d, 0));
                }
                Some(Mark::Active) => {
                    let from = stack.iter().position(|(n, _)| *n == d).unwrap_or(0);
                    let cycle: Vec<String> = stack[from..]
                        .iter()
                        .map(|(n, _)| format!("local.{n}"))
                        .collect();
                    let at = m.locals.get(d).map(|l| l.range.clone());
                    return Err(Diagnostic::error(format!("Cycle: {}", cycle.join(", ")), "Local values refer to each other in a cycle; each must be computable from values that do not depend on it.", at));
                }
                _ => {}
            }
        }
    }
    Ok(order)
}

fn local_refs(e: &Expr) -> Vec<&str> {
    let mut out = Vec::new();
    e.visit_traversals(&mut |t: &Traversal| {
        if t.root == "local" {
            if let Some(crate::syntax::Step::Attr(n, _)) = t.steps.first() {
                out.push(n.as_str());
            }
        }
    });
    out
}

fn base_scope(m: &Module) -> MapScope {
    let vars = m
        .variables
        .iter()
        .map(|(n, v)| (n.clone(), Value::Unknown(v.ty.to_type())))
        .collect();
    let resources = m
        .resources
        .keys()
        .map(|a| (a.clone(), Value::Unknown(Type::Dynamic)))
        .collect();
    let modules = m
        .module_calls
        .keys()
        .map(|n| (n.clone(), Value::Unknown(Type::Dynamic)))
        .collect();
    let dir = m.dir.to_string_lossy().into_owned();
    MapScope {
        vars: Arc::new(vars),
        resources: Arc::new(resources),
        modules: Arc::new(modules),
        path_module: dir.clone(),
        path_root: dir.clone(),
        path_cwd: dir,
        workspace: "default".into(),
        ..MapScope::default()
    }
}

/// Validates one module.
pub fn validate_module(m: &Module, functions: &Functions) -> Diagnostics {
    module_diags(m, None, functions, None)
}

/// Validates one module; with its `children`, also checks the values its calls pass that
/// are known without state against the called modules' `validation` rules.
fn module_diags(
    m: &Module,
    children: Option<&IndexMap<String, ModuleTree>>,
    functions: &Functions,
    provider_functions: Option<ModuleFunctions>,
) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let mut scope = base_scope(m);
    scope.provider_functions = provider_functions;
    let base_dir = m.dir.clone();
    match locals_order(m) {
        Ok(order) => {
            // One shared map, extended in place: evaluating n locals is O(n), not O(n²).
            scope.locals = Arc::new(HashMap::with_capacity(order.len()));
            for name in order {
                let mut ev = Evaluator::new(&scope, functions, base_dir.clone()).plan_mode(true);
                let v = diags
                    .take(ev.eval(&m.locals[&name].expr))
                    .unwrap_or(Value::Unknown(Type::Dynamic));
                Arc::make_mut(&mut scope.locals).insert(name, v);
            }
        }
        Err(d) => {
            diags.push(d);
            scope.locals = Arc::new(
                m.locals
                    .keys()
                    .map(|n| (n.clone(), Value::Unknown(Type::Dynamic)))
                    .collect(),
            );
        }
    }
    let check = |scope: &MapScope, e: &Expr, diags: &mut Diagnostics| {
        let mut ev = Evaluator::new(scope, functions, base_dir.clone()).plan_mode(true);
        diags.take(ev.eval(e));
    };
    for o in m.outputs.values() {
        check(&scope, &o.expr, &mut diags);
    }
    for p in &m.providers {
        let mut ev = Evaluator::new(&scope, functions, base_dir.clone()).plan_mode(true);
        diags.take(ev.eval_body(&p.config));
    }
    for (name, c) in &m.module_calls {
        let s = instance_scope(&scope, c.count.is_some(), c.for_each.is_some());
        for e in c.count.iter().chain(c.for_each.iter()) {
            check(&s, e, &mut diags);
        }
        let mut inputs = HashMap::new();
        for (arg, e) in &c.inputs {
            let mut ev = Evaluator::new(&s, functions, base_dir.clone()).plan_mode(true);
            if let Some(v) = diags.take(ev.eval(e)) {
                inputs.insert(arg.as_str(), (v, e.range.clone()));
            }
        }
        if let Some(child) = children.and_then(|ch| ch.get(name)) {
            diags.extend(validate_inputs(&child.module, &inputs, functions));
        }
    }
    for r in m.resources.values() {
        let mut s = instance_scope(&scope, r.count.is_some(), r.for_each.is_some());
        for e in r.count.iter().chain(r.for_each.iter()) {
            check(&scope, e, &mut diags);
        }
        let mut ev = Evaluator::new(&s, functions, base_dir.clone()).plan_mode(true);
        diags.take(ev.eval_body(&r.config));
        s.self_value = Some(Value::Unknown(Type::Dynamic));
        for rule in r
            .lifecycle
            .preconditions
            .iter()
            .chain(&r.lifecycle.postconditions)
        {
            check(&s, &rule.condition, &mut diags);
            check(&s, &rule.error_message, &mut diags);
        }
        if r.mode == Mode::Managed {
            for e in &r.lifecycle.replace_triggered_by {
                check(&s, e, &mut diags);
            }
        }
    }
    for v in m.variables.values() {
        for rule in &v.validations {
            check(&scope, &rule.condition, &mut diags);
        }
    }
    for c in &m.checks {
        for rule in &c.asserts {
            check(&scope, &rule.condition, &mut diags);
        }
    }
    diags
}

/// Checks the inputs of a call to `child` whose values are wholly known (literals, locals of
/// literals) against the child's `validation` rules; the others wait for plan.
fn validate_inputs(
    child: &Module,
    inputs: &HashMap<&str, (Value, crate::diag::Range)>,
    functions: &Functions,
) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let unknown = |v: &super::Variable| Value::Unknown(v.ty.to_type());
    let others: HashMap<String, Value> = (child.variables.iter())
        .map(|(n, v)| (n.clone(), unknown(v)))
        .collect();
    for (name, var) in child
        .variables
        .iter()
        .filter(|(_, v)| !v.validations.is_empty())
    {
        let Some((value, at)) = inputs.get(name.as_str()) else {
            continue;
        };
        if !value.is_wholly_known() {
            continue;
        }
        // A value of the wrong type is plan's error to report, with the conversion's reason.
        let Ok(value) = super::typeexpr::convert_to(value, &var.ty) else {
            continue;
        };
        let mut vars = others.clone();
        vars.insert(name.clone(), value);
        let vars = Arc::new(vars);
        let at = Some(at.clone());
        diags.extend(crate::vars::validate_variable(
            var, &vars, functions, &child.dir, at,
        ));
    }
    diags
}

fn instance_scope(base: &MapScope, count: bool, for_each: bool) -> MapScope {
    let mut s = base.clone();
    if count {
        s.count_index = Some(Value::Unknown(Type::Number));
    }
    if for_each {
        s.each = Some((Value::Unknown(Type::String), Value::Unknown(Type::Dynamic)));
    }
    s
}
