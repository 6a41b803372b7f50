"""Pins the wire shapes of the Azure Resource Manager double against the ARM REST references.

References cited per test; the main ones:
- [async] https://learn.microsoft.com/azure/azure-resource-manager/management/async-operations
- [aad] https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow
- [rg] https://learn.microsoft.com/rest/api/resources/resource-groups
- [net] github:Azure/azure-rest-api-specs specification/network/resource-manager/Microsoft.Network/stable/2024-03-01/
  virtualNetwork.json, networkInterface.json, publicIpAddress.json, networkSecurityGroup.json
- [vm] .../compute/resource-manager/Microsoft.Compute/ComputeRP/stable/2024-07-01/virtualMachine.json
- [sa] .../storage/resource-manager/Microsoft.Storage/stable/2023-05-01/storage.json, blob.json
- [errors] https://learn.microsoft.com/azure/azure-resource-manager/troubleshooting/common-deployment-errors
"""

import base64
import json
import os
import subprocess
import sys
import time
import unittest

from harness import Running, http

import arm

SUB = "33333333-3333-3333-3333-333333333333"
TENANT = "22222222-2222-2222-2222-222222222222"
NET_V, VM_V, SA_V, RG_V = "2024-03-01", "2024-07-01", "2023-05-01", "2021-04-01"


def start(*flags):
    return Running(arm.ArmDouble(arm.parse_options(list(flags))))


class ArmCase(unittest.TestCase):
    flags = ("--async-polls", "2", "--page-size", "2")

    def setUp(self):
        self.double = start(*self.flags)
        self.url = self.double.url
        self.token = self.get_token()

    def tearDown(self):
        self.double.stop()

    def get_token(self, secret=arm.DEFAULT_CLIENT_SECRET):
        r = http("POST", "%s/%s/oauth2/v2.0/token" % (self.url, TENANT), form={
            "grant_type": "client_credentials", "client_id": arm.DEFAULT_CLIENT_ID, "client_secret": secret,
            "scope": "https://management.azure.com/.default"})
        return r.json.get("access_token") if r.status == 200 else None

    def call(self, method, path, body=None, version=NET_V, token=True):
        sep = "&" if "?" in path else "?"
        url = self.url + path + ("%sapi-version=%s" % (sep, version) if version and "api-version" not in path else "")
        headers = {"Authorization": "Bearer " + self.token} if token else {}
        return http(method, url, body, headers)

    def follow(self, url):
        return http("GET", url, None, {"Authorization": "Bearer " + self.token})

    def rg(self, name="rg1", location="West Europe"):
        r = self.call("PUT", "/subscriptions/%s/resourcegroups/%s" % (SUB, name), {"location": location}, RG_V)
        self.assertIn(r.status, (200, 201), r)
        return r

    def res(self, rg, provider_path):
        return "/subscriptions/%s/resourceGroups/%s/providers/%s" % (SUB, rg, provider_path)

    def put_done(self, path, body, version=NET_V):
        """PUT then poll Azure-AsyncOperation (or Location) to completion; returns the final GET."""
        r = self.call("PUT", path, body, version)
        self.assertIn(r.status, (200, 201, 202), r)
        self.wait(r)
        return self.call("GET", path, None, version)

    def wait(self, r):
        url = r.header("Azure-AsyncOperation") or r.header("Location")
        for _ in range(20):
            if url is None:
                return r
            p = self.follow(url)
            if r.header("Azure-AsyncOperation"):
                if p.json["status"] != "InProgress":
                    return p
            elif p.status != 202:
                return p
        self.fail("operation never finished")

    def network(self, rg="rg1"):
        self.rg(rg)
        vnet = self.put_done(self.res(rg, "Microsoft.Network/virtualNetworks/vnet1"), {
            "location": "westeurope", "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]},
                                                     "subnets": [{"name": "web", "properties": {"addressPrefix": "10.0.1.0/24"}}]}})
        return vnet.json["properties"]["subnets"][0]["id"]

    def nic(self, subnet_id, name="nic1", pip=None, rg="rg1"):
        cfg = {"name": "internal", "properties": {"subnet": {"id": subnet_id}, "privateIPAllocationMethod": "Dynamic"}}
        if pip:
            cfg["properties"]["publicIPAddress"] = {"id": pip}
        return self.put_done(self.res(rg, "Microsoft.Network/networkInterfaces/" + name),
                             {"location": "westeurope", "properties": {"ipConfigurations": [cfg]}})


