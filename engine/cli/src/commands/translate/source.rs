//! The source configuration: files parsed with locations, the cloud it is written for, its
//! region, and the literal defaults of its variables.

use super::hclexpr::convert;
use super::model::Target;
use super::rules::cloud_of;
use autostack_cost::Cloud;
use autostack_lang::diag::{Diagnostic, Diagnostics, Sources};
use autostack_lang::syntax::{parse_file, Block, Body, ExprKind};
use hcl::Expression;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One parsed `.tf` file.
pub struct File {
    /// Its name (relative to the source directory).
    pub name: String,
    /// Its body.
    pub body: Body,
}

/// The loaded source.
pub struct Source {
    /// The `.tf` files in name order.
    pub files: Vec<File>,
    /// Other regular files (copied: `file()` may read them).
    pub others: Vec<PathBuf>,
    /// The cloud its resources are written for.
    pub cloud: Cloud,
    /// Its region (from the provider block or the resource group), when known.
    pub region: Option<String>,
    /// Variables' literal defaults.
    pub var_defaults: BTreeMap<String, Expression>,
}

fn err(summary: &str, detail: String) -> Diagnostics {
    Diagnostic::error(summary, detail, None).into()
}

/// Loads and checks `dir` (the same checks as `validate`'s loading), for target `to`.
pub fn load(dir: &Path, to: Target, sources: &Sources) -> Result<Source, Diagnostics> {
    let (_, diags) = autostack_lang::config::load_module(dir, sources);
    if diags.has_errors() {
        return Err(diags);
    }
    let mut files = Vec::new();
    let mut others = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| {
            err(
                "Failed to read directory",
                format!("{}: {e}", dir.display()),
            )
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    entries.sort();
    for p in entries {
        let name = p
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        if name.starts_with('.') || name.ends_with(".tfstate") || name.ends_with(".backup") {
            continue;
        }
        if name.ends_with(".tf.json") {
            return Err(err(
                "Unsupported file",
                format!("{name}: translate reads native syntax (.tf) files only"),
            ));
        }
        if !name.ends_with(".tf") {
            others.push(p);
            continue;
        }
        let text = std::fs::read_to_string(&p)
            .map_err(|e| err("Failed to read file", format!("{name}: {e}")))?;
        let shown = p.to_string_lossy().trim_start_matches("./").to_string();
        let file = sources.add(shown, text);
        files.push(File {
            name,
            body: parse_file(&file)?,
        });
    }
    let cloud = source_cloud(&files, to)?;
    let var_defaults = defaults(&files);
    let region = region(&files, cloud, &var_defaults);
    Ok(Source {
        files,
        others,
        cloud,
        region,
        var_defaults,
    })
}

/// Every `resource`/`data` block with its file.
pub fn resources(files: &[File]) -> impl Iterator<Item = &Block> {
    files
        .iter()
        .flat_map(|f| f.body.blocks.iter())
        .filter(|b| (b.ty == "resource" || b.ty == "data") && b.labels.len() == 2)
}

fn source_cloud(files: &[File], to: Target) -> Result<Cloud, Diagnostics> {
    let mut found: Option<(Cloud, &Block)> = None;
    for b in resources(files) {
        let Some(c) = cloud_of(&b.labels[0].0) else {
            continue;
        };
        match found {
            None => found = Some((c, b)),
            Some((first, fb)) if first != c => {
                return Err(Diagnostic::error(
                    "Mixed clouds",
                    format!("This configuration has {first} resources ({} first) and {c} ones; translate works on a configuration written for one cloud.", fb.header()),
                    Some(b.def_range()),
                )
                .into())
            }
            _ => {}
        }
    }
    let Some((cloud, b)) = found else {
        return Err(err(
            "Nothing to translate",
            "The configuration has no aws_*, azurerm_* or google_* resources.".into(),
        ));
    };
    if to == Target::Cloud(cloud) {
        return Err(Diagnostic::error(
            "Same cloud",
            format!("The configuration is already written for {cloud}; choose another -to."),
            Some(b.def_range()),
        )
        .into());
    }
    Ok(cloud)
}

fn defaults(files: &[File]) -> BTreeMap<String, Expression> {
    let mut out = BTreeMap::new();
    for b in files.iter().flat_map(|f| f.body.blocks_of("variable")) {
        let (Some((name, _)), Some(d)) = (b.labels.first(), b.body.attr("default")) else {
            continue;
        };
        if matches!(d.expr.kind, ExprKind::Literal(_)) {
            if let Ok(e) = convert(&d.expr) {
                out.insert(name.clone(), e);
            }
        }
    }
    out
}

/// The source region: AWS/GCP `region` of the provider block, Azure's resource group location.
fn region(files: &[File], cloud: Cloud, vars: &BTreeMap<String, Expression>) -> Option<String> {
    let e = match cloud {
        Cloud::Azure => resources(files)
            .find(|b| b.labels[0].0 == "azurerm_resource_group")
            .and_then(|b| b.body.attr("location")),
        _ => files
            .iter()
            .flat_map(|f| f.body.blocks_of("provider"))
            .find(|b| b.body.attr("alias").is_none())
            .and_then(|b| b.body.attr("region")),
    }?;
    match &e.expr.kind {
        ExprKind::Literal(v) => v.as_str().map(str::to_string),
        ExprKind::Traversal(t) if t.root == "var" && t.steps.len() == 1 => {
            let autostack_lang::syntax::Step::Attr(name, _) = &t.steps[0] else {
                return None;
            };
            match vars.get(name) {
                Some(Expression::String(s)) => Some(s.clone()),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The variable a region expression reads, if it is `var.X`.
pub fn region_var(files: &[File], cloud: Cloud) -> Option<String> {
    let e = match cloud {
        Cloud::Azure => resources(files)
            .find(|b| b.labels[0].0 == "azurerm_resource_group")
            .and_then(|b| b.body.attr("location")),
        _ => files
            .iter()
            .flat_map(|f| f.body.blocks_of("provider"))
            .find(|b| b.body.attr("alias").is_none())
            .and_then(|b| b.body.attr("region")),
    }?;
    match &e.expr.kind {
        ExprKind::Traversal(t) if t.root == "var" && t.steps.len() == 1 => match &t.steps[0] {
            autostack_lang::syntax::Step::Attr(n, _) => Some(n.clone()),
            _ => None,
        },
        _ => None,
    }
}
