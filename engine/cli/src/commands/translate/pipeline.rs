//! The translation itself: read every block, fold what the target keeps together, write
//! each item with its rule, carry variables/locals/outputs over, rewrite references.

use super::emit::{self, Section};
use super::generate;
use super::hclexpr::convert;
use super::model::{location, Item, Kind, SrcKey, Target, Untranslated};
use super::read::read_block;
use super::refs::{Names, Rewriter};
use super::rules::{self, cloud_of};
use super::source::Source;
use super::write::{write_item, Cx, WriteRule};
use autostack_cost::regions::nearest;
use autostack_cost::{Catalog, Cloud};
use autostack_lang::syntax::{Block, Body};
use hcl::Expression;
use std::collections::{BTreeMap, BTreeSet};

/// The translated files (name, canonical text) and what could not be translated.
pub struct Output {
    /// Files in the source's order.
    pub files: Vec<(String, String)>,
    /// Everything not translated.
    pub lost: Vec<Untranslated>,
}

/// Translates the loaded source for `to`.
pub fn translate(src: &Source, to: Target) -> Result<Output, String> {
    let mut lost = Vec::new();
    let (items, dropped) = read_all(src, &mut lost)?;
    let rule_of = move |it: &Item| -> &'static WriteRule { rules::rule_for(to, it) };
    let names = Names::new(&items, rule_of);
    let region = target_region(src, to, &mut lost);
    let mut cx = Cx {
        from: src.cloud,
        to,
        src_region: src.region.clone(),
        region,
        items: &items,
        names: &names,
        catalog: Catalog::embedded(),
        var_defaults: &src.var_defaults,
        var_rewrites: BTreeMap::new(),
        notes: Vec::new(),
        lost: Vec::new(),
        needs: BTreeSet::new(),
        current: String::new(),
        at: String::new(),
    };
    let mut sections = write_all(&mut cx, &rule_of);
    let provider = generate::provider(&mut cx, src);
    let generated = generate::needs(&mut cx, src);
    lost.append(&mut cx.lost);
    let var_rewrites = std::mem::take(&mut cx.var_rewrites);
    let mut rw = Rewriter {
        items: &items,
        names: &names,
        rule_of: &rule_of,
        lost: Vec::new(),
        at: (String::new(), String::new()),
        dropped: &dropped,
    };
    let extra = (provider, generated);
    let files = assemble(src, &mut sections, &mut rw, &var_rewrites, extra, &mut lost)?;
    lost.append(&mut rw.lost);
    lost.sort_by_key(|l| sort_key(&l.at));
    lost.dedup();
    emit::render(files, src.cloud, to, &lost).map(|files| Output { files, lost })
}

/// Writes every item; sections keyed by the source block they came from.
fn write_all(
    cx: &mut Cx,
    rule_of: &dyn Fn(&Item) -> &'static WriteRule,
) -> BTreeMap<usize, Vec<Section>> {
    let mut sections: BTreeMap<usize, Vec<Section>> = BTreeMap::new();
    for it in cx.items {
        cx.notes.clear();
        cx.current = it.address();
        cx.at = location(&it.range);
        let rule = rule_of(it);
        let blocks = write_item(cx, it, rule);
        sections.entry(it.origin).or_default().push(Section {
            comments: item_comment(it, rule, &blocks, &cx.notes),
            blocks,
            at: cx.at.clone(),
        });
    }
    sections
}

/// `file:line:col` ordered by file, then line and column as numbers.
fn sort_key(at: &str) -> (String, u64, u64) {
    let mut parts = at.rsplitn(3, ':');
    let col = parts.next().and_then(|c| c.parse().ok()).unwrap_or(0);
    let line = parts.next().and_then(|c| c.parse().ok()).unwrap_or(0);
    (parts.next().unwrap_or_default().to_string(), line, col)
}

