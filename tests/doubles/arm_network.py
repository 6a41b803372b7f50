"""Microsoft.Network types of the ARM double: virtualNetworks (+ subnets, child and inline),
networkSecurityGroups (+ securityRules, child and inline), routeTables (inline routes), publicIPAddresses,
networkInterfaces.

References (api-version 2024-03-01, the default tag of azure_mgmt_network 0.21):
- github:Azure/azure-rest-api-specs specification/network/resource-manager/Microsoft.Network/stable/
  2024-03-01/virtualNetwork.json, networkSecurityGroup.json, routeTable.json, publicIpAddress.json, networkInterface.json
  (+ examples/VirtualNetworkCreate.json, SubnetCreate.json, NetworkInterfaceCreate.json,
  PublicIpAddressCreateDefaults.json): PUT 200/201 + Azure-AsyncOperation, DELETE 200/202/204,
  provisioningState "Updating" while an operation runs, weak etags W/"guid".
- https://learn.microsoft.com/azure/virtual-network/virtual-network-manage-subnet (5 reserved
  addresses: first four and the last, so the first NIC gets .4) and
  https://learn.microsoft.com/azure/virtual-network/troubleshoot-vm-connectivity ... error codes
  InUseSubnetCannotBeDeleted, NicInUse, PublicIPAddressCannotBeDeleted,
  InUseNetworkSecurityGroupCannotBeDeleted, NetcfgSubnetRangeOutsideVnet, InvalidResourceReference as
  the Network RP and hashicorp/terraform-provider-azurerm issues quote them.
"""

import ipaddress
import uuid

from arm_core import (TypeSpec, arm_error, children_of, deep_copy, get_record, ref_id, register, resources)

NET = "Microsoft.Network"
VNET, SUBNET = "microsoft.network/virtualnetworks", "microsoft.network/virtualnetworks/subnets"
NSG, RULE = "microsoft.network/networksecuritygroups", "microsoft.network/networksecuritygroups/securityrules"
PIP, NIC = "microsoft.network/publicipaddresses", "microsoft.network/networkinterfaces"
ROUTE_TABLE = "microsoft.network/routetables"
VM = "microsoft.compute/virtualmachines"


def _spec(type_name, **hooks):
    return register(TypeSpec(type_name, etag="network", creating_state="Updating", api_version="2024-03-01", **hooks))


def _network(value, what):
    try:
        return ipaddress.ip_network(value, strict=True)
    except ValueError:
        raise arm_error(400, "InvalidCIDRNotation", "The address prefix %s in resource %s has an invalid CIDR notation."
                        % (value, what))


def _prefixes(props):
    """A subnet's prefixes: `addressPrefix` or `addressPrefixes` (both exist in the API)."""
    if props.get("addressPrefixes"):
        return list(props["addressPrefixes"])
    return [props["addressPrefix"]] if props.get("addressPrefix") else []


def _ref_exists(app, ref, owner_id):
    """Referenced resources must exist: the Network RP's 400 InvalidResourceReference otherwise."""
    lid = ref_id(ref)
    if lid and get_record(app, lid) is None:
        raise arm_error(400, "InvalidResourceReference", "Resource %s referenced by resource %s was not found. Please make "
                        "sure that the referenced resource exists, and that both resources are in the same region."
                        % (ref["id"], owner_id))


# subnets ---------------------------------------------------------------------------------------
def _nic_ipconfigs_in(app, subnet_lid):
    """(nic record, ipconfig) pairs whose subnet is `subnet_lid`: who uses a subnet."""
    out = []
    for nic in resources(app).values():
        if nic["type"] != NIC:
            continue
        for cfg in nic["body"]["properties"].get("ipConfigurations", []):
            if ref_id(cfg["properties"].get("subnet")) == subnet_lid.lower():
                out.append((nic, cfg))
    return out


