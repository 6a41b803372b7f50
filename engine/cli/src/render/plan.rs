//! The human plan: Terraform's layout, symbols, comments and summary line.

use super::diff::{classify, indent_to, Change, Renderer};
use super::style::{Style, Sym};
use autostack_core::addrs::InstanceKey;
use autostack_core::plan::{Action, Plan, PlanMode, Reason, ResourceChange};
use autostack_lang::config::Mode;
use autostack_lang::value::ValueMap;
use autostack_lang::Value;
use autostack_provider_sdk::PathStep;
use autostack_provider_sdk::{Block, NestedBlock, Nesting};
use std::collections::BTreeSet;
use std::fmt::Write;

/// Attributes shown even when unchanged, to identify the object.
const IDENTIFYING: &[&str] = &["id", "name", "tags"];

/// The separator line Terraform prints between sections.
pub const RULE: &str =
    "─────────────────────────────────────────────────────────────────────────────";

/// Renders a whole plan (drift, actions, summary, outputs).
pub fn render_plan(plan: &Plan, style: &Style, lookup: BlockLookup<'_>) -> String {
    let mut out = Vec::new();
    write_plan(plan, style, lookup, &mut out).expect("writing to memory cannot fail");
    String::from_utf8(out).expect("rendered text is UTF-8")
}

/// Writes the plan as [`render_plan`] renders it, a resource at a time: a plan of a million
/// resources is hundreds of megabytes of text, which is never held whole.
pub fn write_plan(
    plan: &Plan,
    style: &Style,
    lookup: BlockLookup<'_>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    // Terraform shows outside changes only where they are relevant to what the plan does:
    // with nothing to do (outside a refresh-only plan), none is.
    let relevant = plan.mode == PlanMode::RefreshOnly || plan.has_changes();
    if !plan.drift.is_empty() && relevant {
        out.write_all(render_drift(plan, style, lookup).as_bytes())?;
    }
    let shown: Vec<&ResourceChange> = plan
        .changes
        .iter()
        .map(|c| &**c)
        .filter(|c| c.action != Action::NoOp || c.prev_addr.is_some() || c.importing.is_some())
        .collect();
    if !plan.has_changes() {
        if plan.mode == PlanMode::RefreshOnly {
            out.write_all(b"\nNo changes. Your infrastructure still matches the configuration.\n\nAutoStack has checked that the real remote objects still match the result of\nyour most recent changes, and found no differences.\n")?;
        } else {
            out.write_all(b"\nNo changes. Your infrastructure matches the configuration.\n\nAutoStack has compared your real infrastructure against your configuration\nand found no differences, so no changes are needed.\n")?;
        }
        return Ok(());
    }
    if !shown.is_empty() {
        out.write_all(b"\nAutoStack used the selected providers to generate the following execution\nplan. Resource actions are indicated with the following symbols:\n")?;
        out.write_all(legend(&shown, style).as_bytes())?;
        out.write_all(b"\nAutoStack will perform the following actions:\n\n")?;
        let mut schemas = LastBlock::default();
        let mut text = String::new();
        for c in &shown {
            text.clear();
            write_change(&mut text, c, style, schemas.get(c, lookup));
            text.push('\n');
            out.write_all(text.as_bytes())?;
        }
        out.write_all(summary_line(plan, style).as_bytes())?;
        out.write_all(b"\n")?;
    }
    let outputs = render_outputs(plan, style);
    if !outputs.is_empty() {
        out.write_all(b"\nChanges to Outputs:\n")?;
        out.write_all(outputs.as_bytes())?;
    }
    Ok(())
}

