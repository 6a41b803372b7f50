//! The file edits of a move, found with hcl-edit and made as splices (see [`super::splice`]):
//! the target provider block, `provider =` (and, for Azure, whose provider block has no
//! region, `region =`) on each moving portable resource, the `required_providers` entry.

use super::splice::{self, append, labels, line_col, literal, prepend, source, Splice};
use super::{FileChange, ModuleAt, Moving, Target};
use autostack_cost::Cloud;
use autostack_lang::diag::Pos;
use autostack_lang::{Diagnostic, Diagnostics, Range};
use hcl_edit::structure::{Block, Body};
use hcl_edit::Span;
use std::path::{Component, PathBuf};

/// One `.tf` file of a module, parsed.
pub(crate) struct TfFile {
    module: usize,
    path: PathBuf,
    name: String,
    text: String,
    body: Body,
}

impl TfFile {
    fn range(&self, at: std::ops::Range<usize>) -> Range {
        let pos = |b: usize| {
            let (line, column) = line_col(&self.text, b);
            Pos {
                line: line as u32,
                column: column as u32,
                byte: b,
            }
        };
        Range {
            filename: self.name.as_str().into(),
            start: pos(at.start),
            end: pos(at.end),
        }
    }

    fn at(&self, b: usize) -> String {
        let (line, col) = line_col(&self.text, b);
        format!("{}:{line}:{col}", self.name)
    }

    fn blocks<'a>(&'a self, ident: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
        self.body.get_blocks(ident)
    }
}

/// A path as diagnostics write it: relative to the working directory, without `./`.
fn display(p: &std::path::Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    let rel = p.strip_prefix(&cwd).unwrap_or(p);
    let clean: PathBuf = (rel.components())
        .filter(|c| !matches!(c, Component::CurDir))
        .collect();
    clean.to_string_lossy().into_owned()
}

/// Reads and parses the `.tf` files of every module (`.tf.json` files are not rewritten).
pub(crate) fn read_files(all: &[ModuleAt<'_>]) -> Result<Vec<TfFile>, Diagnostics> {
    let mut out = Vec::new();
    let mut diags = Diagnostics::new();
    for (i, at) in all.iter().enumerate() {
        let dir = &at.module.dir;
        let listed = std::fs::read_dir(dir).map_err(|e| {
            crate::session::error(
                "Failed to read module directory",
                format!("{}: {e}", dir.display()),
            )
        })?;
        let mut paths: Vec<PathBuf> = (listed.filter_map(Result::ok))
            .map(|e| e.path())
            .filter(|p| {
                let n = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
                !n.starts_with('.') && !n.starts_with('#') && n.ends_with(".tf") && p.is_file()
            })
            .collect();
        paths.sort();
        for path in paths {
            let name = display(&path);
            let text = std::fs::read_to_string(&path).map_err(|e| {
                crate::session::error("Failed to read file", format!("{name}: {e}"))
            })?;
            match hcl_edit::parser::parse_body(&text) {
                Ok(body) => out.push(TfFile {
                    module: i,
                    path,
                    name,
                    text,
                    body,
                }),
                Err(e) => {
                    let (line, col) = (e.location().line(), e.location().column());
                    let at = Pos {
                        line: line as u32,
                        column: col as u32,
                        byte: e.location().offset(),
                    };
                    diags.push(Diagnostic::error(
                        "Cannot rewrite a file that does not parse",
                        e.message().to_string(),
                        Some(Range {
                            filename: name.as_str().into(),
                            start: at,
                            end: at,
                        }),
                    ));
                }
            }
        }
    }
    diags.into_result(out)
}

fn alias_of(b: &Block) -> Option<String> {
    literal(&b.body, "alias")
}

/// True when the root module has the target cloud's unaliased provider block beside another
/// cloud's: the shape a `-write` leaves until the old block is deleted.
pub(crate) fn is_rewritten(files: &[TfFile], target: Target) -> bool {
    let blocks: Vec<&Block> = (files.iter().filter(|f| f.module == 0))
        .flat_map(|f| f.blocks("provider"))
        .collect();
    let has = |b: &&Block, l: &str| labels(b) == [l];
    let other = ["aws", "azurerm", "google"]
        .into_iter()
        .filter(|l| *l != target.local);
    blocks
        .iter()
        .any(|b| has(b, target.local) && alias_of(b).is_none())
        && other.into_iter().any(|l| blocks.iter().any(|b| has(b, l)))
}

/// The region of the root module's provider block of the target cloud with `alias` (`None`:
/// the unaliased one), if any.
pub(crate) fn target_region(
    files: &[TfFile],
    target: Target,
    alias: Option<&str>,
) -> Option<String> {
    (files.iter().filter(|f| f.module == 0))
        .flat_map(|f| f.blocks("provider"))
        .filter(|b| labels(b) == [target.local] && alias_of(b).as_deref() == alias)
        .find_map(|b| literal(&b.body, "region"))
}

/// The target region of each provider configuration (`None`: the default one), by alias.
pub(crate) type Regions = [(Option<String>, String)];

/// The region `regions` gives the configuration `alias` (empty when none).
fn region_of<'r>(regions: &'r Regions, alias: Option<&str>) -> &'r str {
    (regions.iter())
        .find(|(a, _)| a.as_deref() == alias)
        .map_or("", |(_, r)| r.as_str())
}