def _subnet_in_use(app, subnet_rec):
    users = _nic_ipconfigs_in(app, subnet_rec["body"]["id"])
    if users:
        name = subnet_rec["body"]["name"]
        raise arm_error(400, "InUseSubnetCannotBeDeleted", "Subnet %s is in use by %s and cannot be deleted. In order to "
                        "delete the subnet, delete all the resources within the subnet. See aka.ms/deletesubnet."
                        % (name, users[0][1]["id"]))


def _validate_subnet(app, vnet_body, name, props, siblings, owner_id):
    """Prefix inside the VNet's address space and not overlapping a sibling subnet."""
    prefixes = _prefixes(props)
    if not prefixes:
        raise arm_error(400, "InvalidRequestFormat", "Cannot parse the request: subnet %s has no addressPrefix." % name)
    space = [_network(p, vnet_body["id"]) for p in vnet_body["properties"]["addressSpace"].get("addressPrefixes", [])]
    for prefix in prefixes:
        net = _network(prefix, owner_id)
        if not any(net.subnet_of(s) for s in space if s.version == net.version):
            raise arm_error(400, "NetcfgSubnetRangeOutsideVnet", "Subnet '%s' is not valid because its IP address range "
                            "is outside the IP address range of virtual network '%s'." % (name, vnet_body["name"]))
        for sib_name, sib_props in siblings:
            if sib_name.lower() != name.lower() and any(net.overlaps(_network(p, owner_id)) for p in _prefixes(sib_props)):
                raise arm_error(400, "NetcfgSubnetRangesOverlap", "Subnet '%s' is not valid because its IP address range "
                                "overlaps with that of an existing subnet in virtual network '%s'." % (name, vnet_body["name"]))
    _ref_exists(app, props.get("networkSecurityGroup"), owner_id)
    _ref_exists(app, props.get("routeTable"), owner_id)


def _subnet_props(props):
    out = deep_copy(props)
    for key, default in (("delegations", []), ("privateEndpointNetworkPolicies", "Disabled"),
                         ("privateLinkServiceNetworkPolicies", "Enabled")):
        out.setdefault(key, default)
    out.pop("ipConfigurations", None)
    return out


def subnet_prepare(app, ctx, body, existing):
    vnet = get_record(app, ctx.parent_lid)["body"]
    props = body.get("properties") or {}
    siblings = [(c["body"]["name"], c["body"]["properties"]) for c in children_of(app, ctx.parent_lid, SUBNET)]
    _validate_subnet(app, vnet, ctx.name, props, siblings, vnet["id"] + "/subnets/" + ctx.name)
    return {"properties": _subnet_props(props)}


def subnet_view(app, rec, body):
    users = _nic_ipconfigs_in(app, rec["body"]["id"])
    if users:
        body["properties"]["ipConfigurations"] = [{"id": cfg["id"]} for _, cfg in users]
    return body


_spec("Microsoft.Network/virtualNetworks/subnets", location=False, tags=False,
      prepare=subnet_prepare, view=subnet_view, check_delete=lambda app, rec: _subnet_in_use(app, rec))


# virtual networks --------------------------------------------------------------------------------
def vnet_prepare(app, ctx, body, existing):
    """Validates the address space and inline subnets; subnets missing from a PUT are deleted (as ARM does)."""
    props = deep_copy(body.get("properties") or {})
    space = (props.get("addressSpace") or {}).get("addressPrefixes") or []
    for prefix in space:
        _network(prefix, ctx.name)
    inline = props.pop("subnets", None) or []
    vnet_body = {"id": existing["body"]["id"] if existing else ctx.build_id(app, None), "name": ctx.name, "properties": {"addressSpace": {"addressPrefixes": space}}}
    siblings = [(s.get("name", ""), s.get("properties") or {}) for s in inline]
    for name, sprops in siblings:
        _validate_subnet(app, vnet_body, name, sprops, siblings, vnet_body["id"] + "/subnets/" + name)
    if existing:
        keep = {n.lower() for n, _ in siblings}
        for child in children_of(app, ctx.lid, SUBNET):
            if child["body"]["name"].lower() not in keep:
                _subnet_in_use(app, child)
    ctx.inline_subnets = siblings
    props.setdefault("dhcpOptions", {"dnsServers": []})
    props.setdefault("enableDdosProtection", False)
    props.setdefault("virtualNetworkPeerings", [])
    props.setdefault("privateEndpointVNetPolicies", "Disabled")
    props["resourceGuid"] = existing["body"]["properties"]["resourceGuid"] if existing else str(uuid.uuid4())
    return {"properties": props}


