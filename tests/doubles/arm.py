#!/usr/bin/env python3
"""Azure Resource Manager double: a standalone, standard-library HTTP server that speaks ARM's wire
format (and the Entra ID token endpoint) closely enough for azure_core 0.21 / azure_identity 0.21 /
azure_mgmt_* clients and AutoStack's azurerm provider to run unchanged against it.

    python3 tests/doubles/arm.py --port 8700 [--latency-ms 50] [--fault-rate 0.2] [--async-polls 2]

See tests/doubles/README.md for flags, coverage and deliberate simplifications.
This file holds the CLI, authentication, subscriptions, provider registrations, resource groups and
operation polling; resource types live in arm_network.py, arm_compute.py and arm_storage.py.
"""

import base64
import datetime
import json
import os
import sys
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import arm_compute  # noqa: E402,F401  (registers Microsoft.Compute types)
import arm_network  # noqa: E402,F401  (registers Microsoft.Network types)
import arm_storage  # noqa: E402,F401  (registers Microsoft.Storage types)
import arm_resources  # noqa: E402
from arm_core import (TYPES, advance, arm_error, finish_operation, group_key, list_response, normalize_location,  # noqa: E402
                      operation_result_response, operation_status_body, remove_tree, resources,
                      retry_after, rg_delete_token, view)
from common import (App, HttpError, Response, common_arguments, new_parser, run_forever)  # noqa: E402

DEFAULT_CLIENT_ID = "11111111-1111-1111-1111-111111111111"
DEFAULT_CLIENT_SECRET = "autostack-double-secret"
RG_API_VERSION = "2021-04-01"


