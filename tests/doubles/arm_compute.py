"""Microsoft.Compute types of the ARM double: virtualMachines (power actions, instanceView, vmSizes,
resize rules, managed OS disk, data disk attach) and managed disks.

References (api-version 2024-07-01 for VMs and 2024-03-02 for disks: azure_mgmt_compute 0.21's
default tag package-2024-07-01):
- github:Azure/azure-rest-api-specs specification/compute/resource-manager/Microsoft.Compute/ComputeRP/
  stable/2024-07-01/virtualMachine.json (CreateOrUpdate 200/201 + Azure-AsyncOperation; Update PATCH;
  Delete 200/202/204; deallocate/start/powerOff/restart 200/202; instanceView; vmSizes) and
  DiskRP/stable/2024-03-02/disk.json (CreateOrUpdate 200/202, Delete 200/202/204, diskState).
- https://learn.microsoft.com/azure/virtual-machines/states-billing (PowerState/running, stopped,
  deallocated, starting, stopping, deallocating; "VM running" display strings).
- https://learn.microsoft.com/azure/virtual-machines/sizes/resize-vm ("if the size is not in the
  available list, deallocate first"; error OperationNotAllowed "... not available in the current
  hardware cluster ..."), and hashicorp/terraform-provider-azurerm internal/services/compute/
  linux_virtual_machine_resource.go (PATCH for updates, deallocate -> resize -> start).
- Compute returns the OS disk's managedDisk.id with the resource group upper-cased, a known quirk
  azurerm parses case-insensitively; the double reproduces it.
"""

import uuid

from arm_core import (TypeSpec, arm_error, deep_copy, get_record, now_iso, ref_id, register,
                      remove_tree, resources)
from common import Response

VM, DISK = "microsoft.compute/virtualmachines", "microsoft.compute/disks"
COMPUTE = "Microsoft.Compute"

# name: (cores, memoryMB, maxDataDisks, resourceDiskMB); the first group is "the current hardware cluster"
SIZES = {
    "Standard_B1s": (1, 1024, 2, 4096), "Standard_B1ms": (1, 2048, 2, 4096), "Standard_B2s": (2, 4096, 4, 8192),
    "Standard_B2ms": (2, 8192, 4, 16384), "Standard_DS1_v2": (1, 3584, 4, 7168), "Standard_D2s_v3": (2, 8192, 4, 16384),
    "Standard_D4s_v3": (4, 16384, 8, 32768),
    "Standard_D2s_v5": (2, 8192, 4, 0), "Standard_D4s_v5": (4, 16384, 8, 0), "Standard_F2s_v2": (2, 4096, 4, 16384),
    "Standard_E2s_v5": (2, 16384, 4, 0), "Standard_A2_v2": (2, 4096, 4, 20480), "Standard_A4_v2": (4, 8192, 8, 40960),
}
CLUSTER = ["Standard_B1s", "Standard_B1ms", "Standard_B2s", "Standard_B2ms", "Standard_DS1_v2", "Standard_D2s_v3",
           "Standard_D4s_v3"]
POWER_TEXT = {"running": "VM running", "stopped": "VM stopped", "deallocated": "VM deallocated",
              "starting": "VM starting", "stopping": "VM stopping", "deallocating": "VM deallocating",
              "restarting": "VM restarting"}


def _size_body(name):
    cores, mem, disks, res = SIZES[name]
    return {"name": name, "numberOfCores": cores, "osDiskSizeInMB": 1047552, "resourceDiskSizeInMB": res,
            "memoryInMB": mem, "maxDataDiskCount": disks}


def _not_allowed(message):
    return arm_error(409, "OperationNotAllowed", message)


def _change_not_allowed(prop):
    return arm_error(409, "PropertyChangeNotAllowed", "Changing property '%s' is not allowed." % prop, target=prop)


# disks ---------------------------------------------------------------------------------------------
def _disk_props(props, size_default=None):
    out = deep_copy(props)
    out.setdefault("creationData", {"createOption": "Empty"})
    size = out.get("diskSizeGB") or size_default
    if size is None and out["creationData"].get("createOption") == "Empty":
        raise arm_error(400, "InvalidParameter", "Required parameter 'diskSizeGB' is missing (null).", target="diskSizeGB")
    out["diskSizeGB"] = int(size or 30)
    out["diskSizeBytes"] = out["diskSizeGB"] * 1024 ** 3
    out.setdefault("uniqueId", str(uuid.uuid4()))
    out.setdefault("timeCreated", now_iso())
    out.setdefault("diskState", "Unattached")
    out.setdefault("encryption", {"type": "EncryptionAtRestWithPlatformKey"})
    out.setdefault("networkAccessPolicy", "AllowAll")
    out.setdefault("publicNetworkAccess", "Enabled")
    out.setdefault("diskIOPSReadWrite", 500)
    out.setdefault("diskMBpsReadWrite", 60)
    return out