class TokenAndAuth(ArmCase):
    def test_client_credentials_token(self):
        """[aad] success body: token_type Bearer, expires_in/ext_expires_in 3599, access_token (a JWT)."""
        r = http("POST", "%s/%s/oauth2/v2.0/token" % (self.url, TENANT), form={
            "grant_type": "client_credentials", "client_id": arm.DEFAULT_CLIENT_ID,
            "client_secret": arm.DEFAULT_CLIENT_SECRET, "scope": "http://127.0.0.1:1/.default"})
        self.assertEqual(r.status, 200)
        self.assertTrue(r.header("Content-Type").startswith("application/json"))
        self.assertEqual(set(r.json), {"token_type", "expires_in", "ext_expires_in", "access_token"})
        self.assertEqual((r.json["token_type"], r.json["expires_in"], r.json["ext_expires_in"]), ("Bearer", 3599, 3599))
        claims = json.loads(base64.urlsafe_b64decode(r.json["access_token"].split(".")[1] + "=="))
        self.assertEqual((claims["tid"], claims["appid"]), (TENANT, arm.DEFAULT_CLIENT_ID))

    def test_wrong_secret_is_aadsts7000215(self):
        """[aad] error body: error, error_description with the AADSTS code, error_codes, trace/correlation ids."""
        r = http("POST", "%s/%s/oauth2/v2.0/token" % (self.url, TENANT), form={
            "grant_type": "client_credentials", "client_id": arm.DEFAULT_CLIENT_ID, "client_secret": "nope",
            "scope": "https://management.azure.com/.default"})
        self.assertEqual(r.status, 401)
        self.assertEqual(r.json["error"], "invalid_client")
        self.assertTrue(r.json["error_description"].startswith("AADSTS7000215: "))
        self.assertEqual(r.json["error_codes"], [7000215])
        for key in ("timestamp", "trace_id", "correlation_id", "error_uri"):
            self.assertIn(key, r.json)

    def test_unknown_client_and_bad_grant(self):
        base = {"grant_type": "client_credentials", "client_id": "x", "client_secret": "y",
                "scope": "https://management.azure.com/.default"}
        r = http("POST", "%s/%s/oauth2/v2.0/token" % (self.url, TENANT), form=base)
        self.assertEqual((r.status, r.json["error"], r.json["error_codes"]), (400, "unauthorized_client", [700016]))
        r = http("POST", "%s/%s/oauth2/v2.0/token" % (self.url, TENANT), form=dict(base, grant_type="password"))
        self.assertEqual((r.status, r.json["error"]), (400, "unsupported_grant_type"))
        r = http("POST", "%s/%s/oauth2/v2.0/token" % (self.url, TENANT), form=dict(
            base, client_id=arm.DEFAULT_CLIENT_ID, scope="https://management.azure.com/user_impersonation"))
        self.assertEqual((r.status, r.json["error"], r.json["error_codes"]), (400, "invalid_scope", [1002012]))

    def test_discovery_documents(self):
        """OIDC discovery (MSAL fetches it) names the double's token endpoint."""
        r = http("GET", "%s/%s/v2.0/.well-known/openid-configuration" % (self.url, TENANT))
        self.assertEqual(r.json["token_endpoint"], "%s/%s/oauth2/v2.0/token" % (self.url, TENANT))
        r = http("GET", self.url + "/metadata/endpoints?api-version=2022-09-01")
        self.assertEqual(r.json[0]["resourceManager"], self.url + "/")

    def test_arm_requires_bearer_token(self):
        """[errors] 401 AuthenticationFailed without a header, InvalidAuthenticationToken for a foreign token."""
        r = self.call("GET", "/subscriptions/" + SUB, version="2022-12-01", token=False)
        self.assertEqual((r.status, r.json["error"]["code"]), (401, "AuthenticationFailed"))
        self.assertIn("Bearer", r.header("WWW-Authenticate"))
        r = http("GET", self.url + "/subscriptions/%s?api-version=2022-12-01" % SUB, None, {"Authorization": "Bearer abc"})
        self.assertEqual((r.status, r.json["error"]["code"]), (401, "InvalidAuthenticationToken"))

    def test_api_version_required(self):
        """[errors] MissingApiVersionParameter, 400, ARM's wording."""
        r = self.call("GET", "/subscriptions/" + SUB, version=None)
        self.assertEqual(r.status, 400)
        self.assertEqual(r.json["error"], {"code": "MissingApiVersionParameter", "message":
                                           "The api-version query parameter (?api-version=) is required for all requests."})