def vnet_after_put(app, rec, ctx):
    """Make the child subnet records match the inline list."""
    from arm_core import new_etag, remove_tree
    wanted = {n.lower(): (n, p) for n, p in ctx.inline_subnets}
    for child in children_of(app, ctx.lid, SUBNET):
        if child["body"]["name"].lower() not in wanted:
            remove_tree(app, child["body"]["id"])
    for low, (name, props) in wanted.items():
        lid = ctx.lid + "/subnets/" + low
        old = resources(app).get(lid)
        sub_body = {"id": old["body"]["id"] if old else rec["body"]["id"] + "/subnets/" + name,
                    "name": old["body"]["name"] if old else name, "type": "Microsoft.Network/virtualNetworks/subnets",
                    "etag": new_etag("network"), "properties": _subnet_props(props)}
        sub_body["properties"]["provisioningState"] = "Succeeded"
        resources(app)[lid] = {"type": SUBNET, "parent": ctx.lid, "body": sub_body}


def vnet_view(app, rec, body):
    subnets = children_of(app, rec["body"]["id"], SUBNET)
    body["properties"]["subnets"] = [subnet_view(app, s, deep_copy(s["body"])) for s in subnets]
    return body


def vnet_check_delete(app, rec):
    for child in children_of(app, rec["body"]["id"], SUBNET):
        _subnet_in_use(app, child)


_spec("Microsoft.Network/virtualNetworks", prepare=vnet_prepare, after_put=vnet_after_put, view=vnet_view,
      check_delete=vnet_check_delete)


# network security groups -----------------------------------------------------------------------
DEFAULT_RULES = [
    ("AllowVnetInBound", 65000, "Inbound", "Allow", "VirtualNetwork", "VirtualNetwork",
     "Allow inbound traffic from all VMs in VNET"),
    ("AllowAzureLoadBalancerInBound", 65001, "Inbound", "Allow", "AzureLoadBalancer", "*",
     "Allow inbound traffic from azure load balancer"),
    ("DenyAllInBound", 65500, "Inbound", "Deny", "*", "*", "Deny all inbound traffic"),
    ("AllowVnetOutBound", 65000, "Outbound", "Allow", "VirtualNetwork", "VirtualNetwork",
     "Allow outbound traffic from all VMs to all VMs in VNET"),
    ("AllowInternetOutBound", 65001, "Outbound", "Allow", "*", "Internet", "Allow outbound traffic from all VMs to Internet"),
    ("DenyAllOutBound", 65500, "Outbound", "Deny", "*", "*", "Deny all outbound traffic"),
]


def _default_rules(nsg_id):
    out = []
    for name, prio, direction, access, src, dst, desc in DEFAULT_RULES:
        out.append({"id": "%s/defaultSecurityRules/%s" % (nsg_id, name), "name": name,
                    "type": "Microsoft.Network/networkSecurityGroups/defaultSecurityRules",
                    "properties": {"provisioningState": "Succeeded", "description": desc, "protocol": "*",
                                   "sourcePortRange": "*", "destinationPortRange": "*", "sourceAddressPrefix": src,
                                   "destinationAddressPrefix": dst, "access": access, "priority": prio,
                                   "direction": direction, "sourcePortRanges": [], "destinationPortRanges": [],
                                   "sourceAddressPrefixes": [], "destinationAddressPrefixes": []}})
    return out