/// `Plan: N to add, M to change, K to destroy.` (with imports when there are any, and
/// moves between clouds as `, J to migrate` before the period: the clause Terraform adds for
/// `forget`s, so a reader of the first counts reads them unchanged).
pub fn summary_line(plan: &Plan, style: &Style) -> String {
    let (imp, add, change, destroy) = plan.counts();
    let mut text = if imp > 0 {
        format!("Plan: {imp} to import, {add} to add, {change} to change, {destroy} to destroy")
    } else {
        format!("Plan: {add} to add, {change} to change, {destroy} to destroy")
    };
    match plan.migrations() {
        0 => text.push('.'),
        n => text.push_str(&format!(", {n} to migrate.")),
    }
    style.bold(&text)
}

fn legend(changes: &[&ResourceChange], style: &Style) -> String {
    let has = |a: Action| changes.iter().any(|c| c.action == a);
    let mut out = String::new();
    let rows = [
        (Action::Create, "+", "create"),
        (Action::Delete, "-", "destroy"),
        (Action::Update, "~", "update in-place"),
        (
            Action::DeleteThenCreate,
            "-/+",
            "destroy and then create replacement",
        ),
        (
            Action::CreateThenDelete,
            "+/-",
            "create replacement and then destroy",
        ),
        (Action::Read, "<=", "read (data resources)"),
        (
            Action::Migrate,
            "~>",
            "migrate to another cloud (create there, copy data, then destroy the old)",
        ),
    ];
    for (a, sym, text) in rows {
        if has(a) {
            let _ = writeln!(out, "{} {text}", style.action(sym));
        }
    }
    out
}

fn header_comment(c: &ResourceChange) -> String {
    let a = &c.addr;
    let mut s = match (c.action, &c.reason) {
        (Action::Create, _) => format!("# {a} will be created"),
        (Action::Read, _) => {
            format!("# {a} will be read during apply\n  # (config refers to values not yet known)")
        }
        (Action::Update, _) => format!("# {a} will be updated in-place"),
        (Action::Delete, _) if c.deposed.is_some() => format!(
            "# {a} (deposed object {}) will be destroyed",
            c.deposed.as_deref().unwrap_or_default()
        ),
        (Action::Delete, _) => format!("# {a} will be destroyed{}", delete_reason(c)),
        (Action::Migrate, _) => {
            super::migrate::migrate_header(c) + &super::migrate::migrate_comment(c)
        }
        (_, Some(Reason::Tainted)) => format!("# {a} is tainted, so must be replaced"),
        (_, Some(Reason::ReplaceByRequest)) => format!("# {a} will be replaced, as requested"),
        (_, Some(Reason::ReplaceByTriggers)) => {
            format!("# {a} will be replaced due to changes in replace_triggered_by")
        }
        (Action::DeleteThenCreate | Action::CreateThenDelete, _) => {
            format!("# {a} must be replaced")
        }
        (Action::NoOp, _) => match (&c.prev_addr, &c.importing) {
            (Some(prev), _) => format!("# {prev} has moved to {a}"),
            (None, Some(_)) => format!("# {a} will be imported"),
            _ => format!("# {a}"),
        },
    };
    if c.action != Action::NoOp {
        if let Some(prev) = &c.prev_addr {
            s.push_str(&format!("\n  # (moved from {prev})"));
        }
        if c.importing.is_some() {
            s.push_str("\n  # (imported from an existing object)");
        }
    }
    s
}

fn delete_reason(c: &ResourceChange) -> String {
    match (&c.reason, &c.addr.key) {
        (Some(Reason::NoResourceConfig), _) => format!(
            "\n  # (because {} is not in configuration)",
            c.addr.resource
        ),
        (Some(Reason::CountIndex), Some(InstanceKey::Int(i))) => {
            format!("\n  # (because index [{i}] is out of range for count)")
        }
        (Some(Reason::EachKey), Some(k)) => {
            format!("\n  # (because key {k} is not in for_each map)")
        }
        _ => String::new(),
    }
}

/// Renders one resource instance change block.
pub fn render_change(c: &ResourceChange, style: &Style, lookup: BlockLookup<'_>) -> String {
    let mut out = String::new();
    write_change(&mut out, c, style, lookup(c).as_ref());
    out
}