class ArmDouble(App):
    """The ARM double's application: routes and hooks over the shared App."""

    name = "arm-double"
    ignore_case = True  # ARM paths are case-insensitive

    def reset(self):
        self.state = {"tokens": {}, "groups": {}, "resources": {}, "operations": {}, "registrations": {},
                      "subscriptions": {}}

    def finish_operation(self, name):
        op = self.state["operations"].get(name)
        if op is not None and op["status"] == "InProgress":
            finish_operation(self, op)

    def register_routes(self):
        r = self.router.add
        # Entra ID (no auth, no faults unless --fault-token)
        r("POST", r"/(?P<tenant>[^/]+)/oauth2/v2\.0/token", token)
        r("GET", r"/(?P<tenant>[^/]+)/v2\.0/\.well-known/openid-configuration", openid_configuration)
        r("GET", r"/common/discovery/instance", instance_discovery)
        r("GET", r"/metadata/endpoints", metadata_endpoints)
        # subscriptions, providers, operations
        r("GET", r"/subscriptions", list_subscriptions)
        r("GET", r"/subscriptions/(?P<sub>[^/]+)", get_subscription)
        r("GET", r"/subscriptions/(?P<sub>[^/]+)/providers", list_providers)
        r("GET", r"/subscriptions/(?P<sub>[^/]+)/providers/(?P<ns>[^/]+)", get_provider)
        r("POST", r"/subscriptions/(?P<sub>[^/]+)/providers/(?P<ns>[^/]+)/(?P<verb>register|unregister)", register_provider)
        r("GET", r"/subscriptions/(?P<sub>[^/]+)/providers/(?P<ns>[^/]+)/locations/(?P<loc>[^/]+)/"
                 r"(?P<kind>operations|operationStatuses|operationResults|asyncoperations)/(?P<op>[^/]+)", poll_operation)
        r("GET", r"/subscriptions/(?P<sub>[^/]+)/operationresults/(?P<op>[^/]+)", poll_group_delete)
        r("GET POST", r"/subscriptions/(?P<sub>[^/]+)/providers/(?P<rest>.+)", subscription_provider_path)
        # resource groups
        r("GET", r"/subscriptions/(?P<sub>[^/]+)/resourcegroups", list_groups)
        r("PUT GET HEAD PATCH DELETE", r"/subscriptions/(?P<sub>[^/]+)/resourcegroups/(?P<rg>[^/]+)", resource_group)
        r("GET", r"/subscriptions/(?P<sub>[^/]+)/resourcegroups/(?P<rg>[^/]+)/resources", list_group_resources)
        r("PUT GET HEAD PATCH DELETE POST",
          r"/subscriptions/(?P<sub>[^/]+)/resourcegroups/(?P<rg>[^/]+)/providers/(?P<rest>.+)", group_provider_path)

    # hooks -------------------------------------------------------------------------------------
    def is_exempt(self, req):
        p = req.path.lower()
        return "/oauth2/" in p or "/.well-known/" in p or p.startswith("/common/discovery") or p.startswith("/metadata/")

    def authenticate(self, req):
        """Bearer token issued by our token endpoint, then api-version, as ARM checks them."""
        auth = req.header("Authorization") or ""
        if not auth.lower().startswith("bearer "):
            raise _auth_error("AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.",
                              "The authentication failed because of missing 'Authorization' header.")
        tok = self.state["tokens"].get(auth[7:].strip())
        if tok is None:
            raise _auth_error("InvalidAuthenticationToken", "The access token is invalid.", "The access token is invalid.")
        if tok["exp"] < time.time():
            raise _auth_error("ExpiredAuthenticationToken", "The access token expiry UTC time is earlier than current UTC time.",
                              "The access token has expired.")
        if not req.query.get("api-version"):
            raise arm_error(400, "MissingApiVersionParameter",
                            "The api-version query parameter (?api-version=) is required for all requests.")
        sub = _subscription_in(req.path)
        if sub and self.options.subscriptions and sub.lower() not in self.options.subscriptions:
            raise arm_error(404, "SubscriptionNotFound", "The subscription '%s' could not be found." % sub)

    def fault_response(self, req):
        """ARM's throttling and server-error answers (codes and headers as ARM sends them)."""
        kind = self.rng.choice([429, 500, 503])
        if kind == 429:
            return Response(429, {"error": {"code": "SubscriptionRequestsThrottled", "message":
                                            "Number of requests for subscription exceeded the limit. Please try again "
                                            "after '1' seconds. Refer to https://aka.ms/arm-throttling"}},
                            {"Retry-After": "1", "x-ms-ratelimit-remaining-subscription-reads": "0",
                             "x-ms-error-code": "SubscriptionRequestsThrottled"})
        if kind == 500:
            return Response(500, {"error": {"code": "InternalServerError", "message":
                                            "Encountered internal server error. Diagnostic information: tracking id '%s'."
                                            % uuid.uuid4()}}, {"x-ms-error-code": "InternalServerError"})
        return Response(503, {"error": {"code": "ServiceUnavailable", "message":
                                        "The service is temporarily unavailable. Please try again later."}},
                        {"Retry-After": "1", "x-ms-error-code": "ServiceUnavailable"})

    def not_found(self, req):
        return Response(404, {"error": {"code": "NotFound", "message": "The requested resource %s was not found." % req.path}})

    def internal_error(self, req, exc):
        return Response(500, {"error": {"code": "InternalServerError", "message": "double bug: %r" % (exc,)}})

    def handle(self, req):
        resp = super().handle(req)
        rid = str(uuid.uuid4())
        resp.headers.setdefault("x-ms-request-id", rid)
        resp.headers.setdefault("x-ms-correlation-request-id", req.header("x-ms-correlation-request-id") or rid)
        return resp

    def admin(self, req):
        """Extra admin verb: `POST /_double/fail-next {"code","message","httpStatus"}` makes the next
        async operation end Failed with that error (to exercise clients' failure paths)."""
        if req.method == "POST" and req.path.rstrip("/").lower() == "/_double/fail-next":
            err = req.json() or {}
            with self.lock:
                self.state["fail_next"] = {"code": err.get("code", "InternalOperationError"),
                                           "message": err.get("message", "An internal execution error occurred."),
                                           "httpStatus": int(err.get("httpStatus", 500))}
            return Response(204)
        return super().admin(req)


def _auth_error(code, message, description):
    return HttpError(Response(401, {"error": {"code": code, "message": message}}, {
        "WWW-Authenticate": 'Bearer authorization_uri="https://login.microsoftonline.com/common", '
                            'error="invalid_token", error_description="%s"' % description,
        "x-ms-failure-cause": "gateway", "x-ms-error-code": code}))


def _subscription_in(path):
    parts = path.split("/")
    return parts[2] if len(parts) > 2 and parts[1].lower() == "subscriptions" else None


