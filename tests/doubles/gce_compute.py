"""Compute Engine instances and disks in the double.

Instances: insert (boot disk from initializeParams, attached disks, network interfaces with
internal IPs from the subnetwork and access configs, metadata, tags, labels, service accounts),
get/list/delete, stop/start, setMachineType (TERMINATED only), setLabels/setMetadata/setTags
(fingerprints checked, 412 on mismatch), attachDisk/detachDisk. Status goes PROVISIONING -> STAGING ->
RUNNING over the insert operation, STOPPING -> TERMINATED over stop.
Disks: insert (empty or from an image), get/list/delete (400 in use while attached), setLabels, resize.

References:
- https://cloud.google.com/compute/docs/reference/rest/v1/instances (Instance fields, status enum,
  insert/stop/start/setMachineType/setLabels/setMetadata/setTags/attachDisk/detachDisk) and
  https://cloud.google.com/compute/docs/instances/instance-life-cycle (PROVISIONING, STAGING, RUNNING,
  STOPPING, TERMINATED).
- https://cloud.google.com/compute/docs/instances/changing-machine-type-of-stopped-instance (the
  instance must be stopped; googleapis/nodejs-compute src/vm.ts matches the error text
  'Instance is starting or running.').
- https://cloud.google.com/compute/docs/reference/rest/v1/disks (sizeGb as int64 string, users,
  status CREATING/READY, resize only grows, delete of an attached disk -> 400
  resourceInUseByAnotherResource as terraform-provider-google's disk delete handling expects).
"""

from gce_catalog import (ZONES, default_service_account, machine_type_key, require_zone, resolve_image, stable_id)
from gce_core import (already_exists, body_json, busy_check, check_name, fingerprint, fingerprint_mismatch, gce_error,
                      get, in_use, invalid, link, list_response, new_id, not_found, poll_target, relative, require,
                      rfc3339, start_operation, store, strip_empty)
from gce_network import internal_ip, set_labels, _external_ip
from common import Response

DISK_TYPES = ("pd-standard", "pd-balanced", "pd-ssd", "pd-extreme", "hyperdisk-balanced")


def _op(op):
    return Response(200, dict(op))


def _view(app, key):
    body = dict(require(app, key)["body"])
    if body.get("labels") == {}:
        body.pop("labels")
    return strip_empty(body)


# disks ------------------------------------------------------------------------------------------------------
def _disk_type(project, zone, ref):
    name = (ref or "pd-standard").rsplit("/", 1)[-1]
    if name not in DISK_TYPES:
        raise invalid("resource.type", ref, "Disk type '%s' does not exist in zone '%s'." % (name, zone))
    return link("projects/%s/zones/%s/diskTypes/%s" % (project, zone, name))


def new_disk(app, project, zone, name, size, disk_type, image=None, labels=None, field="resource"):
    """Create a disk record (status CREATING); callers start the operation that makes it READY."""
    key = "projects/%s/zones/%s/disks/%s" % (project, zone, name)
    if get(app, key):
        raise already_exists(key)
    body = {"kind": "compute#disk", "id": new_id(app), "creationTimestamp": rfc3339(), "name": name, "description": "",
            "zone": link("projects/%s/zones/%s" % (project, zone)), "status": "CREATING", "selfLink": link(key),
            "type": _disk_type(project, zone, disk_type), "labels": labels or {},
            "labelFingerprint": fingerprint(labels or {}), "physicalBlockSizeBytes": "4096", "users": [],
            "architecture": "X86_64"}
    min_size = 10 if image else 1
    if image:
        img_project, entry = resolve_image(project, image)
        body["sourceImage"] = link("projects/%s/global/images/%s" % (img_project, entry[0]))
        body["sourceImageId"] = stable_id(img_project + entry[0])
        body["licenses"] = [link("projects/%s/global/licenses/%s" % (img_project, entry[1]))]
        min_size = entry[2]
    size = int(size or (min_size if image else 500 if body["type"].endswith("pd-standard") else 100))
    if size < min_size:
        raise invalid("%s.sizeGb" % field, size, "Requested disk size cannot be smaller than the image size (%d GB)."
                      % min_size)
    body["sizeGb"] = str(size)
    store(app)[key] = {"body": body}
    return key


def _ready(app, key):
    rec = store(app).get(key)
    if rec:
        rec["body"]["status"] = "READY"


