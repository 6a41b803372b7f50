//! Our located expression AST → hcl-rs expressions, which the translation edits and hcl-rs
//! serializes (references are rewritten afterwards, on the hcl-rs tree: see `refs`).

use autostack_lang::syntax::{BinaryOp, Expr, ExprKind, Step, TemplatePart, UnaryOp};
use autostack_lang::Value;
use hcl::expr::{
    BinaryOperator, Conditional, Expression, ForExpr, FuncCall, FuncName, Object, ObjectKey,
    Operation, TemplateExpr, Traversal, TraversalOperator, UnaryOperator, Variable,
};
use hcl::template::{Directive, Element, ForDirective, IfDirective, Interpolation, Template};
use hcl::Identifier;

/// Converts an expression; `Err` names what hcl-rs cannot express (never expected for
/// parsed input, but reported rather than panicking).
pub fn convert(e: &Expr) -> Result<Expression, String> {
    Ok(match &e.kind {
        ExprKind::Literal(v) => literal(v)?,
        ExprKind::Template(parts) => template_expr(parts)?,
        ExprKind::Tuple(items) => Expression::Array(convert_all(items)?),
        ExprKind::Object(items) => object(items)?,
        ExprKind::Traversal(t) => {
            let ops = steps(&t.steps)?;
            traversal(Expression::Variable(variable(&t.root)?), ops)
        }
        ExprKind::Relative(inner, st) => traversal(convert(inner)?, steps(st)?),
        ExprKind::Index(a, b) => {
            traversal(convert(a)?, vec![TraversalOperator::Index(convert(b)?)])
        }
        ExprKind::Splat { source, each } => {
            let mut ops = vec![TraversalOperator::FullSplat];
            ops.extend(splat_each(each)?);
            traversal(convert(source)?, ops)
        }
        ExprKind::SplatItem => return Err("a splat placeholder outside a splat".into()),
        ExprKind::Call {
            name,
            args,
            expand_final,
            ..
        } => call(name, convert_all(args)?, *expand_final)?,
        ExprKind::Unary(op, x) => unary(*op, x)?,
        ExprKind::Binary(op, a, b) => Expression::Operation(Box::new(Operation::Binary(
            hcl::expr::BinaryOp::new(convert(a)?, binary(*op), convert(b)?),
        ))),
        ExprKind::Conditional(c, a, b) => Expression::Conditional(Box::new(Conditional::new(
            convert(c)?,
            convert(a)?,
            convert(b)?,
        ))),
        ExprKind::For(f) => {
            let mut fe = ForExpr::new(ident(&f.value_var)?, convert(&f.coll)?, convert(&f.value)?);
            fe.key_var = f.key_var.as_deref().map(ident).transpose()?;
            fe.key_expr = f.key.as_ref().map(convert).transpose()?;
            fe.cond_expr = f.cond.as_ref().map(convert).transpose()?;
            fe.grouping = f.group;
            Expression::ForExpr(Box::new(fe))
        }
        ExprKind::Parens(x) => Expression::Parenthesis(Box::new(convert(x)?)),
    })
}

fn object(items: &[autostack_lang::syntax::ObjectItem]) -> Result<Expression, String> {
    let mut obj = Object::new();
    for item in items {
        let key = match (&item.key.kind, item.bare_key) {
            (ExprKind::Literal(Value::String(s)), true) => ObjectKey::Identifier(ident(s)?),
            _ => ObjectKey::Expression(convert(&item.key)?),
        };
        obj.insert(key, convert(&item.value)?);
    }
    Ok(Expression::Object(obj))
}

fn unary(op: UnaryOp, x: &Expr) -> Result<Expression, String> {
    let op = match op {
        UnaryOp::Neg => UnaryOperator::Neg,
        UnaryOp::Not => UnaryOperator::Not,
    };
    Ok(Expression::Operation(Box::new(Operation::Unary(
        hcl::expr::UnaryOp::new(op, convert(x)?),
    ))))
}

fn convert_all(items: &[Expr]) -> Result<Vec<Expression>, String> {
    items.iter().map(convert).collect()
}

