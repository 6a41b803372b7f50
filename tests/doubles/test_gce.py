"""Pins the wire shapes of the Compute Engine double against the Compute Engine v1 REST reference.

References cited per test; the main ones:
- [op] https://cloud.google.com/compute/docs/reference/rest/v1/zoneOperations (Operation, wait)
- [inst] https://cloud.google.com/compute/docs/reference/rest/v1/instances (+ stop/start/setMachineType/
  setLabels/setMetadata/setTags/attachDisk/detachDisk, list filter and paging, aggregatedList)
- [disk] https://cloud.google.com/compute/docs/reference/rest/v1/disks
- [net] https://cloud.google.com/compute/docs/reference/rest/v1/networks, .../subnetworks, .../firewalls, .../addresses
- [err] https://cloud.google.com/compute/docs/api/handle-api-responses, https://cloud.google.com/apis/design/errors
- [sa] https://developers.google.com/identity/protocols/oauth2/service-account (JWT-bearer grant, self-signed JWTs);
  github:googleapis/google-cloud-rust src/auth/src/credentials/service_account.rs (claims the Rust client signs)
"""

import json
import os
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse

from harness import Running, http

import gce
import gce_auth

PROJECT = "proj-1"
P = "/compute/v1/projects/" + PROJECT
OP_NAME = r"^operation-\d{13}-[0-9a-f]{13}-[0-9a-f]{8}-[0-9a-f]{8}$"
RFC3339 = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$"


def start(*flags):
    return Running(gce.build(gce.parse_options(list(flags))))


class GceCase(unittest.TestCase):
    flags = ("--operation-polls", "1", "--page-size", "2")

    def setUp(self):
        self.double = start(*self.flags)
        self.url = self.double.url
        self.auth = {"Authorization": "Bearer gce-double-token"}

    def tearDown(self):
        self.double.stop()

    def call(self, method, path, body=None):
        return http(method, self.url + path, body, self.auth)

    def done(self, r):
        """Poll an Operation until DONE; returns the final Operation JSON."""
        self.assertEqual(r.status, 200, r)
        op = r.json
        for _ in range(10):
            if op["status"] == "DONE":
                return op
            op = self.call("GET", op["selfLink"].replace("https://www.googleapis.com", "")).json
        self.fail("operation never finished")

    def network(self, name="net1", cidr="10.0.0.0/24"):
        self.done(self.call("POST", P + "/global/networks", {"name": name, "autoCreateSubnetworks": False}))
        self.done(self.call("POST", P + "/regions/us-central1/subnetworks", {
            "name": name + "-sub", "network": "global/networks/" + name, "ipCidrRange": cidr}))

    def instance(self, name="vm1", **extra):
        body = {"name": name, "machineType": "zones/us-central1-a/machineTypes/e2-medium",
                "disks": [{"boot": True, "autoDelete": True,
                           "initializeParams": {"sourceImage": "projects/debian-cloud/global/images/family/debian-12"}}],
                "networkInterfaces": [{"subnetwork": "regions/us-central1/subnetworks/net1-sub",
                                       "accessConfigs": [{"type": "ONE_TO_ONE_NAT"}]}]}
        body.update(extra)
        return self.call("POST", P + "/zones/us-central1-a/instances", body)


class Auth(GceCase):
    def test_static_token_and_401_bodies(self):
        """[err] 401 with reason `required` (no header) or `authError` (unknown token), status UNAUTHENTICATED."""
        self.assertEqual(self.call("GET", P + "/zones").status, 200)
        r = http("GET", self.url + P + "/zones")
        self.assertEqual((r.status, r.json["error"]["errors"][0]["reason"]), (401, "required"))
        self.assertEqual(r.json["error"]["status"], "UNAUTHENTICATED")
        r = http("GET", self.url + P + "/zones", None, {"Authorization": "Bearer nope"})
        self.assertEqual((r.status, r.json["error"]["errors"][0]["reason"]), (401, "authError"))