/// The schema block of the last change asked about, kept for the next: a plan's changes come
/// in address order, mostly a run of one type, and a lookup clones the block.
#[derive(Default)]
struct LastBlock(Option<(SchemaKey, Option<Block>)>);

/// What picks a change's schema: its provider, mode and type.
type SchemaKey = (
    std::sync::Arc<autostack_core::addrs::ProviderSource>,
    Mode,
    autostack_core::addrs::Name,
);

impl LastBlock {
    fn get(&mut self, c: &ResourceChange, lookup: BlockLookup<'_>) -> Option<&Block> {
        let r = &c.addr.resource;
        let key = (c.provider_source.clone(), r.mode, r.ty.clone());
        if self.0.as_ref().is_none_or(|(k, _)| *k != key) {
            self.0 = Some((key, lookup(c)));
        }
        self.0.as_ref().and_then(|(_, b)| b.as_ref())
    }
}

/// Writes one resource instance change block to `out`, with its schema block if known.
fn write_change(out: &mut String, c: &ResourceChange, style: &Style, schema: Option<&Block>) {
    let sym = if c.action == Action::NoOp {
        ""
    } else {
        c.action.symbol()
    };
    let kind = if c.addr.resource.mode == Mode::Data {
        "data"
    } else {
        "resource"
    };
    out.push_str("  ");
    out.push_str(&style.bold(&header_comment(c)));
    let _ = writeln!(
        out,
        "\n{} {kind} \"{}\" \"{}\" {{",
        style.action(sym),
        c.addr.resource.ty,
        c.addr.resource.name
    );
    let (before, after) = (
        c.before.as_ref(),
        if c.action == Action::Delete {
            None
        } else {
            c.after.as_ref()
        },
    );
    write_attrs(out, c, before, after, style, schema);
    out.push_str("    }\n");
}

fn entries(v: Option<&Value>) -> &ValueMap {
    static NONE: ValueMap = ValueMap::new();
    v.and_then(|v| v.as_entries()).unwrap_or(&NONE)
}

/// Finds the schema block of a changed resource (to render nested blocks as blocks).
pub type BlockLookup<'a> = &'a dyn Fn(&ResourceChange) -> Option<Block>;

fn write_attrs(
    out: &mut String,
    c: &ResourceChange,
    before: Option<&Value>,
    after: Option<&Value>,
    style: &Style,
    schema: Option<&Block>,
) {
    let forces: BTreeSet<String> = c
        .requires_replace
        .iter()
        .filter_map(|p| match p.first() {
            Some(PathStep::Attr(n)) => Some(n.clone()),
            _ => None,
        })
        .collect();
    let body = Body {
        action: c.action,
        moved: c.prev_addr.is_some(),
        forces: &forces,
        style,
    };
    body.render(out, 6, schema, before, after, c.action == Action::Create);
}

/// An attribute of either side: its name and its value before and after.
type Row<'v> = (&'v str, Option<&'v Value>, Option<&'v Value>);

/// The attributes of both sides in name order (both maps are sorted by name).
fn rows<'v>(b: &'v ValueMap, a: &'v ValueMap) -> Vec<Row<'v>> {
    let (bs, as_): (Vec<_>, Vec<_>) = (b.iter().collect(), a.iter().collect());
    let (mut i, mut j) = (0, 0);
    let mut rows = Vec::with_capacity(bs.len().max(as_.len()));
    while i < bs.len() || j < as_.len() {
        let order = match (bs.get(i), as_.get(j)) {
            (Some((bk, _)), Some((ak, _))) => bk.cmp(ak),
            (Some(_), None) => std::cmp::Ordering::Less,
            _ => std::cmp::Ordering::Greater,
        };
        let (take_b, take_a) = (order.is_le(), order.is_ge());
        let name = if take_b { bs[i].0 } else { as_[j].0 };
        rows.push((
            name.as_str(),
            take_b.then(|| bs[i].1),
            take_a.then(|| as_[j].1),
        ));
        (i, j) = (i + usize::from(take_b), j + usize::from(take_a));
    }
    rows
}