/// The output files in the source's order: each block where its source was, the provider
/// blocks first and the generated ones last in the first file.
fn assemble(
    src: &Source,
    sections: &mut BTreeMap<usize, Vec<Section>>,
    rw: &mut Rewriter,
    var_rewrites: &BTreeMap<String, (Expression, String)>,
    (provider, generated): (Vec<Section>, Vec<Section>),
    lost: &mut Vec<Untranslated>,
) -> Result<Vec<(String, Vec<Section>)>, String> {
    let mut files = Vec::new();
    let mut origin = 0;
    for (fi, f) in src.files.iter().enumerate() {
        let mut out: Vec<Section> = Vec::new();
        if fi == 0 {
            out.extend(provider.clone());
        }
        for b in &f.body.blocks {
            let is_res = (b.ty == "resource" || b.ty == "data") && b.labels.len() == 2;
            if is_res {
                if let Some(mut s) = sections.remove(&origin) {
                    for sec in &mut s {
                        rewrite_blocks(rw, sec);
                    }
                    out.extend(s);
                }
                let carried = !rw
                    .dropped
                    .iter()
                    .any(|d| d.1 == b.labels[0].0 && d.2 == b.labels[1].0)
                    && cloud_of(&b.labels[0].0).is_none();
                if carried {
                    out.push(carry(rw, b, var_rewrites)?);
                }
                origin += 1;
                continue;
            }
            match b.ty.as_str() {
                "terraform" | "provider" => {}
                "variable" | "locals" | "output" => out.push(carry(rw, b, var_rewrites)?),
                other => lost.push(Untranslated {
                    at: location(&b.range),
                    subject: b.header(),
                    why: format!("`{other}` blocks are not translated"),
                }),
            }
        }
        if fi == 0 {
            out.extend(generated.clone());
        }
        files.push((f.name.clone(), out));
    }
    Ok(files)
}

fn read_all(
    src: &Source,
    lost: &mut Vec<Untranslated>,
) -> Result<(Vec<Item>, Vec<SrcKey>), String> {
    let mut items = Vec::new();
    let mut dropped = Vec::new();
    for (origin, b) in super::source::resources(&src.files).enumerate() {
        let data = b.ty == "data";
        let (ty, label) = (b.labels[0].0.clone(), b.labels[1].0.clone());
        let why = match rules::read_rule(&ty, data) {
            Some((rule, _)) => match read_block(rule, b, origin, &mut items, lost) {
                Ok(()) => continue,
                Err(e) => e,
            },
            None if cloud_of(&ty).is_some() => {
                format!("{ty} has no translation rule (nothing written for it)")
            }
            None => continue,
        };
        items.retain(|i: &Item| i.origin != origin);
        lost.push(Untranslated {
            at: location(&b.range),
            subject: b.header(),
            why,
        });
        dropped.push((data, ty, label));
    }
    fold(&mut items);
    Ok((items, dropped))
}