@unittest.skipUnless(gce_auth.have_openssl(), "needs the openssl CLI for RSA keys")
class ServiceAccountFlow(unittest.TestCase):
    """[sa] A key written by --write-key, a real RS256 JWT, the token exchange, then an API call."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.double = start()
        self.key = gce_auth.write_key(os.path.join(self.tmp.name, "key.json"), self.double.url + "/token")
        gce_auth.trust_key(self.double.app, self.key)

    def tearDown(self):
        self.double.stop()
        self.tmp.cleanup()

    def claims(self, **over):
        now = int(time.time())
        c = {"iss": self.key["client_email"], "scope": "https://www.googleapis.com/auth/cloud-platform",
             "aud": self.key["token_uri"], "iat": now, "exp": now + 3600}
        c.update(over)
        return c

    def exchange(self, assertion):
        return http("POST", self.key["token_uri"], form={"grant_type": gce_auth.JWT_BEARER, "assertion": assertion})

    def test_key_file_shape(self):
        for field in ("type", "project_id", "private_key_id", "private_key", "client_email", "client_id", "token_uri"):
            self.assertIn(field, self.key)
        self.assertEqual(self.key["type"], "service_account")
        self.assertTrue(self.key["private_key"].startswith("-----BEGIN PRIVATE KEY-----"))

    def test_jwt_bearer_exchange(self):
        r = self.exchange(gce_auth.sign_jwt(self.key, self.claims()))
        self.assertEqual(r.status, 200, r)
        self.assertEqual(set(r.json), {"access_token", "expires_in", "token_type"})
        self.assertEqual((r.json["expires_in"], r.json["token_type"]), (3599, "Bearer"))
        api = http("GET", self.double.url + P + "/zones", None, {"Authorization": "Bearer " + r.json["access_token"]})
        self.assertEqual(api.status, 200)

    def test_rejected_assertions(self):
        """invalid_grant for a bad signature, a wrong audience, a too-long lifetime; unsupported_grant_type."""
        good = gce_auth.sign_jwt(self.key, self.claims())
        tampered = good.rsplit(".", 1)[0] + "." + gce_auth.b64url(b"\x00" * 256)
        self.assertEqual(self.exchange(tampered).json, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."})
        r = self.exchange(gce_auth.sign_jwt(self.key, self.claims(aud="https://example.com/other")))
        self.assertEqual((r.status, r.json["error"]), (400, "invalid_grant"))
        r = self.exchange(gce_auth.sign_jwt(self.key, self.claims(exp=int(time.time()) + 7200)))
        self.assertIn("short-lived", r.json["error_description"])
        r = http("POST", self.key["token_uri"], form={"grant_type": "client_credentials"})
        self.assertEqual((r.status, r.json["error"]), (400, "unsupported_grant_type"))

    def test_self_signed_jwt_as_bearer(self):
        """google-cloud-auth sends a self-signed JWT (iss = sub = email, scope, no token exchange)."""
        now = int(time.time())
        claims = {"iss": self.key["client_email"], "sub": self.key["client_email"], "aud": None,
                  "scope": "https://www.googleapis.com/auth/cloud-platform", "iat": now - 10, "exp": now + 3610}
        jwt = gce_auth.sign_jwt(self.key, claims)
        self.assertEqual(http("GET", self.double.url + P + "/zones", None, {"Authorization": "Bearer " + jwt}).status, 200)
        expired = gce_auth.sign_jwt(self.key, dict(claims, iat=now - 7200, exp=now - 3600))
        self.assertEqual(http("GET", self.double.url + P + "/zones", None, {"Authorization": "Bearer " + expired}).status, 401)


class Operations(GceCase):
    flags = ("--operation-polls", "2")

    def test_operation_shape_and_sequence(self):
        """[op] kind, id (uint64 as decimal string), name format, PENDING -> RUNNING -> DONE, times, links."""
        r = self.call("POST", P + "/global/networks", {"name": "net1", "autoCreateSubnetworks": False})
        op = r.json
        self.assertEqual(op["kind"], "compute#operation")
        self.assertIsInstance(op["id"], str)
        self.assertTrue(0 < int(op["id"]) < 2 ** 64)
        self.assertRegex(op["name"], OP_NAME)
        self.assertEqual((op["operationType"], op["status"], op["progress"]), ("insert", "PENDING", 0))
        self.assertEqual(op["targetLink"], "https://www.googleapis.com/compute/v1/projects/%s/global/networks/net1" % PROJECT)
        self.assertIsInstance(op["targetId"], str)
        self.assertRegex(op["insertTime"], RFC3339)
        self.assertEqual(op["selfLink"], "https://www.googleapis.com/compute/v1/projects/%s/global/operations/%s"
                         % (PROJECT, op["name"]))
        seq = [self.call("GET", P + "/global/operations/" + op["name"]).json for _ in range(3)]
        self.assertEqual([o["status"] for o in seq], ["RUNNING", "RUNNING", "DONE"])
        self.assertEqual(seq[-1]["progress"], 100)
        self.assertRegex(seq[-1]["endTime"], RFC3339)
        self.assertNotIn("error", seq[-1])

    def test_wait_and_zone_operation(self):
        """[op] zoneOperations.wait returns the DONE operation; zonal operations carry `zone`."""
        r = self.call("POST", P + "/zones/us-central1-a/disks", {"name": "d1", "sizeGb": "20"})
        self.assertEqual(r.json["zone"], "https://www.googleapis.com/compute/v1/projects/%s/zones/us-central1-a" % PROJECT)
        self.assertEqual(self.call("GET", P + "/zones/us-central1-a/disks/d1").json["status"], "CREATING")
        w = self.call("POST", P + "/zones/us-central1-a/operations/%s/wait" % r.json["name"])
        self.assertEqual(w.json["status"], "DONE")
        self.assertEqual(self.call("GET", P + "/zones/us-central1-a/disks/d1").json["status"], "READY")
        self.assertEqual(self.call("GET", P + "/zones/us-central1-b/operations/" + r.json["name"]).status, 404)

    def test_resource_not_ready_while_operation_runs(self):
        """[err] resourceNotReady: mutating a resource whose operation is not DONE."""
        self.call("POST", P + "/global/networks", {"name": "net1", "autoCreateSubnetworks": False})
        r = self.call("DELETE", P + "/global/networks/net1")
        self.assertEqual((r.status, r.json["error"]["errors"][0]["reason"]), (400, "resourceNotReady"))


class OperationsOnTheirOwn(GceCase):
    flags = ("--operation-polls", "2", "--operation-seconds", "0.3")

    def test_an_operation_nobody_polls_finishes_by_itself(self):
        """[op] a client killed before polling its create to DONE: the network stays not ready
        only until the operation's time is up, then it can be deleted (as GCE finishes the work)."""
        create = self.call("POST", P + "/global/networks", {"name": "net1", "autoCreateSubnetworks": False}).json
        r = self.call("DELETE", P + "/global/networks/net1")
        self.assertEqual((r.status, r.json["error"]["errors"][0]["reason"]), (400, "resourceNotReady"))
        time.sleep(0.4)
        self.assertEqual(self.call("GET", P + "/global/operations/" + create["name"]).json["status"], "DONE")
        delete = self.call("DELETE", P + "/global/networks/net1")
        self.assertEqual((delete.status, delete.json["status"]), (200, "PENDING"))
        time.sleep(0.4)
        self.assertEqual(self.call("GET", P + "/global/networks/net1").status, 404)