# Entra ID ----------------------------------------------------------------------------------------
# References: https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow
# (request form fields, success body token_type/expires_in/ext_expires_in/access_token, error body
# error/error_description/error_codes/timestamp/trace_id/correlation_id/error_uri);
# https://learn.microsoft.com/entra/identity-platform/reference-error-codes (AADSTS7000215,
# AADSTS700016, AADSTS70003, AADSTS900144, AADSTS1002012); azure_identity 0.21
# sdk/identity/src/token_credentials/client_secret_credentials.rs (POSTs {authority}/{tenant}/oauth2/
# v2.0/token directly with the oauth2 crate, AuthType::RequestBody, no discovery request).
def token(app, req, tenant):
    """The client-credentials grant: form body in, bearer token (a JWT-shaped string) out."""
    form = req.form()
    grant = form.get("grant_type")
    if grant != "client_credentials":
        return _aad_error(400, "unsupported_grant_type", 70003,
                          "The app requested an unsupported grant type '%s'." % grant)
    if not form.get("scope"):
        return _aad_error(400, "invalid_request", 900144, "The request body must contain the following parameter: 'scope'.")
    if not form["scope"].split()[0].endswith("/.default"):
        return _aad_error(400, "invalid_scope", 1002012,
                          "The provided value for scope %s is not valid. Client credential flows must have a scope value "
                          "with /.default suffixed to the resource identifier (application ID URI)." % form["scope"])
    client_id, secret = form.get("client_id"), form.get("client_secret")
    if app.options.tenant and tenant.lower() != app.options.tenant.lower():
        return _aad_error(400, "invalid_request", 90002, "Tenant '%s' not found. Check to make sure you have the correct "
                          "tenant ID and are signing into the correct cloud." % tenant)
    if client_id != app.options.client_id:
        return _aad_error(400, "unauthorized_client", 700016,
                          "Application with identifier '%s' was not found in the directory '%s'. This can happen if the "
                          "application has not been installed by the administrator of the tenant or consented to by any "
                          "user in the tenant. You may have sent your authentication request to the wrong tenant."
                          % (client_id, tenant))
    if secret != app.options.client_secret:
        return _aad_error(401, "invalid_client", 7000215,
                          "Invalid client secret provided. Ensure the secret being sent in the request is the client "
                          "secret value, not the client secret ID, for a secret added to app '%s'." % client_id)
    access = _issue_token(app, tenant, client_id, form["scope"])
    return Response(200, {"token_type": "Bearer", "expires_in": app.options.token_lifetime,
                          "ext_expires_in": app.options.token_lifetime, "access_token": access},
                    {"Cache-Control": "no-store, no-cache", "Pragma": "no-cache"})


def _issue_token(app, tenant, client_id, scope):
    """A JWT-shaped token carrying the claims azurerm reads (tid, oid, appid); ARM accepts only these."""
    now = int(time.time())
    claims = {"aud": scope.split()[0][: -len("/.default")] or scope, "iss": "https://sts.windows.net/%s/" % tenant,
              "iat": now, "nbf": now, "exp": now + app.options.token_lifetime, "appid": client_id,
              "oid": str(uuid.uuid5(uuid.NAMESPACE_URL, client_id)), "sub": str(uuid.uuid5(uuid.NAMESPACE_URL, client_id)),
              "tid": tenant, "ver": "1.0", "idtyp": "app"}
    parts = [{"typ": "JWT", "alg": "RS256", "kid": "arm-double"}, claims]
    enc = [base64.urlsafe_b64encode(json.dumps(p).encode()).decode().rstrip("=") for p in parts]
    access = ".".join(enc + [base64.urlsafe_b64encode(uuid.uuid4().bytes * 8).decode().rstrip("=")])
    app.state["tokens"][access] = {"exp": claims["exp"], "client_id": client_id, "tenant": tenant}
    return access


def _aad_error(status, error, code, text):
    now = datetime.datetime.now(datetime.timezone.utc)
    trace, corr = str(uuid.uuid4()), str(uuid.uuid4())
    desc = "AADSTS%d: %s\r\nTrace ID: %s\r\nCorrelation ID: %s\r\nTimestamp: %s" % (
        code, text, trace, corr, now.strftime("%Y-%m-%d %H:%M:%SZ"))
    return Response(status, {"error": error, "error_description": desc, "error_codes": [code],
                             "timestamp": now.strftime("%Y-%m-%d %H:%M:%SZ"), "trace_id": trace, "correlation_id": corr,
                             "error_uri": "https://login.microsoftonline.com/error?code=%d" % code})


