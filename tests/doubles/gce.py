#!/usr/bin/env python3
"""Compute Engine double: a standalone, standard-library HTTP server that speaks the Compute Engine
v1 REST/JSON API (and a service account's OAuth token endpoint) closely enough for
google-cloud-compute-v1 4.x, google-cloud-auth and AutoStack's google provider to run unchanged
against it, with only the endpoint overridden.

    python3 tests/doubles/gce.py --port 8701 [--latency-ms 50] [--fault-rate 0.2] [--operation-polls 2]
    python3 tests/doubles/gce.py --port 8701 --write-key /tmp/gce-key.json   # key whose token_uri is this double

See tests/doubles/README.md for flags, coverage and deliberate simplifications. This file holds the
CLI, routes, faults and the operation endpoints; see gce_core, gce_auth, gce_catalog, gce_network
and gce_compute for the rest.
"""

import os
import sys
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import gce_auth  # noqa: E402
import gce_catalog as cat  # noqa: E402
import gce_compute as comp  # noqa: E402
import gce_network as net  # noqa: E402
from common import App, Response, Server, common_arguments, make_handler, new_parser  # noqa: E402
from gce_core import aggregated_response, not_found, poll, finish  # noqa: E402

P = r"/compute/v1/projects/(?P<project>[^/]+)"
N = r"(?P<name>[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?|[^/]+)"