def _validate_rule(name, props):
    prio = props.get("priority")
    if not isinstance(prio, int) or not 100 <= prio <= 4096:
        raise arm_error(400, "SecurityRuleInvalidPriority", "Security rule %s has invalid Priority. Value provided: %s "
                        "Allowed range 100-4096." % (name, prio))
    for field, allowed in (("direction", ("Inbound", "Outbound")), ("access", ("Allow", "Deny")),
                           ("protocol", ("Tcp", "Udp", "Icmp", "Esp", "Ah", "*"))):
        if props.get(field) not in allowed:
            raise arm_error(400, "InvalidRequestFormat", "Cannot parse the request: security rule %s has invalid %s '%s'."
                            % (name, field, props.get(field)))


def _rule_props(props):
    out = deep_copy(props)
    for key in ("sourcePortRanges", "destinationPortRanges", "sourceAddressPrefixes", "destinationAddressPrefixes"):
        out.setdefault(key, [])
    return out


def rule_prepare(app, ctx, body, existing):
    props = body.get("properties") or {}
    _validate_rule(ctx.name, props)
    return {"properties": _rule_props(props)}


_spec("Microsoft.Network/networkSecurityGroups/securityRules", location=False, tags=False, prepare=rule_prepare)


def nsg_prepare(app, ctx, body, existing):
    props = deep_copy(body.get("properties") or {})
    inline = props.pop("securityRules", None) or []
    for rule in inline:
        _validate_rule(rule.get("name"), rule.get("properties") or {})
    ctx.inline_rules = inline
    props["resourceGuid"] = existing["body"]["properties"]["resourceGuid"] if existing else str(uuid.uuid4())
    props.pop("defaultSecurityRules", None)
    return {"properties": props}


def nsg_after_put(app, rec, ctx):
    from arm_core import new_etag, remove_tree
    for child in children_of(app, ctx.lid, RULE):
        remove_tree(app, child["body"]["id"])
    for rule in ctx.inline_rules:
        props = _rule_props(rule.get("properties") or {})
        props["provisioningState"] = "Succeeded"
        resources(app)[ctx.lid + "/securityrules/" + rule["name"].lower()] = {"type": RULE, "parent": ctx.lid, "body": {
            "id": rec["body"]["id"] + "/securityRules/" + rule["name"], "name": rule["name"],
            "type": "Microsoft.Network/networkSecurityGroups/securityRules", "etag": new_etag("network"),
            "properties": props}}


def _nsg_users(app, nsg_id):
    lid = nsg_id.lower()
    subnets = [r["body"]["id"] for r in resources(app).values()
               if r["type"] == SUBNET and ref_id(r["body"]["properties"].get("networkSecurityGroup")) == lid]
    nics = [r["body"]["id"] for r in resources(app).values()
            if r["type"] == NIC and ref_id(r["body"]["properties"].get("networkSecurityGroup")) == lid]
    return subnets, nics


def nsg_view(app, rec, body):
    nsg_id = rec["body"]["id"]
    body["properties"]["securityRules"] = [deep_copy(c["body"]) for c in children_of(app, nsg_id, RULE)]
    body["properties"]["defaultSecurityRules"] = _default_rules(nsg_id)
    subnets, nics = _nsg_users(app, nsg_id)
    if subnets:
        body["properties"]["subnets"] = [{"id": i} for i in subnets]
    if nics:
        body["properties"]["networkInterfaces"] = [{"id": i} for i in nics]
    return body


def nsg_check_delete(app, rec):
    subnets, nics = _nsg_users(app, rec["body"]["id"])
    if subnets or nics:
        raise arm_error(400, "InUseNetworkSecurityGroupCannotBeDeleted", "Network security group %s cannot be deleted "
                        "because it is in use by the following resources: %s. In order to delete the Network security "
                        "group, remove the association with the resource(s). To learn how to do this, see aka.ms/deletensg."
                        % (rec["body"]["id"], ", ".join(subnets + nics)))


_spec("Microsoft.Network/networkSecurityGroups", prepare=nsg_prepare, after_put=nsg_after_put, view=nsg_view,
      check_delete=nsg_check_delete)


# route tables ------------------------------------------------------------------------------------------
NEXT_HOPS = ("VirtualNetworkGateway", "VnetLocal", "Internet", "VirtualAppliance", "None")