def openid_configuration(app, req, tenant):
    """OIDC discovery document (MSAL-based clients such as the Go SDK fetch it before the token)."""
    base = "%s/%s" % (req.base_url, tenant)
    return Response(200, {
        "token_endpoint": base + "/oauth2/v2.0/token", "authorization_endpoint": base + "/oauth2/v2.0/authorize",
        "device_authorization_endpoint": base + "/oauth2/v2.0/devicecode", "jwks_uri": base + "/discovery/v2.0/keys",
        "issuer": "https://login.microsoftonline.com/%s/v2.0" % tenant, "end_session_endpoint": base + "/oauth2/v2.0/logout",
        "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
        "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"], "tenant_region_scope": "WW",
        "cloud_instance_name": "microsoftonline.com", "request_uri_parameter_supported": False})


def instance_discovery(app, req):
    """MSAL's instance discovery: the double is its own (and only) alias."""
    host = req.base_url.split("://", 1)[1]
    return Response(200, {"tenant_discovery_endpoint": req.base_url + "/common/v2.0/.well-known/openid-configuration",
                          "api-version": "1.1",
                          "metadata": [{"preferred_network": host, "preferred_cache": host, "aliases": [host]}]})


def metadata_endpoints(app, req):
    """The cloud metadata document azurerm's `metadata_host` reads; every endpoint is the double."""
    base = req.base_url
    return Response(200, [{"name": "AzureCloud", "portal": base, "resourceManager": base + "/",
                           "authentication": {"loginEndpoint": base + "/", "audiences": [base + "/"],
                                              "tenant": "common", "identityProvider": "AAD"},
                           "suffixes": {"storage": "core.windows.net", "keyVaultDns": "vault.azure.net"},
                           "microsoftGraphResourceId": "https://graph.microsoft.com/", "graph": "https://graph.windows.net/"}])


# subscriptions and providers ----------------------------------------------------------------------
# References: https://learn.microsoft.com/rest/api/resources/subscriptions/get,
# https://learn.microsoft.com/rest/api/resources/providers/list and /providers/register
# (spec: specification/resources/resource-manager/Microsoft.Resources/stable/2021-04-01/resources.json,
#  specification/subscription/resource-manager/Microsoft.Subscription/stable/2016-06-01/subscriptions.json).
def _subscription_body(app, sub):
    tenant = app.options.tenant or "22222222-2222-2222-2222-222222222222"
    return {"id": "/subscriptions/%s" % sub, "authorizationSource": "RoleBased", "managedByTenants": [],
            "subscriptionId": sub, "tenantId": tenant, "displayName": "AutoStack double subscription",
            "state": "Enabled", "subscriptionPolicies": {"locationPlacementId": "Public_2014-09-01",
                                                         "quotaId": "PayAsYouGo_2014-09-01", "spendingLimit": "Off"}}


def list_subscriptions(app, req):
    subs = app.options.subscriptions or sorted({k.split("/")[2] for k in app.state["groups"]}) or [
        "33333333-3333-3333-3333-333333333333"]
    return list_response(app, req, [_subscription_body(app, s) for s in subs])


def get_subscription(app, req, sub):
    return Response(200, _subscription_body(app, sub))


NAMESPACES = ["Microsoft.Resources", "Microsoft.Compute", "Microsoft.Network", "Microsoft.Storage",
              "Microsoft.Authorization", "Microsoft.ManagedIdentity", "Microsoft.KeyVault", "Microsoft.Insights"]


def _provider_body(app, sub, ns):
    canonical = next((n for n in NAMESPACES if n.lower() == ns.lower()), ns)
    state = app.state["registrations"].get(canonical.lower(), "Registered")
    types = [{"resourceType": "/".join(s.segments), "locations": ["West Europe", "East US", "North Europe"],
              "apiVersions": [s.api_version]} for s in TYPES.values() if s.namespace.lower() == canonical.lower()]
    return {"id": "/subscriptions/%s/providers/%s" % (sub, canonical), "namespace": canonical,
            "registrationState": state, "registrationPolicy": "RegistrationRequired", "resourceTypes": types}


def list_providers(app, req, sub):
    return list_response(app, req, [_provider_body(app, sub, ns) for ns in NAMESPACES])


