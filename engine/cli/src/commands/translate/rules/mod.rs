//! The rule tables: how each cloud's concrete types are read (`READ`) and how each neutral
//! kind is written on each target (`WRITE`).

mod aws;
mod aws_read;
mod azure;
mod azure_union;
mod common;
mod gcp;
mod portable;

use super::model::{Item, Kind, Target};
use super::read::ReadRule;
use super::write::WriteRule;
use autostack_cost::Cloud;

/// The read rule of a source type (`data` for data sources), if it is translated.
pub fn read_rule(ty: &str, data: bool) -> Option<(&'static ReadRule, Cloud)> {
    [
        (aws_read::READ, Cloud::Aws),
        (azure::READ, Cloud::Azure),
        (gcp::READ, Cloud::Gcp),
    ]
    .into_iter()
    .find_map(|(t, c)| {
        t.iter()
            .find(|r| r.ty == ty && r.data == data)
            .map(|r| (r, c))
    })
}

/// The cloud a type prefix belongs to.
pub fn cloud_of(ty: &str) -> Option<Cloud> {
    match ty.split('_').next()? {
        "aws" => Some(Cloud::Aws),
        "azurerm" => Some(Cloud::Azure),
        "google" => Some(Cloud::Gcp),
        _ => None,
    }
}

/// The write rule of a kind on a target.
pub fn write_rule(to: Target, kind: Kind) -> &'static WriteRule {
    let table = match to {
        Target::Cloud(Cloud::Aws) => aws::WRITE,
        Target::Cloud(Cloud::Azure) => azure::WRITE,
        Target::Cloud(Cloud::Gcp) => gcp::WRITE,
        Target::Portable => portable::WRITE,
    };
    table
        .iter()
        .find(|r| r.kind == kind)
        .unwrap_or(&NOT_WRITTEN)
}

static NOT_WRITTEN: WriteRule = WriteRule {
    kind: Kind::Routing,
    outs: &[],
    rule: "not written",
};

/// The write rule for an item.
pub fn rule_for(to: Target, it: &Item) -> &'static WriteRule {
    write_rule(to, it.kind)
}
