//! `data "aws_availability_zones"`: the region's availability zones, filtered by state,
//! filters and exclusions.

use crate::prelude::*;
use std::collections::BTreeSet;

/// The `aws_availability_zones` data source.
pub struct DataAwsAvailabilityZones;

#[async_trait]
impl DataSource<AwsClient> for DataAwsAvailabilityZones {
    fn name(&self) -> &'static str {
        "aws_availability_zones"
    }

    fn schema(&self) -> ResourceSchema {
        let block = Block::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("all_availability_zones", Attribute::optional(Type::Bool))
            .attr(
                "exclude_names",
                Attribute::optional(Type::set(Type::String)),
            )
            .attr(
                "exclude_zone_ids",
                Attribute::optional(Type::set(Type::String)),
            )
            .attr("state", Attribute::optional(Type::String))
            .attr("group_names", Attribute::computed(Type::set(Type::String)))
            .attr("names", Attribute::computed(Type::list(Type::String)))
            .attr("zone_ids", Attribute::computed(Type::list(Type::String)));
        ResourceSchema {
            version: 0,
            block: with_filters(block),
        }
    }

    async fn read(&self, c: &AwsClient, config: &Value) -> Result<Value, Diagnostics> {
        let mut filters = Vec::new();
        if let Some(state) = get_str(config, "state") {
            filters.push(filter("state", vec![state.to_string()]));
        }
        filters.extend(custom_filters(config));
        let out = c
            .ec2
            .describe_availability_zones()
            .set_all_availability_zones(get_bool(config, "all_availability_zones").filter(|b| *b))
            .set_filters((!filters.is_empty()).then_some(filters))
            .send()
            .await
            .aws()
            .or_diags("reading EC2 Availability Zones")?;
        let mut zones = out.availability_zones().to_vec();
        zones.sort_by(|a, b| a.zone_name().cmp(&b.zone_name()));
        let exclude_names: BTreeSet<String> =
            get_strings(config, "exclude_names").into_iter().collect();
        let exclude_ids: BTreeSet<String> = get_strings(config, "exclude_zone_ids")
            .into_iter()
            .collect();
        let (mut names, mut ids, mut groups) = (Vec::new(), Vec::new(), BTreeSet::new());
        for z in &zones {
            let name = z.zone_name().unwrap_or_default();
            let id = z.zone_id().unwrap_or_default();
            if exclude_names.contains(name) || exclude_ids.contains(id) {
                continue;
            }
            groups.insert(z.group_name().unwrap_or_default());
            names.push(name);
            ids.push(id);
        }
        Ok(Obj::from(config)
            .str("id", &c.region)
            .set("group_names", string_set(groups))
            .set("names", string_list(names))
            .set("zone_ids", string_list(ids))
            .finish())
    }
}
