//! Small EC2 helpers: describes by ID filter and the data sources' `filter` block.

use crate::attrs::{get_blocks, get_str, get_strings};
use autostack_provider_sdk::{Attribute, Block, Nesting};
use autostack_value::{Type, Value};
use aws_sdk_ec2::types::Filter;

/// Every item of the paginated EC2 describe operation `$op` whose `$filter` is one of `$ids`
/// (filtering, so a missing ID is simply absent): `Result<Vec<_>, AwsError>`.
macro_rules! describe_filtered {
    ($c:expr, $op:ident, $filter:expr, $ids:expr) => {{
        use $crate::client::AwsResultExt as _;
        let items: Result<Vec<_>, _> = $c
            .ec2
            .$op()
            .filters($crate::ec2util::filter($filter, $ids))
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await;
        items.aws()
    }};
}
pub(crate) use describe_filtered;

/// Pairs described items with their IDs (`id` reads one; "" when AWS leaves it out), as
/// batched reads take them.
pub fn keyed<T>(
    items: impl IntoIterator<Item = T>,
    id: impl Fn(&T) -> Option<&str>,
) -> Vec<(String, T)> {
    items
        .into_iter()
        .map(|x| (id(&x).unwrap_or_default().to_string(), x))
        .collect()
}

/// A describe filter (`vpc-id` = ids).
pub fn filter(name: &str, values: Vec<String>) -> Filter {
    Filter::builder()
        .name(name)
        .set_values(Some(values))
        .build()
}

/// The `filter` block of the EC2 data sources: a describe filter name and its values.
pub fn filter_block() -> Block {
    Block::new()
        .attr("name", Attribute::required(Type::String))
        .attr("values", Attribute::required(Type::set(Type::String)))
}

/// Adds the `filter` block (a set) to a data source schema.
pub fn with_filters(b: Block) -> Block {
    b.block("filter", Nesting::Set, filter_block())
}

/// The EC2 describe filters of the configured `filter` blocks.
pub fn custom_filters(config: &Value) -> Vec<Filter> {
    get_blocks(config, "filter")
        .iter()
        .filter_map(|f| Some(filter(get_str(f, "name")?, get_strings(f, "values"))))
        .collect()
}