def route_table_prepare(app, ctx, body, existing):
    """Inline routes validated (next hop type; an appliance's address) and given IDs; `subnets` is read-only."""
    props = deep_copy(body.get("properties") or {})
    table_id = existing["body"]["id"] if existing else ctx.build_id(app, None)
    routes = []
    for route in props.get("routes") or []:
        rprops = deep_copy(route.get("properties") or {})
        hop = rprops.get("nextHopType")
        if hop not in NEXT_HOPS:
            raise arm_error(400, "InvalidRequestFormat", "Cannot parse the request: route %s has invalid nextHopType "
                            "'%s'." % (route.get("name"), hop))
        if (hop == "VirtualAppliance") != bool(rprops.get("nextHopIpAddress")):
            raise arm_error(400, "InvalidNextHopIpAddress", "Route %s: a next hop IP address is required for, and only "
                            "allowed with, next hop type VirtualAppliance." % route.get("name"))
        _network(rprops.get("addressPrefix") or "", table_id)
        rprops["provisioningState"] = "Succeeded"
        routes.append({"id": "%s/routes/%s" % (table_id, route.get("name")), "name": route.get("name"),
                       "type": "Microsoft.Network/routeTables/routes", "properties": rprops})
    props["routes"] = routes
    props.setdefault("disableBgpRoutePropagation", False)
    props["resourceGuid"] = existing["body"]["properties"]["resourceGuid"] if existing else str(uuid.uuid4())
    props.pop("subnets", None)
    return {"properties": props}


def _route_table_users(app, table_id):
    lid = table_id.lower()
    return [r["body"]["id"] for r in resources(app).values()
            if r["type"] == SUBNET and ref_id(r["body"]["properties"].get("routeTable")) == lid]


def route_table_view(app, rec, body):
    users = _route_table_users(app, rec["body"]["id"])
    if users:
        body["properties"]["subnets"] = [{"id": i} for i in users]
    return body


def route_table_check_delete(app, rec):
    users = _route_table_users(app, rec["body"]["id"])
    if users:
        raise arm_error(400, "InUseRouteTableCannotBeDeleted", "Route table %s is in use and cannot be deleted. In order "
                        "to delete the route table, remove the association with the subnet(s): %s."
                        % (rec["body"]["id"], ", ".join(users)))


_spec("Microsoft.Network/routeTables", prepare=route_table_prepare, view=route_table_view,
      check_delete=route_table_check_delete)


# public IP addresses ---------------------------------------------------------------------------------
def _pip_user(app, pip_id):
    lid = pip_id.lower()
    for nic in resources(app).values():
        if nic["type"] == NIC:
            for cfg in nic["body"]["properties"].get("ipConfigurations", []):
                if ref_id(cfg["properties"].get("publicIPAddress")) == lid:
                    return cfg["id"]
    return None


def _allocate_public_ip(app):
    """Public addresses come from 20.0.0.0/8 in allocation order (the double's 'region pool')."""
    used = {r["body"]["properties"].get("ipAddress") for r in resources(app).values() if r["type"] == PIP}
    n = 1 + len(used)
    while True:
        ip = str(ipaddress.ip_address("20.50.0.0") + n)
        if ip not in used:
            return ip
        n += 1


def pip_prepare(app, ctx, body, existing):
    props = deep_copy(body.get("properties") or {})
    sku = body.get("sku") or {"name": "Standard", "tier": "Regional"}
    sku.setdefault("tier", "Regional")
    method = props.setdefault("publicIPAllocationMethod", "Static" if sku["name"] == "Standard" else "Dynamic")
    if sku["name"] == "Standard" and method != "Static":
        raise arm_error(400, "StandardSkuPublicIPAddressesMustBeStatic", "Standard sku publicIp %s must have "
                        "AllocationMethod set to Static." % ctx.name)
    props.setdefault("publicIPAddressVersion", "IPv4")
    props.setdefault("idleTimeoutInMinutes", 4)
    props.setdefault("ipTags", [])
    props.setdefault("ddosSettings", {"protectionMode": "VirtualNetworkInherited"})
    props["resourceGuid"] = existing["body"]["properties"]["resourceGuid"] if existing else str(uuid.uuid4())
    old_ip = existing["body"]["properties"].get("ipAddress") if existing else None
    if method == "Static":
        props["ipAddress"] = old_ip or _allocate_public_ip(app)
    else:
        props.pop("ipAddress", None)
    dns = props.get("dnsSettings")
    if dns and dns.get("domainNameLabel"):
        dns["fqdn"] = "%s.%s.cloudapp.azure.com" % (dns["domainNameLabel"], body["location"].replace(" ", "").lower())
    out = {"properties": props, "sku": sku}
    if body.get("zones"):
        out["zones"] = body["zones"]
    return out