class SubscriptionsAndGroups(ArmCase):
    def test_subscription_and_providers(self):
        """Subscriptions - Get; Providers - List/Register (registrationState Registered)."""
        r = self.call("GET", "/subscriptions/" + SUB, version="2022-12-01")
        self.assertEqual((r.json["subscriptionId"], r.json["state"], r.json["id"]), (SUB, "Enabled", "/subscriptions/" + SUB))
        r = self.call("GET", "/subscriptions/%s/providers" % SUB, version=RG_V)
        self.assertIn("value", r.json)
        r = self.call("POST", "/subscriptions/%s/providers/Microsoft.ContainerService/register" % SUB, version=RG_V)
        self.assertEqual((r.status, r.json["registrationState"]), (200, "Registered"))

    def test_group_lifecycle(self):
        """[rg] PUT 201 then 200; paths case-insensitive, name kept as created; HEAD 204/404; async delete."""
        r = self.rg("MyGroup", "West Europe")
        self.assertEqual(r.status, 201)
        self.assertEqual(r.json, {"id": "/subscriptions/%s/resourceGroups/MyGroup" % SUB, "name": "MyGroup",
                                  "type": "Microsoft.Resources/resourceGroups", "location": "westeurope", "tags": {},
                                  "properties": {"provisioningState": "Succeeded"}})
        self.assertEqual(self.rg("MyGroup").status, 200)
        r = self.call("GET", "/SUBSCRIPTIONS/%s/RESOURCEGROUPS/mygroup" % SUB, version=RG_V)
        self.assertEqual(r.json["name"], "MyGroup")
        self.assertEqual(self.call("HEAD", "/subscriptions/%s/resourcegroups/mygroup" % SUB, version=RG_V).status, 204)
        self.assertEqual(self.call("HEAD", "/subscriptions/%s/resourcegroups/other" % SUB, version=RG_V).status, 404)
        r = self.call("PUT", "/subscriptions/%s/resourcegroups/MyGroup" % SUB, {"location": "eastus"}, RG_V)
        self.assertEqual((r.status, r.json["error"]["code"]), (409, "InvalidResourceGroupLocation"))
        r = self.call("DELETE", "/subscriptions/%s/resourcegroups/MyGroup" % SUB, version=RG_V)
        self.assertEqual(r.status, 202)
        self.assertRegex(r.header("Location"), r"/subscriptions/%s/operationresults/[^/?]+\?api-version=" % SUB)
        self.assertIsNotNone(r.header("Retry-After"))
        statuses = [self.follow(r.header("Location")).status for _ in range(3)]
        self.assertEqual(statuses, [202, 202, 200])
        r = self.call("GET", "/subscriptions/%s/resourcegroups/MyGroup" % SUB, version=RG_V)
        self.assertEqual((r.status, r.json["error"]["code"]), (404, "ResourceGroupNotFound"))
        self.assertEqual(r.json["error"]["message"], "Resource group 'MyGroup' could not be found.")

    def test_group_delete_takes_its_resources(self):
        subnet = self.network()
        self.nic(subnet)
        r = self.call("DELETE", "/subscriptions/%s/resourcegroups/rg1" % SUB, version=RG_V)
        self.wait(r)
        self.rg("rg1")
        r = self.call("GET", self.res("rg1", "Microsoft.Network/virtualNetworks/vnet1"))
        self.assertEqual(r.status, 404)

    def test_list_paging_with_next_link(self):
        """ARM paging: `value` + absolute `nextLink` carrying api-version, followed until absent."""
        for i in range(5):
            self.rg("g%d" % i)
        r = self.call("GET", "/subscriptions/%s/resourcegroups" % SUB, version=RG_V)
        names = []
        while True:
            names += [g["name"] for g in r.json["value"]]
            self.assertLessEqual(len(r.json["value"]), 2)
            if not r.json.get("nextLink"):
                break
            self.assertIn("api-version=" + RG_V, r.json["nextLink"])
            r = self.follow(r.json["nextLink"])
        self.assertEqual(sorted(names), ["g0", "g1", "g2", "g3", "g4"])