/// An identifier, or why the name is not one.
pub fn ident(s: &str) -> Result<Identifier, String> {
    Identifier::new(s).map_err(|_| format!("{s:?} is not a valid identifier"))
}

fn variable(s: &str) -> Result<Variable, String> {
    Variable::new(s).map_err(|_| format!("{s:?} is not a valid variable name"))
}

/// `expr` followed by `ops` (flattening a traversal of a traversal).
pub fn traversal(expr: Expression, ops: Vec<TraversalOperator>) -> Expression {
    if ops.is_empty() {
        return expr;
    }
    match expr {
        Expression::Traversal(mut t) => {
            t.operators.extend(ops);
            Expression::Traversal(t)
        }
        other => Expression::Traversal(Box::new(Traversal::new(other, ops))),
    }
}

/// A function call expression.
pub fn call(name: &str, args: Vec<Expression>, expand_final: bool) -> Result<Expression, String> {
    let mut parts: Vec<&str> = name.split("::").collect();
    let last = parts.pop().unwrap_or(name);
    let fname = FuncName {
        namespace: parts.into_iter().map(ident).collect::<Result<_, _>>()?,
        name: ident(last)?,
    };
    let mut fc = FuncCall::new(fname);
    fc.args = args;
    fc.expand_final = expand_final;
    Ok(Expression::FuncCall(Box::new(fc)))
}

fn steps(st: &[Step]) -> Result<Vec<TraversalOperator>, String> {
    st.iter()
        .map(|s| match s {
            Step::Attr(name, _) => Ok(TraversalOperator::GetAttr(ident(name)?)),
            Step::Index(v, _) => Ok(TraversalOperator::Index(literal(v)?)),
        })
        .collect()
}

/// The operators after `[*]`: `each` is the placeholder followed by static steps.
fn splat_each(each: &Expr) -> Result<Vec<TraversalOperator>, String> {
    match &each.kind {
        ExprKind::SplatItem => Ok(Vec::new()),
        ExprKind::Relative(inner, st) => {
            let mut ops = splat_each(inner)?;
            ops.extend(steps(st)?);
            Ok(ops)
        }
        ExprKind::Index(inner, key) => {
            let mut ops = splat_each(inner)?;
            ops.push(TraversalOperator::Index(convert(key)?));
            Ok(ops)
        }
        _ => Err("a splat whose elements are not attribute or index steps".into()),
    }
}

fn binary(op: BinaryOp) -> BinaryOperator {
    use BinaryOp::*;
    match op {
        Eq => BinaryOperator::Eq,
        NotEq => BinaryOperator::NotEq,
        Lt => BinaryOperator::Less,
        LtEq => BinaryOperator::LessEq,
        Gt => BinaryOperator::Greater,
        GtEq => BinaryOperator::GreaterEq,
        Add => BinaryOperator::Plus,
        Sub => BinaryOperator::Minus,
        Mul => BinaryOperator::Mul,
        Div => BinaryOperator::Div,
        Mod => BinaryOperator::Mod,
        And => BinaryOperator::And,
        Or => BinaryOperator::Or,
    }
}

/// A literal value as an expression (collections element by element).
pub fn literal(v: &Value) -> Result<Expression, String> {
    Ok(match v {
        Value::Null(_) => Expression::Null,
        Value::Bool(b) => Expression::Bool(*b),
        Value::Number(n) => n
            .to_string()
            .parse::<Expression>()
            .map_err(|e| format!("number {n}: {e}"))?,
        Value::String(s) => Expression::String(s.to_string()),
        Value::List(_, xs) | Value::Set(_, xs) | Value::Tuple(xs) => {
            Expression::Array(xs.iter().map(literal).collect::<Result<_, _>>()?)
        }
        Value::Map(_, m) | Value::Object(m) => {
            let mut obj = Object::new();
            for (k, x) in m.iter() {
                obj.insert(
                    ObjectKey::Expression(Expression::String(k.clone())),
                    literal(x)?,
                );
            }
            Expression::Object(obj)
        }
        Value::Marked(inner, _) => literal(inner)?,
        Value::Unknown(_) => return Err("an unknown value in source text".into()),
    })
}

