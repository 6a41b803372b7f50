//! Type constraints (`list(object({a = optional(string, "x")}))`) and conversion to them.

use crate::diag::{Diagnostic, Diagnostics};
use crate::syntax::{Expr, ExprKind};
use crate::value::{convert, ConvertError, Type, Value};
use std::collections::BTreeMap;
use std::fmt;

/// A type constraint as written in a `variable` block.
#[derive(Debug, Clone, PartialEq)]
pub enum Constraint {
    /// `any`: the value's own type (collections unify their elements).
    Any,
    /// A primitive type.
    Prim(Type),
    /// `list(T)`.
    List(Box<Constraint>),
    /// `set(T)`.
    Set(Box<Constraint>),
    /// `map(T)`.
    Map(Box<Constraint>),
    /// `tuple([...])`.
    Tuple(Vec<Constraint>),
    /// `object({...})`.
    Object(BTreeMap<String, AttrConstraint>),
}

/// One attribute of an object constraint.
#[derive(Debug, Clone, PartialEq)]
pub struct AttrConstraint {
    /// The attribute's constraint.
    pub ty: Constraint,
    /// Declared with `optional(...)`.
    pub optional: bool,
    /// `optional(T, default)`'s default.
    pub default: Option<Value>,
}

impl Constraint {
    /// The plain type (optional attributes become ordinary ones, `any` becomes dynamic).
    pub fn to_type(&self) -> Type {
        match self {
            Constraint::Any => Type::Dynamic,
            Constraint::Prim(t) => t.clone(),
            Constraint::List(c) => Type::list(c.to_type()),
            Constraint::Set(c) => Type::set(c.to_type()),
            Constraint::Map(c) => Type::map(c.to_type()),
            Constraint::Tuple(cs) => Type::Tuple(cs.iter().map(Constraint::to_type).collect()),
            Constraint::Object(attrs) => Type::Object(
                attrs
                    .iter()
                    .map(|(k, a)| (k.clone(), a.ty.to_type()))
                    .collect(),
            ),
        }
    }

    fn has_optional(&self) -> bool {
        match self {
            Constraint::Any | Constraint::Prim(_) => false,
            Constraint::List(c) | Constraint::Set(c) | Constraint::Map(c) => c.has_optional(),
            Constraint::Tuple(cs) => cs.iter().any(Constraint::has_optional),
            Constraint::Object(attrs) => attrs.values().any(|a| a.optional || a.ty.has_optional()),
        }
    }
}

impl fmt::Display for Constraint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Constraint::Any => f.write_str("any"),
            Constraint::Prim(t) => write!(f, "{t}"),
            Constraint::List(c) => write!(f, "list({c})"),
            Constraint::Set(c) => write!(f, "set({c})"),
            Constraint::Map(c) => write!(f, "map({c})"),
            Constraint::Tuple(cs) => write!(
                f,
                "tuple([{}])",
                cs.iter()
                    .map(|c| c.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Constraint::Object(attrs) => {
                let items: Vec<String> = attrs
                    .iter()
                    .map(|(k, a)| {
                        if a.optional {
                            format!("{k}=optional({})", a.ty)
                        } else {
                            format!("{k}={}", a.ty)
                        }
                    })
                    .collect();
                write!(f, "object({{{}}})", items.join(", "))
            }
        }
    }
}

fn bad(e: &Expr, detail: impl Into<String>) -> Diagnostics {
    Diagnostic::error("Invalid type specification", detail, Some(e.range.clone())).into()
}

/// Parses a type constraint expression.
pub fn parse_constraint(e: &Expr) -> Result<Constraint, Diagnostics> {
    parse(e, false)
}