/// How a resource names the target's configuration `alias`: `google`, `google.west`.
fn provider_ref(target: Target, alias: Option<&str>) -> String {
    match alias {
        Some(a) => format!("{}.{a}", target.local),
        None => target.local.to_string(),
    }
}

/// How notes name the target's configuration `alias`: `provider "google"`,
/// `provider "google" (alias west)`.
fn block_name(target: Target, alias: Option<&str>) -> String {
    match alias {
        Some(a) => format!("provider {:?} (alias {a})", target.local),
        None => format!("provider {:?}", target.local),
    }
}

/// The region the stack runs in on its old cloud: its provider block's `region` (a portable
/// resource's own `region` for Azure, whose block has none), else the SDK's environment.
pub(crate) fn old_region(files: &[TfFile], m: &Moving) -> Result<(String, Range), Diagnostics> {
    let block = (files.iter().filter(|f| f.module == 0))
        .flat_map(|f| f.blocks("provider").map(move |b| (f, b)))
        .find(|(_, b)| labels(b) == [m.local.as_str()] && alias_of(b) == m.alias);
    let own = resource_block(files, m).and_then(|(_, b)| literal(&b.body, "region"));
    let in_block = block.and_then(|(_, b)| literal(&b.body, "region"));
    let env = match m.from {
        Cloud::Aws => ["AWS_REGION", "AWS_DEFAULT_REGION"],
        Cloud::Gcp => ["GOOGLE_REGION", "CLOUDSDK_COMPUTE_REGION"],
        Cloud::Azure => ["ARM_LOCATION", "AZURE_LOCATION"],
    };
    let from_env = env
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()));
    let at = match block {
        Some((f, b)) => b
            .span()
            .map(|s| f.range(s))
            .unwrap_or_else(|| m.range.clone()),
        None => m.range.clone(),
    };
    match own.or(in_block).or(from_env) {
        Some(r) => Ok((r, at)),
        None => Err(Diagnostic::error(
            "No region to move from",
            format!("The region {} runs in on {} is not written in its configuration (no literal region), so the nearest region on the target cloud cannot be chosen. Choose one with -region=R.", m.key, m.from),
            Some(at),
        )
        .into()),
    }
}

fn resource_block<'a>(files: &'a [TfFile], m: &Moving) -> Option<(&'a TfFile, &'a Block)> {
    (files.iter().filter(|f| f.module == m.module))
        .flat_map(|f| f.blocks("resource").map(move |b| (f, b)))
        .find(|(_, b)| labels(b).join(".") == m.key)
}

/// Each file with its splices and notes, collected while edits are found.
struct Editing {
    file: TfFile,
    splices: Vec<Splice>,
    notes: Vec<(usize, String)>,
}

impl Editing {
    fn change(&mut self, at: usize, s: Splice, note: String) {
        self.notes
            .push((at, format!("{}: {note}", self.file.at(at))));
        self.splices.push(s);
    }
}