/// Folds what the target keeps on one resource: bucket versioning into its bucket, an
/// Azure NIC into its VM, an Azure storage account's name into its containers' names.
fn fold(items: &mut [Item]) {
    let snapshot = items.to_vec();
    let find = |e: Option<&Expression>| {
        let (ty, label) = super::refs::resource_of(e?)?;
        snapshot.iter().find(|i| i.src_ty == ty && i.label == label)
    };
    for it in items.iter_mut() {
        match it.kind {
            Kind::Bucket => {
                if let Some(acct) = find(it.get("account")).and_then(|a| a.get("name")) {
                    let c = it.get("container").cloned().unwrap_or(Expression::Null);
                    let name = super::hclexpr::interpolate(vec![
                        Err(acct.clone()),
                        Ok("-".into()),
                        Err(c),
                    ]);
                    it.attrs.insert("name", name);
                }
                let v = snapshot.iter().find(|v| {
                    v.kind == Kind::Versioning
                        && find(v.get("bucket"))
                            .is_some_and(|b| b.label == it.label && b.src_ty == it.src_ty)
                });
                if let Some(status) = v.and_then(|v| v.get("status")) {
                    let on = match status {
                        Expression::String(s) => Expression::Bool(s == "Enabled"),
                        e => format!(
                            "{} == \"Enabled\"",
                            hcl::format::to_string(e).unwrap_or_default()
                        )
                        .parse()
                        .unwrap_or(Expression::Bool(true)),
                    };
                    it.attrs.insert("versioning", on);
                }
            }
            Kind::Instance => {
                let nic = match it.get("nics") {
                    Some(Expression::Array(xs)) => find(xs.first()),
                    _ => None,
                };
                if let Some(nic) = nic {
                    for k in ["subnet", "public_ip_ref"] {
                        if let Some(v) = nic.get(k) {
                            it.attrs.insert(k, v.clone());
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

fn target_region(src: &Source, to: Target, lost: &mut Vec<Untranslated>) -> (String, String) {
    let Target::Cloud(cloud) = to else {
        return (
            src.region.clone().unwrap_or_default(),
            "the source's region".into(),
        );
    };
    let fallback = match cloud {
        Cloud::Aws => "us-east-1",
        Cloud::Azure => "eastus",
        Cloud::Gcp => "us-east1",
    };
    let found = src
        .region
        .as_deref()
        .ok_or_else(|| "the source sets no literal region".to_string())
        .and_then(|r| nearest(src.cloud, r, cloud));
    match found {
        Ok(m) => (m.region, m.how),
        Err(why) => {
            lost.push(Untranslated {
                at: String::new(),
                subject: "region".into(),
                why: format!("{why}; {fallback} used"),
            });
            (fallback.into(), "default".into())
        }
    }
}

fn item_comment(
    it: &Item,
    rule: &WriteRule,
    blocks: &[hcl::Block],
    notes: &[String],
) -> Vec<String> {
    let targets: Vec<String> = blocks
        .iter()
        .map(|b| {
            b.labels
                .iter()
                .map(|l| l.as_str())
                .collect::<Vec<_>>()
                .join(".")
        })
        .collect();
    let arrow = if targets.is_empty() {
        "(nothing)".to_string()
    } else {
        targets.join(" + ")
    };
    let mut c = vec![format!("{} → {arrow}: {}", it.address(), rule.rule)];
    c.extend(notes.iter().cloned());
    c.extend(it.dropped.iter().map(|d| format!("dropped {d}")));
    c
}

fn rewrite_blocks(rw: &mut Rewriter, sec: &mut Section) {
    let subject = sec
        .comments
        .first()
        .and_then(|c| c.split(' ').next())
        .unwrap_or_default();
    rw.at = (sec.at.clone(), subject.to_string());
    for b in &mut sec.blocks {
        rewrite_body(rw, &mut b.body);
    }
}

fn rewrite_body(rw: &mut Rewriter, body: &mut hcl::Body) {
    for s in body.0.iter_mut() {
        match s {
            hcl::Structure::Attribute(a) if a.key.as_str() == "depends_on" => {
                if let Expression::Array(xs) = &mut a.expr {
                    rw.rewrite_depends_on(xs);
                }
            }
            hcl::Structure::Attribute(a) => rw.rewrite(&mut a.expr),
            hcl::Structure::Block(b) => rewrite_body(rw, &mut b.body),
        }
    }
    body.0.retain(|s| !matches!(s, hcl::Structure::Attribute(a)
        if a.key.as_str() == "depends_on" && matches!(&a.expr, Expression::Array(xs) if xs.is_empty())));
}

/// A block carried over as written (references rewritten, variable defaults translated).
fn carry(
    rw: &mut Rewriter,
    b: &Block,
    rewrites: &BTreeMap<String, (Expression, String)>,
) -> Result<Section, String> {
    let mut block = convert_block(b)?;
    let mut comments = Vec::new();
    if b.ty == "variable" {
        if let Some((new, why)) = b.labels.first().and_then(|l| rewrites.get(&l.0)) {
            for s in block.body.iter_mut() {
                if let hcl::Structure::Attribute(a) = s {
                    if a.key.as_str() == "default" {
                        a.expr = new.clone();
                    }
                }
            }
            comments.push(format!("default {why}"));
        }
    }
    rw.at = (location(&b.range), b.header());
    rewrite_body(rw, &mut block.body);
    Ok(Section {
        comments,
        blocks: vec![block],
        at: location(&b.range),
    })
}

/// Our block (with located expressions) as an hcl-rs block.
pub fn convert_block(b: &Block) -> Result<hcl::Block, String> {
    let mut out = hcl::Block::builder(b.ty.clone());
    for (l, _) in &b.labels {
        out = out.add_label(l.clone());
    }
    Ok(out.add_structures(convert_body(&b.body)?).build())
}

fn convert_body(body: &Body) -> Result<hcl::Body, String> {
    let mut items: Vec<(usize, hcl::Structure)> = Vec::new();
    for a in &body.attributes {
        items.push((
            a.range.start.byte,
            hcl::Attribute::new(a.name.clone(), convert(&a.expr)?).into(),
        ));
    }
    for b in &body.blocks {
        items.push((b.range.start.byte, convert_block(b)?.into()));
    }
    items.sort_by_key(|i| i.0);
    Ok(items.into_iter().map(|i| i.1).collect())
}
