"""The generic engine of the Azure Resource Manager double: errors, ids, the resource store and
long-running operations. Resource-type modules (arm_network, arm_compute, arm_storage) describe
their types with a `TypeSpec` and hooks; everything they share lives here.

References (shapes pinned in test_arm.py):
- ARM async operations: https://learn.microsoft.com/azure/azure-resource-manager/management/async-operations
  (201/202, Azure-AsyncOperation vs Location, Retry-After, status InProgress/Succeeded/Failed/Canceled,
  provisioningState non-terminal until done).
- ARM RPC contract (github:cloud-and-ai-microsoft/resource-provider-contract, v1.0/async-api-reference.md,
  v1.0/common-api-details.md): error body `{"error":{"code","message","target","details"}}`,
  case-insensitive paths, `nextLink` paging, api-version required.
- ARM error codes: https://learn.microsoft.com/azure/azure-resource-manager/troubleshooting/common-deployment-errors
  (ResourceNotFound, ResourceGroupNotFound, MissingApiVersionParameter, InvalidResourceType, LocationRequired).
"""

import base64
import datetime
import uuid

from common import HttpError, Response

TYPES = {}


class TypeSpec:
    """How one ARM resource type behaves: its canonical name, LRO style and hooks.

    create/update: "async201" (201/200 + Azure-AsyncOperation, provisioningState non-terminal until done),
    "async202" (202 + Location, empty body), "sync". delete: "async202" or "sync".
    """

    def __init__(self, type_name, create="async201", update=None, delete="async202", etag=None,
                 location=True, tags=True, creating_state="Creating", updating_state="Updating",
                 api_version="2024-03-01", not_found=None, **hooks):
        self.type_name = type_name
        self.namespace = type_name.split("/")[0]
        self.segments = type_name.split("/")[1:]
        self.create = create
        self.update = update or create
        self.delete = delete
        self.etag = etag
        self.location = location
        self.tags = tags
        self.creating_state = creating_state
        self.updating_state = updating_state
        self.api_version = api_version
        self.not_found = not_found
        self.hooks = hooks

    def hook(self, name):
        return self.hooks.get(name)

    @property
    def key(self):
        return self.type_name.lower()


def register(spec):
    """Add a type to the registry the generic handlers consult."""
    TYPES[spec.key] = spec
    return spec


# errors ---------------------------------------------------------------------------------------
def arm_error(status, code, message, headers=None, target=None, details=None):
    """An ARM error response (`{"error":{"code","message"}}`), raised as HttpError.

    ARM front door also echoes the code in `x-ms-failure-cause`-style headers; azure_core reads
    `x-ms-error-code` first, so we send that too.
    """
    err = {"code": code, "message": message}
    if target:
        err["target"] = target
    if details is not None:
        err["details"] = details
    hdrs = {"x-ms-error-code": code}
    hdrs.update(headers or {})
    return HttpError(Response(status, {"error": err}, hdrs))


def resource_not_found(type_name, name, rg):
    """ARM front door's 404 for a missing tracked resource (wording as ARM sends it)."""
    return arm_error(404, "ResourceNotFound",
                     "The Resource '%s/%s' under resource group '%s' was not found. "
                     "For more details please go to https://aka.ms/ARMResourceNotFoundFix" % (type_name, name, rg))


def group_not_found(rg):
    return arm_error(404, "ResourceGroupNotFound", "Resource group '%s' could not be found." % rg)


