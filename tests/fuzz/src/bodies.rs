//! What each fuzz target does with its input. Shared by the libFuzzer binaries and the stable
//! corpus test (included there by path), so it names only crates both have.

use autostack_core::statefile::NoSchemas;
use autostack_lang::config::validate::validate_tree;
use autostack_lang::config::{module_from_file, ModuleTree};
use autostack_lang::diag::{render_human, render_json, RenderOptions, Sources};
use autostack_lang::eval::{Evaluator, MapScope};
use autostack_lang::functions::Functions;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

/// A fuzz target's body.
pub type Body = fn(&[u8]);

/// The targets by name (the corpus folder of each is `tests/fuzz/corpus/NAME`).
pub const TARGETS: [(&str, Body); 4] = [
    ("hcl", hcl),
    ("state", state),
    ("planfile", planfile),
    ("policy", policy),
];

/// An empty directory file functions resolve relative paths against.
fn base_dir() -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("autostack-fuzz-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&d);
        d
    })
    .clone()
}

/// The HCL front end: parse (native syntax, or JSON when the text opens with `{`), decode,
/// validate, then evaluate every variable default, local (in order, each seeing the ones
/// before it) and output, and render every diagnostic with its source excerpt.
pub fn hcl(data: &[u8]) {
    static FUNCTIONS: OnceLock<Functions> = OnceLock::new();
    let functions = FUNCTIONS.get_or_init(Functions::standard);
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let name = if text.trim_start().starts_with('{') {
        "main.tf.json"
    } else {
        "main.tf"
    };
    let sources = Sources::new();
    let file = sources.add(name, text.to_string());
    let (module, mut diags) = module_from_file(&file);
    let tree = ModuleTree {
        module: module.into(),
        children: Default::default(),
    };
    diags.extend(validate_tree(&tree, functions));
    let m = &tree.module;
    let vars: HashMap<String, _> = m
        .variables
        .iter()
        .filter_map(|(n, v)| Some((n.clone(), v.default.clone()?)))
        .collect();
    let mut scope = MapScope {
        vars: Arc::new(vars),
        path_module: ".".into(),
        path_root: ".".into(),
        path_cwd: ".".into(),
        workspace: "default".into(),
        ..MapScope::default()
    };
    let mut locals = HashMap::new();
    for (name, local) in &m.locals {
        let result = Evaluator::new(&scope, functions, base_dir())
            .plan_mode(true)
            .eval(&local.expr);
        match result {
            Ok(v) => {
                locals.insert(name.clone(), v);
                scope.locals = Arc::new(locals.clone());
            }
            Err(d) => diags.extend(d),
        }
    }
    for output in m.outputs.values() {
        let mut ev = Evaluator::new(&scope, functions, base_dir()).plan_mode(true);
        if let Ok(v) = ev.eval(&output.expr) {
            let _ = autostack_lang::value::format_value(&v, 0);
        }
    }
    for d in diags.iter() {
        let _ = render_human(d, &sources, RenderOptions { color: true });
        let _ = render_json(d, &sources);
    }
}

/// The state v4 decoder: bytes → document → the engine's state (no schemas: types inferred),
/// and a decoded document must encode and decode again to the same engine state.
pub fn state(data: &[u8]) {
    let Ok(doc) = autostack_state::codec::decode(data) else {
        return;
    };
    let Ok(first) = autostack_core::statefile::decode(&doc, &NoSchemas) else {
        return;
    };
    let bytes = autostack_state::codec::encode(&doc).expect("a decoded document encodes");
    let again = autostack_state::codec::decode(&bytes).expect("an encoded document decodes");
    let second =
        autostack_core::statefile::decode(&again, &NoSchemas).expect("it decodes to state");
    assert_eq!(
        format!("{:?}", first.instances),
        format!("{:?}", second.instances),
        "state changed in a round trip"
    );
}

/// The saved-plan decoder, for a configuration of no files (the input's `config_hash` is
/// set to that configuration's so the decoder goes past the staleness check).
pub fn planfile(data: &[u8]) {
    static EMPTY_HASH: OnceLock<String> = OnceLock::new();
    let Ok(mut doc) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let tree = ModuleTree::default();
    let hash = EMPTY_HASH.get_or_init(|| autostack_core::planfile::config_hash(&tree));
    if let Some(obj) = doc.as_object_mut() {
        obj.insert(
            "config_hash".into(),
            serde_json::Value::String(hash.clone()),
        );
    }
    let _ = autostack_core::planfile::read(&doc.to_string(), &tree, &NoSchemas);
}

/// `autostack.hcl`: budgets, policies and provider settings, errors located.
pub fn policy(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(e) = autostack_cost::PolicySet::parse("autostack.hcl", text) {
        let _ = e.to_string();
    }
}