def disk_prepare(app, ctx, body, existing):
    props = body.get("properties") or {}
    old = existing["body"]["properties"] if existing else None
    if old and props.get("diskSizeGB") and int(props["diskSizeGB"]) < old["diskSizeGB"]:
        raise arm_error(400, "BadRequest", "Disk size reduction is not supported. Current size is %d GB, requested "
                        "size is %s GB." % (old["diskSizeGB"], props["diskSizeGB"]))
    merged = deep_copy(old or {})
    merged.update(deep_copy(props))
    for key in ("diskState", "uniqueId", "timeCreated"):
        if old and key in old:
            merged[key] = old[key]
    out = {"properties": _disk_props(merged), "sku": body.get("sku") or {"name": "Standard_LRS", "tier": "Standard"}}
    out["sku"].setdefault("tier", "Premium" if out["sku"]["name"].startswith("Premium") else "Standard")
    if existing and existing["body"].get("managedBy"):
        out["managedBy"] = existing["body"]["managedBy"]
    if body.get("zones"):
        out["zones"] = body["zones"]
    return out


def disk_check_delete(app, rec):
    if rec["body"].get("managedBy"):
        raise _not_allowed("Disk %s is attached to VM %s." % (rec["body"]["name"], rec["body"]["managedBy"]))


register(TypeSpec("Microsoft.Compute/disks", create="async202body", api_version="2024-03-02",
                  prepare=disk_prepare, check_delete=disk_check_delete, patch_all_properties=True))


def _new_disk(app, vm_rec, name, size, sku, create_option, extra=None):
    """A managed disk created on the VM's behalf (OS disk FromImage, data disk Empty)."""
    vm_id = vm_rec["body"]["id"]
    rg_part = vm_id.split("/providers/")[0]
    disk_id = "%s/providers/Microsoft.Compute/disks/%s" % (rg_part, name)
    props = _disk_props({"creationData": {"createOption": create_option}, "diskSizeGB": size}, size)
    props.update(extra or {})
    props["provisioningState"] = "Succeeded"
    body = {"id": disk_id, "name": name, "type": "Microsoft.Compute/disks", "location": vm_rec["body"]["location"],
            "tags": {}, "sku": {"name": sku, "tier": "Premium" if sku.startswith("Premium") else "Standard"},
            "properties": props}
    resources(app)[disk_id.lower()] = {"type": DISK, "parent": None, "body": body, "created": now_iso()}
    return body


def _upper_rg(disk_id):
    """Compute's quirk: the resource group segment of managedDisk.id comes back upper-cased."""
    parts = disk_id.split("/")
    parts[4] = parts[4].upper()
    return "/".join(parts)


def _attach(app, vm_id, disk_body):
    disk_body["managedBy"] = vm_id
    disk_body["properties"]["diskState"] = "Attached"


def _detach(app, disk_lid, delete):
    rec = resources(app).get(disk_lid)
    if rec is None:
        return
    if delete:
        remove_tree(app, disk_lid)
    else:
        rec["body"].pop("managedBy", None)
        rec["body"]["properties"]["diskState"] = "Unattached"


# virtual machines: validation --------------------------------------------------------------------------
def _check_size(app, rec, size):
    if size not in SIZES:
        raise arm_error(400, "InvalidParameter", "The value %s provided for the VM size is not valid. The valid sizes in "
                        "the current region are: %s." % (size, ", ".join(sorted(SIZES))), target="vmSize")
    if rec is None:
        return
    old = rec["body"]["properties"]["hardwareProfile"]["vmSize"]
    if size != old and rec.get("power") != "deallocated" and size not in CLUSTER:
        raise _not_allowed("Unable to resize the VM '%s' because the requested size %s is not available in the current "
                           "hardware cluster. The available sizes in this cluster are: %s. Read more on VM resizing "
                           "strategy at https://aka.ms/azure-resizevm." % (rec["body"]["name"], size, ", ".join(CLUSTER)))