class Network(ArmCase):
    def test_put_is_async_with_azure_asyncoperation(self):
        """[async][net] 201 + Azure-AsyncOperation; provisioningState Updating; N polls InProgress then Succeeded."""
        self.rg()
        path = self.res("rg1", "Microsoft.Network/virtualNetworks/vnet1")
        r = self.call("PUT", path, {"location": "westeurope", "properties": {"addressSpace": {"addressPrefixes": ["10.1.0.0/16"]}}})
        self.assertEqual(r.status, 201)
        self.assertEqual(r.json["properties"]["provisioningState"], "Updating")
        self.assertRegex(r.json["etag"], r'^W/"[0-9a-f-]{36}"$')
        self.assertEqual(r.json["type"], "Microsoft.Network/virtualNetworks")
        op = r.header("Azure-AsyncOperation")
        self.assertRegex(op, r"/subscriptions/%s/providers/Microsoft.Network/locations/westeurope/operations/[0-9a-f-]+\?api-version="
                         % SUB)
        states = [self.follow(op).json["status"] for _ in range(3)]
        self.assertEqual(states, ["InProgress", "InProgress", "Succeeded"])
        self.assertEqual(self.call("GET", path).json["properties"]["provisioningState"], "Succeeded")
        self.assertEqual(self.call("PUT", path, {"location": "westeurope", "properties": {
            "addressSpace": {"addressPrefixes": ["10.1.0.0/16"]}}}).status, 200)

    def test_subnets_child_and_inline(self):
        """[net] subnets are children (PUT .../subnets/x) and appear inline in properties.subnets."""
        self.network()
        base = self.res("rg1", "Microsoft.Network/virtualNetworks/vnet1")
        r = self.put_done(base + "/subnets/db", {"properties": {"addressPrefix": "10.0.2.0/24"}})
        self.assertEqual(r.json["id"], base + "/subnets/db")
        self.assertEqual(r.json["type"], "Microsoft.Network/virtualNetworks/subnets")
        names = [s["name"] for s in self.call("GET", base).json["properties"]["subnets"]]
        self.assertEqual(names, ["web", "db"])
        r = self.call("GET", base + "/subnets")
        self.assertEqual(len(r.json["value"]), 2)
        r = self.call("PUT", base + "/subnets/bad", {"properties": {"addressPrefix": "192.168.0.0/24"}})
        self.assertEqual((r.status, r.json["error"]["code"]), (400, "NetcfgSubnetRangeOutsideVnet"))
        r = self.call("GET", base + "/subnets/none")
        self.assertEqual((r.status, r.json["error"]["code"]), (404, "NotFound"))
        r = self.call("GET", "/subscriptions/%s/providers/Microsoft.Network/virtualNetworks" % SUB)  # ListAll
        self.assertEqual([v["name"] for v in r.json["value"]], ["vnet1"])
        r = self.call("GET", "/subscriptions/%s/resourceGroups/rg1/providers/Microsoft.Network/virtualNetworks" % SUB)
        self.assertEqual([v["name"] for v in r.json["value"]], ["vnet1"])

    def test_resource_not_found_wording_and_delete_of_absent(self):
        """[errors] ResourceNotFound message as ARM words it; DELETE of an absent resource is 204."""
        self.rg()
        r = self.call("GET", self.res("rg1", "Microsoft.Network/virtualNetworks/nope"))
        self.assertEqual(r.status, 404)
        self.assertEqual(r.json["error"]["message"], "The Resource 'Microsoft.Network/virtualNetworks/nope' under resource group "
                         "'rg1' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix")
        self.assertEqual(self.call("DELETE", self.res("rg1", "Microsoft.Network/virtualNetworks/nope")).status, 204)
        r = self.call("GET", self.res("nogroup", "Microsoft.Network/virtualNetworks/x"))
        self.assertEqual(r.json["error"]["code"], "ResourceGroupNotFound")

    def test_nic_addresses_and_in_use_conflicts(self):
        """Private IPs from .4 (Azure reserves 4); deleting used subnet / public IP / NSG is a 400 conflict."""
        subnet = self.network()
        pip = self.put_done(self.res("rg1", "Microsoft.Network/publicIPAddresses/pip1"),
                            {"location": "westeurope", "sku": {"name": "Standard"},
                             "properties": {"publicIPAllocationMethod": "Static"}})
        self.assertRegex(pip.json["properties"]["ipAddress"], r"^\d+\.\d+\.\d+\.\d+$")
        first = self.nic(subnet, "nic1", pip.json["id"])
        second = self.nic(subnet, "nic2")
        ips = [n.json["properties"]["ipConfigurations"][0]["properties"]["privateIPAddress"] for n in (first, second)]
        self.assertEqual(ips, ["10.0.1.4", "10.0.1.5"])
        r = self.call("DELETE", subnet)
        self.assertEqual((r.status, r.json["error"]["code"]), (400, "InUseSubnetCannotBeDeleted"))
        r = self.call("DELETE", pip.json["id"])
        self.assertEqual((r.status, r.json["error"]["code"]), (400, "PublicIPAddressCannotBeDeleted"))
        nsg = self.put_done(self.res("rg1", "Microsoft.Network/networkSecurityGroups/nsg1"), {
            "location": "westeurope", "properties": {"securityRules": [{"name": "ssh", "properties": {
                "priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "Tcp", "sourcePortRange": "*",
                "destinationPortRange": "22", "sourceAddressPrefix": "*", "destinationAddressPrefix": "*"}}]}})
        self.assertEqual(len(nsg.json["properties"]["defaultSecurityRules"]), 6)
        self.assertEqual(nsg.json["properties"]["securityRules"][0]["name"], "ssh")
        self.put_done(subnet, {"properties": {"addressPrefix": "10.0.1.0/24", "networkSecurityGroup": {"id": nsg.json["id"]}}})
        r = self.call("DELETE", nsg.json["id"])
        self.assertEqual((r.status, r.json["error"]["code"]), (400, "InUseNetworkSecurityGroupCannotBeDeleted"))

    def test_route_tables(self):
        """[net] routeTable.json: inline routes get IDs; VirtualAppliance needs nextHopIpAddress; subnets using
        the table are listed; a table in use is InUseRouteTableCannotBeDeleted."""
        subnet = self.network()
        path = self.res("rg1", "Microsoft.Network/routeTables/rt1")
        r = self.call("PUT", path, {"location": "westeurope", "tags": {"zone": "2"}, "properties": {"routes": [
            {"name": "out", "properties": {"addressPrefix": "0.0.0.0/0", "nextHopType": "Internet"}}]}})
        self.assertEqual(r.status, 201)
        self.assertIsNotNone(r.header("Azure-AsyncOperation"))
        self.wait(r)
        rt = self.call("GET", path).json
        self.assertEqual((rt["tags"], rt["properties"]["disableBgpRoutePropagation"]), ({"zone": "2"}, False))
        self.assertEqual(rt["properties"]["routes"][0]["id"], path + "/routes/out")
        bad = {"location": "westeurope", "properties": {"routes": [
            {"name": "nva", "properties": {"addressPrefix": "10.9.0.0/16", "nextHopType": "VirtualAppliance"}}]}}
        r = self.call("PUT", path, bad)
        self.assertEqual((r.status, r.json["error"]["code"]), (400, "InvalidNextHopIpAddress"))
        sub = self.call("GET", subnet).json
        sub["properties"]["routeTable"] = {"id": path}
        self.put_done(subnet, {"properties": sub["properties"]})
        self.assertEqual(self.call("GET", path).json["properties"]["subnets"], [{"id": subnet}])
        r = self.call("DELETE", path)
        self.assertEqual((r.status, r.json["error"]["code"]), (400, "InUseRouteTableCannotBeDeleted"))
        sub["properties"]["routeTable"] = {"id": path + "x"}
        r = self.call("PUT", subnet, {"properties": sub["properties"]})
        self.assertEqual((r.status, r.json["error"]["code"]), (400, "InvalidResourceReference"))

    def test_delete_is_202_then_404(self):
        """[async] DELETE 202 + Location (+ Azure-AsyncOperation, Retry-After); polled to 204; then GET 404."""
        self.network()
        path = self.res("rg1", "Microsoft.Network/virtualNetworks/vnet1")
        r = self.call("DELETE", path)
        self.assertEqual(r.status, 202)
        self.assertIsNotNone(r.header("Retry-After"))
        codes = [self.follow(r.header("Location")).status for _ in range(3)]
        self.assertEqual(codes, [202, 202, 204])
        self.assertEqual(self.call("GET", path).status, 404)


