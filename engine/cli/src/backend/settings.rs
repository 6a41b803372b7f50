//! Which backend a command uses, decided as Terraform decides it: the `backend` block of the
//! root module (arguments evaluated statically; `-backend-config` merged by `init`), the
//! configuration `init` recorded in `.terraform/terraform.tfstate` (Terraform's legacy state
//! file with its `backend {type, config, hash}`), and the selected workspace
//! (`TF_WORKSPACE`, else `.terraform/environment`).
//!
//! The recorded hash covers the block as written in the files (not the `-backend-config`
//! values), so a later command notices exactly when the block changed, and asks for
//! `init -reconfigure` or `init -migrate-state` in Terraform's words.

use crate::session::error;
use autostack_core::jsonplan::TERRAFORM_VERSION;
use autostack_lang::config::{eval_static, Backend as BackendBlock, Module};
use autostack_lang::diag::Sources;
use autostack_lang::syntax::{parse_expr, parse_file, Body};
use autostack_lang::value::json::to_json;
use autostack_lang::{Diagnostic, Diagnostics};
use autostack_state::backend_config::{config_hash, normalize, Kind};
use autostack_state::backends::schema;
use autostack_state::seams::DEFAULT_WORKSPACE;
use serde_json::{json, Map, Value as Json};
use std::path::PathBuf;

/// A backend type with its arguments (every schema attribute, null when unset) and the hash
/// of its block as written.
#[derive(Debug, Clone, PartialEq)]
pub struct BackendChoice {
    /// `local`, `s3`, `pg`, ...
    pub ty: String,
    /// The arguments, `-backend-config` merged.
    pub config: Map<String, Json>,
    /// Terraform's hash of the block in the files.
    pub hash: u32,
}

impl BackendChoice {
    /// The default: the local backend with its default path.
    pub fn local_default() -> BackendChoice {
        let config = json!({"path": null, "workspace_dir": null});
        BackendChoice {
            ty: "local".into(),
            config: config.as_object().cloned().unwrap_or_default(),
            hash: 0,
        }
    }
}

/// The working directory's data directory (`TF_DATA_DIR`, else `.terraform`).
pub fn data_dir() -> PathBuf {
    std::env::var("TF_DATA_DIR")
        .ok()
        .filter(|d| !d.is_empty())
        .map_or_else(|| PathBuf::from(".terraform"), PathBuf::from)
}

/// The selected workspace: `TF_WORKSPACE`, else the one `workspace select` recorded.
pub fn current_workspace() -> String {
    if let Ok(w) = std::env::var("TF_WORKSPACE") {
        if !w.is_empty() {
            return w;
        }
    }
    std::fs::read_to_string(data_dir().join("environment"))
        .map(|s| s.trim().to_string())
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| DEFAULT_WORKSPACE.to_string())
}

/// Records `name` as the selected workspace (`.terraform/environment`).
pub fn select_workspace(name: &str) -> Result<(), Diagnostics> {
    let dir = data_dir();
    std::fs::create_dir_all(&dir)
        .and_then(|()| std::fs::write(dir.join("environment"), name))
        .map_err(|e| error("Failed to select workspace", e.to_string()))
}

/// `.terraform/terraform.tfstate`, where `init` records the backend.
fn saved_path() -> PathBuf {
    data_dir().join("terraform.tfstate")
}

/// The backend `init` recorded, if any.
pub fn read_saved() -> Result<Option<BackendChoice>, Diagnostics> {
    let text = match std::fs::read_to_string(saved_path()) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(error("Failed to load the backend state", e.to_string())),
    };
    let doc: Json = serde_json::from_str(&text).map_err(|e| {
        error(
            "Failed to load the backend state",
            format!("{}: {e}", saved_path().display()),
        )
    })?;
    let b = &doc["backend"];
    let Some(ty) = b["type"].as_str().filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    Ok(Some(BackendChoice {
        ty: ty.to_string(),
        config: b["config"].as_object().cloned().unwrap_or_default(),
        hash: b["hash"].as_u64().unwrap_or(0) as u32,
    }))
}

