//! Writing neutral [`Item`]s as the target's resources, driven by each target's
//! [`WriteRule`] table: dotted paths become nested blocks, values come from neutral
//! attributes, HCL literals, or small functions (sizes, disk types, names, zones).

use super::model::{Item, Kind, Target, Untranslated};
use super::refs::Names;
use autostack_cost::{Catalog, Cloud};
use hcl::{Block, Body, Expression};
use std::collections::{BTreeMap, BTreeSet};

/// A computed value; `None` leaves the attribute out.
pub type ValFn = fn(&mut Cx, &Item) -> Option<Expression>;

/// Where an attribute's value comes from.
#[derive(Clone, Copy)]
pub enum Val {
    /// A neutral attribute, as read.
    A(&'static str),
    /// An HCL expression, written as text (`false`, `"Static"`).
    L(&'static str),
    /// Computed.
    F(ValFn),
    /// An empty block at the path, when the function says so.
    Block(fn(&mut Cx, &Item) -> bool),
}

/// One piece of an output resource.
#[derive(Clone, Copy)]
pub enum Part {
    /// `path = value`; the path's leading components are nested blocks.
    Attr(&'static str, Val),
    /// Repeated blocks built by a function.
    Blocks(fn(&mut Cx, &Item) -> Vec<Block>),
}

/// One resource (or data source) written for an item.
pub struct Out {
    /// The target type.
    pub ty: &'static str,
    /// A data source?
    pub data: bool,
    /// Its attributes and blocks.
    pub parts: &'static [Part],
    /// Neutral reference name → target attribute path (`private_ip` → `network_interface.0.network_ip`).
    pub refs: &'static [(&'static str, &'static str)],
    /// Written only when this holds (always when `None`).
    pub when: Option<fn(&Cx, &Item) -> bool>,
}

/// How a kind is written on a target; no outs: folded into another resource or not needed.
pub struct WriteRule {
    /// The kind.
    pub kind: Kind,
    /// What is written.
    pub outs: &'static [Out],
    /// The mapping rule in words (the resource's comment).
    pub rule: &'static str,
}

/// Things the target needs that the source lacks, generated once.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Need {
    /// `data "google_compute_zones" "available"` / `data "aws_availability_zones" "available"`.
    Zones,
    /// Azure's resource group for everything.
    ResourceGroup,
    /// A variable the user must set (name, description).
    Variable(&'static str, &'static str),
    /// An image data source for a family (`ubuntu-22.04`).
    Image(String),
}

/// The translation's state while writing.
pub struct Cx<'a> {
    /// Source cloud.
    pub from: Cloud,
    /// Target.
    pub to: Target,
    /// Source region, when the provider block says it.
    pub src_region: Option<String>,
    /// Target region and how it was chosen.
    pub region: (String, String),
    /// Every item.
    pub items: &'a [Item],
    /// Target names of every item.
    pub names: &'a Names,
    /// The price catalog (sizes).
    pub catalog: &'static Catalog,
    /// Literal defaults of the source's variables.
    pub var_defaults: &'a BTreeMap<String, Expression>,
    /// Variable defaults rewritten for the target: name → (new default, why).
    pub var_rewrites: BTreeMap<String, (Expression, String)>,
    /// Comment lines for the item being written.
    pub notes: Vec<String>,
    /// What could not be translated.
    pub lost: Vec<Untranslated>,
    /// Generated things.
    pub needs: BTreeSet<Need>,
    /// The item being written (for messages).
    pub current: String,
    /// Its location.
    pub at: String,
}

impl<'a> Cx<'a> {
    /// Records something not translated for the current item.
    pub fn lose(&mut self, why: impl Into<String>) {
        self.lost.push(Untranslated {
            at: self.at.clone(),
            subject: self.current.clone(),
            why: why.into(),
        });
    }

