//! Values that change meaning between clouds: instance sizes (the cost engine's equivalents
//! rule), disk types (by class), OS images (by family), names each cloud restricts.

use super::hclexpr::{call, interpolate, path};
use super::model::{Item, Kind, Target};
use super::write::{Cx, Need};
use autostack_cost::{compute_equivalent, disk_type_equivalent, disk_type_for_class, Cloud};
use hcl::Expression;

/// A string literal, or a `var.X` whose default is one: (value, variable name).
pub fn resolve(cx: &Cx, e: &Expression) -> Option<(String, Option<String>)> {
    match e {
        Expression::String(s) => Some((s.clone(), None)),
        Expression::Traversal(t) => {
            let Expression::Variable(root) = &t.expr else {
                return None;
            };
            let [hcl::expr::TraversalOperator::GetAttr(name)] = t.operators.as_slice() else {
                return None;
            };
            if root.as_str() != "var" {
                return None;
            }
            match cx.var_defaults.get(name.as_str()) {
                Some(Expression::String(s)) => Some((s.clone(), Some(name.to_string()))),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Translates a value: a literal becomes the new literal; `var.X` keeps the reference and
/// X's default is rewritten (noted); anything else is kept and listed as untranslated.
fn translate_value(
    cx: &mut Cx,
    e: &Expression,
    what: &str,
    f: impl FnOnce(&mut Cx, &str) -> Result<(String, String), String>,
) -> Option<Expression> {
    let Some((old, var)) = resolve(cx, e) else {
        cx.lose(format!(
            "the {what} is computed ({}); set it for the target by hand",
            hcl::format::to_string(e).unwrap_or_default()
        ));
        return Some(e.clone());
    };
    match f(cx, &old) {
        Ok((new, why)) => {
            cx.notes.push(why.clone());
            match var {
                Some(v) => {
                    cx.var_rewrites
                        .insert(v, (Expression::String(new), format!("was {old:?}: {why}")));
                    Some(e.clone())
                }
                None => Some(Expression::String(new)),
            }
        }
        Err(why) => {
            cx.lose(format!("the {what} {old:?}: {why}"));
            Some(e.clone())
        }
    }
}

/// The instance size on the target cloud (the cost engine's equivalents rule).
pub fn size(cx: &mut Cx, it: &Item) -> Option<Expression> {
    let e = it.get("size")?.clone();
    let Target::Cloud(to) = cx.to else {
        return None;
    };
    let (from, region) = (cx.from, cx.src_region.clone());
    let addr = it.address();
    translate_value(cx, &e, "instance size", |cx, old| {
        let region = region.ok_or("the source provider block sets no region")?;
        let m = compute_equivalent(cx.catalog, from, &region, old, to)?;
        Ok((
            m.sku.clone(),
            format!(
                "{addr} ({old}: {} vCPU, {} GiB) → {}: {}",
                m.source.vcpu, m.source.memory_gib, m.sku, m.rule
            ),
        ))
    })
}

/// vCPU and memory of the source size, for portable_instance.
pub fn shape(cx: &mut Cx, it: &Item) -> Option<(f64, f64, String)> {
    let e = it.get("size")?;
    let Some((sku, var)) = resolve(cx, e) else {
        cx.lose("the instance size is computed: set vcpu and memory by hand");
        return None;
    };
    let Some(s) = cx.catalog.shape(cx.from, &sku) else {
        cx.lose(format!("the price catalog does not know the type {sku}"));
        return None;
    };
    let via = var.map_or(String::new(), |v| format!(" (default of var.{v})"));
    cx.notes.push(format!(
        "{sku}{via}: {} vCPU, {} GiB, {}",
        s.vcpu, s.memory_gib, s.arch
    ));
    Some((s.vcpu, s.memory_gib, s.arch.clone()))
}

/// A disk type attribute (`disk_type` or `root_type`) on the target, by class.
pub fn disk_type(cx: &mut Cx, it: &Item, key: &str, boot: bool) -> Option<Expression> {
    let Target::Cloud(to) = cx.to else {
        return None;
    };
    let Some(e) = it.get(key).cloned() else {
        let t = disk_type_for_class(to, "ssd", boot)?;
        cx.notes
            .push(format!("disk type unset: {t} (balanced SSD)"));
        return Some(Expression::String(t.into()));
    };
    let from = cx.from;
    translate_value(cx, &e, "disk type", |_, old| {
        let (t, class) = disk_type_equivalent(from, old, to, boot)
            .ok_or_else(|| format!("is not a known {from} disk type"))?;
        Ok((t.to_string(), format!("disk {old} ({class}) → {t}")))
    })
}

/// The portable disk class of a source disk type.
pub fn disk_class(cx: &mut Cx, it: &Item) -> Option<Expression> {
    let (old, _) = resolve(cx, it.get("disk_type")?)?;
    let label = autostack_cost::disk_class_label(cx.from, &old)?;
    let class = match label {
        "standard HDD" => "standard",
        "premium SSD" => "premium",
        _ => "ssd",
    };
    cx.notes
        .push(format!("disk {old} ({label}) → class {class}"));
    Some(Expression::String(class.into()))
}

/// The image family an instance uses: its image data source's, or a default (noted).
pub fn family(cx: &mut Cx, it: &Item) -> String {
    let img = it.get("image").and_then(|e| image_item(cx, e));
    if let Some(f) = img.and_then(|i| i.str("family")) {
        return f.to_string();
    }
    if let Some(f) = it.str("family") {
        return f.to_string();
    }
    cx.notes
        .push("image: not one of ubuntu-22.04, ubuntu-24.04, debian-12; ubuntu-22.04 used".into());
    "ubuntu-22.04".into()
}

fn image_item<'a>(cx: &Cx<'a>, e: &Expression) -> Option<&'a super::model::Item> {
    let Expression::Traversal(t) = e else {
        return None;
    };
    let label = match t.operators.get(1) {
        Some(hcl::expr::TraversalOperator::GetAttr(l)) => l.to_string(),
        _ => return None,
    };
    cx.items
        .iter()
        .find(|i| i.kind == Kind::Image && i.label == label)
}

/// The image reference on the target: a generated image data source.
pub fn image_ref(cx: &mut Cx, it: &Item) -> Option<Expression> {
    let fam = family(cx, it);
    let label = fam.replace(['.', '-'], "_");
    cx.needs.insert(Need::Image(fam));
    Some(match cx.to {
        Target::Cloud(Cloud::Gcp) => path(&format!("data.google_compute_image.{label}.self_link")),
        _ => path(&format!("data.aws_ami.{label}.id")),
    })
}

/// Canonical/Debian image coordinates: (GCP family, GCP project, AWS owner, AWS name pattern,
/// Azure publisher, offer, sku).
pub fn image_coords(
    family: &str,
) -> (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    [&'static str; 3],
) {
    match family {
        "ubuntu-24.04" => (
            "ubuntu-2404-lts-amd64",
            "ubuntu-os-cloud",
            "099720109477",
            "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*",
            ["Canonical", "ubuntu-24_04-lts", "server"],
        ),
        "debian-12" => (
            "debian-12",
            "debian-cloud",
            "136693071363",
            "debian-12-amd64-*",
            ["Debian", "debian-12", "12"],
        ),
        _ => (
            "ubuntu-2204-lts",
            "ubuntu-os-cloud",
            "099720109477",
            "ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-*",
            ["Canonical", "0001-com-ubuntu-server-jammy", "22_04-lts"],
        ),
    }
}

/// The neutral family of a source image description (AMI name filter, GCE family, Azure offer).
pub fn family_of(text: &str) -> Option<&'static str> {
    let t = text.to_ascii_lowercase();
    if t.contains("debian-12") || t.contains("bookworm") || t.contains("debian") {
        Some("debian-12")
    } else if t.contains("24.04")
        || t.contains("2404")
        || t.contains("noble")
        || t.contains("24_04")
    {
        Some("ubuntu-24.04")
    } else if t.contains("22.04")
        || t.contains("2204")
        || t.contains("jammy")
        || t.contains("22_04")
    {
        Some("ubuntu-22.04")
    } else {
        None
    }
}

/// A name valid for GCP (lowercase letters, digits, hyphens; starts with a letter).
pub fn gcp_name(cx: &mut Cx, it: &Item) -> Option<Expression> {
    Some(match it.get("name") {
        Some(e) => call(
            "lower",
            vec![call(
                "replace",
                vec![
                    e.clone(),
                    Expression::String("/[^-a-zA-Z0-9]/".into()),
                    Expression::String("-".into()),
                ],
                false,
            )
            .ok()?],
            false,
        )
        .ok()?,
        None => generated_name(cx, it, "-"),
    })
}

/// A name as given, or one generated from the label (and the count index).
pub fn plain_name(cx: &mut Cx, it: &Item) -> Option<Expression> {
    Some(
        it.get("name")
            .cloned()
            .unwrap_or_else(|| generated_name(cx, it, "-")),
    )
}

fn generated_name(cx: &mut Cx, it: &Item, sep: &str) -> Expression {
    let base = it.label.replace('_', sep);
    cx.notes.push(format!(
        "no name in the source: named after the label {:?}",
        it.label
    ));
    if it.count.is_some() {
        interpolate(vec![Ok(format!("{base}{sep}")), Err(path("count.index"))])
    } else if it.for_each.is_some() {
        interpolate(vec![Ok(format!("{base}{sep}")), Err(path("each.key"))])
    } else {
        Expression::String(base)
    }
}

/// Tags as GCP labels: lowercase keys and values of allowed characters.
pub fn gcp_labels(cx: &mut Cx, it: &Item) -> Option<Expression> {
    let tags = it.get("tags")?.clone();
    cx.notes
        .push("tags → labels, lower-cased with other characters replaced by _".into());
    let clean = |x: &str| {
        call(
            "lower",
            vec![call(
                "replace",
                vec![
                    path(x),
                    Expression::String("/[^-_a-zA-Z0-9]/".into()),
                    Expression::String("_".into()),
                ],
                false,
            )
            .ok()?],
            false,
        )
        .ok()
    };
    let mut fe = hcl::expr::ForExpr::new(hcl::Identifier::unchecked("v"), tags, clean("v")?);
    fe.key_var = Some(hcl::Identifier::unchecked("k"));
    fe.key_expr = Some(clean("k")?);
    Some(Expression::ForExpr(Box::new(fe)))
}
