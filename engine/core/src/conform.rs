//! Checking a configuration body against a provider's schema, with located diagnostics: the
//! engine's half of what Terraform's `ValidateResourceConfig` and decoding do. Shaping the
//! evaluated value is the SDK's (`autostack_provider_sdk::conform`); this module tells it
//! where each attribute was written.

use autostack_lang::diag::did_you_mean;
use autostack_lang::syntax::Body;
use autostack_lang::{Diagnostic, Diagnostics, Range, Type, Value};
use autostack_provider_sdk::schema::Block;

/// Converts an evaluated body to the schema's object type; errors point at the attribute.
pub fn conform(block: &Block, body: Option<&Body>, value: &Value) -> Result<Value, Diagnostics> {
    let filled;
    let value = match body {
        Some(b) => {
            filled = blocks_as_attributes(block, b, value);
            &filled
        }
        None => value,
    };
    let locate = |path: &[String]| -> Option<Range> {
        let (attr, blocks) = path.split_last()?;
        let mut b = body?;
        for name in blocks {
            b = &b.blocks.iter().find(|x| &x.ty == name)?.body;
        }
        b.attr(attr).map(|a| a.expr.range.clone())
    };
    autostack_provider_sdk::conform::conform(block, value, &locate)
}

/// Static checks of a body against a block schema: unknown or unconfigurable arguments,
/// missing required arguments, unknown block types, block counts.
pub fn check_body(block: &Block, body: &Body, what: &str) -> Diagnostics {
    let mut diags = Diagnostics::new();
    for a in &body.attributes {
        match block.attributes.get(&a.name) {
            None => {
                let hint = did_you_mean(&a.name, block.attributes.keys().map(String::as_str));
                let detail = if block.blocks.contains_key(&a.name) {
                    format!("An argument named {:?} is not expected here. Did you mean to define a block of type {:?}?", a.name, a.name)
                } else {
                    format!("An argument named {:?} is not expected here.{hint}", a.name)
                };
                diags.push(Diagnostic::error("Unsupported argument", detail, Some(a.name_range.clone())));
            }
            Some(s) if !s.required && !s.optional => diags.push(Diagnostic::error(
                "Value for unconfigurable attribute",
                format!("Can't configure a value for {:?}: its value will be decided automatically based on the result of applying this configuration.", a.name),
                Some(a.name_range.clone()),
            )),
            Some(_) => {}
        }
    }
    for (name, s) in &block.attributes {
        if s.required && body.attr(name).is_none() {
            diags.push(Diagnostic::error(
                "Missing required argument",
                format!("The argument {name:?} is required, but no definition was found."),
                Some(body.missing_item_range()),
            ));
        }
    }
    for b in &body.blocks {
        let ty = if b.ty == "dynamic" {
            b.labels.first().map(|(l, _)| l.as_str()).unwrap_or("")
        } else {
            b.ty.as_str()
        };
        match block.blocks.get(ty) {
            None if attribute_as_blocks(block, ty).is_some() && body.attr(ty).is_none() => {}
            None => {
                let hint = did_you_mean(ty, block.blocks.keys().map(String::as_str));
                diags.push(Diagnostic::error(
                    "Unsupported block type",
                    format!("Blocks of type {ty:?} are not expected here.{hint}"),
                    Some(b.ty_range.clone()),
                ));
            }
            Some(nb) if b.ty != "dynamic" => diags.extend(check_body(&nb.block, &b.body, what)),
            Some(_) => {}
        }
    }
    for (name, nb) in &block.blocks {
        let n = body.blocks.iter().filter(|b| &b.ty == name).count();
        let dynamic = body
            .blocks
            .iter()
            .any(|b| b.ty == "dynamic" && b.labels.first().is_some_and(|(l, _)| l == name));
        if !dynamic && n < nb.min_items {
            diags.push(Diagnostic::error(
                "Insufficient blocks",
                format!("At least {} {name:?} blocks are required.", nb.min_items),
                Some(body.missing_item_range()),
            ));
        }
        if !dynamic && nb.max_items > 0 && n > nb.max_items {
            diags.push(Diagnostic::error(
                "Too many blocks",
                format!(
                    "No more than {} {name:?} blocks are allowed in {what}.",
                    nb.max_items
                ),
                Some(body.missing_item_range()),
            ));
        }
    }
    diags
}

/// The object type of attribute `name` when it is a list or set of objects, which Terraform
/// lets configurations write as blocks (the SDKv2's "attributes as blocks": `ingress { ... }`
/// for `ingress = [{ ... }]`).
fn attribute_as_blocks<'b>(block: &'b Block, name: &str) -> Option<&'b Type> {
    let a = block.attributes.get(name)?;
    match &a.ty {
        Type::List(t) | Type::Set(t) if matches!(**t, Type::Object(_)) => Some(t),
        _ => None,
    }
}

/// `value` with the blocks written for such attributes made whole objects: the arguments a
/// block leaves out are null, as Terraform's block-to-attribute fixup makes them.
fn blocks_as_attributes(block: &Block, body: &Body, value: &Value) -> Value {
    let Some(entries) = value.as_entries() else {
        return value.clone();
    };
    let mut out = entries.clone();
    for b in &body.blocks {
        let name = match b.ty.as_str() {
            "dynamic" => b.labels.first().map_or("", |(l, _)| l.as_str()),
            ty => ty,
        };
        let Some(Type::Object(attrs)) = attribute_as_blocks(block, name) else {
            continue;
        };
        let Some(Value::Tuple(items)) = out.get(name).map(Value::unmarked) else {
            continue;
        };
        let whole = items.iter().map(|item| {
            let mut obj = item.as_entries().cloned().unwrap_or_default();
            for (k, t) in attrs {
                obj.get_or_insert_with(k.clone(), || Value::Null(t.clone()));
            }
            Value::object(obj)
        });
        let tuple = Value::tuple(whole.collect());
        out.insert(name.to_string(), tuple);
    }
    Value::object(out)
}