class Errors(GceCase):
    def test_not_found_and_already_exists(self):
        """[err] 404 notFound and 409 alreadyExists, Google's envelope and wording."""
        r = self.call("GET", P + "/zones/us-central1-a/instances/x")
        self.assertEqual(r.status, 404)
        msg = "The resource 'projects/%s/zones/us-central1-a/instances/x' was not found" % PROJECT
        self.assertEqual(r.json, {"error": {"code": 404, "message": msg, "errors": [
            {"message": msg, "domain": "global", "reason": "notFound"}]}})
        self.done(self.call("POST", P + "/global/networks", {"name": "n", "autoCreateSubnetworks": False}))
        r = self.call("POST", P + "/global/networks", {"name": "n", "autoCreateSubnetworks": False})
        self.assertEqual((r.status, r.json["error"]["errors"][0]["reason"]), (409, "alreadyExists"))
        r = self.call("POST", P + "/global/networks", {"name": "Bad_Name"})
        self.assertEqual((r.status, r.json["error"]["errors"][0]["reason"]), (400, "invalid"))

    def test_network_in_use_fails_the_operation(self):
        """[net] deleting a network with subnetworks: the operation ends DONE with error + httpErrorStatusCode 400."""
        self.network()
        op = self.done(self.call("DELETE", P + "/global/networks/net1"))
        self.assertEqual(op["error"]["errors"][0]["code"], "RESOURCE_IN_USE_BY_ANOTHER_RESOURCE")
        self.assertEqual((op["httpErrorStatusCode"], op["httpErrorMessage"]), (400, "BAD REQUEST"))
        self.assertEqual(self.call("GET", P + "/global/networks/net1").status, 200)