/// Records `choice` as the configured backend, as Terraform lays the file out.
pub fn write_saved(choice: &BackendChoice) -> Result<(), Diagnostics> {
    let doc = json!({
        "version": 3,
        "terraform_version": TERRAFORM_VERSION,
        "backend": {"type": choice.ty, "config": sorted(&Json::Object(choice.config.clone())), "hash": choice.hash},
    });
    let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    let path = saved_path();
    std::fs::create_dir_all(data_dir())
        .and_then(|()| autostack_state::local::atomic_write(&path, text.as_bytes()))
        .map_err(|e| {
            error(
                "Failed to save the backend state",
                format!("{}: {e}", path.display()),
            )
        })
}

/// `v` with object keys in order, as Go writes a map.
fn sorted(v: &Json) -> Json {
    match v {
        Json::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            Json::Object(
                keys.into_iter()
                    .map(|k| (k.clone(), sorted(&m[k])))
                    .collect(),
            )
        }
        other => other.clone(),
    }
}

/// Forgets the recorded backend (the configuration went back to the default local one).
pub fn remove_saved() -> Result<(), Diagnostics> {
    match std::fs::remove_file(saved_path()) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(error("Failed to save the backend state", e.to_string()))
        }
        _ => Ok(()),
    }
}

/// The backend block as written in the files: its arguments evaluated (no variables or
/// function calls, as in Terraform), checked against the backend's schema, and hashed.
pub fn from_block(b: &BackendBlock) -> Result<BackendChoice, Diagnostics> {
    let Some(attrs) = schema(&b.ty) else {
        return Err(Diagnostic::error(
            "Unsupported backend type",
            format!("There is no backend type named {:?} in this build of AutoStack. The backends are local, s3, gcs, azurerm and pg; each remote one is a cargo feature of the binary.", b.ty),
            Some(b.range.clone()),
        )
        .into());
    };
    let args = evaluate(&b.config)?;
    let config = normalize(attrs, &args).map_err(|p| {
        let at = p.path.split('.').next().unwrap_or_default();
        let range = b
            .config
            .attr(at)
            .map_or(b.range.clone(), |a| a.range.clone());
        Diagnostics::from(Diagnostic::error(p.summary, p.detail, Some(range)))
    })?;
    Ok(BackendChoice {
        hash: config_hash(&b.ty, attrs, &config),
        ty: b.ty.clone(),
        config,
    })
}

/// A body's attributes, evaluated statically into JSON; nested blocks are not arguments of
/// any backend.
fn evaluate(body: &Body) -> Result<Map<String, Json>, Diagnostics> {
    let mut diags = Diagnostics::new();
    if let Some(block) = body.blocks.first() {
        diags.push(Diagnostic::error(
            "Unsupported block type",
            format!("Blocks of type {:?} are not expected here.", block.ty),
            Some(block.def_range()),
        ));
    }
    let mut out = Map::new();
    for a in &body.attributes {
        if let Some(v) = eval_static(&a.expr, &mut diags) {
            out.insert(a.name.clone(), to_json(&v));
        }
    }
    diags.into_result(out)
}

/// `choice` with the `-backend-config` arguments merged over it, in order: `KEY=VALUE`
/// (VALUE is taken as a string for a string argument, else parsed as an HCL expression) or
/// a file of `KEY = VALUE` lines.
pub fn with_overrides(
    mut choice: BackendChoice,
    overrides: &[String],
    sources: &Sources,
) -> Result<BackendChoice, Diagnostics> {
    let Some(attrs) = schema(&choice.ty) else {
        return Ok(choice);
    };
    let mut args: Map<String, Json> = choice
        .config
        .iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for item in overrides {
        match item.split_once('=') {
            Some((key, value)) => {
                let key = key.trim();
                let is_string = attrs
                    .iter()
                    .find(|a| a.name == key)
                    .is_none_or(|a| a.kind == Kind::String);
                let v = if is_string {
                    Json::String(value.to_string())
                } else {
                    let file = sources.add(format!("<-backend-config {key}>"), value.to_string());
                    let mut diags = Diagnostics::new();
                    let v = eval_static(&parse_expr(&file)?, &mut diags);
                    diags.into_result(v.map(|v| to_json(&v)).unwrap_or(Json::Null))?
                };
                args.insert(key.to_string(), v);
            }
            None => {
                let text = std::fs::read_to_string(item).map_err(|e| {
                    error(
                        "Failed to read the -backend-config file",
                        format!("{item}: {e}"),
                    )
                })?;
                let body = parse_file(&sources.add(item.clone(), text))?;
                args.extend(evaluate(&body)?);
            }
        }
    }
    choice.config = normalize(attrs, &args).map_err(|p| {
        error(
            &p.summary,
            format!("-backend-config: {} ({})", p.detail, p.path),
        )
    })?;
    Ok(choice)
}

