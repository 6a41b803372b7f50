"""Compute Engine networking in the double: networks (auto and custom mode), subnetworks
(+ expandIpCidrRange, fingerprinted PATCH), firewalls, regional addresses (+ setLabels).

References:
- https://cloud.google.com/compute/docs/reference/rest/v1/networks (insert/get/list/patch/delete;
  autoCreateSubnetworks, routingConfig.routingMode, mtu 1460 default, subnetworks as URLs;
  deleting a network still used by subnetworks/firewalls/instances fails the operation with
  RESOURCE_IN_USE_BY_ANOTHER_RESOURCE, as `Error waiting for Deleting Network: The network resource
  ... is already being used by ...` in terraform-provider-google issues shows).
- .../subnetworks (ipCidrRange, gatewayAddress, fingerprint required by patch -> 412 conditionNotMet,
  expandIpCidrRange), https://cloud.google.com/vpc/docs/subnets (4 reserved addresses per primary
  range: network, gateway, second-to-last, broadcast; overlapping ranges rejected).
- .../firewalls (priority 1000, direction INGRESS, sourceRanges 0.0.0.0/0 when no source is given,
  allowed[].IPProtocol/ports, logConfig.enable) and .../addresses (addressType EXTERNAL/INTERNAL,
  status RESERVED/IN_USE, users, networkTier PREMIUM, labels + labelFingerprint, setLabels).
"""

import ipaddress

from gce_catalog import REGIONS, require_region
from gce_core import (body_json, busy_check, check_name, already_exists, fingerprint, fingerprint_mismatch, gce_error,
                      get, invalid, link, list_response, new_id, op_in_use_error, poll_target, relative,
                      require, rfc3339, start_operation, store, strip_empty)
from common import Response


def _op_response(op):
    return Response(200, dict(op))


def _get(app, key):
    poll_target(app, key)
    return Response(200, view(app, key))


def view(app, key):
    """The JSON for a stored resource, with computed fields (network.subnetworks, address.users)."""
    rec = require(app, key)
    body = dict(rec["body"])
    if body["kind"] == "compute#network":
        subs = [k for k, r in store(app).items() if r["body"]["kind"] == "compute#subnetwork"
                and r["body"]["network"] == link(key)]
        body["subnetworks"] = [link(k) for k in subs]
    if body.get("labels") == {}:
        body.pop("labels")
    return strip_empty(body)


def _items(app, prefix, kind):
    return [view(app, k) for k, r in list(store(app).items()) if k.startswith(prefix) and r["body"]["kind"] == kind]


# networks -----------------------------------------------------------------------------------------------
def networks(app, req, project):
    key = "projects/%s/global/networks" % project
    if req.method == "GET":
        return list_response(app, req, "compute#networkList", key, _items(app, key + "/", "compute#network"))
    nkey = create_network(app, project, body_json(req))
    return _op_response(start_operation(app, project, "global", "insert", nkey))


def create_network(app, project, body):
    """Validate and store a network (and its auto-mode subnetworks); returns its key."""
    check_name(body.get("name"))
    nkey = "projects/%s/global/networks/%s" % (project, body["name"])
    if get(app, nkey):
        raise already_exists(nkey)
    auto = body.get("autoCreateSubnetworks", True)
    store(app)[nkey] = {"body": {
        "kind": "compute#network", "id": new_id(app), "creationTimestamp": rfc3339(), "name": body["name"],
        "description": body.get("description", ""), "selfLink": link(nkey), "autoCreateSubnetworks": auto,
        "routingConfig": {"routingMode": (body.get("routingConfig") or {}).get("routingMode", "REGIONAL")},
        "mtu": int(body.get("mtu") or 1460), "networkFirewallPolicyEnforcementOrder": "AFTER_CLASSIC_FIREWALL"}}
    store(app)[nkey]["body"]["selfLinkWithId"] = link("projects/%s/global/networks/%s" % (
        project, store(app)[nkey]["body"]["id"]))
    if auto:
        for region, (_, cidr) in REGIONS.items():
            _put_subnet(app, project, region, body["name"], nkey, {"ipCidrRange": cidr}, auto=True)
    return nkey


def network(app, req, project, name):
    key = "projects/%s/global/networks/%s" % (project, name)
    if req.method == "GET":
        return _get(app, key)
    rec = require(app, key)
    busy_check(app, key)
    if req.method == "PATCH":
        patch = body_json(req)
        if "routingConfig" in patch:
            rec["body"]["routingConfig"] = {"routingMode": patch["routingConfig"].get("routingMode", "REGIONAL")}
        if "mtu" in patch:
            rec["body"]["mtu"] = int(patch["mtu"])
        return _op_response(start_operation(app, project, "global", "patch", key))
    return _op_response(start_operation(app, project, "global", "delete", key, lambda: _delete_network(app, key)))