class Instances(GceCase):
    def setUp(self):
        super().setUp()
        self.network()

    def test_instance_lifecycle(self):
        """[inst] PROVISIONING -> STAGING -> RUNNING; boot disk from the family's newest image; IPs."""
        r = self.instance(labels={"env": "dev"})
        inst = self.call("GET", P + "/zones/us-central1-a/instances/vm1").json
        self.assertEqual(inst["status"], "STAGING")
        self.done(r)
        inst = self.call("GET", P + "/zones/us-central1-a/instances/vm1").json
        self.assertEqual(inst["status"], "RUNNING")
        self.assertEqual(inst["kind"], "compute#instance")
        self.assertEqual(inst["selfLink"], "https://www.googleapis.com/compute/v1/projects/%s/zones/us-central1-a/instances/vm1"
                         % PROJECT)
        self.assertEqual(inst["machineType"].rsplit("/", 1)[-1], "e2-medium")
        self.assertEqual(inst["networkInterfaces"][0]["networkIP"], "10.0.0.2")
        self.assertIn("natIP", inst["networkInterfaces"][0]["accessConfigs"][0])
        self.assertEqual(inst["labels"], {"env": "dev"})
        self.assertRegex(inst["creationTimestamp"], RFC3339)
        disk = self.call("GET", P + "/zones/us-central1-a/disks/vm1").json
        self.assertEqual(disk["sourceImage"].rsplit("/", 1)[-1], "debian-12-bookworm-v20241210")
        self.assertEqual((disk["sizeGb"], disk["users"], disk["status"]), ("10", [inst["selfLink"]], "READY"))
        r = self.call("DELETE", P + "/zones/us-central1-a/disks/vm1")
        self.assertEqual((r.status, r.json["error"]["errors"][0]["reason"]), (400, "resourceInUseByAnotherResource"))
        self.done(self.call("DELETE", P + "/zones/us-central1-a/instances/vm1"))
        self.assertEqual(self.call("GET", P + "/zones/us-central1-a/instances/vm1").status, 404)
        self.assertEqual(self.call("GET", P + "/zones/us-central1-a/disks/vm1").status, 404)  # autoDelete

    def test_stop_set_machine_type_start(self):
        """setMachineType only when TERMINATED (400 otherwise), as the google provider's update expects."""
        self.done(self.instance())
        path = P + "/zones/us-central1-a/instances/vm1"
        r = self.call("POST", path + "/setMachineType", {"machineType": "zones/us-central1-a/machineTypes/e2-small"})
        self.assertEqual(r.status, 400)
        self.assertEqual(r.json["error"]["message"], "Instance is starting or running.")
        op = self.call("POST", path + "/stop")
        self.assertEqual(self.call("GET", path).json["status"], "STOPPING")
        self.done(op)
        self.assertEqual(self.call("GET", path).json["status"], "TERMINATED")
        self.done(self.call("POST", path + "/setMachineType", {"machineType": "zones/us-central1-a/machineTypes/e2-small"}))
        self.done(self.call("POST", path + "/start"))
        inst = self.call("GET", path).json
        self.assertEqual((inst["status"], inst["machineType"].rsplit("/", 1)[-1]), ("RUNNING", "e2-small"))

    def test_fingerprints(self):
        """setLabels/setMetadata/setTags: stale fingerprint -> 412 conditionNotMet; fresh one -> new fingerprint."""
        self.done(self.instance())
        path = P + "/zones/us-central1-a/instances/vm1"
        inst = self.call("GET", path).json
        self.assertEqual(inst["labelFingerprint"], "42WmSpB8rSM=")
        r = self.call("POST", path + "/setLabels", {"labels": {"a": "b"}, "labelFingerprint": "stale="})
        self.assertEqual((r.status, r.json["error"]["errors"][0]["reason"]), (412, "conditionNotMet"))
        self.done(self.call("POST", path + "/setLabels", {"labels": {"a": "b"}, "labelFingerprint": inst["labelFingerprint"]}))
        after = self.call("GET", path).json
        self.assertEqual(after["labels"], {"a": "b"})
        for fp in (after["labelFingerprint"], after["fingerprint"], after["metadata"]["fingerprint"],
                   after["networkInterfaces"][0]["fingerprint"]):
            self.assertRegex(fp, r"^[A-Za-z0-9_-]{11}=$")  # URL-safe base64: the Rust client decodes it so
        self.assertNotEqual(after["labelFingerprint"], inst["labelFingerprint"])
        r = self.call("POST", path + "/setMetadata", {"fingerprint": "stale=", "items": []})
        self.assertEqual(r.status, 412)
        self.done(self.call("POST", path + "/setMetadata", {"fingerprint": after["metadata"]["fingerprint"],
                                                            "items": [{"key": "startup-script", "value": "echo hi"}]}))
        self.done(self.call("POST", path + "/setTags", {"fingerprint": after["tags"]["fingerprint"], "items": ["web"]}))
        final = self.call("GET", path).json
        self.assertEqual((final["metadata"]["items"][0]["key"], final["tags"]["items"]), ("startup-script", ["web"]))

    def test_attach_detach_resize_disk(self):
        """[disk] attachDisk/detachDisk; a second READ_WRITE attach is in use; resize only grows."""
        self.done(self.instance())
        self.done(self.instance("vm2"))
        self.done(self.call("POST", P + "/zones/us-central1-a/disks", {"name": "data", "sizeGb": "20", "type":
                                                                        "zones/us-central1-a/diskTypes/pd-balanced"}))
        path = P + "/zones/us-central1-a/instances/vm1"
        self.done(self.call("POST", path + "/attachDisk", {"source": "zones/us-central1-a/disks/data", "deviceName": "data"}))
        r = self.call("POST", P + "/zones/us-central1-a/instances/vm2/attachDisk", {"source": "zones/us-central1-a/disks/data"})
        self.assertEqual((r.status, r.json["error"]["errors"][0]["reason"]), (400, "resourceInUseByAnotherResource"))
        r = self.call("POST", P + "/zones/us-central1-a/disks/data/resize", {"sizeGb": "10"})
        self.assertEqual(r.status, 400)
        self.done(self.call("POST", P + "/zones/us-central1-a/disks/data/resize", {"sizeGb": "40"}))
        self.done(self.call("POST", path + "/detachDisk?deviceName=data"))
        disk = self.call("GET", P + "/zones/us-central1-a/disks/data").json
        self.assertEqual((disk["sizeGb"], disk.get("users")), ("40", None))
        self.done(self.call("DELETE", P + "/zones/us-central1-a/disks/data"))

    def test_lists_filters_paging_and_aggregated(self):
        """[inst] filter `name = "x"` / `name eq re`; maxResults + pageToken; aggregated items keyed by zone."""
        for n in ("web-1", "web-2", "db-1"):
            self.done(self.instance(n))
        r = self.call("GET", P + "/zones/us-central1-a/instances?filter=" + 'name%20%3D%20%22db-1%22')
        self.assertEqual([i["name"] for i in r.json["items"]], ["db-1"])
        r = self.call("GET", P + "/zones/us-central1-a/instances?filter=name+eq+web-.*")
        self.assertEqual(sorted(i["name"] for i in r.json["items"]), ["web-1", "web-2"])
        names, token = [], ""
        while True:
            r = self.call("GET", P + "/zones/us-central1-a/instances?maxResults=2" + ("&pageToken=" + token if token else ""))
            self.assertEqual(r.json["kind"], "compute#instanceList")
            names += [i["name"] for i in r.json.get("items", [])]
            token = r.json.get("nextPageToken")
            if not token:
                break
        self.assertEqual(sorted(names), ["db-1", "web-1", "web-2"])
        empty = self.call("GET", P + "/zones/us-east1-b/instances").json
        self.assertNotIn("items", empty)
        agg = self.call("GET", P + "/aggregated/instances?filter=name+%3D+db-1").json
        self.assertEqual(agg["kind"], "compute#instanceAggregatedList")
        self.assertEqual([i["name"] for i in agg["items"]["zones/us-central1-a"]["instances"]], ["db-1"])
        self.assertEqual(agg["items"]["zones/us-east1-b"]["warning"]["code"], "NO_RESULTS_ON_PAGE")