def pip_view(app, rec, body):
    user = _pip_user(app, rec["body"]["id"])
    if user:
        body["properties"]["ipConfiguration"] = {"id": user}
        if not body["properties"].get("ipAddress"):
            body["properties"]["ipAddress"] = _allocate_public_ip(app)
            rec["body"]["properties"]["ipAddress"] = body["properties"]["ipAddress"]
    return body


def pip_check_delete(app, rec):
    user = _pip_user(app, rec["body"]["id"])
    if user:
        raise arm_error(400, "PublicIPAddressCannotBeDeleted", "Public IP address %s can not be deleted since it is still "
                        "allocated to resource %s. In order to delete the public IP, disassociate/detach the Public IP "
                        "address from the resource.  To learn how to do this, see aka.ms/deletepublicip."
                        % (rec["body"]["id"], user))


_spec("Microsoft.Network/publicIPAddresses", prepare=pip_prepare, view=pip_view, check_delete=pip_check_delete)


# network interfaces -------------------------------------------------------------------------------
def _allocate_private_ip(app, subnet_rec, nic_lid, wanted=None):
    """Dynamic allocation as Azure does it: the lowest free address after the 4 reserved ones."""
    used = {cfg["properties"].get("privateIPAddress") for nic, cfg in _nic_ipconfigs_in(app, subnet_rec["body"]["id"])
            if nic["body"]["id"].lower() != nic_lid}
    net = ipaddress.ip_network(_prefixes(subnet_rec["body"]["properties"])[0])
    if wanted:
        if ipaddress.ip_address(wanted) not in net:
            raise arm_error(400, "PrivateIPAddressNotInSubnet", "IP configuration has private IP address %s which "
                            "does not belong to the subnet %s." % (wanted, subnet_rec["body"]["id"]))
        if wanted in used:
            raise arm_error(400, "PrivateIPAddressInUse", "IP configuration is using the private IP address %s which is "
                            "already allocated to resource in subnet %s." % (wanted, subnet_rec["body"]["id"]))
        return wanted
    for offset in range(4, net.num_addresses - 1):
        ip = str(net.network_address + offset)
        if ip not in used:
            return ip
    raise arm_error(400, "SubnetIsFull", "Subnet %s with address prefix %s does not have enough capacity for 1 IP "
                    "addresses." % (subnet_rec["body"]["name"], net))


def _nic_ipconfig(app, ctx, nic_id, cfg, old_cfgs, index):
    name = cfg.get("name") or "ipconfig%d" % (index + 1)
    props = deep_copy(cfg.get("properties") or {})
    subnet = get_record(app, ref_id(props.get("subnet")) or "")
    if subnet is None:
        raise arm_error(400, "InvalidResourceReference", "Resource %s referenced by resource %s was not found."
                        % ((props.get("subnet") or {}).get("id"), nic_id))
    _ref_exists(app, props.get("publicIPAddress"), nic_id)
    pip_user = _pip_user(app, (props.get("publicIPAddress") or {}).get("id", "")) if props.get("publicIPAddress") else None
    if pip_user and not pip_user.lower().startswith(nic_id.lower() + "/"):
        raise arm_error(400, "PublicIPAddressInUse", "Resource %s is referenced by resource %s. Only one reference is "
                        "allowed." % (props["publicIPAddress"]["id"], pip_user))
    method = props.setdefault("privateIPAllocationMethod", "Dynamic")
    old = old_cfgs.get(name.lower())
    keep = old and ref_id(old["properties"].get("subnet")) == ref_id(props["subnet"]) and method == "Dynamic"
    props["privateIPAddress"] = old["properties"]["privateIPAddress"] if keep else _allocate_private_ip(
        app, subnet, nic_id.lower(), props.get("privateIPAddress") if method == "Static" else None)
    props.setdefault("privateIPAddressVersion", "IPv4")
    props.setdefault("primary", index == 0)
    props["provisioningState"] = "Succeeded"
    return {"id": "%s/ipConfigurations/%s" % (nic_id, name), "name": name, "etag": 'W/"%s"' % uuid.uuid4(),
            "type": "Microsoft.Network/networkInterfaces/ipConfigurations", "properties": props}