def _network_users(app, key):
    url = link(key)
    for k, rec in store(app).items():
        b = rec["body"]
        if b["kind"] == "compute#subnetwork" and b["network"] == url and not rec.get("auto"):
            return k
        if b["kind"] == "compute#firewall" and b["network"] == url:
            return k
        if b["kind"] == "compute#instance" and any(n["network"] == url for n in b["networkInterfaces"]):
            return k
    return None


def _delete_network(app, key):
    """Runs when the delete operation completes: refuses while something uses the network."""
    user = _network_users(app, key)
    if user:
        return op_in_use_error("network", key, user)
    url = link(key)
    for k in [k for k, r in store(app).items() if r["body"]["kind"] == "compute#subnetwork" and r["body"]["network"] == url]:
        store(app).pop(k)
    store(app).pop(key, None)
    return None


# subnetworks ----------------------------------------------------------------------------------------------
def _check_range(app, project, region, name, network_url, cidr, field="resource.ipCidrRange"):
    try:
        net = ipaddress.ip_network(cidr, strict=True)
    except (ValueError, TypeError):
        raise invalid(field, cidr, "Invalid IPCidrRange: %s" % cidr)
    for key, rec in store(app).items():
        b = rec["body"]
        if b["kind"] == "compute#subnetwork" and b["network"] == network_url and b["name"] != name:
            if net.overlaps(ipaddress.ip_network(b["ipCidrRange"])):
                raise invalid(field, cidr, "Invalid IPCidrRange: %s conflicts with existing subnetwork '%s' in region '%s'."
                              % (cidr, b["name"], b["region"].rsplit("/", 1)[-1]))
    return net


def _put_subnet(app, project, region, name, network_key, body, auto=False):
    key = "projects/%s/regions/%s/subnetworks/%s" % (project, region, name)
    net = _check_range(app, project, region, name, link(network_key), body.get("ipCidrRange"))
    sub = {"kind": "compute#subnetwork", "id": new_id(app), "creationTimestamp": rfc3339(), "name": name,
           "description": body.get("description", ""), "network": link(network_key), "ipCidrRange": str(net),
           "gatewayAddress": str(net.network_address + 1), "region": link("projects/%s/regions/%s" % (project, region)),
           "selfLink": link(key), "privateIpGoogleAccess": bool(body.get("privateIpGoogleAccess", False)),
           "secondaryIpRanges": body.get("secondaryIpRanges") or [], "purpose": body.get("purpose", "PRIVATE"),
           "stackType": body.get("stackType", "IPV4_ONLY")}
    if body.get("logConfig"):
        sub["logConfig"] = body["logConfig"]
    sub["fingerprint"] = fingerprint(sub)
    store(app)[key] = {"body": sub, "auto": auto}
    return key


def subnetworks(app, req, project, region):
    require_region(project, region)
    key = "projects/%s/regions/%s/subnetworks" % (project, region)
    if req.method == "GET":
        return list_response(app, req, "compute#subnetworkList", key, _items(app, key + "/", "compute#subnetwork"))
    body = body_json(req)
    check_name(body.get("name"))
    if get(app, "%s/%s" % (key, body["name"])):
        raise already_exists("%s/%s" % (key, body["name"]))
    if not body.get("network"):
        raise gce_error(400, "Required field 'resource.network' not specified", "required")
    if not body.get("ipCidrRange"):
        raise gce_error(400, "Required field 'resource.ipCidrRange' not specified", "required")
    nkey = relative(body["network"], project, "global", "networks")
    require(app, nkey)
    skey = _put_subnet(app, project, region, body["name"], nkey, body)
    return _op_response(start_operation(app, project, "regions/" + region, "insert", skey))


def subnetwork(app, req, project, region, name):
    key = "projects/%s/regions/%s/subnetworks/%s" % (project, region, name)
    if req.method == "GET":
        return _get(app, key)
    rec = require(app, key)
    busy_check(app, key)
    if req.method == "PATCH":
        return _patch_subnet(app, req, project, region, key, rec)
    return _op_response(start_operation(app, project, "regions/" + region, "delete", key,
                                        lambda: _delete_subnet(app, key)))