def _os_profile(props, old, name):
    prof = deep_copy(props.get("osProfile") or (old or {}).get("osProfile") or {})
    if old:
        for field in ("adminUsername", "computerName"):
            if prof.get(field) and prof[field] != old["osProfile"].get(field):
                raise _change_not_allowed("osProfile." + field)
    elif not prof.get("adminUsername"):
        raise arm_error(400, "InvalidParameter", "Required parameter 'adminUsername' is missing (null).",
                        target="adminUsername")
    prof.pop("adminPassword", None)
    prof.setdefault("computerName", name)
    linux = prof.setdefault("linuxConfiguration", {})
    if linux.get("disablePasswordAuthentication") and not (linux.get("ssh") or {}).get("publicKeys"):
        raise arm_error(400, "InvalidParameter", "Authentication using either SSH or by user name and password must be "
                        "enabled in Linux profile.", target="linuxConfiguration")
    linux.setdefault("provisionVMAgent", True)
    linux.setdefault("patchSettings", {"patchMode": "ImageDefault", "assessmentMode": "ImageDefault"})
    linux.setdefault("enableVMAgentPlatformUpdates", False)
    prof.setdefault("secrets", [])
    prof.setdefault("allowExtensionOperations", True)
    prof.setdefault("requireGuestProvisionSignal", True)
    return prof


def _network_profile(app, props, vm_lid):
    prof = deep_copy(props.get("networkProfile") or {})
    from arm_network import nic_vm
    for ref in prof.get("networkInterfaces", []):
        if get_record(app, ref_id(ref) or "") is None:
            raise arm_error(404, "NotFound", "Resource %s not found." % ref.get("id"))
        owner, _ = nic_vm(app, ref["id"])
        if owner is not None and owner["body"]["id"].lower() != vm_lid:
            raise arm_error(400, "NicInUse", "Network Interface %s is used by existing resource %s."
                            % (ref["id"], owner["body"]["id"]))
    return prof


def _image_reference(ref):
    ref = deep_copy(ref or {})
    if ref.get("publisher") and ref.get("version", "latest") == "latest":
        ref["exactVersion"] = "0.20241210.1942"
    elif ref.get("version"):
        ref["exactVersion"] = ref["version"]
    return ref


def _os_disk(app, props, old, running):
    disk = deep_copy(props.get("storageProfile", {}).get("osDisk") or {})
    if old:
        prev = old["storageProfile"]["osDisk"]
        if disk.get("name") and disk["name"] != prev["name"]:
            raise _change_not_allowed("osDisk.name")
        size = disk.get("diskSizeGB")
        if size and int(size) != prev.get("diskSizeGB") and running:
            raise _not_allowed("Disk resizing is allowed only when creating a VM or when the VM is deallocated.")
        merged = deep_copy(prev)
        merged.update({k: v for k, v in disk.items() if k != "managedDisk"})
        return merged
    disk.setdefault("osType", "Linux")
    disk.setdefault("createOption", "FromImage")
    disk.setdefault("caching", "ReadWrite")
    disk.setdefault("deleteOption", "Detach")
    disk.setdefault("diskSizeGB", 30)
    disk.setdefault("managedDisk", {}).setdefault("storageAccountType", "Standard_LRS")
    return disk


def _data_disks(app, props, vm_id, size):
    disks = deep_copy(props.get("storageProfile", {}).get("dataDisks") or [])
    luns = set()
    for disk in disks:
        if disk.get("lun") in luns:
            raise arm_error(400, "InvalidParameter", "A disk at LUN %s already exists." % disk.get("lun"), target="dataDisks")
        luns.add(disk.get("lun"))
        disk.setdefault("caching", "None")
        disk.setdefault("deleteOption", "Detach")
        disk.setdefault("toBeDetached", False)
        disk.setdefault("writeAcceleratorEnabled", False)
        if disk.get("createOption") == "Attach":
            _check_attachable(app, disk, vm_id)
    if len(disks) > SIZES[size][2]:
        raise _not_allowed("The maximum number of data disks allowed to be attached to a VM of this size is %d."
                           % SIZES[size][2])
    return disks


def _check_attachable(app, disk, vm_id):
    rec = get_record(app, ref_id(disk.get("managedDisk")) or "")
    if rec is None:
        raise arm_error(404, "NotFound", "Disk %s not found." % (disk.get("managedDisk") or {}).get("id"))
    owner = rec["body"].get("managedBy")
    if owner and owner.lower() != vm_id.lower():
        raise _not_allowed("Disk %s is attached to VM %s." % (rec["body"]["name"], owner))
    disk["name"] = rec["body"]["name"]
    disk["diskSizeGB"] = rec["body"]["properties"]["diskSizeGB"]
    disk["managedDisk"]["storageAccountType"] = rec["body"]["sku"]["name"]