class OperationsOnTheirOwn(ArmCase):
    flags = ("--async-polls", "2", "--operation-seconds", "0.3")

    def test_a_delete_nobody_polls_finishes_by_itself(self):
        """[async] a client killed after its DELETE: the network refuses writes while Deleting,
        then is gone once the operation's time is up, polled or not (as ARM finishes the work)."""
        self.network()
        path = self.res("rg1", "Microsoft.Network/virtualNetworks/vnet1")
        self.assertEqual(self.call("DELETE", path).status, 202)
        busy = self.call("PUT", path, {"location": "westeurope"})
        self.assertEqual((busy.status, busy.json["error"]["code"]), (409, "AnotherOperationInProgress"))
        time.sleep(0.4)
        self.assertEqual(self.call("GET", path).status, 404)


class Compute(ArmCase):
    flags = ("--async-polls", "1", "--page-size", "2")

    def vm_body(self, nic_id, size="Standard_B1s", user="adminuser"):
        return {"location": "westeurope", "properties": {
            "hardwareProfile": {"vmSize": size},
            "storageProfile": {"imageReference": {"publisher": "Canonical", "offer": "0001-com-ubuntu-server-jammy",
                                                  "sku": "22_04-lts", "version": "latest"},
                               "osDisk": {"name": "vm1-os", "createOption": "FromImage", "caching": "ReadWrite",
                                          "managedDisk": {"storageAccountType": "Standard_LRS"}}},
            "osProfile": {"computerName": "vm1", "adminUsername": user, "linuxConfiguration": {
                "disablePasswordAuthentication": True, "ssh": {"publicKeys": [
                    {"path": "/home/%s/.ssh/authorized_keys" % user, "keyData": "ssh-rsa AAAAB3Nza test"}]}}},
            "networkProfile": {"networkInterfaces": [{"id": nic_id, "properties": {"primary": True}}]}}}

    def make_vm(self):
        nic = self.nic(self.network())
        path = self.res("rg1", "Microsoft.Compute/virtualMachines/vm1")
        r = self.call("PUT", path, self.vm_body(nic.json["id"]), VM_V)
        self.assertEqual(r.status, 201)
        self.assertEqual(r.json["properties"]["provisioningState"], "Creating")
        self.assertIsNotNone(r.header("Azure-AsyncOperation"))
        self.wait(r)
        return path, nic

    def power(self, path):
        r = self.call("GET", path + "/instanceView", version=VM_V)
        return [s["code"] for s in r.json["statuses"] if s["code"].startswith("PowerState/")][0]

    def test_vm_create_disk_and_instance_view(self):
        """[vm] vmId GUID; managed OS disk is a disks resource (managedBy, Attached); PowerState/running."""
        path, nic = self.make_vm()
        vm = self.call("GET", path, version=VM_V).json
        self.assertRegex(vm["properties"]["vmId"], r"^[0-9a-f-]{36}$")
        self.assertEqual(vm["properties"]["provisioningState"], "Succeeded")
        self.assertNotIn("adminPassword", vm["properties"]["osProfile"])
        disk_id = vm["properties"]["storageProfile"]["osDisk"]["managedDisk"]["id"]
        self.assertIn("/resourceGroups/RG1/", disk_id)  # Compute upper-cases the group here
        disk = self.call("GET", disk_id, version="2024-03-02").json
        self.assertEqual((disk["managedBy"], disk["properties"]["diskState"]), (vm["id"], "Attached"))
        self.assertEqual(self.power(path), "PowerState/running")
        expanded = self.call("GET", path + "?$expand=instanceView", version=VM_V).json
        self.assertIn("instanceView", expanded["properties"])
        nic_now = self.call("GET", nic.json["id"]).json
        self.assertEqual(nic_now["properties"]["virtualMachine"]["id"], vm["id"])
        r = self.call("DELETE", nic.json["id"])
        self.assertEqual((r.status, r.json["error"]["code"]), (400, "NicInUse"))

    def test_resize_rules_and_power_actions(self):
        """Resize while running only to sizes in vmSizes, else 409 OperationNotAllowed; deallocate/start are LROs."""
        path, _ = self.make_vm()
        sizes = [s["name"] for s in self.call("GET", path + "/vmSizes", version=VM_V).json["value"]]
        self.assertIn("Standard_B2s", sizes)
        r = self.call("PATCH", path, {"properties": {"hardwareProfile": {"vmSize": "Standard_D2s_v5"}}}, VM_V)
        self.assertEqual((r.status, r.json["error"]["code"]), (409, "OperationNotAllowed"))
        r = self.call("PATCH", path, {"properties": {"hardwareProfile": {"vmSize": "Standard_B2s"}}}, VM_V)
        self.assertEqual(r.status, 200)
        self.wait(r)
        r = self.call("POST", path + "/deallocate", version=VM_V)
        self.assertEqual(r.status, 202)
        self.assertIsNotNone(r.header("Azure-AsyncOperation"))
        self.assertIsNotNone(r.header("Location"))
        self.assertEqual(self.power(path), "PowerState/deallocating")
        self.wait(r)
        self.assertEqual(self.power(path), "PowerState/deallocated")
        self.wait(self.call("PATCH", path, {"properties": {"hardwareProfile": {"vmSize": "Standard_D2s_v5"}}}, VM_V))
        self.wait(self.call("POST", path + "/start", version=VM_V))
        self.assertEqual(self.power(path), "PowerState/running")
        vm = self.call("GET", path, version=VM_V).json
        self.assertEqual(vm["properties"]["hardwareProfile"]["vmSize"], "Standard_D2s_v5")
        self.wait(self.call("POST", path + "/powerOff", version=VM_V))
        self.assertEqual(self.power(path), "PowerState/stopped")

    def test_force_new_property_and_data_disks(self):
        """PropertyChangeNotAllowed for osProfile.adminUsername; data disks attach via storageProfile.dataDisks."""
        path, nic = self.make_vm()
        r = self.call("PUT", path, self.vm_body(nic.json["id"], user="other"), VM_V)
        self.assertEqual((r.status, r.json["error"]["code"]), (409, "PropertyChangeNotAllowed"))
        disk = self.put_done(self.res("rg1", "Microsoft.Compute/disks/data1"), {
            "location": "westeurope", "sku": {"name": "Premium_LRS"},
            "properties": {"creationData": {"createOption": "Empty"}, "diskSizeGB": 64}}, "2024-03-02")
        self.assertEqual(disk.json["properties"]["diskState"], "Unattached")
        patch = {"properties": {"storageProfile": {"dataDisks": [
            {"lun": 0, "createOption": "Attach", "caching": "ReadOnly", "managedDisk": {"id": disk.json["id"]}}]}}}
        self.wait(self.call("PATCH", path, patch, VM_V))
        d = self.call("GET", disk.json["id"], version="2024-03-02").json
        self.assertEqual(d["properties"]["diskState"], "Attached")
        r = self.call("DELETE", disk.json["id"], version="2024-03-02")
        self.assertEqual((r.status, r.json["error"]["code"]), (409, "OperationNotAllowed"))
        self.wait(self.call("DELETE", path, version=VM_V))
        self.assertEqual(self.call("GET", path, version=VM_V).status, 404)
        d = self.call("GET", disk.json["id"], version="2024-03-02").json
        self.assertEqual((d["properties"]["diskState"], d.get("managedBy")), ("Unattached", None))

    def test_zones_are_top_level_and_fixed_at_creation(self):
        """[vm] `zones` is a top-level array echoed on GET; a PUT naming other zones is PropertyChangeNotAllowed."""
        nic = self.nic(self.network())
        path = self.res("rg1", "Microsoft.Compute/virtualMachines/vm1")
        body = dict(self.vm_body(nic.json["id"]), zones=["2"])
        r = self.call("PUT", path, body, VM_V)
        self.assertEqual((r.status, r.json["zones"]), (201, ["2"]))
        self.wait(r)
        self.assertEqual(self.call("GET", path, version=VM_V).json["zones"], ["2"])
        r = self.call("PUT", path, dict(body, zones=["3"]), VM_V)
        self.assertEqual((r.status, r.json["error"]["code"], r.json["error"]["target"]),
                         (409, "PropertyChangeNotAllowed", "zones"))
        self.wait(self.call("PATCH", path, {"properties": {"hardwareProfile": {"vmSize": "Standard_B2s"}}}, VM_V))
        self.assertEqual(self.call("GET", path, version=VM_V).json["zones"], ["2"])


