//! References between resources, rewritten for the target: `aws_subnet.a[0].id` →
//! `google_compute_subnetwork.a[0].id`, attribute names mapped through the neutral names;
//! a reference with no equivalent becomes `null` and is listed.

use super::model::{Item, SrcKey, Untranslated};
use super::write::WriteRule;
use hcl::expr::{Expression, TemplateExpr, Traversal, TraversalOperator, Variable};
use hcl::template::{Directive, Element, Template};
use hcl::Identifier;
use std::collections::{BTreeSet, HashMap};

/// The target type and label of every item's outputs.
pub struct Names {
    by_item: HashMap<SrcKey, Vec<(&'static str, String)>>,
}

impl Names {
    /// Assigns labels: the source label, unless that type already has it.
    pub fn new(items: &[Item], rule_of: impl Fn(&Item) -> &'static WriteRule) -> Names {
        let mut taken = BTreeSet::new();
        let mut by_item = HashMap::new();
        for it in items {
            let outs = rule_of(it).outs.iter().map(|o| {
                let mut label = it.label.clone();
                let mut n = 1;
                while !taken.insert((o.data, o.ty, label.clone())) {
                    n += 1;
                    label = format!("{}_{n}", it.label);
                }
                (o.ty, label)
            });
            by_item.insert(key(it), outs.collect());
        }
        Names { by_item }
    }

    /// The label of output `n` of `item`.
    pub fn label(&self, item: &Item, n: usize) -> String {
        self.by_item
            .get(&key(item))
            .and_then(|v| v.get(n))
            .map_or_else(|| item.label.clone(), |o| o.1.clone())
    }

    /// `type.label` of output `n` of `item`.
    pub fn address(&self, item: &Item, n: usize) -> Option<(&'static str, String)> {
        self.by_item.get(&key(item))?.get(n).cloned()
    }
}

fn key(it: &Item) -> SrcKey {
    (it.data, it.src_ty.clone(), it.label.clone())
}

/// The (type, label) a resource reference starts with (`aws_vpc.main...` → ("aws_vpc", "main")).
pub fn resource_of(e: &Expression) -> Option<(String, String)> {
    let Expression::Traversal(t) = e else {
        return None;
    };
    let Expression::Variable(root) = &t.expr else {
        return None;
    };
    match t.operators.first() {
        Some(TraversalOperator::GetAttr(label)) if root.as_str() != "data" => {
            Some((root.to_string(), label.to_string()))
        }
        _ => None,
    }
}

/// Rewrites references in expressions; `lost` collects those with no equivalent.
pub struct Rewriter<'a> {
    /// Every item.
    pub items: &'a [Item],
    /// Their target names.
    pub names: &'a Names,
    /// The target rule of an item.
    pub rule_of: &'a dyn Fn(&Item) -> &'static WriteRule,
    /// What could not be rewritten.
    pub lost: Vec<Untranslated>,
    /// Where the expression being rewritten is, and whose it is.
    pub at: (String, String),
    /// Source blocks not translated (data?, type, label): references to them become null.
    pub dropped: &'a [SrcKey],
}

impl<'a> Rewriter<'a> {
    /// Rewrites `e` in place.
    pub fn rewrite(&mut self, e: &mut Expression) {
        match e {
            Expression::Traversal(t) => {
                self.rewrite(&mut t.expr);
                for op in &mut t.operators {
                    if let TraversalOperator::Index(i) = op {
                        self.rewrite(i);
                    }
                }
                if let Some(new) = self.reference(t) {
                    *e = new;
                }
            }
            Expression::Array(xs) => xs.iter_mut().for_each(|x| self.rewrite(x)),
            Expression::Object(o) => {
                for (_, v) in o.iter_mut() {
                    self.rewrite(v);
                }
            }
            Expression::TemplateExpr(t) => self.template(t),
            Expression::FuncCall(f) => f.args.iter_mut().for_each(|x| self.rewrite(x)),
            Expression::Parenthesis(x) => self.rewrite(x),
            Expression::Conditional(c) => {
                self.rewrite(&mut c.cond_expr);
                self.rewrite(&mut c.true_expr);
                self.rewrite(&mut c.false_expr);
            }
            Expression::Operation(op) => match op.as_mut() {
                hcl::expr::Operation::Unary(u) => self.rewrite(&mut u.expr),
                hcl::expr::Operation::Binary(b) => {
                    self.rewrite(&mut b.lhs_expr);
                    self.rewrite(&mut b.rhs_expr);
                }
            },
            Expression::ForExpr(f) => {
                self.rewrite(&mut f.collection_expr);
                self.rewrite(&mut f.value_expr);
                for x in [f.key_expr.as_mut(), f.cond_expr.as_mut()]
                    .into_iter()
                    .flatten()
                {
                    self.rewrite(x);
                }
            }
            _ => {}
        }
    }

    /// `depends_on`: references kept when their resource is still written, dropped otherwise.
    pub fn rewrite_depends_on(&mut self, deps: &mut Vec<Expression>) {
        deps.retain_mut(|d| {
            let Expression::Traversal(t) = d else {
                return true;
            };
            match self.find(t) {
                Some((item, _)) if (self.rule_of)(item).outs.is_empty() => false,
                _ => {
                    self.rewrite(d);
                    !matches!(d, Expression::Null)
                }
            }
        });
    }