    /// The item a source reference expression points to (`aws_vpc.main.id` → the vpc).
    pub fn target_of(&self, e: &Expression) -> Option<&'a Item> {
        let (ty, label) = super::refs::resource_of(e)?;
        let items: &'a [Item] = self.items;
        items
            .iter()
            .find(|i| !i.data && i.src_ty == ty && i.label == label)
    }
}

/// Builds the blocks written for `item` with `rule`.
pub fn write_item(cx: &mut Cx, item: &Item, rule: &WriteRule) -> Vec<Block> {
    let mut out = Vec::new();
    for (n, o) in rule.outs.iter().enumerate() {
        if o.when.is_some_and(|w| !w(cx, item)) {
            continue;
        }
        let label = cx.names.label(item, n);
        let mut body = Body::builder();
        if let Some(c) = &item.count {
            body = body.add_attribute(("count", c.clone()));
        }
        if let Some(f) = &item.for_each {
            body = body.add_attribute(("for_each", f.clone()));
        }
        let mut tree = Tree::default();
        for part in o.parts {
            match part {
                Part::Attr(path, Val::Block(f)) => {
                    if f(cx, item) {
                        tree.insert_block(path);
                    }
                }
                Part::Attr(path, val) => {
                    let v = match val {
                        Val::A(k) => item.get(k).cloned(),
                        Val::L(text) => text.parse::<Expression>().ok(),
                        Val::F(f) => f(cx, item),
                        Val::Block(_) => None,
                    };
                    if let Some(v) = v {
                        tree.insert(path, v);
                    }
                }
                Part::Blocks(f) => tree.blocks.extend(f(cx, item)),
            }
        }
        body = tree.into_body(body);
        if !item.depends_on.is_empty() {
            body = body.add_attribute(("depends_on", Expression::Array(item.depends_on.clone())));
        }
        let kind = if o.data { "data" } else { "resource" };
        out.push(
            Block::builder(kind)
                .add_label(o.ty)
                .add_label(label)
                .add_structures(body.build())
                .build(),
        );
    }
    out
}

/// Attributes and nested blocks being assembled from dotted paths, in first-seen order.
#[derive(Default)]
struct Tree {
    attrs: Vec<(String, Expression)>,
    nested: Vec<(String, Tree)>,
    blocks: Vec<Block>,
}

impl Tree {
    fn insert(&mut self, path: &str, v: Expression) {
        match path.split_once('.') {
            None => self.attrs.push((path.to_string(), v)),
            Some((head, rest)) => {
                let i = match self.nested.iter().position(|(n, _)| n == head) {
                    Some(i) => i,
                    None => {
                        self.nested.push((head.to_string(), Tree::default()));
                        self.nested.len() - 1
                    }
                };
                self.nested[i].1.insert(rest, v);
            }
        }
    }

    fn insert_block(&mut self, path: &str) {
        let (head, rest) = path.split_once('.').unwrap_or((path, ""));
        let i = match self.nested.iter().position(|(n, _)| n == head) {
            Some(i) => i,
            None => {
                self.nested.push((head.to_string(), Tree::default()));
                self.nested.len() - 1
            }
        };
        if !rest.is_empty() {
            self.nested[i].1.insert_block(rest);
        }
    }

    fn into_body(self, mut body: hcl::structure::BodyBuilder) -> hcl::structure::BodyBuilder {
        for (k, v) in self.attrs {
            body = body.add_attribute((k, v));
        }
        for (name, t) in self.nested {
            let inner = t.into_body(Body::builder()).build();
            body = body.add_block(Block::builder(name).add_structures(inner).build());
        }
        body.add_blocks(self.blocks)
    }
}

/// A block `name { attrs }` built from pairs (for [`Part::Blocks`] functions).
pub fn block(name: &str, attrs: Vec<(&str, Expression)>) -> Block {
    let mut b = Block::builder(name.to_string());
    for (k, v) in attrs {
        b = b.add_attribute((k.to_string(), v));
    }
    b.build()
}