def get_provider(app, req, sub, ns):
    return Response(200, _provider_body(app, sub, ns))


def register_provider(app, req, sub, ns, verb):
    """Registration is instant here (real ARM goes Registering -> Registered over minutes)."""
    app.state["registrations"][ns.lower()] = "Registered" if verb.lower() == "register" else "Unregistered"
    return Response(200, _provider_body(app, sub, ns))


def subscription_provider_path(app, req, sub, rest):
    """Subscription-scoped provider paths: lists across groups, checkNameAvailability, location lists."""
    segs = [s for s in rest.split("/") if s]
    for spec in TYPES.values():
        hook = spec.hook("subscription_paths")
        if hook:
            resp = hook(app, req, sub, segs)
            if resp is not None:
                return resp
    if len(segs) == 2 and req.method == "GET":
        spec = TYPES.get("/".join(segs).lower())
        if spec is not None:
            prefix = "/subscriptions/%s/" % sub.lower()
            items = [view(app, r) for k, r in resources(app).items() if k.startswith(prefix) and r["type"] == spec.key]
            return list_response(app, req, items)
    raise arm_error(400, "InvalidResourceType", "The resource type '%s' could not be found in the namespace '%s'."
                    % ("/".join(segs[1:]), segs[0]))


# operations ---------------------------------------------------------------------------------------
def poll_operation(app, req, sub, ns, loc, kind, op):
    """Azure-AsyncOperation URLs (`operations`) answer a status body; Location URLs the outcome."""
    oper = app.state["operations"].get(op)
    if oper is None:
        raise arm_error(404, "NotFound", "The operation '%s' could not be found." % op)
    advance(app, oper)
    if kind.lower() in ("operations", "operationstatuses"):
        return Response(200, operation_status_body(oper), {"Retry-After": retry_after(app)} if oper["status"] == "InProgress" else {})
    return operation_result_response(app, req, oper)


def poll_group_delete(app, req, sub, op):
    oper = app.state["operations"].get(op)
    if oper is None:
        raise arm_error(404, "NotFound", "The operation '%s' could not be found." % op)
    advance(app, oper)
    return operation_result_response(app, req, oper)


# resource groups ----------------------------------------------------------------------------------
# References: https://learn.microsoft.com/rest/api/resources/resource-groups (create-or-update 200/201,
# get, check-existence HEAD 204/404, delete 202 + Location polled at /subscriptions/{s}/operationresults,
# list, update PATCH); spec specification/resources/resource-manager/Microsoft.Resources/stable/
# 2021-04-01/resources.json. The group name keeps the casing it was created with.
def _group_body(group):
    return {k: v for k, v in group.items() if not k.startswith("_")}


def resource_group(app, req, sub, rg):
    key = group_key(sub, rg)
    group = app.state["groups"].get(key)
    if req.method == "PUT":
        return _put_group(app, req, sub, rg, key, group)
    if group is None:
        if req.method == "HEAD":
            return Response(404)
        raise arm_error(404, "ResourceGroupNotFound", "Resource group '%s' could not be found." % rg)
    if req.method == "HEAD":
        return Response(204)
    if req.method == "GET":
        return Response(200, _group_body(group))
    if req.method == "PATCH":
        body = arm_resources._body(req)
        if "tags" in body:
            group["tags"] = dict(body["tags"] or {})
        return Response(200, _group_body(group))
    return _delete_group(app, req, sub, rg, key, group)


def _put_group(app, req, sub, rg, key, group):
    body = arm_resources._body(req)
    if not body.get("location"):
        raise arm_error(400, "LocationRequired", "The location property is required for this definition.")
    loc = normalize_location(body["location"])
    if group is not None:
        if group["properties"]["provisioningState"] == "Deleting":
            raise arm_error(409, "ResourceGroupBeingDeleted",
                            "The resource group '%s' is in deprovisioning state and cannot perform this operation." % rg)
        if group["location"] != loc:
            raise arm_error(409, "InvalidResourceGroupLocation", "Invalid resource group location '%s'. The Resource "
                            "group already exists in location '%s'." % (loc, group["location"]))
        group["tags"] = dict(body.get("tags") or {})
        return Response(200, _group_body(group))
    group = {"id": "/subscriptions/%s/resourceGroups/%s" % (sub, rg), "name": rg,
             "type": "Microsoft.Resources/resourceGroups", "location": loc, "tags": dict(body.get("tags") or {}),
             "properties": {"provisioningState": "Succeeded"}}
    if body.get("managedBy"):
        group["managedBy"] = body["managedBy"]
    app.state["groups"][key] = group
    return Response(201, _group_body(group))