/// Applies the move's edits to `files`: the changed files with their notes.
pub(crate) fn edit(
    files: Vec<TfFile>,
    all: &[ModuleAt<'_>],
    moving: &[Moving],
    target: Target,
    regions: &Regions,
) -> Result<Vec<FileChange>, Diagnostics> {
    let mut ed: Vec<Editing> = (files.into_iter())
        .map(|file| Editing {
            file,
            splices: Vec::new(),
            notes: Vec::new(),
        })
        .collect();
    let mut found: Vec<Option<String>> = Vec::new();
    for e in ed.iter_mut().filter(|e| all[e.file.module].root) {
        found.extend(provider_blocks(e, target, regions));
        required_providers(e, target);
    }
    for e in ed.iter_mut() {
        resources(e, moving, target, regions, &all[e.file.module].prefix);
    }
    let mut added: Vec<Option<&str>> = Vec::new();
    for m in moving {
        let alias = m.alias.as_deref();
        if !found.iter().any(|f| f.as_deref() == alias) && !added.contains(&alias) {
            add_provider_block(&mut ed, m, target, region_of(regions, alias));
            added.push(alias);
        }
    }
    Ok(ed
        .into_iter()
        .map(|mut e| {
            e.notes.sort();
            FileChange {
                after: splice::apply(&e.file.text, e.splices),
                path: e.file.path,
                name: e.file.name,
                before: e.file.text,
                notes: e.notes.into_iter().map(|(_, n)| n).collect(),
            }
        })
        .collect())
}

/// Sets the region of each provider block of the target cloud whose configuration `regions`
/// names (Azure: makes sure it has `features {}`); the aliases of those the file has.
fn provider_blocks(e: &mut Editing, target: Target, regions: &Regions) -> Vec<Option<String>> {
    let mut found = Vec::new();
    let mut out = Vec::new();
    let f = &e.file;
    for b in f.blocks("provider") {
        let alias = alias_of(b);
        let region = (regions.iter()).find(|(a, _)| *a == alias).map(|(_, r)| r);
        let Some(region) = region.filter(|_| labels(b) == [target.local]) else {
            continue;
        };
        found.push(alias.clone());
        let start = b.span().map_or(0, |s| s.start);
        let name = block_name(target, alias.as_deref());
        if target.cloud == Cloud::Azure {
            if !b.body.has_blocks("features") {
                let s = prepend(&f.text, b, &["features {}".into()], false);
                out.extend(s.map(|s| (start, s, format!("features {{}} added to {name}"))));
            }
            continue;
        }
        out.extend(block_region(f, b, region, &name));
    }
    for (at, s, note) in out {
        e.change(at, s, note);
    }
    found
}

/// The edit setting `region` in provider block `b` named `name` in notes, if it needs one.
fn block_region(
    f: &TfFile,
    b: &Block,
    region: &str,
    name: &str,
) -> Option<(usize, Splice, String)> {
    if region.is_empty() {
        return None;
    }
    let start = b.span().map_or(0, |s| s.start);
    match b.body.get_attribute("region") {
        Some(a) if a.value.as_str() == Some(region) => None,
        Some(a) => a.value.span().map(|sp| {
            let was = source(&f.text, &a.value).unwrap_or_default().to_string();
            let text = format!("{region:?}");
            let note = format!("{name}: region = {region:?} (was {was})");
            (sp.start, Splice { at: sp, text }, note)
        }),
        None => prepend(&f.text, b, &[format!("region = {region:?}")], false)
            .map(|s| (start, s, format!("{name}: region = {region:?}"))),
    }
}

/// Adds the target's entry to `terraform { required_providers { ... } }` when missing.
fn required_providers(e: &mut Editing, target: Target) {
    let f = &e.file;
    let mut out = Vec::new();
    for t in f.blocks("terraform") {
        for rp in t.body.get_blocks("required_providers") {
            if rp.body.has_attribute(target.local) {
                continue;
            }
            let lines = [
                format!("{} = {{", target.local),
                format!("  source = \"hashicorp/{}\"", target.local),
                "}".to_string(),
            ];
            let at = rp.span().map_or(0, |s| s.start);
            out.extend(append(&f.text, rp, &lines).map(|s| (at, s)));
        }
    }
    for (at, s) in out {
        let note = format!(
            "required_providers: {} = {{ source = \"hashicorp/{}\" }}",
            target.local, target.local
        );
        e.change(at, s, note);
    }
}

/// Binds each moving portable resource of the file to the target (`provider =` naming the
/// target's configuration of the old one's alias; Azure also `region =`), and moves a literal
/// `region` to that configuration's region.
fn resources(e: &mut Editing, moving: &[Moving], target: Target, regions: &Regions, prefix: &str) {
    let f = &e.file;
    let mut out: Vec<(usize, Splice, String)> = Vec::new();
    for b in f.blocks("resource") {
        let key = labels(b).join(".");
        let Some(m) = moving.iter().find(|m| m.module == f.module && m.key == key) else {
            continue;
        };
        let addr = format!("{prefix}{key}");
        let start = b.span().map_or(0, |s| s.start);
        let bound = provider_ref(target, m.alias.as_deref());
        let region = region_of(regions, m.alias.as_deref());
        let mut first = Vec::new();
        match b.body.get_attribute("provider") {
            Some(a) => out.extend(rebind(f, a, &bound, &addr)),
            None => first.push(format!("provider = {bound}")),
        }
        match b.body.get_attribute("region") {
            Some(a) if a.value.as_str() != Some(region) => {
                let was = source(&f.text, &a.value).unwrap_or_default().to_string();
                if let Some(sp) = a.value.span() {
                    let text = format!("{region:?}");
                    let note = format!("{addr}: region = {region:?} (was {was})");
                    out.push((sp.start, Splice { at: sp, text }, note));
                }
            }
            None if target.cloud == Cloud::Azure => match b.body.get_attribute("provider") {
                Some(p) => out.extend(
                    region_after(&f.text, p, region)
                        .map(|s| (start, s, format!("{addr}: region = {region:?}"))),
                ),
                None => first.push(format!("region   = {region:?}")),
            },
            _ => {}
        }
        if !first.is_empty() {
            let note = format!(
                "{addr}: {}",
                first.join(", ").replace("region   =", "region =")
            );
            out.extend(prepend(&f.text, b, &first, true).map(|s| (start, s, note)));
        }
    }
    for (at, s, note) in out {
        e.change(at, s, note);
    }
}

/// The edit of a `provider = ...` attribute `a` of resource `addr` to `bound`, unless it
/// names it already.
fn rebind(
    f: &TfFile,
    a: &hcl_edit::structure::Attribute,
    bound: &str,
    addr: &str,
) -> Option<(usize, Splice, String)> {
    let was = source(&f.text, &a.value).unwrap_or_default().to_string();
    let sp = a.value.span().filter(|_| was != bound)?;
    let note = format!("{addr}: provider = {bound} (was {was})");
    let text = bound.to_string();
    Some((sp.start, Splice { at: sp, text }, note))
}

/// A `region = "R"` line right after the `provider = ...` attribute `p`, its `=` aligned.
fn region_after(text: &str, p: &hcl_edit::structure::Attribute, region: &str) -> Option<Splice> {
    let (span, value) = (p.span()?, p.value.span()?);
    let eq = text[span.start..value.start].find('=')?;
    let indent = splice::indent_before(text, span.start)?;
    let end = span.end + text[span.end..].find('\n')? + 1;
    let line = format!("{indent}{:<eq$}= {region:?}\n", "region");
    Some(Splice::insert(end, line))
}

/// The text of the target's provider block for configuration `alias` (with the comment that
/// says why it is there), and its setting as notes say it (`region us-west1`).
fn new_block(
    target: Target,
    alias: Option<&str>,
    region: &str,
    old_name: &str,
) -> (String, String) {
    let (mut lines, setting) = match target.cloud {
        Cloud::Azure => (vec!["features {}".to_string()], "features {}".to_string()),
        _ => (
            vec![format!("region = {region:?}")],
            format!("region {region}"),
        ),
    };
    if let Some(a) = alias {
        // Aligned with `region =` as `fmt` aligns them; alone above a block on Azure.
        let pad = if target.cloud == Cloud::Azure {
            ""
        } else {
            " "
        };
        lines.insert(0, format!("alias {pad}= {a:?}"));
    }
    let body: String = lines.iter().map(|l| format!("  {l}\n")).collect();
    let text = format!(
        "\n\n# Added by `autostack migrate -to={}`: the portable resources move here. Keep the {old_name} block\n# until the move is applied (the old objects are deleted through it); then it can go.\nprovider \"{}\" {{\n{body}}}",
        target.cloud, target.local
    );
    (text, setting)
}

/// Adds the target cloud's provider block for the configuration `first` is bound to (its
/// alias kept) after the old cloud's block of that configuration (else at the end of the root
/// file of `first`, or the root's first file).
fn add_provider_block(ed: &mut [Editing], first: &Moving, target: Target, region: &str) {
    let alias = first.alias.as_deref();
    let old = ed
        .iter()
        .enumerate()
        .filter(|(_, e)| e.file.module == 0)
        .find_map(|(i, e)| {
            e.file
                .blocks("provider")
                .find(|b| labels(b) == [first.local.as_str()] && alias_of(b) == first.alias)
                .and_then(|b| b.span())
                .map(|s| (i, s.end, Some(s.start)))
        });
    let fallback = || {
        let root = ed
            .iter()
            .position(|e| e.file.module == 0 && *e.file.name == *first.range.filename);
        let i = root.or_else(|| ed.iter().position(|e| e.file.module == 0))?;
        Some((i, ed[i].file.text.trim_end().len(), None))
    };
    let Some((i, at, old_start)) = old.or_else(fallback) else {
        return;
    };
    let old_name = match alias {
        Some(a) => format!("{}.{a}", first.local),
        None => first.local.clone(),
    };
    let (text, setting) = new_block(target, alias, region, &old_name);
    let e = &mut ed[i];
    let end = if at == e.file.text.trim_end().len() && !e.file.text.ends_with('\n') {
        "\n"
    } else {
        ""
    };
    let name = block_name(target, alias);
    let note = match old_start {
        Some(_) => format!("{name} added after provider {:?} ({setting})", old_name),
        None => format!("{name} added ({setting})"),
    };
    e.change(
        old_start.unwrap_or(at),
        Splice::insert(at, format!("{text}{end}")),
        note,
    );
}
