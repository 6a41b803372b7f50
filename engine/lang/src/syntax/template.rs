//! Lowering templates: flatten, apply `~` strip markers to neighbouring literals, rebuild.

use super::ast::{Expr, ExprKind, TemplatePart};
use super::lower::{nfc, Lowerer};
use hcl_edit::template::{Directive, Element, Strip, Template};

/// One flattened template token.
enum Tok {
    Lit(String),
    Interp(Expr, Strip),
    If(Expr, Strip),
    Else(Strip),
    EndIf(Strip),
    For(Option<String>, String, Expr, Strip),
    EndFor(Strip),
}

impl Tok {
    fn strip(&self) -> Strip {
        match self {
            Tok::Lit(_) => Strip::None,
            Tok::Interp(_, s)
            | Tok::If(_, s)
            | Tok::Else(s)
            | Tok::EndIf(s)
            | Tok::For(.., s)
            | Tok::EndFor(s) => *s,
        }
    }
}

/// Lowers a template; a template that is a single literal becomes a literal string.
pub(crate) fn lower_template(l: &mut Lowerer<'_>, t: &Template) -> ExprKind {
    let mut toks = Vec::new();
    flatten(l, t, &mut toks);
    apply_strips(&mut toks);
    let mut it = toks.into_iter().peekable();
    let parts = build(&mut it);
    ExprKind::Template(parts)
}

fn flatten(l: &mut Lowerer<'_>, t: &Template, out: &mut Vec<Tok>) {
    for el in t.iter() {
        match el {
            Element::Literal(s) => out.push(Tok::Lit(nfc(s.value()))),
            Element::Interpolation(i) => out.push(Tok::Interp(l.expr(&i.expr), i.strip)),
            Element::Directive(d) => match d.as_ref() {
                Directive::If(d) => {
                    out.push(Tok::If(l.expr(&d.if_expr.cond_expr), d.if_expr.strip));
                    flatten(l, &d.if_expr.template, out);
                    if let Some(e) = &d.else_expr {
                        out.push(Tok::Else(e.strip));
                        flatten(l, &e.template, out);
                    }
                    out.push(Tok::EndIf(d.endif_expr.strip));
                }
                Directive::For(d) => {
                    let f = &d.for_expr;
                    out.push(Tok::For(
                        f.key_var.as_ref().map(|k| k.value().as_str().to_string()),
                        f.value_var.value().as_str().to_string(),
                        l.expr(&f.collection_expr),
                        f.strip,
                    ));
                    flatten(l, &f.template, out);
                    out.push(Tok::EndFor(d.endfor_expr.strip));
                }
            },
        }
    }
}

/// `~` on the left of a sequence trims trailing whitespace of the preceding literal; on the
/// right, leading whitespace of the following literal (including newlines), as HCL does.
fn apply_strips(toks: &mut [Tok]) {
    for i in 0..toks.len() {
        let strip = toks[i].strip();
        if strip.strip_start() && i > 0 {
            if let Tok::Lit(s) = &mut toks[i - 1] {
                let t = s.trim_end_matches(char::is_whitespace).len();
                s.truncate(t);
            }
        }
        if strip.strip_end() && i + 1 < toks.len() {
            if let Tok::Lit(s) = &mut toks[i + 1] {
                *s = s.trim_start_matches(char::is_whitespace).to_string();
            }
        }
    }
}

fn build(it: &mut std::iter::Peekable<std::vec::IntoIter<Tok>>) -> Vec<TemplatePart> {
    let mut parts = Vec::new();
    while let Some(tok) = it.peek() {
        if matches!(tok, Tok::Else(_) | Tok::EndIf(_) | Tok::EndFor(_)) {
            break;
        }
        match it.next() {
            Some(Tok::Lit(s)) => {
                if !s.is_empty() {
                    match parts.last_mut() {
                        Some(TemplatePart::Literal(prev)) => prev.push_str(&s),
                        _ => parts.push(TemplatePart::Literal(s)),
                    }
                }
            }
            Some(Tok::Interp(e, _)) => parts.push(TemplatePart::Interp(e)),
            Some(Tok::If(cond, _)) => {
                let then = build(it);
                let otherwise = if matches!(it.peek(), Some(Tok::Else(_))) {
                    it.next();
                    build(it)
                } else {
                    Vec::new()
                };
                it.next(); // endif
                parts.push(TemplatePart::If {
                    cond,
                    then,
                    otherwise,
                });
            }
            Some(Tok::For(key, value, coll, _)) => {
                let body = build(it);
                it.next(); // endfor
                parts.push(TemplatePart::For {
                    key,
                    value,
                    coll,
                    body,
                });
            }
            _ => break,
        }
    }
    parts
}