/// Renders the attributes and nested blocks of one object (or block) at a symbol column.
struct Body<'a> {
    action: Action,
    /// The instance moved (a moved no-op still shows what identifies it, as Terraform).
    moved: bool,
    forces: &'a BTreeSet<String>,
    style: &'a Style,
}

impl Body<'_> {
    fn render(
        &self,
        out: &mut String,
        indent: usize,
        schema: Option<&Block>,
        before: Option<&Value>,
        after: Option<&Value>,
        creating: bool,
    ) {
        let is_block = |n: &str| schema.is_some_and(|s| s.blocks.contains_key(n));
        let mut rows = rows(entries(before), entries(after));
        rows.retain(|(n, ..)| !is_block(n));
        let mut shown = Vec::new();
        let mut hidden = 0;
        for &(n, b, a) in &rows {
            let change = classify(b, a);
            let identifying =
                indent == 6 && IDENTIFYING.contains(&n) && b.is_some_and(|v| !v.is_null());
            if change == Change::NoOp
                && !(identifying && (self.action != Action::NoOp || self.moved))
            {
                if b.or(a).is_some_and(|v| !v.is_null()) {
                    hidden += 1;
                }
                continue;
            }
            shown.push((n, b, a));
        }
        // Terraform aligns on every attribute the block has, hidden ones included.
        let present = |(_, b, a): &&Row| b.or(*a).is_some_and(|v| !v.is_null());
        let width = (rows.iter().filter(present))
            .chain(shown.iter().filter(|r| !present(r)))
            .map(|(n, ..)| n.chars().count())
            .max()
            .unwrap_or(0);
        let mut r = Renderer {
            out: std::mem::take(out),
            style: self.style,
        };
        for (n, b, a) in shown {
            let b = if creating { None } else { b };
            let forces = indent == 6 && self.forces.contains(n);
            r.attr(indent, n, width, b, a, forces);
        }
        if hidden > 0 {
            indent_to(&mut r.out, indent + 2);
            let _ = writeln!(
                r.out,
                "{}",
                self.style.comment(&format!(
                    "# ({hidden} unchanged attribute{} hidden)",
                    if hidden == 1 { "" } else { "s" }
                ))
            );
        }
        *out = r.out;
        let (b, a) = (entries(before), entries(after));
        if let Some(s) = schema {
            for (name, nb) in &s.blocks {
                out.push_str(&self.blocks(indent, name, nb, b.get(name), a.get(name), creating));
            }
        }
    }

    /// Renders the blocks of one nested block type, pairing elements by position (lists,
    /// single) or by value (sets).
    fn blocks(
        &self,
        indent: usize,
        name: &str,
        nb: &NestedBlock,
        before: Option<&Value>,
        after: Option<&Value>,
        creating: bool,
    ) -> String {
        let items = |v: Option<&Value>| -> Vec<Value> {
            match v.map(Value::unmarked) {
                None => Vec::new(),
                Some(x) if x.is_null() => Vec::new(),
                Some(x) => x
                    .as_seq()
                    .map(<[Value]>::to_vec)
                    .unwrap_or_else(|| vec![x.clone()]),
            }
        };
        let (bs, as_) = (
            if creating { Vec::new() } else { items(before) },
            items(after),
        );
        let mut pairs: Vec<(Option<Value>, Option<Value>)> = Vec::new();
        if nb.nesting == Nesting::Set {
            let mut rest: Vec<Value> = as_.clone();
            for b in &bs {
                match rest
                    .iter()
                    .position(|a| !autostack_provider_sdk::differs(b, a))
                {
                    Some(i) => pairs.push((Some(b.clone()), Some(rest.remove(i)))),
                    None => pairs.push((Some(b.clone()), None)),
                }
            }
            pairs.extend(rest.into_iter().map(|a| (None, Some(a))));
        } else {
            for i in 0..bs.len().max(as_.len()) {
                pairs.push((bs.get(i).cloned(), as_.get(i).cloned()));
            }
        }
        let mut out = String::new();
        let mut hidden = 0;
        for (b, a) in pairs {
            let change = classify(b.as_ref(), a.as_ref());
            if change == Change::NoOp {
                hidden += 1;
                continue;
            }
            let sym = match change {
                Change::Create => Sym::Create,
                Change::Delete => Sym::Delete,
                _ => Sym::Update,
            };
            let mut inner = String::new();
            self.render(
                &mut inner,
                indent + 4,
                Some(&nb.block),
                b.as_ref(),
                a.as_ref(),
                change == Change::Create,
            );
            let _ = write!(
                out,
                "\n{}{} {name} {{\n{inner}{}}}\n",
                " ".repeat(indent),
                self.style.sym(sym),
                " ".repeat(indent + 2)
            );
        }
        if hidden > 0 {
            let _ = write!(
                out,
                "\n{}{}\n",
                " ".repeat(indent + 2),
                self.style.comment(&format!(
                    "# ({hidden} unchanged block{} hidden)",
                    if hidden == 1 { "" } else { "s" }
                ))
            );
        }
        out
    }
}

