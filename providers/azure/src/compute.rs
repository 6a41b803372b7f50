//! What the Microsoft.Compute types share: API versions and ID shapes.

use crate::ids::IdShape;

/// The virtual machines API version (azure_mgmt_compute 0.21's default tag).
pub const VM_API: &str = "2024-07-01";
/// The managed disks API version (the disk RP's in the same tag).
pub const DISK_API: &str = "2024-03-02";

/// A virtual machine.
pub const VM: IdShape = IdShape("/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Compute/virtualMachines/{virtualMachineName}");
/// A managed disk.
pub const DISK: IdShape = IdShape("/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Compute/disks/{diskName}");
/// A data disk attachment (azurerm's own ID: the VM's, then the disk's name).
pub const ATTACHMENT: IdShape = IdShape("/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Compute/virtualMachines/{virtualMachineName}/dataDisks/{dataDiskName}");