fn parse(e: &Expr, in_object: bool) -> Result<Constraint, Diagnostics> {
    match &e.kind {
        ExprKind::Traversal(t) if t.steps.is_empty() => match t.root.as_str() {
            "string" => Ok(Constraint::Prim(Type::String)),
            "number" => Ok(Constraint::Prim(Type::Number)),
            "bool" => Ok(Constraint::Prim(Type::Bool)),
            "any" => Ok(Constraint::Any),
            "list" | "set" | "map" => Err(bad(e, format!("The {} type constructor requires one argument specifying the element type.", t.root))),
            other => Err(bad(e, format!("The keyword {other:?} is not a valid type specification."))),
        },
        ExprKind::Template(_) | ExprKind::Literal(Value::String(_)) => Err(Diagnostic::error(
            "Invalid quoted type constraints",
            format!("Terraform 0.11 and earlier required type constraints to be given in quotes, but that form is now deprecated and will be removed in a future version of Terraform. Remove the quotes around {:?}.", quoted_text(e)),
            Some(e.range.clone()),
        )
        .into()),
        ExprKind::Call { name, args, .. } => parse_call(e, name, args, in_object),
        _ => Err(bad(e, "A type specification is either a primitive type keyword (bool, number, string) or a complex type constructor call, like list(string).")),
    }
}

fn quoted_text(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Literal(Value::String(s)) => s.to_string(),
        ExprKind::Template(parts) => parts
            .iter()
            .map(|p| {
                if let crate::syntax::TemplatePart::Literal(s) = p {
                    s.as_str()
                } else {
                    ""
                }
            })
            .collect(),
        _ => String::new(),
    }
}

fn one_arg<'a>(e: &Expr, name: &str, args: &'a [Expr]) -> Result<&'a Expr, Diagnostics> {
    match args {
        [a] => Ok(a),
        _ => Err(bad(
            e,
            format!(
                "The {name} type constructor requires one argument specifying the element type."
            ),
        )),
    }
}

fn parse_call(
    e: &Expr,
    name: &str,
    args: &[Expr],
    in_object: bool,
) -> Result<Constraint, Diagnostics> {
    match name {
        "list" => Ok(Constraint::List(Box::new(parse(
            one_arg(e, name, args)?,
            false,
        )?))),
        "set" => Ok(Constraint::Set(Box::new(parse(
            one_arg(e, name, args)?,
            false,
        )?))),
        "map" => Ok(Constraint::Map(Box::new(parse(
            one_arg(e, name, args)?,
            false,
        )?))),
        "tuple" => match &one_arg(e, name, args)?.kind {
            ExprKind::Tuple(items) => Ok(Constraint::Tuple(
                items
                    .iter()
                    .map(|i| parse(i, false))
                    .collect::<Result<_, _>>()?,
            )),
            _ => Err(bad(
                e,
                "The tuple type constructor requires a list of element types.",
            )),
        },
        "object" => parse_object(e, one_arg(e, name, args)?),
        "optional" if in_object => Err(bad(
            e,
            "Keyword \"optional\" is valid only as a modifier for object type attributes.",
        )),
        "optional" => Err(bad(
            e,
            "Keyword \"optional\" is valid only as a modifier for object type attributes.",
        )),
        other => Err(bad(
            e,
            format!("Keyword {other:?} is not a valid type constructor."),
        )),
    }
}