class GceDouble(App):
    """The Compute Engine double's application."""

    name = "gce-double"

    def reset(self):
        trusted = self.state.get("trusted_keys", {}) if self.state else {}
        self.state = {"tokens": {}, "resources": {}, "operations": {}, "op_meta": {}, "trusted_keys": trusted}
        self.effects = {}  # operation name -> effect to run at DONE (kept out of the listed state)

    def finish_operation(self, name):
        op = self.state["operations"].get(name)
        if op is not None and op["status"] != "DONE":
            finish(self, op)

    def register_routes(self):
        r = self.router.add
        r("POST", r"/token", lambda app, req: gce_auth.token(app, req))
        r("GET", r"/v1/projects/(?P<project>[^/]+)", cat.crm_project_v1)
        r("GET", r"/v3/projects/(?P<project>[^/]+)", cat.crm_project_v3)
        r("GET", P, cat.get_project)
        r("GET", P + r"/zones", cat.list_zones)
        r("GET", P + r"/zones/(?P<zone>[^/]+)", cat.get_zone)
        r("GET", P + r"/regions", cat.list_regions)
        r("GET", P + r"/regions/(?P<region>[^/]+)", cat.get_region)
        r("GET", P + r"/zones/(?P<zone>[^/]+)/machineTypes", cat.list_machine_types)
        r("GET", P + r"/zones/(?P<zone>[^/]+)/machineTypes/(?P<name>[^/]+)", cat.get_machine_type)
        r("GET", P + r"/global/images", cat.list_images)
        r("GET", P + r"/global/images/family/(?P<family>[^/]+)", cat.get_image_family)
        r("GET", P + r"/global/images/(?P<name>[^/]+)", cat.get_image)
        r("GET", P + r"/(?P<scope>global|regions/[^/]+|zones/[^/]+)/operations/(?P<op>[^/]+)", get_operation)
        r("POST", P + r"/(?P<scope>global|regions/[^/]+|zones/[^/]+)/operations/(?P<op>[^/]+)/wait", wait_operation)
        r("GET POST", P + r"/global/networks", net.networks)
        r("GET PATCH DELETE", P + r"/global/networks/" + N, net.network)
        r("GET POST", P + r"/regions/(?P<region>[^/]+)/subnetworks", net.subnetworks)
        r("GET PATCH DELETE", P + r"/regions/(?P<region>[^/]+)/subnetworks/" + N, net.subnetwork)
        r("POST", P + r"/regions/(?P<region>[^/]+)/subnetworks/" + N + r"/expandIpCidrRange", net.expand_ip_cidr_range)
        r("GET POST", P + r"/global/firewalls", net.firewalls)
        r("GET PATCH PUT DELETE", P + r"/global/firewalls/" + N, net.firewall)
        r("GET POST", P + r"/regions/(?P<region>[^/]+)/addresses", net.addresses)
        r("GET DELETE", P + r"/regions/(?P<region>[^/]+)/addresses/" + N, net.address)
        r("POST", P + r"/regions/(?P<region>[^/]+)/addresses/" + N + r"/setLabels", net.address_set_labels)
        r("GET POST", P + r"/zones/(?P<zone>[^/]+)/instances", comp.instances)
        r("GET DELETE", P + r"/zones/(?P<zone>[^/]+)/instances/" + N, comp.instance)
        r("POST", P + r"/zones/(?P<zone>[^/]+)/instances/" + N + r"/(?P<action>[A-Za-z]+)", comp.instance_action)
        r("GET POST", P + r"/zones/(?P<zone>[^/]+)/disks", comp.disks)
        r("GET DELETE", P + r"/zones/(?P<zone>[^/]+)/disks/" + N, comp.disk)
        r("POST", P + r"/zones/(?P<zone>[^/]+)/disks/" + N + r"/(?P<action>setLabels|resize)", comp.disk_action)
        r("GET", P + r"/aggregated/(?P<what>instances|disks|addresses|subnetworks)", aggregated)

    def handle(self, req):
        """With --default-network, a project gets GCE's `default` network and firewall rules on first use."""
        parts = req.path.split("/")
        if self.options.default_network and len(parts) > 4 and parts[1:3] == ["compute", "v1"]:
            with self.lock:
                seed_default_network(self, parts[4])
        return super().handle(req)

    # hooks --------------------------------------------------------------------------------------------
    def is_exempt(self, req):
        return req.path in ("/token",)

    def authenticate(self, req):
        gce_auth.authenticate(self, req)

    def fault_response(self, req):
        """Google's throttling and backend errors, in the JSON error envelope."""
        kind = self.rng.choice([429, 500, 503])
        if kind == 429:
            msg = ("Quota exceeded for quota metric 'Queries' and limit 'Queries per minute' of service "
                   "'compute.googleapis.com' for consumer 'project_number:%s'." % cat.project_number("double"))
            err = {"code": 429, "message": msg, "errors": [{"message": msg, "domain": "usageLimits",
                                                             "reason": "rateLimitExceeded"}], "status": "RESOURCE_EXHAUSTED"}
            return Response(429, {"error": err}, {"Retry-After": "1"})
        if kind == 500:
            msg = "Internal error. Please try again or contact Google Support. (Code: '%s')" % uuid.uuid4().hex[:16]
            return Response(500, {"error": {"code": 500, "message": msg, "errors": [
                {"message": msg, "domain": "global", "reason": "backendError"}]}})
        msg = "The service is currently unavailable."
        return Response(503, {"error": {"code": 503, "message": msg, "errors": [
            {"message": msg, "domain": "global", "reason": "backendError"}], "status": "UNAVAILABLE"}})

    def not_found(self, req):
        return Response(404, {"error": {"code": 404, "message": "The requested URL %s was not found on this server." % req.path,
                                        "errors": [{"message": "Not Found", "domain": "global", "reason": "notFound"}]}})

    def method_not_allowed(self, req, allowed):
        msg = "Method %s is not allowed for %s." % (req.method, req.path)
        return Response(405, {"error": {"code": 405, "message": msg, "errors": [
            {"message": msg, "domain": "global", "reason": "httpMethodNotAllowed"}]}}, {"Allow": ", ".join(sorted(allowed))})

    def internal_error(self, req, exc):
        return Response(500, {"error": {"code": 500, "message": "double bug: %r" % (exc,), "errors": [
            {"message": "double bug", "domain": "global", "reason": "backendError"}]}})


DEFAULT_RULES = [("default-allow-internal", ["10.128.0.0/9"], [{"IPProtocol": "tcp", "ports": ["0-65535"]},
                                                                 {"IPProtocol": "udp", "ports": ["0-65535"]},
                                                                 {"IPProtocol": "icmp"}], 65534),
                 ("default-allow-ssh", ["0.0.0.0/0"], [{"IPProtocol": "tcp", "ports": ["22"]}], 65534),
                 ("default-allow-rdp", ["0.0.0.0/0"], [{"IPProtocol": "tcp", "ports": ["3389"]}], 65534),
                 ("default-allow-icmp", ["0.0.0.0/0"], [{"IPProtocol": "icmp"}], 65534)]