def disks(app, req, project, zone):
    require_zone(project, zone)
    base = "projects/%s/zones/%s/disks" % (project, zone)
    if req.method == "GET":
        items = [_view(app, k) for k, r in store(app).items() if k.startswith(base + "/")]
        return list_response(app, req, "compute#diskList", base, items)
    body = body_json(req)
    check_name(body.get("name"))
    image = body.get("sourceImage") or req.query.get("sourceImage")
    key = new_disk(app, project, zone, body["name"], body.get("sizeGb"), body.get("type"), image, body.get("labels"))
    store(app)[key]["body"]["description"] = body.get("description", "")
    return _op(start_operation(app, project, "zones/" + zone, "insert", key, lambda: _ready(app, key)))


def disk(app, req, project, zone, name):
    key = "projects/%s/zones/%s/disks/%s" % (project, zone, name)
    if req.method == "GET":
        poll_target(app, key)
        return Response(200, _view(app, key))
    rec = require(app, key)
    if rec["body"]["users"]:
        raise in_use("disk", key, rec["body"]["users"][0].split("/compute/v1/", 1)[1])
    busy_check(app, key)
    rec["body"]["status"] = "DELETING"
    return _op(start_operation(app, project, "zones/" + zone, "delete", key, lambda: store(app).pop(key, None) and None))


def disk_action(app, req, project, zone, name, action):
    key = "projects/%s/zones/%s/disks/%s" % (project, zone, name)
    rec = require(app, key)
    busy_check(app, key)
    if action == "setLabels":
        return set_labels(app, req, project, "zones/" + zone, key, rec)
    if action == "resize":
        size = int(body_json(req).get("sizeGb") or 0)
        if size <= int(rec["body"]["sizeGb"]):
            raise invalid("sizeGb", size, "Requested disk size cannot be smaller than current disk size (%s GB)."
                          % rec["body"]["sizeGb"])

        def grow():
            rec["body"]["sizeGb"] = str(size)
        return _op(start_operation(app, project, "zones/" + zone, "resizeDisk", key, grow))
    raise not_found(key + "/" + action)


# instances: insert ---------------------------------------------------------------------------------------------
def _attached(project, zone, disk_body, spec, index, boot):
    return {"kind": "compute#attachedDisk", "type": "PERSISTENT", "mode": spec.get("mode", "READ_WRITE"),
            "source": disk_body["selfLink"], "deviceName": spec.get("deviceName") or (
                disk_body["name"] if not boot else "persistent-disk-0"),
            "index": index, "boot": boot, "autoDelete": bool(spec.get("autoDelete", False)), "interface": "SCSI",
            "diskSizeGb": disk_body["sizeGb"], "licenses": disk_body.get("licenses", []),
            "guestOsFeatures": [{"type": "VIRTIO_SCSI_MULTIQUEUE"}, {"type": "UEFI_COMPATIBLE"}],
            "architecture": "X86_64"}


def _check_disk_free(app, key, mode):
    rec = require(app, key)
    if rec["body"]["users"] and mode != "READ_ONLY":
        raise in_use("disk", key, rec["body"]["users"][0].split("/compute/v1/", 1)[1])
    return rec


def _build_disks(app, project, zone, name, specs):
    """Validate first, then create: a failed insert must leave no disk behind."""
    if not any(s.get("boot") for s in specs):
        raise invalid("resource.disks", "", "Boot disk must be specified.")
    for i, spec in enumerate(specs):
        if spec.get("source"):
            _check_disk_free(app, relative(spec["source"], project, "zones/" + zone, "disks"), spec.get("mode"))
        elif spec.get("initializeParams"):
            params = spec["initializeParams"]
            dname = params.get("diskName") or (name if spec.get("boot") else "%s-%d" % (name, i))
            if get(app, "projects/%s/zones/%s/disks/%s" % (project, zone, dname)):
                raise already_exists("projects/%s/zones/%s/disks/%s" % (project, zone, dname))
            if params.get("sourceImage"):
                resolve_image(project, params["sourceImage"])
        else:
            raise gce_error(400, "Required field 'resource.disks[%d].source' not specified" % i, "required")
    out, created = [], []
    for i, spec in enumerate(specs):
        if spec.get("source"):
            key = relative(spec["source"], project, "zones/" + zone, "disks")
        else:
            params = spec["initializeParams"]
            dname = params.get("diskName") or (name if spec.get("boot") else "%s-%d" % (name, i))
            key = new_disk(app, project, zone, dname, params.get("diskSizeGb"), params.get("diskType"),
                           params.get("sourceImage"), params.get("labels"), "resource.disks[%d].initializeParams" % i)
            created.append(key)
        out.append((key, spec))
    return out, created


