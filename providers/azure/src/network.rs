//! What the Microsoft.Network types share: the API version and ID shapes.

use crate::ids::IdShape;

/// The Network API version (azure_mgmt_network 0.21's default tag, package-2024-03).
pub const API: &str = "2024-03-01";

/// A virtual network.
pub const VNET: IdShape = IdShape("/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network/virtualNetworks/{virtualNetworkName}");
/// A subnet of a virtual network.
pub const SUBNET: IdShape = IdShape("/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network/virtualNetworks/{virtualNetworkName}/subnets/{subnetName}");
/// A network security group.
pub const NSG: IdShape = IdShape("/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network/networkSecurityGroups/{networkSecurityGroupName}");
/// A rule of a network security group.
pub const NSG_RULE: IdShape = IdShape("/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network/networkSecurityGroups/{networkSecurityGroupName}/securityRules/{securityRuleName}");
/// A public IP address.
pub const PUBLIC_IP: IdShape = IdShape("/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network/publicIPAddresses/{publicIPAddressName}");
/// A network interface.
pub const NIC: IdShape = IdShape("/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network/networkInterfaces/{networkInterfaceName}");
/// A route table.
pub const ROUTE_TABLE: IdShape = IdShape("/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network/routeTables/{routeTableName}");
