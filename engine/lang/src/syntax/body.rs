//! Bodies, attributes and blocks: the structural layer of a configuration file.

use super::ast::Expr;
use crate::diag::Range;
use std::fmt::Write;

/// The contents of a file or of a block: attributes and nested blocks, in source order.
#[derive(Debug, Clone, Default)]
pub struct Body {
    /// `name = expr` items.
    pub attributes: Vec<Attribute>,
    /// Nested blocks.
    pub blocks: Vec<Block>,
    /// The whole body (for a block: from its opening brace to its closing one).
    pub range: Range,
}

/// `name = expr`.
#[derive(Debug, Clone)]
pub struct Attribute {
    /// The argument name.
    pub name: String,
    /// Where the name is.
    pub name_range: Range,
    /// The value expression.
    pub expr: Expr,
    /// The whole attribute.
    pub range: Range,
}

/// `type "label" ... { body }`.
#[derive(Debug, Clone)]
pub struct Block {
    /// The block type (`resource`, `lifecycle`, ...).
    pub ty: String,
    /// Where the type keyword is.
    pub ty_range: Range,
    /// The labels with their ranges.
    pub labels: Vec<(String, Range)>,
    /// The block's contents.
    pub body: Body,
    /// The whole block.
    pub range: Range,
}

impl Body {
    /// Where an argument the body lacks is reported: the empty range at its start (a block's
    /// `{`), as HCL's `MissingItemRange` gives it.
    pub fn missing_item_range(&self) -> Range {
        Range {
            end: self.range.start,
            ..self.range.clone()
        }
    }

    /// The attribute named `name`, if present.
    pub fn attr(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    /// Blocks of type `ty`.
    pub fn blocks_of<'a>(&'a self, ty: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
        self.blocks.iter().filter(move |b| b.ty == ty)
    }
}

impl Block {
    /// The range of the header (type and labels), which Terraform uses as a block's subject.
    pub fn def_range(&self) -> Range {
        match self.labels.last() {
            Some((_, r)) => self.ty_range.to(r),
            None => self.ty_range.clone(),
        }
    }

    /// `type "l1" "l2"`, as diagnostics name a block.
    pub fn header(&self) -> String {
        let mut s = self.ty.clone();
        for (l, _) in &self.labels {
            let _ = write!(s, " {l:?}");
        }
        s
    }
}