fn render_drift(plan: &Plan, style: &Style, lookup: BlockLookup<'_>) -> String {
    let mut out = String::from("\nNote: Objects have changed outside of AutoStack\n\nAutoStack detected the following changes made outside of AutoStack since the\nlast \"autostack apply\" which may have affected this plan:\n\n");
    for c in &plan.drift {
        let what = if c.action == Action::Delete {
            "has been deleted"
        } else {
            "has changed"
        };
        let _ = writeln!(out, "  {}", style.comment(&format!("# {} {what}", c.addr)));
        let _ = writeln!(
            out,
            "{} resource \"{}\" \"{}\" {{",
            style.action(c.action.symbol()),
            c.addr.resource.ty,
            c.addr.resource.name
        );
        let schema = lookup(c);
        write_attrs(
            &mut out,
            c,
            c.before.as_ref(),
            c.after.as_ref(),
            style,
            schema.as_ref(),
        );
        out.push_str("    }\n\n");
    }
    if plan.mode == PlanMode::RefreshOnly {
        out.push_str("\nThis is a refresh-only plan, so AutoStack will not take any actions to undo\nthese. If you were expecting these changes then you can apply this plan to\nrecord the updated values in the AutoStack state without changing any remote\nobjects.\n");
    } else {
        out.push_str("\nUnless you have made equivalent changes to your configuration, or ignored the\nrelevant attributes using ignore_changes, the following plan may include\nactions to undo or respond to these changes.\n");
    }
    out.push('\n');
    out.push_str(RULE);
    out.push('\n');
    out
}

fn render_outputs(plan: &Plan, style: &Style) -> String {
    let changed: Vec<(&String, Change)> = plan
        .outputs
        .iter()
        .map(|(n, o)| (n, classify(o.before.as_ref(), o.after.as_ref())))
        .filter(|(_, c)| *c != Change::NoOp)
        .collect();
    let width = changed
        .iter()
        .map(|(n, _)| n.chars().count())
        .max()
        .unwrap_or(0);
    let mut r = Renderer {
        out: String::new(),
        style,
    };
    for (n, _) in changed {
        let o = &plan.outputs[n];
        let mark = |v: &Option<Value>| {
            v.clone()
                .map(|v| if o.sensitive { v.sensitive() } else { v })
        };
        r.attr(
            2,
            n,
            width,
            mark(&o.before).as_ref(),
            mark(&o.after).as_ref(),
            false,
        );
    }
    r.out
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