def _nic(app, project, zone, spec, index):
    region = ZONES[zone]
    field = "resource.networkInterfaces[%d]" % index
    if spec.get("subnetwork"):
        skey = relative(spec["subnetwork"], project, "regions/" + region, "subnetworks")
        sub = require(app, skey)["body"]
        if sub["region"].rsplit("/", 1)[-1] != region:
            raise invalid(field + ".subnetwork", spec["subnetwork"], "Subnetwork must be in region '%s'." % region)
        nkey = sub["network"].split("/compute/v1/", 1)[1]
    else:
        nkey = relative(spec.get("network") or "global/networks/default", project, "global", "networks")
        net = require(app, nkey)["body"]
        if not net["autoCreateSubnetworks"]:
            raise invalid(field + ".subnetwork", "", "Subnetwork should be specified for custom subnetmode network")
        skey = next(k for k, r in store(app).items() if r["body"]["kind"] == "compute#subnetwork"
                    and r["body"]["network"] == link(nkey) and k.split("/")[3] == region)
    nic = {"kind": "compute#networkInterface", "network": link(nkey), "subnetwork": link(skey), "name": "nic%d" % index,
           "networkIP": internal_ip(app, skey, spec.get("networkIP"), field + ".networkIP"), "stackType": "IPV4_ONLY"}
    configs = []
    for ac in spec.get("accessConfigs") or []:
        configs.append({"kind": "compute#accessConfig", "type": "ONE_TO_ONE_NAT", "name": ac.get("name", "External NAT"),
                        "natIP": _nat_ip(app, project, region, ac.get("natIP"), field), "networkTier": ac.get(
                            "networkTier", "PREMIUM")})
    if configs:
        nic["accessConfigs"] = configs
    nic["fingerprint"] = fingerprint(nic)
    return nic


def _nat_ip(app, project, region, wanted, field):
    if not wanted:
        return _external_ip(app)
    for rec in store(app).values():
        b = rec["body"]
        if b["kind"] == "compute#address" and b["address"] == wanted:
            if b.get("users"):
                raise invalid(field + ".accessConfigs[0].natIP", wanted, "The IP address is already in use.")
            return wanted
    raise invalid(field + ".accessConfigs[0].natIP", wanted, "The IP address is not reserved in region '%s'." % region)


def _metadata(items, fp=None):
    body = {"kind": "compute#metadata", "items": items or []}
    body["fingerprint"] = fp or fingerprint(items or {})
    return strip_empty(body)


def _tags(items):
    return strip_empty({"items": items or [], "fingerprint": fingerprint(items or {})})


def instances(app, req, project, zone):
    require_zone(project, zone)
    base = "projects/%s/zones/%s/instances" % (project, zone)
    if req.method == "GET":
        items = [_view(app, k) for k, r in store(app).items() if k.startswith(base + "/")]
        return list_response(app, req, "compute#instanceList", base, items)
    body = body_json(req)
    check_name(body.get("name"))
    key = "%s/%s" % (base, body["name"])
    if get(app, key):
        raise already_exists(key)
    mtype = machine_type_key(project, zone, body.get("machineType"), "resource.machineType")
    nics = [_nic(app, project, zone, n, i) for i, n in enumerate(body.get("networkInterfaces") or [{}])]
    disk_pairs, created = _build_disks(app, project, zone, body["name"], body.get("disks") or [])
    inst = _instance_body(app, project, zone, key, body, mtype, nics)
    store(app)[key] = {"body": inst}
    for i, (dkey, spec) in enumerate(disk_pairs):
        _attach(app, key, dkey, spec, i, bool(spec.get("boot")))
    _claim_addresses(app, key, inst)

    def running():
        inst["status"] = "STAGING"

    def done():
        inst["status"] = "RUNNING"
        inst["lastStartTimestamp"] = rfc3339()
        for dkey in created:
            _ready(app, dkey)
    op = start_operation(app, project, "zones/" + zone, "insert", key, done)
    app.effects[op["name"] + ":running"] = running
    return _op(op)