def seed_default_network(app, project):
    """What a new project has (https://cloud.google.com/vpc/docs/vpc#default-network): an auto-mode
    `default` network and four firewall rules. Catalog projects (debian-cloud, ...) are left alone."""
    seeded = app.state.setdefault("seeded_projects", [])
    if project in seeded or project in cat.IMAGES:
        return
    seeded.append(project)
    net.create_network(app, project, {"name": "default", "autoCreateSubnetworks": True,
                                      "description": "Default network for the project"})
    for name, ranges, allowed, prio in DEFAULT_RULES:
        net.create_firewall(app, project, {"name": name, "network": "global/networks/default", "sourceRanges": ranges,
                                           "allowed": allowed, "priority": prio})


# operations ------------------------------------------------------------------------------------------------
def _operation(app, project, scope, name):
    op = app.state["operations"].get(name)
    key = "projects/%s/%s/operations/%s" % (project, scope, name)
    if op is None or app.state["op_meta"][name]["key"] != key:
        raise not_found(key)
    return op


def get_operation(app, req, project, scope, op):
    """Each GET is one poll: PENDING -> RUNNING (for --operation-polls GETs) -> DONE."""
    oper = _operation(app, project, scope, op)
    poll(app, oper)
    return Response(200, dict(oper))


def wait_operation(app, req, project, scope, op):
    """`wait` returns when the operation is DONE (real GCE waits up to 2 minutes)."""
    oper = _operation(app, project, scope, op)
    if oper["status"] != "DONE":
        finish(app, oper)
    return Response(200, dict(oper))


def aggregated(app, req, project, what):
    kinds = {"instances": ("compute#instance", "zones"), "disks": ("compute#disk", "zones"),
             "addresses": ("compute#address", "regions"), "subnetworks": ("compute#subnetwork", "regions")}
    kind, scope_type = kinds[what]
    scopes = ["zones/" + z for z in cat.ZONES] if scope_type == "zones" else ["regions/" + r for r in cat.REGIONS]
    items = comp.scoped(app, project, kind)
    return aggregated_response(app, req, kind + "AggregatedList", "projects/%s/aggregated/%s" % (project, what),
                               what, items, scopes)


# CLI -----------------------------------------------------------------------------------------------------
def parse_options(argv=None):
    parser = new_parser("Compute Engine double (see tests/doubles/README.md)")
    common_arguments(parser, "--operation-polls", "operation GETs that answer RUNNING before DONE")
    env = os.environ.get
    parser.add_argument("--access-token", default=env("GCE_DOUBLE_ACCESS_TOKEN", "gce-double-token"),
                        help="a static bearer token the API accepts (GOOGLE_OAUTH_ACCESS_TOKEN-style use)")
    parser.add_argument("--user", default="autostack-double@autostack-double.iam.gserviceaccount.com",
                        help="`user` reported in operations")
    parser.add_argument("--default-network", action="store_true",
                        help="give each project GCE's `default` network and firewall rules (off: projects start empty)")
    parser.add_argument("--write-key", metavar="PATH", help="write a test-only service-account key whose token_uri is "
                        "this double (and trust it), then serve")
    parser.add_argument("--write-key-only", action="store_true", help="exit after --write-key")
    parser.add_argument("--trust-key", action="append", default=[], metavar="PATH",
                        help="service-account key JSON whose JWT signatures are verified (repeatable)")
    return parser.parse_args(argv)


def build(opts):
    """The app with trusted keys loaded (tests call this too)."""
    import json
    app = GceDouble(opts)
    for path in opts.trust_key:
        with open(path) as fh:
            gce_auth.trust_key(app, json.load(fh))
    return app


def main(argv=None):
    opts = parse_options(argv)
    app = build(opts)
    server = Server((opts.host, opts.port), make_handler(app))
    url = "http://%s:%d" % (opts.host, server.server_address[1])
    if opts.write_key:
        gce_auth.trust_key(app, gce_auth.write_key(opts.write_key, url + "/token"))
        if opts.write_key_only:
            return
    print("listening on " + url, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()



if __name__ == "__main__":
    main()