class Storage(ArmCase):
    flags = ("--async-polls", "1", "--blob-endpoint", "http://127.0.0.1:10000/{account}/")

    def test_account_lifecycle(self):
        """[sa] checkNameAvailability; PUT 202 (empty) + Location polled to 200 with the account; listKeys."""
        self.rg()
        r = self.call("POST", "/subscriptions/%s/providers/Microsoft.Storage/checkNameAvailability" % SUB,
                      {"name": "acct1", "type": "Microsoft.Storage/storageAccounts"}, SA_V)
        self.assertEqual(r.json, {"nameAvailable": True})
        path = self.res("rg1", "Microsoft.Storage/storageAccounts/acct1")
        r = self.call("PUT", path, {"location": "westeurope", "sku": {"name": "Standard_LRS"}, "kind": "StorageV2"}, SA_V)
        self.assertEqual((r.status, r.raw), (202, b""))
        loc = r.header("Location")
        self.assertRegex(loc, r"/providers/Microsoft.Storage/locations/westeurope/asyncoperations/")
        self.assertEqual(self.follow(loc).status, 202)
        done = self.follow(loc)
        self.assertEqual(done.status, 200)
        self.assertEqual(done.json["properties"]["primaryEndpoints"]["blob"], "http://127.0.0.1:10000/acct1/")
        self.assertEqual(done.json["properties"]["provisioningState"], "Succeeded")
        keys = self.call("POST", path + "/listKeys", version=SA_V).json["keys"]
        self.assertEqual([(k["keyName"], k["permissions"]) for k in keys], [("key1", "Full"), ("key2", "Full")])
        self.assertEqual(len(base64.b64decode(keys[0]["value"])), 64)
        r = self.call("POST", "/subscriptions/%s/providers/Microsoft.Storage/checkNameAvailability" % SUB,
                      {"name": "acct1", "type": "Microsoft.Storage/storageAccounts"}, SA_V)
        self.assertEqual((r.json["nameAvailable"], r.json["reason"]), (False, "AlreadyExists"))
        self.rg("rg2")
        r = self.call("PUT", self.res("rg2", "Microsoft.Storage/storageAccounts/acct1"),
                      {"location": "westeurope", "sku": {"name": "Standard_LRS"}}, SA_V)
        self.assertEqual((r.status, r.json["error"]["code"]), (409, "StorageAccountAlreadyTaken"))
        r = self.call("PUT", self.res("rg2", "Microsoft.Storage/storageAccounts/Bad_Name"),
                      {"location": "westeurope", "sku": {"name": "Standard_LRS"}}, SA_V)
        self.assertEqual((r.status, r.json["error"]["code"]), (400, "AccountNameInvalid"))
        self.assertEqual(self.call("DELETE", path, version=SA_V).status, 200)
        self.assertEqual(self.call("DELETE", path, version=SA_V).status, 204)

    def test_containers(self):
        """[sa] blob.json: containers PUT 201/200, GET, list, 404 ContainerNotFound, DELETE 200."""
        self.rg()
        path = self.res("rg1", "Microsoft.Storage/storageAccounts/acct2")
        self.wait(self.call("PUT", path, {"location": "westeurope", "sku": {"name": "Standard_LRS"}}, SA_V))
        c = path + "/blobServices/default/containers/content"
        r = self.call("PUT", c, {"properties": {"publicAccess": "None"}}, SA_V)
        self.assertEqual(r.status, 201)
        self.assertEqual(r.json["type"], "Microsoft.Storage/storageAccounts/blobServices/containers")
        self.assertRegex(r.json["etag"], r'^"0x[0-9A-F]+"$')
        self.assertEqual(self.call("PUT", c, {"properties": {}}, SA_V).status, 200)
        self.assertEqual(len(self.call("GET", path + "/blobServices/default/containers", version=SA_V).json["value"]), 1)
        self.assertEqual(self.call("GET", path + "/blobServices/default", version=SA_V).json["name"], "default")
        r = self.call("GET", path + "/blobServices/default/containers/none", version=SA_V)
        self.assertEqual((r.status, r.json["error"]["code"]), (404, "ContainerNotFound"))
        self.assertEqual(self.call("DELETE", c, version=SA_V).status, 200)