class Networking(GceCase):
    def test_subnetwork_rules(self):
        """[net] overlap rejected (400 invalid); expandIpCidrRange grows; PATCH needs the fingerprint (412)."""
        self.network()
        r = self.call("POST", P + "/regions/us-east1/subnetworks", {
            "name": "other", "network": "global/networks/net1", "ipCidrRange": "10.0.0.128/25"})
        self.assertEqual((r.status, r.json["error"]["errors"][0]["reason"]), (400, "invalid"))
        path = P + "/regions/us-central1/subnetworks/net1-sub"
        sub = self.call("GET", path).json
        self.assertEqual((sub["gatewayAddress"], sub["kind"]), ("10.0.0.1", "compute#subnetwork"))
        self.assertEqual(self.call("POST", path + "/expandIpCidrRange", {"ipCidrRange": "10.0.1.0/24"}).status, 400)
        self.done(self.call("POST", path + "/expandIpCidrRange", {"ipCidrRange": "10.0.0.0/23"}))
        self.assertEqual(self.call("GET", path).json["ipCidrRange"], "10.0.0.0/23")
        self.assertEqual(self.call("PATCH", path, {"privateIpGoogleAccess": True, "fingerprint": "x"}).status, 412)
        fp = self.call("GET", path).json["fingerprint"]
        self.done(self.call("PATCH", path, {"privateIpGoogleAccess": True, "fingerprint": fp}))
        net = self.call("GET", P + "/global/networks/net1").json
        self.assertEqual(net["subnetworks"], ["https://www.googleapis.com/compute/v1/projects/%s/regions/us-central1/"
                                              "subnetworks/net1-sub" % PROJECT])

    def test_firewall_and_address(self):
        """[net] firewall defaults (priority 1000, INGRESS, 0.0.0.0/0); address RESERVED -> IN_USE via natIP."""
        self.network()
        self.done(self.call("POST", P + "/global/firewalls", {"name": "ssh", "network": "global/networks/net1",
                                                             "allowed": [{"IPProtocol": "tcp", "ports": ["22"]}]}))
        fw = self.call("GET", P + "/global/firewalls/ssh").json
        self.assertEqual((fw["priority"], fw["direction"], fw["sourceRanges"]), (1000, "INGRESS", ["0.0.0.0/0"]))
        self.done(self.call("POST", P + "/regions/us-central1/addresses", {"name": "ip1"}))
        addr = self.call("GET", P + "/regions/us-central1/addresses/ip1").json
        self.assertEqual((addr["status"], addr["addressType"]), ("RESERVED", "EXTERNAL"))
        self.done(self.instance(networkInterfaces=[{"subnetwork": "regions/us-central1/subnetworks/net1-sub",
                                                    "accessConfigs": [{"natIP": addr["address"]}]}]))
        addr = self.call("GET", P + "/regions/us-central1/addresses/ip1").json
        self.assertEqual(addr["status"], "IN_USE")
        r = self.call("DELETE", P + "/regions/us-central1/addresses/ip1")
        self.assertEqual(r.json["error"]["errors"][0]["reason"], "resourceInUseByAnotherResource")

    def test_catalog(self):
        """zones/regions lists; images/family/X resolves to the newest non-deprecated image."""
        zones = self.call("GET", "/compute/v1/projects/%s/zones?maxResults=500" % PROJECT).json
        self.assertEqual(zones["kind"], "compute#zoneList")
        flt = urllib.parse.quote("(status eq UP) (region eq .*/regions/europe-west1)")
        zones = self.call("GET", "/compute/v1/projects/%s/zones?maxResults=500&filter=%s" % (PROJECT, flt)).json
        self.assertEqual([z["name"] for z in zones["items"]], ["europe-west1-b", "europe-west1-c"])  # page of 2
        img = self.call("GET", "/compute/v1/projects/debian-cloud/global/images/family/debian-12").json
        self.assertEqual((img["name"], img["family"], img["status"]), ("debian-12-bookworm-v20241210", "debian-12", "READY"))
        old = self.call("GET", "/compute/v1/projects/debian-cloud/global/images/debian-12-bookworm-v20241112").json
        self.assertEqual(old["deprecated"]["state"], "DEPRECATED")
        r = self.call("GET", "/compute/v1/projects/debian-cloud/global/images/family/debian-99")
        self.assertEqual(r.status, 404)