def _delete_group(app, req, sub, rg, key, group):
    """Async: 202 + Location; contained resources go when the operation completes."""
    group["properties"]["provisioningState"] = "Deleting"
    token_ = rg_delete_token(group["name"], group["location"])
    app.state["operations"][token_] = {"name": token_, "kind": "rgdelete", "target": key, "status": "InProgress",
                                       "polls_left": app.options.async_polls, "error": None,
                                       "startTime": "", "group": key}
    if app.options.async_polls <= 0:
        _finish_group_delete(app, app.state["operations"][token_])
    else:
        app.run_on_its_own(token_)
    return Response(202, None, {"Location": "%s/subscriptions/%s/operationresults/%s?api-version=%s"
                                            % (req.base_url, sub, token_, RG_API_VERSION),
                                "Retry-After": retry_after(app)})


def _finish_group_delete(app, op):
    key = op["group"]
    for lid in [k for k in resources(app) if k.startswith(key + "/")]:
        if lid in resources(app):
            remove_tree(app, lid)
    app.state["groups"].pop(key, None)


def list_groups(app, req, sub):
    prefix = "/subscriptions/%s/" % sub.lower()
    items = [_group_body(g) for k, g in app.state["groups"].items() if k.startswith(prefix)]
    return list_response(app, req, items)


def list_group_resources(app, req, sub, rg):
    """Generic `resources` list of a group (azurerm checks it before deleting a group)."""
    arm_resources.require_group(app, sub, rg)
    prefix = group_key(sub, rg) + "/providers/"
    items = []
    for key, rec in resources(app).items():
        if key.startswith(prefix) and rec["parent"] is None:
            b = rec["body"]
            items.append({k: b[k] for k in ("id", "name", "type", "location", "tags", "kind", "sku", "managedBy") if k in b})
    return list_response(app, req, items)


def group_provider_path(app, req, sub, rg, rest):
    return arm_resources.dispatch(app, req, sub, rg, rest)


def _install_group_finisher():
    import arm_core
    arm_core.FINISHERS["rgdelete"] = _finish_group_delete


_install_group_finisher()


# CLI -----------------------------------------------------------------------------------------------
def parse_options(argv=None):
    parser = new_parser("Azure Resource Manager double (see tests/doubles/README.md)")
    common_arguments(parser, "--async-polls", "polls an async operation answers InProgress before finishing")
    env = os.environ.get
    parser.add_argument("--client-id", default=env("ARM_DOUBLE_CLIENT_ID", DEFAULT_CLIENT_ID))
    parser.add_argument("--client-secret", default=env("ARM_DOUBLE_CLIENT_SECRET", DEFAULT_CLIENT_SECRET))
    parser.add_argument("--tenant", default=env("ARM_DOUBLE_TENANT_ID"), help="only this tenant (default: any)")
    parser.add_argument("--subscriptions", default=env("ARM_DOUBLE_SUBSCRIPTIONS", ""),
                        help="comma-separated subscription ids to accept (default: any)")
    parser.add_argument("--token-lifetime", type=int, default=3599, help="expires_in of issued tokens, seconds")
    parser.add_argument("--retry-after", type=int, default=0, help="Retry-After seconds on async answers")
    parser.add_argument("--blob-endpoint", default=env("ARM_DOUBLE_BLOB_ENDPOINT", "https://{account}.blob.core.windows.net/"),
                        help="primaryEndpoints.blob template, e.g. http://127.0.0.1:10000/{account}/ for Azurite")
    parser.add_argument("--blob-data-plane", action="store_true", default=bool(env("ARM_DOUBLE_BLOB_DATA_PLANE")),
                        help="create and delete containers at the blob endpoint too (Azurite's emulator account)")
    opts = parser.parse_args(argv)
    opts.subscriptions = [s.strip().lower() for s in opts.subscriptions.split(",") if s.strip()]
    return opts


def main(argv=None):
    opts = parse_options(argv)
    run_forever(ArmDouble(opts), opts.port, opts.host)


if __name__ == "__main__":
    main()