class BlobDataPlane(ArmCase):
    """[sa] --blob-data-plane: a container ARM creates or deletes is created or deleted at the
    account's blob endpoint too (Create/Delete Container, Shared Key), as Azure's control plane
    does; the signature itself is checked against Azurite by the Rust end-to-end tests."""

    def setUp(self):
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        import threading
        seen = self.seen = []

        class Blob(BaseHTTPRequestHandler):
            def do_PUT(self):
                seen.append(("PUT", self.path, self.headers.get("Authorization", ""), self.headers.get("x-ms-version")))
                self.send_response(201 if len(seen) == 1 else 409)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_DELETE(self):
                seen.append(("DELETE", self.path, self.headers.get("Authorization", ""), self.headers.get("x-ms-version")))
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.blob = ThreadingHTTPServer(("127.0.0.1", 0), Blob)
        threading.Thread(target=self.blob.serve_forever, daemon=True).start()
        endpoint = "http://127.0.0.1:%d/devstoreaccount1/" % self.blob.server_address[1]
        self.flags = ("--async-polls", "0", "--blob-endpoint", endpoint, "--blob-data-plane")
        super().setUp()

    def tearDown(self):
        super().tearDown()
        self.blob.shutdown()

    def test_containers_follow_arm(self):
        c = self
        c.rg()
        account = c.res("rg1", "Microsoft.Storage/storageAccounts/acct3")
        c.wait(c.call("PUT", account, {"location": "westeurope", "sku": {"name": "Standard_LRS"}}, SA_V))
        path = account + "/blobServices/default/containers/data"
        self.assertEqual(c.call("PUT", path, {"properties": {}}, SA_V).status, 201)
        self.assertEqual(c.call("PUT", path, {"properties": {}}, SA_V).status, 200)  # 409 upstream is kept
        self.assertEqual(c.call("DELETE", path, version=SA_V).status, 200)
        self.assertEqual([(m, p) for m, p, _, _ in self.seen], [
            ("PUT", "/devstoreaccount1/data?restype=container"),
            ("PUT", "/devstoreaccount1/data?restype=container"),
            ("DELETE", "/devstoreaccount1/data?restype=container")])
        for _, _, auth, version in self.seen:
            self.assertRegex(auth, r"^SharedKey devstoreaccount1:[A-Za-z0-9+/]{43}=$")
            self.assertTrue(version)