    fn template(&mut self, t: &mut Box<TemplateExpr>) {
        let Ok(mut tpl) = Template::from_expr(t) else {
            return;
        };
        self.template_elements(&mut tpl);
        if let TemplateExpr::QuotedString(s) = t.as_mut() {
            *s = tpl.to_string();
        }
    }

    fn template_elements(&mut self, tpl: &mut Template) {
        for el in tpl.elements_mut() {
            match el {
                Element::Literal(_) => {}
                Element::Interpolation(i) => self.rewrite(&mut i.expr),
                Element::Directive(d) => match d.as_mut() {
                    Directive::If(d) => {
                        self.rewrite(&mut d.cond_expr);
                        self.template_elements(&mut d.true_template);
                        if let Some(f) = &mut d.false_template {
                            self.template_elements(f);
                        }
                    }
                    Directive::For(d) => {
                        self.rewrite(&mut d.collection_expr);
                        self.template_elements(&mut d.template);
                    }
                },
            }
        }
    }

    /// The item a traversal refers to and the index of the first operator after its label.
    fn find(&self, t: &Traversal) -> Option<(&'a Item, usize)> {
        let Expression::Variable(root) = &t.expr else {
            return None;
        };
        let name = |i: usize| match t.operators.get(i) {
            Some(TraversalOperator::GetAttr(n)) => Some(n.to_string()),
            _ => None,
        };
        let (data, ty, label, rest) = if root.as_str() == "data" {
            (true, name(0)?, name(1)?, 2)
        } else {
            (false, root.to_string(), name(0)?, 1)
        };
        let items: &'a [Item] = self.items;
        let item = items
            .iter()
            .find(|i| i.data == data && i.src_ty == ty && i.label == label)?;
        Some((item, rest))
    }

    fn reference(&mut self, t: &Traversal) -> Option<Expression> {
        if let Some(d) = self.dropped_ref(t) {
            return Some(d);
        }
        let (item, rest) = self.find(t)?;
        let ops = &t.operators[rest..];
        let attr_at = ops.iter().position(|o| {
            !matches!(
                o,
                TraversalOperator::Index(_)
                    | TraversalOperator::FullSplat
                    | TraversalOperator::AttrSplat
                    | TraversalOperator::LegacyIndex(_)
            )
        });
        let rule = (self.rule_of)(item);
        let (out_n, path) = match attr_at.map(|i| &ops[i]) {
            Some(TraversalOperator::GetAttr(a)) => {
                let neutral = item
                    .refs
                    .iter()
                    .find(|(s, _)| *s == a.as_str())
                    .map(|r| r.1);
                let found = neutral.and_then(|n| {
                    rule.outs
                        .iter()
                        .enumerate()
                        .find_map(|(k, o)| o.refs.iter().find(|r| r.0 == n).map(|r| (k, Some(r.1))))
                });
                match found {
                    Some(f) => f,
                    None => return Some(self.unmapped(item, &format!(".{a}"))),
                }
            }
            _ if rule.outs.is_empty() => return Some(self.unmapped(item, "")),
            _ => (0, None),
        };
        let (ty, label) = self.names.address(item, out_n)?;
        let out = &rule.outs[out_n];
        let mut new_ops: Vec<TraversalOperator> = Vec::new();
        let root = if out.data {
            new_ops.push(TraversalOperator::GetAttr(Identifier::unchecked(ty)));
            "data"
        } else {
            ty
        };
        new_ops.push(TraversalOperator::GetAttr(Identifier::unchecked(label)));
        let split = attr_at.unwrap_or(ops.len());
        new_ops.extend(ops[..split].iter().cloned());
        if let Some(p) = path {
            new_ops.extend(path_ops(p));
        }
        new_ops.extend(ops.get(split + 1..).unwrap_or_default().iter().cloned());
        Some(Expression::Traversal(Box::new(Traversal::new(
            Variable::unchecked(root),
            new_ops,
        ))))
    }

    fn dropped_ref(&mut self, t: &Traversal) -> Option<Expression> {
        let Expression::Variable(root) = &t.expr else {
            return None;
        };
        let name = |i: usize| match t.operators.get(i) {
            Some(TraversalOperator::GetAttr(n)) => Some(n.to_string()),
            _ => None,
        };
        let key = if root.as_str() == "data" {
            (true, name(0)?, name(1)?)
        } else {
            (false, root.to_string(), name(0)?)
        };
        self.dropped.contains(&key).then(|| {
            self.lost.push(Untranslated {
                at: self.at.0.clone(),
                subject: self.at.1.clone(),
                why: format!(
                    "the reference to {}{}.{} points at something not translated (written as null)",
                    if key.0 { "data." } else { "" },
                    key.1,
                    key.2
                ),
            });
            Expression::Null
        })
    }

    fn unmapped(&mut self, item: &Item, attr: &str) -> Expression {
        self.lost.push(Untranslated {
            at: self.at.0.clone(),
            subject: self.at.1.clone(),
            why: format!(
                "the reference {}{attr} has no equivalent on the target (written as null)",
                item.address()
            ),
        });
        Expression::Null
    }
}

/// `network_interface.0.network_ip` as traversal operators.
fn path_ops(p: &str) -> Vec<TraversalOperator> {
    p.split('.')
        .map(|s| match s.parse::<u64>() {
            Ok(i) => TraversalOperator::Index(Expression::Number(i.into())),
            Err(_) => TraversalOperator::GetAttr(Identifier::unchecked(s)),
        })
        .collect()
}