/// The backend a command other than `init` uses: the one `init` recorded when the block in
/// the files is unchanged; the block itself for the local backend (which needs no `init`);
/// otherwise Terraform's "Backend initialization required".
pub fn for_command(m: &Module) -> Result<BackendChoice, Diagnostics> {
    let saved = read_saved()?;
    let Some(block) = &m.terraform.backend else {
        return match saved {
            Some(s) if s.ty != "local" => Err(init_required(&format!(
                "Unsetting the previously set backend {:?}",
                s.ty
            ))),
            _ => Ok(BackendChoice::local_default()),
        };
    };
    let written = from_block(block)?;
    match saved {
        Some(s) if s.ty == written.ty && s.hash == written.hash => Ok(s),
        Some(s) if s.ty != written.ty => Err(init_required(&format!(
            "Backend type changed from {:?} to {:?}",
            s.ty, written.ty
        ))),
        Some(_) => Err(init_required("Backend configuration block has changed")),
        None if written.ty == "local" => Ok(written),
        None => Err(init_required(&format!(
            "Initial configuration of the requested backend {:?}",
            written.ty
        ))),
    }
}

/// Terraform's "Backend initialization required" with its reason.
fn init_required(reason: &str) -> Diagnostics {
    error(
        "Backend initialization required, please run \"autostack init\"",
        format!("Reason: {reason}\n\nThe \"backend\" is the interface that AutoStack uses to store state,\nperform operations, etc. If this message is showing up, it means that the\nAutoStack configuration you're using is using a custom configuration for\nthe AutoStack backend.\n\nChanges to backend configurations require reinitialization. This allows\nAutoStack to set up the new configuration, copy existing state, etc. Please run\n\"autostack init\" with either the \"-reconfigure\" or \"-migrate-state\" flags to\nuse the current configuration.\n\nIf the change reason above is incorrect, please verify your configuration\nhasn't changed and try again. At this point, no changes to your existing\nconfiguration or state have been made."),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_config_values_and_files_merge_in_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("backend.hcl");
        std::fs::write(
            &file,
            "path = \"from-file.tfstate\"\nworkspace_dir = \"ws\"\n",
        )
        .unwrap();
        let sources = Sources::new();
        let overrides = vec![
            "path=first.tfstate".to_string(),
            file.display().to_string(),
            "workspace_dir=later".to_string(),
        ];
        let merged = with_overrides(BackendChoice::local_default(), &overrides, &sources).unwrap();
        assert_eq!(merged.config["path"], "from-file.tfstate");
        assert_eq!(merged.config["workspace_dir"], "later");
        assert_eq!(merged.hash, 0, "the hash stays the block's");
        let bad = with_overrides(
            BackendChoice::local_default(),
            &["bogus=1".into()],
            &sources,
        );
        let d = bad.expect_err("unknown argument");
        assert!(
            d.to_string().contains("\"bogus\" is not expected here"),
            "{d}"
        );
    }

    #[test]
    fn go_map_order_is_written() {
        let v = json!({"b": 1, "a": {"d": 2, "c": 3}});
        assert_eq!(sorted(&v).to_string(), r#"{"a":{"c":3,"d":2},"b":1}"#);
    }
}