# time and ids ----------------------------------------------------------------------------------
def now_iso():
    """ARM timestamps: ISO 8601, 7 fractional digits, explicit offset (as Compute returns them)."""
    now = datetime.datetime.now(datetime.timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + "%07d+00:00" % (now.microsecond * 10)


def normalize_location(loc):
    """ARM echoes locations normalised: "West Europe" -> "westeurope"."""
    return (loc or "").replace(" ", "").lower()


def new_etag(kind):
    """Network RP etags are weak GUID etags; Storage containers use quoted hex timestamps."""
    if kind == "network":
        return 'W/"%s"' % uuid.uuid4()
    if kind == "storage":
        return '"0x8DC%012X"' % (uuid.uuid4().int % (1 << 48))
    return None


# store ------------------------------------------------------------------------------------------
def resources(app):
    return app.state["resources"]


def get_record(app, lid):
    return resources(app).get(lid.lower())


def group_key(sub, rg):
    return ("/subscriptions/%s/resourcegroups/%s" % (sub, rg)).lower()


def require_group(app, sub, rg):
    """The stored group, or 404 ResourceGroupNotFound; a group being deleted is still found."""
    group = app.state["groups"].get(group_key(sub, rg))
    if group is None:
        raise group_not_found(rg)
    return group


def children_of(app, lid, spec_key=None):
    """Direct children records of a resource (optionally of one type), in creation order."""
    prefix = lid.lower() + "/"
    out = []
    for key, rec in resources(app).items():
        if key.startswith(prefix) and rec["parent"] == lid.lower():
            if spec_key is None or rec["type"] == spec_key:
                out.append(rec)
    return out


def remove_tree(app, lid):
    """Forget a resource and every descendant (child resources go with their parent in ARM)."""
    lid = lid.lower()
    for key in [k for k in resources(app) if k == lid or k.startswith(lid + "/")]:
        rec = resources(app).pop(key)
        spec = TYPES[rec["type"]]
        if spec.hook("on_removed"):
            spec.hook("on_removed")(app, rec)


def ref_id(obj):
    """The lower-cased `id` of a `{"id": ...}` sub-resource reference, or None."""
    if isinstance(obj, dict) and obj.get("id"):
        return obj["id"].lower()
    return None


# long-running operations -------------------------------------------------------------------------
def new_operation(app, kind, target, namespace, location, sub, action=None, extra=None):
    """Start an async operation that stays InProgress for `--async-polls` polls."""
    opid = str(uuid.uuid4())
    op = {"name": opid, "kind": kind, "target": target, "namespace": namespace, "location": location,
          "subscription": sub, "action": action, "status": "InProgress", "startTime": now_iso(),
          "polls_left": app.options.async_polls, "error": None}
    op.update(extra or {})
    if app.state.get("fail_next"):
        op["fail_with"] = app.state.pop("fail_next")
    app.state["operations"][opid] = op
    if op["polls_left"] <= 0:
        finish_operation(app, op)
    else:
        app.run_on_its_own(opid)
    return op


def advance(app, op):
    """One poll: the first `--async-polls` polls see InProgress, the next one sees the outcome."""
    if op["status"] != "InProgress":
        return
    if op["polls_left"] > 0:
        op["polls_left"] -= 1
    else:
        finish_operation(app, op)


def advance_target(app, lid):
    """A GET of a resource counts as a poll of its pending operations (clients may poll either)."""
    for op in list(app.state["operations"].values()):
        if op["status"] == "InProgress" and op["target"] == lid.lower():
            advance(app, op)


def finish_operation(app, op):
    """Apply the operation's effect and mark it Succeeded, or Failed when a failure was armed."""
    op["endTime"] = now_iso()
    if op.get("fail_with"):
        op["status"] = "Failed"
        op["error"] = op.pop("fail_with")
        rec = resources(app).get(op["target"])
        if rec is not None and op["kind"] == "put":
            rec["body"]["properties"]["provisioningState"] = "Failed"
        return
    finisher = FINISHERS.get(op["kind"])
    if finisher:
        finisher(app, op)
    op["status"] = "Succeeded"


def _finish_put(app, op):
    rec = resources(app).get(op["target"])
    if rec is None:
        return
    rec["body"]["properties"]["provisioningState"] = "Succeeded"
    spec = TYPES[rec["type"]]
    if spec.hook("on_provisioned"):
        spec.hook("on_provisioned")(app, rec)


def _finish_delete(app, op):
    remove_tree(app, op["target"])


def _finish_action(app, op):
    rec = resources(app).get(op["target"])
    if rec is None:
        return
    finish = TYPES[rec["type"]].hook("action_done")
    if finish:
        finish(app, rec, op["action"])


FINISHERS = {"put": _finish_put, "delete": _finish_delete, "action": _finish_action}


def retry_after(app):
    """Retry-After we send: real ARM sends 10-60 s (Network 10, Storage 17, Compute none on PUT);
    the double defaults to 0 so clients poll fast (`--retry-after` changes it)."""
    return str(app.options.retry_after)


def async_operation_url(app, req, op, spec_api_version):
    return "%s/subscriptions/%s/providers/%s/locations/%s/operations/%s?api-version=%s" % (
        req.base_url, op["subscription"], op["namespace"], op["location"], op["name"], spec_api_version)


def location_url(app, req, op, spec_api_version):
    if op["namespace"] == "Microsoft.Storage":
        tail = "asyncoperations/%s?monitor=true&api-version=%s" % (op["name"], spec_api_version)
    else:
        tail = "operationResults/%s?api-version=%s" % (op["name"], spec_api_version)
    return "%s/subscriptions/%s/providers/%s/locations/%s/%s" % (
        req.base_url, op["subscription"], op["namespace"], op["location"], tail)


def rg_delete_token(rg, location):
    """Resource group deletions are polled at /subscriptions/{s}/operationresults/{token}; ARM's
    token is base64 of a job description, which we imitate."""
    job = '{"jobId":"RESOURCEGROUPDELETIONJOB-%s-%s","jobLocation":"%s"}' % (
        rg.upper(), location.upper(), location)
    return base64.urlsafe_b64encode(job.encode()).decode().rstrip("=") + uuid.uuid4().hex[:8]


def operation_status_body(op):
    """What the Azure-AsyncOperation URL answers: always 200, status in the body."""
    body = {"name": op["name"], "status": op["status"], "startTime": op["startTime"]}
    if op.get("endTime"):
        body["endTime"] = op["endTime"]
    if op["error"]:
        body["error"] = {k: v for k, v in op["error"].items() if k != "httpStatus"}
    return body


def operation_result_response(app, req, op):
    """What the Location URL answers: 202 while running, then the outcome (200 body / 204 / error)."""
    if op["status"] == "InProgress":
        return Response(202, None, {"Location": req.base_url + req.raw_path, "Retry-After": retry_after(app)})
    if op["status"] == "Failed":
        err = dict(op["error"])
        status = err.pop("httpStatus", 500) if isinstance(err, dict) else 500
        return Response(status, {"error": err}, {"x-ms-error-code": err.get("code", "")})
    if op["kind"] == "put":
        rec = resources(app).get(op["target"])
        return Response(200, view(app, rec) if rec else None)
    if op["kind"] == "rgdelete" or op["kind"] == "action":
        return Response(200)
    return Response(204)


# rendering -------------------------------------------------------------------------------------
def view(app, rec):
    """The JSON ARM returns for a stored record (type hooks may embed children or compute fields)."""
    spec = TYPES[rec["type"]]
    body = _deep_copy(rec["body"])
    if spec.hook("view"):
        body = spec.hook("view")(app, rec, body)
    return body


def _deep_copy(obj):
    if isinstance(obj, dict):
        return {k: _deep_copy(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_deep_copy(v) for v in obj]
    return obj


def deep_copy(obj):
    return _deep_copy(obj)


def merge_patch(target, patch):
    """JSON merge-patch (RFC 7396) as ARM PATCH uses it: objects merge, null deletes, rest replaces."""
    if not isinstance(patch, dict):
        return _deep_copy(patch)
    out = _deep_copy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = merge_patch(out.get(key), value)
    return out


def list_response(app, req, items):
    """`{"value": [...], "nextLink": ...}` with `$skiptoken` paging at `--page-size` items."""
    start = int(req.query.get("$skiptoken", "0") or 0)
    size = max(1, app.options.page_size)
    chunk = items[start:start + size]
    body = {"value": chunk}
    if start + size < len(items):
        body["nextLink"] = "%s%s?api-version=%s&$skiptoken=%d" % (
            req.base_url, _quote_path(req.path), req.query.get("api-version", ""), start + size)
    return Response(200, body)


def _quote_path(path):
    import urllib.parse
    return urllib.parse.quote(path, safe="/")