def _patch_subnet(app, req, project, region, key, rec):
    patch = body_json(req)
    if patch.get("fingerprint") != rec["body"]["fingerprint"]:
        raise gce_error(412, "Invalid fingerprint.", "conditionNotMet",
                        extra={"location": "If-Match", "locationType": "header"})
    if "ipCidrRange" in patch and patch["ipCidrRange"] != rec["body"]["ipCidrRange"]:
        raise invalid("resource.ipCidrRange", patch["ipCidrRange"],
                      "The primary range can only be changed by expandIpCidrRange.")
    for field in ("privateIpGoogleAccess", "secondaryIpRanges", "logConfig", "description"):
        if field in patch:
            rec["body"][field] = patch[field]
    rec["body"]["fingerprint"] = fingerprint({k: v for k, v in rec["body"].items() if k != "fingerprint"})
    return _op_response(start_operation(app, project, "regions/" + region, "patch", key))


def _delete_subnet(app, key):
    url = link(key)
    for k, rec in store(app).items():
        if rec["body"]["kind"] == "compute#instance" and any(
                n.get("subnetwork") == url for n in rec["body"]["networkInterfaces"]):
            return op_in_use_error("subnetwork", key, k)
    store(app).pop(key, None)
    return None


def expand_ip_cidr_range(app, req, project, region, name):
    """Only a strictly larger range containing the current one is accepted."""
    key = "projects/%s/regions/%s/subnetworks/%s" % (project, region, name)
    rec = require(app, key)
    busy_check(app, key)
    wanted = body_json(req).get("ipCidrRange")
    old = ipaddress.ip_network(rec["body"]["ipCidrRange"])
    new = _check_range(app, project, region, name, rec["body"]["network"], wanted, "ipCidrRange")
    if not (old.subnet_of(new) and new.prefixlen < old.prefixlen):
        raise invalid("ipCidrRange", wanted, "The new range must be a superset of the current range %s and larger." % old)
    rec["body"]["ipCidrRange"] = str(new)
    rec["body"]["fingerprint"] = fingerprint({k: v for k, v in rec["body"].items() if k != "fingerprint"})
    return _op_response(start_operation(app, project, "regions/" + region, "expandIpCidrRange", key))


# firewalls -------------------------------------------------------------------------------------------------
def _firewall_body(app, project, body, old=None):
    direction = body.get("direction", "INGRESS")
    out = {"kind": "compute#firewall", "id": old["id"] if old else new_id(app),
           "creationTimestamp": old["creationTimestamp"] if old else rfc3339(), "name": body["name"],
           "description": body.get("description", ""), "network": link(relative(
               body.get("network") or "global/networks/default", project, "global", "networks")),
           "priority": int(body.get("priority", 1000)), "direction": direction,
           "sourceRanges": body.get("sourceRanges") or [], "destinationRanges": body.get("destinationRanges") or [],
           "sourceTags": body.get("sourceTags") or [], "targetTags": body.get("targetTags") or [],
           "sourceServiceAccounts": body.get("sourceServiceAccounts") or [],
           "targetServiceAccounts": body.get("targetServiceAccounts") or [],
           "allowed": body.get("allowed") or [], "denied": body.get("denied") or [],
           "disabled": bool(body.get("disabled", False)),
           "logConfig": body.get("logConfig") or {"enable": False},
           "selfLink": link("projects/%s/global/firewalls/%s" % (project, body["name"]))}
    if direction == "INGRESS" and not (out["sourceRanges"] or out["sourceTags"] or out["sourceServiceAccounts"]):
        out["sourceRanges"] = ["0.0.0.0/0"]
    if direction == "EGRESS" and not out["destinationRanges"]:
        out["destinationRanges"] = ["0.0.0.0/0"]
    if not (out["allowed"] or out["denied"]):
        raise gce_error(400, "Required field 'resource.allowed' not specified", "required")
    return out


def firewalls(app, req, project):
    key = "projects/%s/global/firewalls" % project
    if req.method == "GET":
        return list_response(app, req, "compute#firewallList", key, _items(app, key + "/", "compute#firewall"))
    fkey = create_firewall(app, project, body_json(req))
    return _op_response(start_operation(app, project, "global", "insert", fkey))


def create_firewall(app, project, body):
    check_name(body.get("name"))
    fkey = "projects/%s/global/firewalls/%s" % (project, body["name"])
    if get(app, fkey):
        raise already_exists(fkey)
    fw = _firewall_body(app, project, body)
    require(app, fw["network"].split("/compute/v1/", 1)[1])
    store(app)[fkey] = {"body": fw}
    return fkey


def firewall(app, req, project, name):
    key = "projects/%s/global/firewalls/%s" % (project, name)
    if req.method == "GET":
        return _get(app, key)
    rec = require(app, key)
    busy_check(app, key)
    if req.method in ("PATCH", "PUT"):
        body = body_json(req)
        base = dict(rec["body"]) if req.method == "PATCH" else {"network": rec["body"]["network"]}
        base.update(body)
        base["name"] = name
        rec["body"] = _firewall_body(app, project, base, rec["body"])
        return _op_response(start_operation(app, project, "global", "patch" if req.method == "PATCH" else "update", key))
    return _op_response(start_operation(app, project, "global", "delete", key, lambda: store(app).pop(key, None) and None))