fn parse_object(e: &Expr, arg: &Expr) -> Result<Constraint, Diagnostics> {
    let ExprKind::Object(items) = &arg.kind else {
        return Err(bad(e, "The object type constructor requires one argument specifying the attribute types as a map."));
    };
    let mut attrs = BTreeMap::new();
    for item in items {
        let key = match &item.key.kind {
            ExprKind::Literal(Value::String(s)) => s.to_string(),
            ExprKind::Traversal(t) if t.steps.is_empty() => t.root.clone(),
            _ => {
                return Err(bad(
                    &item.key,
                    "Object constructor map keys must be attribute names.",
                ))
            }
        };
        let attr = match &item.value.kind {
            ExprKind::Call { name, args, .. } if name == "optional" => {
                if args.is_empty() || args.len() > 2 {
                    return Err(bad(&item.value, "Optional attribute modifier requires the attribute type as its first argument and an optional default value as its second."));
                }
                let ty = parse(&args[0], true)?;
                let default = match args.get(1) {
                    Some(d) => {
                        let mut diags = Diagnostics::new();
                        let v = super::load::eval_static(d, &mut diags).ok_or(diags)?;
                        Some(convert_to(&v, &ty).map_err(|err| {
                            bad(
                                d,
                                format!("Invalid default value for optional attribute: {err}."),
                            )
                        })?)
                    }
                    None => None,
                };
                AttrConstraint {
                    ty,
                    optional: true,
                    default,
                }
            }
            _ => AttrConstraint {
                ty: parse(&item.value, true)?,
                optional: false,
                default: None,
            },
        };
        attrs.insert(key, attr);
    }
    Ok(Constraint::Object(attrs))
}

/// Converts a value to a constraint, applying optional attributes' defaults as Terraform does.
pub fn convert_to(v: &Value, c: &Constraint) -> Result<Value, ConvertError> {
    if !c.has_optional() {
        return convert(v, &c.to_type());
    }
    if let Value::Marked(inner, m) = v {
        return convert_to(inner, c).map(|r| r.mark(*m));
    }
    if v.is_null() || v.is_unknown() {
        return convert(v, &c.to_type());
    }
    match c {
        Constraint::Object(attrs) => convert_object(v, attrs),
        Constraint::List(inner) | Constraint::Set(inner) => {
            let items = v.as_seq().ok_or_else(|| ConvertError {
                path: String::new(),
                message: format!("{} required", c.to_type().friendly_name()),
            })?;
            let conv: Vec<Value> = items
                .iter()
                .map(|x| convert_to(x, inner))
                .collect::<Result<_, _>>()?;
            convert(&Value::tuple(conv), &c.to_type())
        }
        Constraint::Map(inner) => {
            let m = v.as_entries().ok_or_else(|| ConvertError {
                path: String::new(),
                message: "map required".into(),
            })?;
            let conv: BTreeMap<String, Value> = m
                .iter()
                .map(|(k, x)| convert_to(x, inner).map(|x| (k.clone(), x)))
                .collect::<Result<_, _>>()?;
            convert(&Value::object(conv.into()), &c.to_type())
        }
        Constraint::Tuple(cs) => {
            let items = v
                .as_seq()
                .filter(|i| i.len() == cs.len())
                .ok_or_else(|| ConvertError {
                    path: String::new(),
                    message: format!("tuple required with {} elements", cs.len()),
                })?;
            let conv: Vec<Value> = items
                .iter()
                .zip(cs)
                .map(|(x, c)| convert_to(x, c))
                .collect::<Result<_, _>>()?;
            Ok(Value::tuple(conv))
        }
        Constraint::Any | Constraint::Prim(_) => convert(v, &c.to_type()),
    }
}

fn convert_object(
    v: &Value,
    attrs: &BTreeMap<String, AttrConstraint>,
) -> Result<Value, ConvertError> {
    let m = v.as_entries().ok_or_else(|| ConvertError {
        path: String::new(),
        message: "object required".into(),
    })?;
    let mut out = BTreeMap::new();
    for (k, a) in attrs {
        let given = m.get(k).filter(|x| !(a.optional && x.is_null()));
        let value = match (given, &a.default) {
            (Some(x), _) => convert_to(x, &a.ty),
            (None, Some(d)) => Ok(d.clone()),
            (None, None) if a.optional => Ok(Value::Null(a.ty.to_type())),
            (None, None) => Err(ConvertError {
                path: String::new(),
                message: format!("attribute {k:?} is required"),
            }),
        }
        .map_err(|mut e| {
            e.path = format!("attribute {k:?}: {}", e.path);
            e
        })?;
        out.insert(k.clone(), value);
    }
    Ok(Value::object(out.into()))
}
