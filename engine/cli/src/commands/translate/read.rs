//! Reading concrete resources into neutral [`Item`]s, driven by each cloud's [`ReadRule`]
//! table (rules/aws.rs, rules/azure.rs, rules/gcp.rs).

use super::hclexpr::convert;
use super::model::{location, Item, Kind, Untranslated};
use autostack_lang::syntax::{Block, Body, ExprKind};
use hcl::Expression;
use indexmap::IndexMap;

/// Extra reading a table cannot express (repeated blocks that become items of their own).
pub type Special = fn(&Block, &mut Item, &mut Vec<Item>) -> Result<(), String>;

/// How one source type is read.
pub struct ReadRule {
    /// The source type.
    pub ty: &'static str,
    /// A data source?
    pub data: bool,
    /// What it is.
    pub kind: Kind,
    /// Source path (`root_block_device.volume_size`, `tags.Name`) → neutral attribute.
    pub attrs: &'static [(&'static str, &'static str)],
    /// Source attributes or blocks left out on purpose, and why ("" when `special` reads them).
    pub drop: &'static [(&'static str, &'static str)],
    /// Source attribute → neutral reference name (what other resources and outputs read).
    pub refs: &'static [(&'static str, &'static str)],
    /// Extra reading.
    pub special: Option<Special>,
}

/// Arguments every resource may have, handled for all types.
const META: &[&str] = &["count", "for_each", "depends_on", "provider", "lifecycle"];

/// Reads one `resource`/`data` block with its rule.
pub fn read_block(
    rule: &ReadRule,
    block: &Block,
    origin: usize,
    out: &mut Vec<Item>,
    lost: &mut Vec<Untranslated>,
) -> Result<(), String> {
    let label = block.labels.get(1).map(|l| l.0.clone()).unwrap_or_default();
    let body = &block.body;
    let mut item = Item {
        kind: rule.kind,
        src_ty: rule.ty.to_string(),
        label,
        data: rule.data,
        range: block.range.clone(),
        origin,
        count: body.attr("count").map(|a| convert(&a.expr)).transpose()?,
        for_each: body
            .attr("for_each")
            .map(|a| convert(&a.expr))
            .transpose()?,
        depends_on: depends_on(body)?,
        attrs: IndexMap::new(),
        dropped: Vec::new(),
        refs: rule.refs,
    };
    for (path, neutral) in rule.attrs {
        if let Some(e) = lookup(body, path)? {
            item.attrs.insert(neutral, e);
        }
    }
    for (name, why) in rule.drop {
        if !why.is_empty() && (body.attr(name).is_some() || body.blocks_of(name).next().is_some()) {
            item.dropped.push(format!("{name}: {why}"));
        }
    }
    unknown_arguments(rule, body, &item.address(), lost);
    if let Some(special) = rule.special {
        special(block, &mut item, out)?;
    }
    out.push(item);
    Ok(())
}

/// Arguments the rule does not know are listed as not translated.
fn unknown_arguments(rule: &ReadRule, body: &Body, address: &str, lost: &mut Vec<Untranslated>) {
    let known = |n: &str| {
        META.contains(&n)
            || rule
                .attrs
                .iter()
                .any(|(p, _)| p.split('.').next() == Some(n))
            || rule.drop.iter().any(|(d, _)| *d == n)
    };
    let names = body
        .attributes
        .iter()
        .map(|a| (&a.name, &a.range))
        .chain(body.blocks.iter().map(|b| (&b.ty, &b.range)));
    for (name, range) in names.filter(|(n, _)| !known(n)) {
        lost.push(Untranslated {
            at: location(range),
            subject: address.to_string(),
            why: format!("`{name}` has no equivalent in the translation rules"),
        });
    }
}

fn depends_on(body: &Body) -> Result<Vec<Expression>, String> {
    match body.attr("depends_on").map(|a| &a.expr.kind) {
        Some(ExprKind::Tuple(items)) => items.iter().map(convert).collect(),
        _ => Ok(Vec::new()),
    }
}

/// The expression at `path`: attributes, then nested blocks (first of each) or object keys.
pub fn lookup(body: &Body, path: &str) -> Result<Option<Expression>, String> {
    let mut parts = path.split('.');
    let Some(first) = parts.next() else {
        return Ok(None);
    };
    let rest: Vec<&str> = parts.collect();
    if let Some(a) = body.attr(first) {
        let mut e = &a.expr;
        for key in &rest {
            let ExprKind::Object(items) = &e.kind else {
                return Ok(None);
            };
            let found = items
                .iter()
                .find(|i| matches!(&i.key.kind, ExprKind::Literal(v) if v.as_str() == Some(key)));
            match found {
                Some(i) => e = &i.value,
                None => return Ok(None),
            }
        }
        return convert(e).map(Some);
    }
    match (body.blocks_of(first).next(), rest.is_empty()) {
        (Some(b), false) => lookup(&b.body, &rest.join(".")),
        _ => Ok(None),
    }
}

/// A new item derived from `parent` (an inline rule, an inline disk attachment).
pub fn child(parent: &Item, kind: Kind, label: String) -> Item {
    Item {
        kind,
        label,
        attrs: IndexMap::new(),
        dropped: Vec::new(),
        refs: &[],
        depends_on: Vec::new(),
        ..parent.clone()
    }
}