def vm_prepare(app, ctx, body, existing):
    """Validates a VM definition (also PATCH-merged ones) and returns what GET will show."""
    props = body.get("properties") or {}
    old = existing["body"]["properties"] if existing else None
    vm_id = existing["body"]["id"] if existing else ctx.build_id(app, None)
    size = (props.get("hardwareProfile") or (old or {}).get("hardwareProfile") or {}).get("vmSize")
    _check_size(app, existing, size)
    running = existing is not None and existing.get("power") != "deallocated"
    out = deep_copy(props)
    out["hardwareProfile"] = {"vmSize": size}
    out["osProfile"] = _os_profile(props, old, ctx.name)
    storage = {"imageReference": _image_reference((props.get("storageProfile") or {}).get("imageReference")
                                                  or (old or {}).get("storageProfile", {}).get("imageReference")),
               "osDisk": _os_disk(app, props, old, running),
               "dataDisks": _data_disks(app, props, vm_id, size), "diskControllerType": "SCSI"}
    out["storageProfile"] = storage
    out["networkProfile"] = _network_profile(app, props if props.get("networkProfile") else old or {}, vm_id.lower())
    out["vmId"] = old["vmId"] if old else str(uuid.uuid4())
    out["timeCreated"] = old["timeCreated"] if old else now_iso()
    out.pop("instanceView", None)
    return _with_zones({"properties": out}, body, existing)


def _with_zones(out, body, existing):
    """`zones` (top level, as ARM has it) is fixed at creation: a PUT or PATCH naming others is refused."""
    old = (existing or {}).get("body", {}).get("zones")
    zones = body.get("zones", old)
    if existing is not None and sorted(zones or []) != sorted(old or []):
        raise _change_not_allowed("zones")
    if zones:
        out["zones"] = list(zones)
    return out


# virtual machines: effects --------------------------------------------------------------------------------
def vm_after_put(app, rec, ctx):
    """Create the managed OS disk and Empty data disks; attach/detach data disks to match the definition."""
    props = rec["body"]["properties"]
    vm_id = rec["body"]["id"]
    os_disk = props["storageProfile"]["osDisk"]
    if not os_disk.get("managedDisk", {}).get("id"):
        name = os_disk.get("name") or "%s_OsDisk_1_%s" % (rec["body"]["name"], uuid.uuid4().hex)
        os_disk["name"] = name
        body = _new_disk(app, rec, name, os_disk["diskSizeGB"], os_disk["managedDisk"]["storageAccountType"], "FromImage",
                         {"osType": "Linux", "hyperVGeneration": "V2"})
        body["properties"]["creationData"]["imageReference"] = {"id": "/Subscriptions/%s/Providers/Microsoft.Compute/"
                                                                "Locations/%s/Publishers/%s/ArtifactTypes/VMImage/Offers/"
                                                                "%s/Skus/%s/Versions/%s" % (
                                                                    ctx.sub, rec["body"]["location"],
                                                                    props["storageProfile"]["imageReference"].get("publisher"),
                                                                    props["storageProfile"]["imageReference"].get("offer"),
                                                                    props["storageProfile"]["imageReference"].get("sku"),
                                                                    props["storageProfile"]["imageReference"].get("exactVersion"))}
        _attach(app, vm_id, body)
        os_disk["managedDisk"]["id"] = _upper_rg(body["id"])
    _sync_data_disks(app, rec)
    if "power" not in rec:
        rec["power"] = "starting"


def _sync_data_disks(app, rec):
    vm_id = rec["body"]["id"]
    wanted = set()
    for disk in rec["body"]["properties"]["storageProfile"]["dataDisks"]:
        if disk.get("createOption") == "Empty" and not disk.get("managedDisk", {}).get("id"):
            body = _new_disk(app, rec, disk["name"], disk.get("diskSizeGB") or 32,
                             disk.get("managedDisk", {}).get("storageAccountType", "Standard_LRS"), "Empty")
            disk.setdefault("managedDisk", {})["id"] = body["id"]
        target = resources(app).get(ref_id(disk["managedDisk"]))
        if target is not None:
            _attach(app, vm_id, target["body"])
            wanted.add(ref_id(disk["managedDisk"]))
    os_id = ref_id(rec["body"]["properties"]["storageProfile"]["osDisk"].get("managedDisk"))
    for drec in list(resources(app).values()):
        owner = drec["body"].get("managedBy")
        lid = drec["body"]["id"].lower()
        if drec["type"] == DISK and owner and owner.lower() == vm_id.lower() and lid not in wanted and lid != os_id:
            _detach(app, lid, False)


