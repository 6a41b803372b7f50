//! Types with no charge of their own, types AutoStack has no rule for, and shared helpers.

use super::{cloud_of_type, unpriced, Cx, StateCost};
use crate::attrs::Attrs;
use crate::report::Component;

/// Exact resource types known to be free.
#[rustfmt::skip]
const FREE_TYPES: &[&str] = &[
    "aws_vpc", "aws_subnet", "aws_security_group", "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule",
    "aws_internet_gateway", "aws_egress_only_internet_gateway", "aws_route_table",
    "aws_route_table_association", "aws_route", "aws_main_route_table_association",
    "aws_network_acl", "aws_network_acl_rule", "aws_network_interface",
    "aws_network_interface_attachment", "aws_eip_association", "aws_volume_attachment",
    "aws_key_pair", "aws_placement_group", "aws_launch_template", "aws_vpc_dhcp_options",
    "aws_vpc_dhcp_options_association", "aws_default_vpc", "aws_default_subnet",
    "aws_default_security_group", "aws_default_route_table", "aws_default_network_acl",
    "aws_s3_bucket_policy", "aws_s3_bucket_versioning", "aws_s3_bucket_acl",
    "aws_s3_bucket_public_access_block", "aws_s3_bucket_ownership_controls",
    "aws_s3_bucket_server_side_encryption_configuration", "aws_s3_bucket_lifecycle_configuration",
    "aws_s3_bucket_cors_configuration", "aws_s3_bucket_website_configuration",
    "aws_s3_bucket_notification", "aws_s3_bucket_logging",
    "azurerm_resource_group", "azurerm_virtual_network", "azurerm_subnet",
    "azurerm_network_security_group", "azurerm_network_security_rule",
    "azurerm_network_interface", "azurerm_subnet_network_security_group_association",
    "azurerm_network_interface_security_group_association", "azurerm_route_table",
    "azurerm_subnet_route_table_association", "azurerm_storage_container",
    "azurerm_virtual_machine_data_disk_attachment", "azurerm_role_assignment",
    "azurerm_user_assigned_identity", "azurerm_availability_set",
    "google_compute_network", "google_compute_subnetwork", "google_compute_firewall",
    "google_compute_route", "google_project_service", "google_service_account",
    "google_service_account_key", "google_compute_attached_disk", "google_compute_project_metadata",
    "google_storage_bucket_object", "google_storage_bucket_acl",
    "terraform_data", "null_resource",
];

/// Type-name prefixes and suffixes known to be free (builtin providers, IAM).
const FREE_PREFIXES: &[&str] = &[
    "random_", "time_", "tls_", "local_", "null_", "aws_iam_", "azuread_",
];
const FREE_SUFFIXES: &[&str] = &["_iam_member", "_iam_binding", "_iam_policy"];

/// Whether a resource type is known to have no charge.
pub(crate) fn is_free(type_name: &str) -> bool {
    FREE_TYPES.contains(&type_name)
        || FREE_PREFIXES.iter().any(|p| type_name.starts_with(p))
        || FREE_SUFFIXES.iter().any(|s| type_name.ends_with(s))
}

/// Prices a type without a dedicated rule: free if known free, otherwise unpriced with the reason.
pub(super) fn other(type_name: &str, a: &Attrs, cx: &Cx) -> StateCost {
    let cloud = cloud_of_type(type_name);
    let mut s = StateCost {
        cloud,
        ..StateCost::default()
    };
    s.region = cloud.and_then(|c| super::region_hint(c, a, cx));
    if is_free(type_name) {
        s.free = Some(format!("no charge for {type_name}"));
    } else {
        s.blocker = Some((
            crate::report::Status::Unpriced,
            format!("AutoStack has no pricing rule for {type_name}"),
        ));
    }
    s
}

/// Adds an unpriced egress component when the usage file gives `monthly_egress_gb`.
pub(super) fn egress(cx: &Cx, out: &mut Vec<Component>) {
    if let Some(gb) = cx.usage.monthly_egress_gb.filter(|g| *g > 0.0) {
        out.push(unpriced(
            "Internet egress".into(),
            "GB",
            Some(gb),
            "the catalog has no egress rate".into(),
        ));
    }
}
