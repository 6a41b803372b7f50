//! OpenTofu's `terraform { encryption { ... } }` block, decoded with its ranges but not
//! evaluated (the key providers' arguments are evaluated when the state is opened), and the
//! merge of the block with `TF_ENCRYPTION`'s, as OpenTofu merges them.

use super::decode::{expect_only, labels};
use crate::diag::{Diagnostic, Diagnostics, Range};
use crate::syntax::{Attribute, Block, Body};

/// `encryption { key_provider ... method ... state {} plan {} remote_state_data_sources {} }`.
#[derive(Debug, Clone, Default)]
pub struct Encryption {
    /// `key_provider "TYPE" "NAME" {}` blocks.
    pub key_providers: Vec<EncryptionBlock>,
    /// `method "TYPE" "NAME" {}` blocks.
    pub methods: Vec<EncryptionBlock>,
    /// `state {}`.
    pub state: Option<EncryptionTarget>,
    /// `plan {}`.
    pub plan: Option<EncryptionTarget>,
    /// `remote_state_data_sources {}` (kept; AutoStack has no `terraform_remote_state` yet).
    pub remote_state_data_sources: Option<Body>,
    /// The block header's range (or the environment variable's text).
    pub range: Range,
}

/// A `key_provider` or `method` block: two labels and arguments particular to its type.
#[derive(Debug, Clone)]
pub struct EncryptionBlock {
    /// The type label (`pbkdf2`, `aes_gcm`).
    pub ty: String,
    /// The name label.
    pub name: String,
    /// Its arguments.
    pub body: Body,
    /// The block header's range.
    pub range: Range,
}

/// A `state`, `plan` or `fallback` block.
#[derive(Debug, Clone)]
pub struct EncryptionTarget {
    /// `method = method.TYPE.NAME`.
    pub method: Option<Attribute>,
    /// `enforced = BOOL` (`state` and `plan` only).
    pub enforced: Option<Attribute>,
    /// The nested `fallback {}`.
    pub fallback: Option<Box<EncryptionTarget>>,
    /// The block header's range.
    pub range: Range,
}

/// Decodes the body of an `encryption` block whose header is at `range`.
pub fn decode_encryption(body: &Body, range: Range, diags: &mut Diagnostics) -> Encryption {
    let top = Block {
        ty: "encryption".into(),
        ty_range: range.clone(),
        labels: Vec::new(),
        body: body.clone(),
        range: range.clone(),
    };
    expect_only(
        &top,
        &[],
        &[
            "key_provider",
            "method",
            "state",
            "plan",
            "remote_state_data_sources",
        ],
        diags,
    );
    let mut out = Encryption {
        range,
        ..Encryption::default()
    };
    for b in &body.blocks {
        match b.ty.as_str() {
            "key_provider" => push_named(b, "type and name", &mut out.key_providers, diags),
            "method" => push_named(b, "type and name", &mut out.methods, diags),
            "state" => set_once(&mut out.state, target(b, true, diags), b, diags),
            "plan" => set_once(&mut out.plan, target(b, true, diags), b, diags),
            "remote_state_data_sources" => out.remote_state_data_sources = Some(b.body.clone()),
            _ => {}
        }
    }
    out
}

fn push_named(b: &Block, what: &str, into: &mut Vec<EncryptionBlock>, diags: &mut Diagnostics) {
    let Some(l) = labels(b, 2, what, diags) else {
        return;
    };
    if into.iter().any(|x| x.ty == l[0] && x.name == l[1]) {
        diags.push(Diagnostic::error(
            format!("Duplicate {}", b.ty),
            format!("Found multiple instances of {}.{}.{}", b.ty, l[0], l[1]),
            Some(b.def_range()),
        ));
        return;
    }
    into.push(EncryptionBlock {
        ty: l[0].to_string(),
        name: l[1].to_string(),
        body: b.body.clone(),
        range: b.def_range(),
    });
}

fn set_once(
    slot: &mut Option<EncryptionTarget>,
    t: EncryptionTarget,
    b: &Block,
    diags: &mut Diagnostics,
) {
    if slot.is_some() {
        diags.push(Diagnostic::error(
            "Duplicate block",
            format!("Only one {:?} block is allowed.", b.ty),
            Some(b.def_range()),
        ));
        return;
    }
    *slot = Some(t);
}

fn target(b: &Block, enforceable: bool, diags: &mut Diagnostics) -> EncryptionTarget {
    let attrs: &[&str] = if enforceable {
        &["method", "enforced"]
    } else {
        &["method"]
    };
    expect_only(b, attrs, &["fallback"], diags);
    let mut fallback = None;
    for f in b.body.blocks_of("fallback") {
        set_boxed(&mut fallback, target(f, false, diags), f, diags);
    }
    EncryptionTarget {
        method: b.body.attr("method").cloned(),
        enforced: b.body.attr("enforced").cloned(),
        fallback,
        range: b.def_range(),
    }
}

fn set_boxed(
    slot: &mut Option<Box<EncryptionTarget>>,
    t: EncryptionTarget,
    b: &Block,
    diags: &mut Diagnostics,
) {
    let mut plain = slot.take().map(|b| *b);
    set_once(&mut plain, t, b, diags);
    *slot = plain.map(Box::new);
}