fn template_expr(parts: &[TemplatePart]) -> Result<Expression, String> {
    let t = template(parts)?;
    Ok(Expression::TemplateExpr(Box::new(
        TemplateExpr::QuotedString(t.to_string()),
    )))
}

fn template(parts: &[TemplatePart]) -> Result<Template, String> {
    let mut t = Template::new();
    for p in parts {
        let el = match p {
            TemplatePart::Literal(s) => Element::Literal(escape_quoted(s)),
            TemplatePart::Interp(e) => Element::Interpolation(Interpolation::new(convert(e)?)),
            TemplatePart::If {
                cond,
                then,
                otherwise,
            } => {
                let mut d = IfDirective::new(convert(cond)?, template(then)?);
                if !otherwise.is_empty() {
                    d.false_template = Some(template(otherwise)?);
                }
                Element::Directive(Box::new(Directive::If(d)))
            }
            TemplatePart::For {
                key,
                value,
                coll,
                body,
            } => {
                let mut d = ForDirective::new(ident(value)?, convert(coll)?, template(body)?);
                d.key_var = key.as_deref().map(ident).transpose()?;
                Element::Directive(Box::new(Directive::For(d)))
            }
        };
        t = t.add_element(el);
    }
    Ok(t)
}

/// Escapes literal text for a quoted template (hcl-rs escapes the `${`/`%{` markers itself).
fn escape_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out
}

/// A `"...${expr}..."` template from literal pieces and expressions.
pub fn interpolate(pieces: Vec<Result<String, Expression>>) -> Expression {
    let mut t = Template::new();
    for p in pieces {
        match p {
            Ok(s) | Err(Expression::String(s)) => {
                t = t.add_element(Element::Literal(escape_quoted(&s)))
            }
            // A template inside a template: its pieces, spliced in.
            Err(Expression::TemplateExpr(te)) if Template::from_expr(&te).is_ok() => {
                for el in Template::from_expr(&te)
                    .map(|x| x.elements().to_vec())
                    .unwrap_or_default()
                {
                    t = t.add_element(el);
                }
            }
            Err(e) => t = t.add_element(Element::Interpolation(Interpolation::new(e))),
        }
    }
    Expression::TemplateExpr(Box::new(TemplateExpr::QuotedString(t.to_string())))
}

/// `a.b.c` as an expression.
pub fn path(dotted: &str) -> Expression {
    let mut parts = dotted.split('.');
    let root = parts.next().unwrap_or(dotted);
    let ops = parts
        .map(|p| match p.parse::<u64>() {
            Ok(i) => TraversalOperator::Index(Expression::Number(i.into())),
            Err(_) => TraversalOperator::GetAttr(Identifier::unchecked(p)),
        })
        .collect();
    traversal(Expression::Variable(Variable::unchecked(root)), ops)
}

#[cfg(test)]
mod tests {
    use super::*;
    use autostack_lang::diag::SourceFile;
    use autostack_lang::syntax::parse_expr;

    fn round_trip(src: &str) -> String {
        let e = parse_expr(&SourceFile::new("t.tf", src)).expect("parses");
        let x = convert(&e).expect("converts");
        hcl::format::to_string(&x).expect("formats")
    }

    #[test]
    fn expressions_survive_the_round_trip() {
        for src in [
            "aws_subnet.public[count.index].id",
            "aws_instance.web[*].private_ip",
            "\"${var.name}-web-${count.index}\"",
            "\"#!/bin/sh\\necho \\\"hi\\\" $${x}\\n\"",
            "merge(local.tags, { Role = var.role_tag })",
            "[for k, v in var.m : upper(v) if k != \"x\"]",
            "{ for s in var.l : s => length(s)... }",
            "var.a ? -1 : (2 + 3) * 4",
            "\"%{ if var.on }yes%{ else }no%{ endif }\"",
            "provider::aws::arn_parse(var.arn)",
            "f(var.xs...)",
            "list(string)",
        ] {
            let once = round_trip(src);
            assert_eq!(round_trip(&once), once, "{src}");
            let norm = |s: &str| s.replace(' ', "");
            assert_eq!(norm(&once), norm(src), "{src}");
        }
    }
}