def _instance_body(app, project, zone, key, body, mtype, nics):
    labels = body.get("labels") or {}
    accounts = [{"email": default_service_account(project) if sa.get("email") in (None, "default") else sa["email"],
                 "scopes": sa.get("scopes") or []} for sa in body.get("serviceAccounts") or []]
    sched = {"onHostMaintenance": "MIGRATE", "automaticRestart": True, "preemptible": False,
             "provisioningModel": "STANDARD"}
    sched.update(body.get("scheduling") or {})
    inst = {"kind": "compute#instance", "id": new_id(app), "creationTimestamp": rfc3339(), "name": body["name"],
            "description": body.get("description", ""), "tags": _tags((body.get("tags") or {}).get("items")),
            "machineType": mtype, "status": "PROVISIONING", "zone": link("projects/%s/zones/%s" % (project, zone)),
            "canIpForward": bool(body.get("canIpForward", False)), "networkInterfaces": nics, "disks": [],
            "metadata": _metadata((body.get("metadata") or {}).get("items")), "serviceAccounts": accounts,
            "selfLink": link(key), "scheduling": sched, "cpuPlatform": "Unknown CPU Platform", "labels": labels,
            "labelFingerprint": fingerprint(labels), "startRestricted": False,
            "deletionProtection": bool(body.get("deletionProtection", False)),
            "shieldedInstanceConfig": body.get("shieldedInstanceConfig") or {
                "enableSecureBoot": False, "enableVtpm": True, "enableIntegrityMonitoring": True},
            "fingerprint": "", "lastStartTimestamp": None}
    if body.get("hostname"):
        inst["hostname"] = body["hostname"]
    inst["fingerprint"] = fingerprint({"name": inst["name"], "id": inst["id"]})
    return inst


def _attach(app, inst_key, disk_key, spec, index, boot):
    inst = store(app)[inst_key]["body"]
    drec = store(app)[disk_key]
    inst["disks"].append(_attached(None, None, drec["body"], spec, index, boot))
    drec["body"]["users"].append(link(inst_key))
    drec["body"]["lastAttachTimestamp"] = rfc3339()


def _claim_addresses(app, inst_key, inst):
    ips = {ac["natIP"] for n in inst["networkInterfaces"] for ac in n.get("accessConfigs", [])}
    ips |= {n["networkIP"] for n in inst["networkInterfaces"]}
    for rec in store(app).values():
        b = rec["body"]
        if b["kind"] == "compute#address" and b["address"] in ips:
            b["status"], b["users"] = "IN_USE", [link(inst_key)]


# instances: get, delete, actions ------------------------------------------------------------------------------
def instance(app, req, project, zone, name):
    key = "projects/%s/zones/%s/instances/%s" % (project, zone, name)
    if req.method == "GET":
        poll_target(app, key)
        return Response(200, _view(app, key))
    rec = require(app, key)
    busy_check(app, key)
    if rec["body"].get("deletionProtection"):
        raise gce_error(400, "Invalid resource usage: 'Resource cannot be deleted if it's protected against deletion.'.",
                        "resourceInUseByAnotherResource")
    rec["body"]["status"] = "STOPPING"
    return _op(start_operation(app, project, "zones/" + zone, "delete", key, lambda: _remove_instance(app, key)))


def _remove_instance(app, key):
    """Deleting an instance deletes autoDelete disks, detaches the others and frees addresses."""
    inst = store(app).pop(key)["body"]
    for att in inst["disks"]:
        dkey = att["source"].split("/compute/v1/", 1)[1]
        drec = store(app).get(dkey)
        if drec is None:
            continue
        drec["body"]["users"] = [u for u in drec["body"]["users"] if u != link(key)]
        if att["autoDelete"] and not drec["body"]["users"]:
            store(app).pop(dkey)
    for rec in store(app).values():
        if rec["body"]["kind"] == "compute#address" and link(key) in rec["body"].get("users", []):
            rec["body"]["users"], rec["body"]["status"] = [], "RESERVED"
    return None


def instance_action(app, req, project, zone, name, action):
    key = "projects/%s/zones/%s/instances/%s" % (project, zone, name)
    rec = require(app, key)
    handler = ACTIONS.get(action)
    if handler is None:
        raise not_found(key + "/" + action)
    busy_check(app, key)
    return _op(handler(app, req, project, zone, key, rec))