def vm_provisioned(app, rec):
    if rec.get("power") in (None, "starting"):
        rec["power"] = "running"


def vm_removed(app, rec):
    """Deleting a VM detaches (or, with deleteOption Delete, deletes) its disks and NICs."""
    storage = rec["body"]["properties"]["storageProfile"]
    for disk in [storage["osDisk"]] + storage["dataDisks"]:
        lid = ref_id(disk.get("managedDisk"))
        if lid:
            _detach(app, lid, disk.get("deleteOption") == "Delete")
    for ref in rec["body"]["properties"]["networkProfile"].get("networkInterfaces", []):
        if (ref.get("properties") or {}).get("deleteOption") == "Delete":
            remove_tree(app, ref["id"])


def instance_view(app, rec):
    """instanceView as Compute returns it: provisioning status plus PowerState/<state>."""
    props = rec["body"]["properties"]
    prov = props.get("provisioningState", "Succeeded")
    power = rec.get("power", "starting")
    disks = [{"name": d["name"], "statuses": [{"code": "ProvisioningState/succeeded", "level": "Info",
                                               "displayStatus": "Provisioning succeeded", "time": props["timeCreated"]}]}
             for d in [props["storageProfile"]["osDisk"]] + props["storageProfile"]["dataDisks"] if d.get("name")]
    return {"computerName": props["osProfile"]["computerName"], "osName": "ubuntu", "osVersion": "22.04",
            "hyperVGeneration": "V2",
            "vmAgent": {"vmAgentVersion": "2.11.1.12", "statuses": [{"code": "ProvisioningState/succeeded", "level": "Info",
                                                                     "displayStatus": "Ready", "message": "Guest Agent is running"}]},
            "disks": disks,
            "statuses": [{"code": "ProvisioningState/%s" % prov.lower(), "level": "Info",
                          "displayStatus": "Provisioning succeeded" if prov == "Succeeded" else prov,
                          "time": props["timeCreated"]},
                         {"code": "PowerState/%s" % power, "level": "Info", "displayStatus": POWER_TEXT[power]}]}


def vm_expand(app, rec, body, expand):
    if expand.lower() == "instanceview":
        body["properties"]["instanceView"] = instance_view(app, rec)
    return body


def view_instance(app, req, ctx, rec):
    return Response(200, instance_view(app, rec))


def view_sizes(app, req, ctx, rec):
    """Sizes the VM can be resized to now: the cluster's while allocated, all when deallocated."""
    names = sorted(SIZES) if rec.get("power") == "deallocated" else CLUSTER
    return Response(200, {"value": [_size_body(n) for n in names]})  # not pageable in the spec


# power actions: effect at POST (transitional state), final state when the operation completes
TRANSITIONS = {"deallocate": ("deallocating", "deallocated"), "poweroff": ("stopping", "stopped"),
               "start": ("starting", "running"), "restart": ("restarting", "running")}


def _action(name):
    def run(app, req, ctx, rec):
        from arm_resources import start_action
        if name == "restart" and rec.get("power") in ("deallocated", "stopped"):
            raise _not_allowed("Operation 'restart' is not allowed on VM '%s' since the VM is %s."
                               % (rec["body"]["name"], rec["power"]))
        rec["power"] = TRANSITIONS[name][0]
        return start_action(app, req, ctx, rec, name)
    return run


def vm_action_done(app, rec, action):
    rec["power"] = TRANSITIONS[action][1]


def compute_subscription_paths(app, req, sub, segs):
    """`/subscriptions/{s}/providers/Microsoft.Compute/locations/{loc}/vmSizes`: the region's catalog."""
    if len(segs) == 4 and segs[0].lower() == "microsoft.compute" and segs[3].lower() == "vmsizes":
        return Response(200, {"value": [_size_body(n) for n in sorted(SIZES)]})
    return None


register(TypeSpec("Microsoft.Compute/virtualMachines", api_version="2024-07-01", prepare=vm_prepare,
                  after_put=vm_after_put, on_provisioned=vm_provisioned, on_removed=vm_removed, expand=vm_expand,
                  patch_all_properties=True, action_done=vm_action_done,
                  views={"instanceview": view_instance, "vmsizes": view_sizes},
                  actions={n: _action(n) for n in TRANSITIONS},
                  subscription_paths=compute_subscription_paths))
