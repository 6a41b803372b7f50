//! What the target needs that the source does not have: its `terraform` and `provider`
//! blocks, Azure's resource group, zone and image look-ups, variables the user must set.

use super::emit::Section;
use super::hclexpr::{interpolate, path};
use super::model::Target;
use super::pipeline::convert_block;
use super::source::{region_var, Source};
use super::values::image_coords;
use super::write::{block, Cx, Need};
use autostack_cost::Cloud;
use hcl::{Block, Expression};

fn s(x: &str) -> Expression {
    Expression::String(x.into())
}

fn provider_name(c: Cloud) -> &'static str {
    match c {
        Cloud::Aws => "aws",
        Cloud::Azure => "azurerm",
        Cloud::Gcp => "google",
    }
}

/// The region expression: `var.X` when the source read its region from X (whose default is
/// rewritten), the target region otherwise.
fn region_expr(cx: &mut Cx, src: &Source) -> Expression {
    let Some(v) = region_var(&src.files, src.cloud) else {
        return s(&cx.region.0);
    };
    let why = format!(
        "was {:?} ({}): {} {} ({})",
        src.region.clone().unwrap_or_default(),
        src.cloud,
        cx.to.name(),
        cx.region.0,
        cx.region.1
    );
    cx.var_rewrites.insert(v.clone(), (s(&cx.region.0), why));
    path(&format!("var.{v}"))
}

/// The `terraform` and `provider` blocks of the output.
pub fn provider(cx: &mut Cx, src: &Source) -> Vec<Section> {
    let Target::Cloud(to) = cx.to else {
        return kept_providers(cx, src);
    };
    let name = provider_name(to);
    let version = match to {
        Cloud::Aws => "~> 5.0",
        Cloud::Azure => "~> 4.0",
        Cloud::Gcp => ">= 6.0, < 8.0",
    };
    let terraform = required_providers(name, version);
    let region = region_expr(cx, src);
    let mut p = Block::builder("provider").add_label(name);
    p = match to {
        Cloud::Aws => p.add_attribute(("region", region)),
        Cloud::Gcp => {
            cx.needs.insert(Need::Variable(
                "project",
                "The Google Cloud project to create the resources in.",
            ));
            p.add_attribute(("project", path("var.project")))
                .add_attribute(("region", region))
        }
        Cloud::Azure => {
            cx.needs.insert(Need::ResourceGroup);
            p.add_block(Block::builder("features").build())
        }
    };
    vec![Section {
        comments: vec![format!(
            "Translated from {} by `autostack translate -to={}`: region {} ({}).",
            cx.from,
            cx.to.name(),
            cx.region.0,
            cx.region.1
        )],
        blocks: vec![terraform, p.build()],
        at: String::new(),
    }]
}

/// Portable types are served by the source's own provider: its blocks stay.
fn kept_providers(cx: &Cx, src: &Source) -> Vec<Section> {
    let kept = src
        .files
        .iter()
        .flat_map(|f| f.body.blocks.iter())
        .filter(|b| b.ty == "terraform" || b.ty == "provider")
        .filter_map(|b| convert_block(b).ok())
        .collect();
    vec![Section {
        comments: vec![format!(
            "portable_* resources are served by the {} provider they are bound to (kept from the source)",
            provider_name(cx.from)
        )],
        blocks: kept,
        at: String::new(),
    }]
}

fn required_providers(name: &str, version: &str) -> Block {
    let mut req = hcl::Object::new();
    let key = |k: &str| hcl::ObjectKey::Identifier(hcl::Identifier::unchecked(k));
    req.insert(key("source"), s(&format!("hashicorp/{name}")));
    req.insert(key("version"), s(version));
    Block::builder("terraform")
        .add_block(
            Block::builder("required_providers")
                .add_attribute((name.to_string(), Expression::Object(req)))
                .build(),
        )
        .build()
}

/// Blocks for every [`Need`] the writers recorded.
pub fn needs(cx: &mut Cx, src: &Source) -> Vec<Section> {
    let mut out = Vec::new();
    let needs: Vec<Need> = cx.needs.iter().cloned().collect();
    for n in needs {
        let (comment, block) = match n {
            Need::Zones => {
                if zones_translated(cx) {
                    continue;
                }
                zones(cx.to)
            }
            Need::ResourceGroup => resource_group(cx, src),
            Need::Variable(name, desc) => {
                if src
                    .files
                    .iter()
                    .flat_map(|f| f.body.blocks_of("variable"))
                    .any(|b| b.labels.first().is_some_and(|l| l.0 == name))
                {
                    continue;
                }
                let b = Block::builder("variable")
                    .add_label(name)
                    .add_attribute(("description", s(desc)))
                    .add_attribute(("type", path("string")))
                    .build();
                (
                    format!(
                        "generated: the target needs var.{name}, which the source does not have"
                    ),
                    b,
                )
            }
            Need::Image(fam) => image(cx.to, &fam),
        };
        out.push(Section {
            comments: vec![comment],
            blocks: vec![block],
            at: String::new(),
        });
    }
    out
}

fn zones_translated(cx: &Cx) -> bool {
    cx.items
        .iter()
        .any(|i| i.kind == super::model::Kind::Zones && i.label == "available")
}

fn zones(to: Target) -> (String, Block) {
    let b = match to {
        Target::Cloud(Cloud::Aws) => Block::builder("data")
            .add_label("aws_availability_zones")
            .add_label("available")
            .add_attribute(("state", s("available"))),
        _ => Block::builder("data")
            .add_label("google_compute_zones")
            .add_label("available"),
    };
    (
        "generated: the region's zones (instances and disks need a zone; the source names none)"
            .into(),
        b.build(),
    )
}

fn resource_group(cx: &mut Cx, src: &Source) -> (String, Block) {
    let has_name_var = src.var_defaults.contains_key("name")
        || src
            .files
            .iter()
            .flat_map(|f| f.body.blocks_of("variable"))
            .any(|b| b.labels.first().is_some_and(|l| l.0 == "name"));
    let name = if has_name_var {
        interpolate(vec![Err(path("var.name")), Ok("-rg".into())])
    } else {
        s("translated-rg")
    };
    let location = region_expr(cx, src);
    let b = Block::builder("resource")
        .add_label("azurerm_resource_group")
        .add_label("main")
        .add_attribute(("name", name))
        .add_attribute(("location", location))
        .build();
    (
        format!(
            "generated: every Azure resource lives in a resource group with a location ({}, {})",
            cx.region.0, cx.region.1
        ),
        b,
    )
}

fn image(to: Target, fam: &str) -> (String, Block) {
    let (gfam, gproj, owner, pattern, _) = image_coords(fam);
    let label = fam.replace(['.', '-'], "_");
    let b = match to {
        Target::Cloud(Cloud::Gcp) => Block::builder("data")
            .add_label("google_compute_image")
            .add_label(label)
            .add_attribute(("family", s(gfam)))
            .add_attribute(("project", s(gproj)))
            .build(),
        _ => Block::builder("data")
            .add_label("aws_ami")
            .add_label(label)
            .add_attribute(("most_recent", Expression::Bool(true)))
            .add_attribute(("owners", Expression::Array(vec![s(owner)])))
            .add_block(block(
                "filter",
                vec![
                    ("name", s("name")),
                    ("values", Expression::Array(vec![s(pattern)])),
                ],
            ))
            .build(),
    };
    (
        format!("generated: the {fam} image, looked up by family"),
        b,
    )
}