def _stop(app, req, project, zone, key, rec):
    inst = rec["body"]
    if inst["status"] in ("TERMINATED", "STOPPED"):
        return start_operation(app, project, "zones/" + zone, "stop", key)
    inst["status"] = "STOPPING"

    def done():
        inst["status"] = "TERMINATED"
        inst["lastStopTimestamp"] = rfc3339()
    return start_operation(app, project, "zones/" + zone, "stop", key, done)


def _start(app, req, project, zone, key, rec):
    inst = rec["body"]
    if inst["status"] == "RUNNING":
        return start_operation(app, project, "zones/" + zone, "start", key)
    inst["status"] = "STAGING"

    def done():
        inst["status"] = "RUNNING"
        inst["lastStartTimestamp"] = rfc3339()
    return start_operation(app, project, "zones/" + zone, "start", key, done)


def _set_machine_type(app, req, project, zone, key, rec):
    inst = rec["body"]
    mtype = machine_type_key(project, zone, body_json(req).get("machineType"), "machineType")
    if inst["status"] != "TERMINATED":
        raise gce_error(400, "Instance is starting or running.", "invalidResourceUsage")

    def done():
        inst["machineType"] = mtype
    return start_operation(app, project, "zones/" + zone, "setMachineType", key, done)


def _set_labels(app, req, project, zone, key, rec):
    return set_labels(app, req, project, "zones/" + zone, key, rec).body


def _set_metadata(app, req, project, zone, key, rec):
    body = body_json(req)
    if body.get("fingerprint") != rec["body"]["metadata"]["fingerprint"]:
        raise fingerprint_mismatch("metadata")
    items = body.get("items") or []

    def done():
        rec["body"]["metadata"] = _metadata(items, fingerprint(items + [{"v": rec["body"]["metadata"]["fingerprint"]}]))
    return start_operation(app, project, "zones/" + zone, "setMetadata", key, done)


def _set_tags(app, req, project, zone, key, rec):
    body = body_json(req)
    if body.get("fingerprint") != rec["body"]["tags"]["fingerprint"]:
        raise fingerprint_mismatch("tags")

    def done():
        rec["body"]["tags"] = _tags(body.get("items"))
    return start_operation(app, project, "zones/" + zone, "setTags", key, done)


def _attach_disk(app, req, project, zone, key, rec):
    spec = body_json(req)
    if not spec.get("source"):
        raise gce_error(400, "Required field 'source' not specified", "required")
    dkey = relative(spec["source"], project, "zones/" + zone, "disks")
    busy_check(app, dkey)
    _check_disk_free(app, dkey, spec.get("mode"))
    device = spec.get("deviceName") or dkey.rsplit("/", 1)[-1]
    if any(d["deviceName"] == device for d in rec["body"]["disks"]):
        raise invalid("deviceName", device, "A disk with this device name is already attached.")
    spec["deviceName"] = device
    _attach(app, key, dkey, spec, len(rec["body"]["disks"]), False)
    return start_operation(app, project, "zones/" + zone, "attachDisk", key)


def _detach_disk(app, req, project, zone, key, rec):
    device = req.query.get("deviceName")
    att = next((d for d in rec["body"]["disks"] if d["deviceName"] == device), None)
    if att is None:
        raise invalid("deviceName", device, "No attached disk found with device name '%s'." % device)
    if att["boot"] and rec["body"]["status"] != "TERMINATED":
        raise invalid("deviceName", device, "Cannot detach the boot disk of a running instance.")
    rec["body"]["disks"].remove(att)
    drec = store(app).get(att["source"].split("/compute/v1/", 1)[1])
    if drec:
        drec["body"]["users"] = [u for u in drec["body"]["users"] if u != link(key)]
        drec["body"]["lastDetachTimestamp"] = rfc3339()
    return start_operation(app, project, "zones/" + zone, "detachDisk", key)


ACTIONS = {"stop": _stop, "start": _start, "setMachineType": _set_machine_type, "setLabels": _set_labels,
           "setMetadata": _set_metadata, "setTags": _set_tags, "attachDisk": _attach_disk, "detachDisk": _detach_disk}


# aggregated lists ----------------------------------------------------------------------------------------------
def scoped(app, project, kind):
    """(scope, item) pairs of a kind across zones/regions, for aggregatedList."""
    out = []
    for key, rec in store(app).items():
        parts = key.split("/")
        if parts[1] == project and rec["body"]["kind"] == kind and parts[2] in ("zones", "regions"):
            out.append(("%s/%s" % (parts[2], parts[3]), _view(app, key)))
    return out