impl Encryption {
    /// This configuration with `over` merged in, `over` winning (OpenTofu's merge of the
    /// `TF_ENCRYPTION` configuration over the files'): key providers and methods of the same
    /// type and name have their arguments merged, others are added; a target's `method` and
    /// `fallback` are taken from `over` when it gives them; `enforced` if either says so.
    pub fn merge(mut self, over: Encryption) -> Encryption {
        merge_blocks(&mut self.key_providers, over.key_providers);
        merge_blocks(&mut self.methods, over.methods);
        self.state = merge_target(self.state, over.state);
        self.plan = merge_target(self.plan, over.plan);
        if over.remote_state_data_sources.is_some() {
            self.remote_state_data_sources = over.remote_state_data_sources;
        }
        self
    }
}

fn merge_blocks(base: &mut Vec<EncryptionBlock>, over: Vec<EncryptionBlock>) {
    for o in over {
        match base.iter_mut().find(|b| b.ty == o.ty && b.name == o.name) {
            Some(b) => {
                for a in o.body.attributes {
                    b.body.attributes.retain(|x| x.name != a.name);
                    b.body.attributes.push(a);
                }
                for nb in o.body.blocks {
                    b.body.blocks.retain(|x| x.ty != nb.ty);
                    b.body.blocks.push(nb);
                }
            }
            None => base.push(o),
        }
    }
}

fn merge_target(
    base: Option<EncryptionTarget>,
    over: Option<EncryptionTarget>,
) -> Option<EncryptionTarget> {
    match (base, over) {
        (Some(b), Some(o)) => Some(EncryptionTarget {
            method: o.method.or(b.method),
            enforced: match (b.enforced, o.enforced) {
                // Enforced when either says so: keep the one that says true if any.
                (Some(x), Some(y)) => Some(if is_true(&y) { y } else { x }),
                (x, y) => y.or(x),
            },
            fallback: o.fallback.or(b.fallback),
            range: o.range,
        }),
        (b, o) => o.or(b),
    }
}

fn is_true(a: &Attribute) -> bool {
    matches!(
        &a.expr.kind,
        crate::syntax::ExprKind::Literal(crate::value::Value::Bool(true))
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::SourceFile;

    fn parse(text: &str, name: &str) -> (Encryption, Diagnostics) {
        let file = SourceFile::new(name, text);
        let body = crate::syntax::parse_block_body(&file, "encryption").unwrap();
        let mut d = Diagnostics::new();
        let e = decode_encryption(&body, file.range(0..0), &mut d);
        (e, d)
    }

    #[test]
    fn hcl_and_json_give_the_same_model() {
        let hcl = r#"
key_provider "pbkdf2" "main" { passphrase = "x" }
method "aes_gcm" "main" { keys = key_provider.pbkdf2.main }
method "unencrypted" "migrate" {}
state {
  method = method.aes_gcm.main
  enforced = false
  fallback { method = method.unencrypted.migrate }
}
plan { method = method.aes_gcm.main }
"#;
        let json = r#"{"key_provider": {"pbkdf2": {"main": {"passphrase": "x"}}},
  "method": {"aes_gcm": {"main": {"keys": "key_provider.pbkdf2.main"}}, "unencrypted": {"migrate": {}}},
  "state": {"method": "method.aes_gcm.main", "enforced": false, "fallback": {"method": "method.unencrypted.migrate"}},
  "plan": {"method": "method.aes_gcm.main"}}"#;
        for (text, name) in [(hcl, "TF_ENCRYPTION"), (json, "TF_ENCRYPTION")] {
            let (e, d) = parse(text, name);
            assert!(!d.has_errors(), "{d:?}");
            assert_eq!(e.key_providers.len(), 1);
            assert_eq!(
                (e.methods[1].ty.as_str(), e.methods[1].name.as_str()),
                ("unencrypted", "migrate")
            );
            let state = e.state.unwrap();
            assert!(state.method.is_some() && state.enforced.is_some());
            assert!(state.fallback.unwrap().method.is_some());
            assert!(e.plan.is_some());
        }
    }

    #[test]
    fn unknown_blocks_and_duplicates_are_located_errors() {
        let (_, d) = parse("key_provider \"pbkdf2\" \"a\" {}\nkey_provider \"pbkdf2\" \"a\" {}\nstate { methd = 1 }\nbogus {}\n", "enc.tf");
        let text = format!("{d:?}");
        for want in ["Duplicate key_provider", "methd", "bogus"] {
            assert!(text.contains(want), "{want}: {text}");
        }
        assert!(d.has_errors());
    }

    #[test]
    fn the_environment_overrides_the_files_argument_by_argument() {
        let (files, _) = parse("key_provider \"pbkdf2\" \"main\" {\n passphrase = \"from files\"\n iterations = 300000\n}\nstate {\n method = method.aes_gcm.main\n enforced = true\n}\n", "main.tf");
        let (env, _) = parse("key_provider \"pbkdf2\" \"main\" { passphrase = \"from env\" }\nkey_provider \"pbkdf2\" \"other\" { passphrase = \"o\" }\nstate {\n method = method.aes_gcm.other\n enforced = false\n}\n", "TF_ENCRYPTION");
        let m = files.merge(env);
        assert_eq!(m.key_providers.len(), 2);
        let main = &m.key_providers[0].body;
        assert_eq!(main.attributes.len(), 2);
        assert!(format!("{:?}", main.attr("passphrase").unwrap().expr).contains("from env"));
        assert!(main.attr("iterations").is_some());
        let state = m.state.unwrap();
        assert!(format!("{:?}", state.method.unwrap().expr).contains("other"));
        assert!(is_true(&state.enforced.unwrap()), "enforced stays on");
    }
}