def nic_prepare(app, ctx, body, existing):
    props = deep_copy(body.get("properties") or {})
    nic_id = existing["body"]["id"] if existing else ctx.build_id(app, None)
    cfgs = props.get("ipConfigurations") or []
    if not cfgs:
        raise arm_error(400, "NetworkInterfaceMustHaveAtLeastOneIpConfiguration",
                        "Network interface %s must have one or more IP configurations." % nic_id)
    old_cfgs = {c["name"].lower(): c for c in (existing["body"]["properties"]["ipConfigurations"] if existing else [])}
    props["ipConfigurations"] = [_nic_ipconfig(app, ctx, nic_id, c, old_cfgs, i) for i, c in enumerate(cfgs)]
    _ref_exists(app, props.get("networkSecurityGroup"), nic_id)
    for key, default in (("enableAcceleratedNetworking", False), ("enableIPForwarding", False),
                         ("disableTcpStateTracking", False), ("nicType", "Standard"), ("auxiliaryMode", "None"),
                         ("auxiliarySku", "None"), ("vnetEncryptionSupported", False), ("hostedWorkloads", []),
                         ("tapConfigurations", [])):
        props.setdefault(key, default)
    props.setdefault("dnsSettings", {})
    props["dnsSettings"].setdefault("dnsServers", [])
    props["dnsSettings"]["appliedDnsServers"] = []
    props["dnsSettings"]["internalDomainNameSuffix"] = "%s.ax.internal.cloudapp.net" % uuid.uuid5(
        uuid.NAMESPACE_URL, ctx.sub + ctx.rg).hex[:26]
    props["resourceGuid"] = existing["body"]["properties"]["resourceGuid"] if existing else str(uuid.uuid4())
    for key in ("virtualMachine", "macAddress", "primary"):
        props.pop(key, None)
    return {"properties": props}


def nic_vm(app, nic_id):
    """The VM whose networkProfile lists this NIC (computed, so it never goes stale)."""
    lid = nic_id.lower()
    for vm in resources(app).values():
        if vm["type"] == VM:
            for ref in vm["body"]["properties"].get("networkProfile", {}).get("networkInterfaces", []):
                if ref_id(ref) == lid:
                    return vm, ref
    return None, None


def nic_view(app, rec, body):
    vm, ref = nic_vm(app, rec["body"]["id"])
    if vm is not None:
        body["properties"]["virtualMachine"] = {"id": vm["body"]["id"]}
        body["properties"]["primary"] = bool((ref.get("properties") or {}).get("primary", True))
        body["properties"]["macAddress"] = "00-22-48-%02X-%02X-%02X" % tuple(uuid.UUID(rec["body"]["properties"]
                                                                                      ["resourceGuid"]).bytes[:3])
    return body


def nic_check_delete(app, rec):
    vm, _ = nic_vm(app, rec["body"]["id"])
    if vm is not None:
        raise arm_error(400, "NicInUse", "Network Interface %s is used by existing resource %s. In order to delete the "
                        "network interface, it must be dissociated from the resource. To learn more, see aka.ms/deletenic."
                        % (rec["body"]["id"], vm["body"]["id"]))


_spec("Microsoft.Network/networkInterfaces", prepare=nic_prepare, view=nic_view, check_delete=nic_check_delete)