class DefaultNetwork(unittest.TestCase):
    def test_projects_get_the_default_network(self):
        """--default-network: https://cloud.google.com/vpc/docs/vpc#default-network (auto mode + 4 rules)."""
        double = start("--default-network")
        try:
            auth = {"Authorization": "Bearer gce-double-token"}
            net = http("GET", double.url + P + "/global/networks/default", None, auth).json
            self.assertEqual((net["name"], net["autoCreateSubnetworks"]), ("default", True))
            fw = http("GET", double.url + P + "/global/firewalls/default-allow-ssh", None, auth).json
            self.assertEqual((fw["priority"], fw["allowed"]), (65534, [{"IPProtocol": "tcp", "ports": ["22"]}]))
            img = http("GET", double.url + "/compute/v1/projects/debian-cloud/global/networks/default", None, auth)
            self.assertEqual(img.status, 404)
        finally:
            double.stop()


class Faults(unittest.TestCase):
    def test_rate_one_faults_everything_but_token(self):
        """[err] 429 rateLimitExceeded (Retry-After), 500/503 backendError; /token exempt by default."""
        double = start("--fault-rate", "1", "--seed", "3")
        try:
            seen = set()
            for _ in range(30):
                r = http("GET", double.url + P + "/zones", None, {"Authorization": "Bearer gce-double-token"})
                seen.add(r.status)
                reason = r.json["error"]["errors"][0]["reason"]
                self.assertEqual(reason, {429: "rateLimitExceeded", 500: "backendError", 503: "backendError"}[r.status])
            self.assertEqual(seen, {429, 500, 503})
            r = http("POST", double.url + "/token", form={"grant_type": "x"})
            self.assertEqual(r.status, 400)
        finally:
            double.stop()

    def test_naive_retry_converges_at_twenty_percent(self):
        """Create network, poll, create instance, poll, delete, poll until 404, retrying only 429/5xx."""
        double = start("--fault-rate", "0.2", "--seed", "11", "--operation-polls", "2", "--latency-ms", "2",
                       "--latency-dist", "lognormal")
        auth = {"Authorization": "Bearer gce-double-token"}

        def retry(method, path, body=None):
            for _ in range(50):
                r = http(method, double.url + path, body, auth)
                if r.status not in (429, 500, 503):
                    return r
            self.fail("never got through")

        def wait(r):
            op = r.json
            while op["status"] != "DONE":
                op = retry("GET", op["selfLink"].replace("https://www.googleapis.com", "")).json
            self.assertNotIn("error", op)
        try:
            wait(retry("POST", P + "/global/networks", {"name": "n", "autoCreateSubnetworks": True}))
            wait(retry("POST", P + "/zones/us-central1-a/instances", {
                "name": "vm", "machineType": "zones/us-central1-a/machineTypes/e2-micro",
                "disks": [{"boot": True, "autoDelete": True, "initializeParams": {"sourceImage": "projects/debian-cloud/global/images/family/debian-12"}}],
                "networkInterfaces": [{"network": "global/networks/n"}]}))
            self.assertEqual(retry("GET", P + "/zones/us-central1-a/instances/vm").json["status"], "RUNNING")
            wait(retry("DELETE", P + "/zones/us-central1-a/instances/vm"))
            wait(retry("DELETE", P + "/global/networks/n"))
            self.assertEqual(retry("GET", P + "/global/networks/n").status, 404)
        finally:
            double.stop()


class CommandLine(unittest.TestCase):
    @unittest.skipUnless(gce_auth.have_openssl(), "needs the openssl CLI")
    def test_write_key_and_listening_line(self):
        """`--write-key PATH` writes a key whose token_uri is the double, then prints `listening on URL` first."""
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "key.json")
            script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gce.py")
            proc = subprocess.Popen([sys.executable, script, "--port", "0", "--write-key", path],
                                    stdout=subprocess.PIPE, text=True)
            try:
                line = proc.stdout.readline().strip()
                self.assertRegex(line, r"^listening on http://127\.0\.0\.1:\d+$")
                with open(path) as fh:
                    key = json.load(fh)
                self.assertEqual(key["token_uri"], line.split()[-1] + "/token")
            finally:
                proc.terminate()
                proc.wait(5)
                proc.stdout.close()


if __name__ == "__main__":
    unittest.main()