class FaultsAndAdmin(ArmCase):
    def test_failed_operation(self):
        """[async] a Failed operation: status Failed with `error` on the Azure-AsyncOperation URL."""
        self.rg()
        http("POST", self.url + "/_double/fail-next", {"code": "InternalOperationError", "message": "boom"})
        r = self.call("PUT", self.res("rg1", "Microsoft.Network/publicIPAddresses/p"), {"location": "westeurope"})
        final = self.wait(r)
        self.assertEqual(final.json["status"], "Failed")
        self.assertEqual(final.json["error"], {"code": "InternalOperationError", "message": "boom"})
        self.assertEqual(self.call("GET", self.res("rg1", "Microsoft.Network/publicIPAddresses/p")).json[
            "properties"]["provisioningState"], "Failed")

    def test_admin_lists_and_resets(self):
        self.rg()
        state = http("GET", self.url + "/_double/").json
        self.assertEqual(len(state["groups"]), 1)
        self.assertEqual(http("POST", self.url + "/_double/reset").status, 204)
        self.assertEqual(http("GET", self.url + "/_double/").json["groups"], {})

    def test_every_request_faults_at_rate_one(self):
        """429 with Retry-After and ARM's throttling code, or 500/503 with ARM error bodies; token exempt."""
        double = start("--fault-rate", "1", "--seed", "7")
        try:
            token = http("POST", "%s/%s/oauth2/v2.0/token" % (double.url, TENANT), form={
                "grant_type": "client_credentials", "client_id": arm.DEFAULT_CLIENT_ID,
                "client_secret": arm.DEFAULT_CLIENT_SECRET, "scope": "https://management.azure.com/.default"})
            self.assertEqual(token.status, 200)
            seen = set()
            for _ in range(30):
                r = http("GET", double.url + "/subscriptions/%s?api-version=2022-12-01" % SUB)
                seen.add(r.status)
                self.assertIn(r.status, (429, 500, 503))
                self.assertIn("code", r.json["error"])
                if r.status == 429:
                    self.assertEqual(r.header("Retry-After"), "1")
            self.assertEqual(seen, {429, 500, 503})
        finally:
            double.stop()


class Convergence(unittest.TestCase):
    """With 20 % faults, a client that simply retries 429/5xx completes create/poll/delete."""

    def test_naive_retry_converges(self):
        double = start("--fault-rate", "0.2", "--fault-token", "--seed", "42", "--async-polls", "2",
                       "--latency-ms", "2", "--latency-dist", "lognormal")
        try:
            def retry(method, url, body=None, headers=None, form=None):
                for _ in range(50):
                    r = http(method, url, body, headers, form)
                    if r.status not in (429, 500, 503):
                        return r
                self.fail("never got through")
            tok = retry("POST", "%s/%s/oauth2/v2.0/token" % (double.url, TENANT), form={
                "grant_type": "client_credentials", "client_id": arm.DEFAULT_CLIENT_ID,
                "client_secret": arm.DEFAULT_CLIENT_SECRET, "scope": "https://management.azure.com/.default"}).json
            auth = {"Authorization": "Bearer " + tok["access_token"]}
            base = double.url + "/subscriptions/%s/resourcegroups/conv" % SUB
            self.assertIn(retry("PUT", base + "?api-version=" + RG_V, {"location": "westeurope"}, auth).status, (200, 201))
            vnet = base + "/providers/Microsoft.Network/virtualNetworks/v?api-version=" + NET_V
            r = retry("PUT", vnet, {"location": "westeurope", "properties": {"addressSpace": {"addressPrefixes": ["10.9.0.0/16"]}}}, auth)
            while retry("GET", r.header("Azure-AsyncOperation"), None, auth).json["status"] == "InProgress":
                pass
            self.assertEqual(retry("GET", vnet, None, auth).json["properties"]["provisioningState"], "Succeeded")
            d = retry("DELETE", base + "?api-version=" + RG_V, None, auth)
            while retry("GET", d.header("Location"), None, auth).status == 202:
                pass
            self.assertEqual(retry("GET", vnet, None, auth).status, 404)
        finally:
            double.stop()


class CommandLine(unittest.TestCase):
    def test_prints_listening_line_first(self):
        """Harnesses read the port from the first stdout line: `listening on http://127.0.0.1:PORT`."""
        script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "arm.py")
        proc = subprocess.Popen([sys.executable, script, "--port", "0"], stdout=subprocess.PIPE, text=True)
        try:
            line = proc.stdout.readline().strip()
            self.assertRegex(line, r"^listening on http://127\.0\.0\.1:\d+$")
            deadline = time.time() + 5
            while time.time() < deadline:
                r = http("GET", line.split()[-1] + "/_double/health")
                if r.status == 200:
                    break
            self.assertEqual(r.json["double"], "arm-double")
        finally:
            proc.terminate()
            proc.wait(5)
            proc.stdout.close()



if __name__ == "__main__":
    unittest.main()