# addresses ----------------------------------------------------------------------------------------------------
def _external_ip(app):
    used = {r["body"].get("address") for r in store(app).values() if r["body"]["kind"] == "compute#address"}
    used |= {ac.get("natIP") for r in store(app).values() if r["body"]["kind"] == "compute#instance"
             for n in r["body"]["networkInterfaces"] for ac in n.get("accessConfigs", [])}
    n = 1
    while str(ipaddress.ip_address("34.118.0.0") + n) in used:
        n += 1
    return str(ipaddress.ip_address("34.118.0.0") + n)


def internal_ip(app, subnet_key, wanted=None, field="resource.address"):
    """First free address of a subnetwork (skipping network and gateway), or validate `wanted`."""
    sub = require(app, subnet_key)["body"]
    net = ipaddress.ip_network(sub["ipCidrRange"])
    used = {r["body"].get("address") for r in store(app).values() if r["body"]["kind"] == "compute#address"}
    used |= {n.get("networkIP") for r in store(app).values() if r["body"]["kind"] == "compute#instance"
             for n in r["body"]["networkInterfaces"]}
    if wanted:
        if ipaddress.ip_address(wanted) not in net or wanted in used:
            raise invalid(field, wanted, "IP address is not available in subnetwork '%s'." % sub["name"])
        return wanted
    for offset in range(2, net.num_addresses - 2):
        ip = str(net.network_address + offset)
        if ip not in used:
            return ip
    raise gce_error(400, "IP space of '%s' is exhausted." % subnet_key, "ipSpaceExhausted")


def addresses(app, req, project, region):
    require_region(project, region)
    key = "projects/%s/regions/%s/addresses" % (project, region)
    if req.method == "GET":
        return list_response(app, req, "compute#addressList", key, _items(app, key + "/", "compute#address"))
    body = body_json(req)
    check_name(body.get("name"))
    akey = "%s/%s" % (key, body["name"])
    if get(app, akey):
        raise already_exists(akey)
    kind = body.get("addressType", "EXTERNAL")
    out = {"kind": "compute#address", "id": new_id(app), "creationTimestamp": rfc3339(), "name": body["name"],
           "description": body.get("description", ""), "addressType": kind, "status": "RESERVED",
           "region": link("projects/%s/regions/%s" % (project, region)), "selfLink": link(akey),
           "labels": body.get("labels") or {}, "labelFingerprint": fingerprint(body.get("labels") or {})}
    if kind == "INTERNAL":
        skey = relative(body.get("subnetwork") or "", project, "regions/" + region, "subnetworks")
        if not skey:
            raise gce_error(400, "Required field 'resource.subnetwork' not specified", "required")
        out["subnetwork"] = link(skey)
        out["address"] = internal_ip(app, skey, body.get("address"))
        out["purpose"] = body.get("purpose", "GCE_ENDPOINT")
    else:
        out["address"] = body.get("address") or _external_ip(app)
        out["networkTier"] = body.get("networkTier", "PREMIUM")
    store(app)[akey] = {"body": out}
    return _op_response(start_operation(app, project, "regions/" + region, "insert", akey))


def address(app, req, project, region, name):
    key = "projects/%s/regions/%s/addresses/%s" % (project, region, name)
    if req.method == "GET":
        return _get(app, key)
    rec = require(app, key)
    busy_check(app, key)
    if rec["body"].get("users"):
        raise gce_error(400, "The address resource '%s' is already being used by '%s'"
                        % (key, rec["body"]["users"][0].split("/compute/v1/", 1)[1]), "resourceInUseByAnotherResource")
    return _op_response(start_operation(app, project, "regions/" + region, "delete", key,
                                        lambda: store(app).pop(key, None) and None))


def set_labels(app, req, project, scope_key, key, rec):
    """setLabels for any labelled resource: labelFingerprint must match (412 conditionNotMet)."""
    body = body_json(req)
    if body.get("labelFingerprint") != rec["body"].get("labelFingerprint"):
        raise fingerprint_mismatch(None)
    labels = body.get("labels") or {}

    def apply():
        rec["body"]["labels"] = labels
        rec["body"]["labelFingerprint"] = fingerprint(labels)
    return _op_response(start_operation(app, project, scope_key, "setLabels", key, apply))


def address_set_labels(app, req, project, region, name):
    key = "projects/%s/regions/%s/addresses/%s" % (project, region, name)
    rec = require(app, key)
    return set_labels(app, req, project, "regions/" + region, key, rec)

