"""The generic engine of the Compute Engine double: errors, ids, links, the store, Operation
objects, list filters and paging. Resource modules (gce_network, gce_compute) build on it.

References (shapes pinned in test_gce.py):
- Operation resource: https://cloud.google.com/compute/docs/reference/rest/v1/zoneOperations#Operation
  (kind compute#operation, id uint64 as string, status PENDING/RUNNING/DONE, progress, insertTime/
  startTime/endTime RFC 3339, targetLink, targetId, error.errors[].code/message,
  httpErrorStatusCode/httpErrorMessage) and .../zoneOperations/wait; google-cloud-rust
  src/generated/cloud/compute/v1/src/operation.rs (how the Rust client maps a failed operation:
  httpErrorStatusCode + error.errors[0].code/message).
- Handling API responses / errors: https://cloud.google.com/compute/docs/api/handle-api-responses
  and https://cloud.google.com/apis/design/errors (`{"error":{"code","message","errors":[{"message",
  "domain","reason"}]}}`; reasons notFound, alreadyExists, invalid, required, conditionNotMet,
  resourceInUseByAnotherResource, resourceNotReady, rateLimitExceeded, backendError).
- Lists and filters: https://cloud.google.com/compute/docs/reference/rest/v1/instances/list
  (filter `name = "x"`, `!=`, `:`, AND/OR, `eq`/`ne` with RE2 regular expressions; maxResults<=500,
  pageToken, nextPageToken) and .../instances/aggregatedList (items keyed "zones/<zone>", a
  `warning` {code NO_RESULTS_ON_PAGE} for scopes with nothing on the page).
- Operation names look like `operation-1700000000000-60a1b2c3d4e5f-1a2b3c4d-5e6f7a8b` (13-digit
  millis, 13 hex, two 8-hex groups), as seen in gcloud/terraform logs.
"""

import base64
import datetime
import hashlib
import json
import re
import time
import uuid

from common import HttpError, Response

API = "https://www.googleapis.com/compute/v1/"
NAME_RE = re.compile(r"^[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$")
EMPTY_FINGERPRINT = "42WmSpB8rSM="  # what GCE reports for an empty label set


# errors -------------------------------------------------------------------------------------------
def gce_error(code, message, reason, domain="global", extra=None, status=None):
    """Google's JSON error envelope, raised as HttpError."""
    item = {"message": message, "domain": domain, "reason": reason}
    item.update(extra or {})
    err = {"code": code, "message": message, "errors": [item]}
    if status:
        err["status"] = status
    return HttpError(Response(code, {"error": err}))


def not_found(key):
    return gce_error(404, "The resource '%s' was not found" % key, "notFound")


def already_exists(key):
    return gce_error(409, "The resource '%s' already exists" % key, "alreadyExists")


def invalid(field, value, why):
    return gce_error(400, "Invalid value for field '%s': '%s'. %s" % (field, value, why), "invalid")


def required(field):
    return gce_error(400, "Required field '%s' not specified" % field, "required")


def in_use(kind, key, user):
    return gce_error(400, "The %s resource '%s' is already being used by '%s'" % (kind, key, user),
                     "resourceInUseByAnotherResource")


def not_ready(key):
    return gce_error(400, "The resource '%s' is not ready" % key, "resourceNotReady")


def fingerprint_mismatch(what):
    return gce_error(412, "Supplied fingerprint does not match current %s fingerprint." % what
                     if what else "Labels fingerprint either invalid or resource labels have changed",
                     "conditionNotMet", extra={"location": "If-Match", "locationType": "header"})


# ids, times, links -----------------------------------------------------------------------------------
def new_id(app):
    """A uint64 id as GCE returns it: a 19-digit decimal string."""
    return str(app.rng.randrange(10 ** 18, 2 ** 63))


def rfc3339(ts=None):
    """GCE timestamps: millisecond RFC 3339 in Pacific time, e.g. 2024-05-01T10:00:00.123-07:00."""
    tz = datetime.timezone(datetime.timedelta(hours=-8))
    now = datetime.datetime.fromtimestamp(ts if ts is not None else time.time(), tz)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + "%03d-08:00" % (now.microsecond // 1000)


def link(key):
    return API + key


def fingerprint(obj):
    """An 8-byte fingerprint of a value, URL-safe base64 with padding as GCE sends fingerprints
    (google-cloud-compute-v1 decodes them with serde_with Base64<UrlSafe>, so '+' or '/' would fail);
    the empty label set gets GCE's well-known one."""
    if obj in ({}, None):
        return EMPTY_FINGERPRINT
    digest = hashlib.sha256(json.dumps(obj, sort_keys=True).encode()).digest()[:8]
    return base64.urlsafe_b64encode(digest).decode()


def check_name(name, field="resource.name"):
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise invalid(field, name, "Must be a match of regex '(?:[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?)'")


def relative(ref, project, scope, collection):
    """Normalise a reference (full URL, `projects/...`, `zones/...`, or a bare name) to a store key."""
    if not ref:
        return None
    ref = ref.split("/compute/v1/", 1)[-1].split("/compute/beta/", 1)[-1]
    if ref.startswith("projects/"):
        return ref
    if ref.startswith(("global/", "regions/", "zones/")):
        return "projects/%s/%s" % (project, ref)
    return "projects/%s/%s/%s/%s" % (project, scope, collection, ref)


# store --------------------------------------------------------------------------------------------------
def store(app):
    return app.state["resources"]


def get(app, key):
    return store(app).get(key)


def require(app, key):
    rec = store(app).get(key)
    if rec is None:
        raise not_found(key)
    return rec


def body_json(req):
    """The request JSON or Google's 400 for a malformed payload."""
    try:
        body = req.json()
    except ValueError as exc:
        raise gce_error(400, "Invalid JSON payload received. %s" % exc, "parseError", status="INVALID_ARGUMENT")
    return body or {}


def busy_check(app, key):
    """Mutating a resource while one of its operations is still running: 400 resourceNotReady."""
    rec = store(app).get(key)
    if rec and rec.get("op") and app.state["operations"].get(rec["op"], {}).get("status") != "DONE":
        raise not_ready(key)


# operations -------------------------------------------------------------------------------------------
def _op_name():
    millis = int(time.time() * 1000)
    hexes = uuid.uuid4().hex
    return "operation-%d-%s-%s-%s" % (millis, hexes[:13], hexes[13:21], hexes[21:29])


def start_operation(app, project, scope_key, op_type, target_key, effect=None, lock_target=True):
    """Create an Operation (PENDING) whose `effect` runs when it reaches DONE.

    `effect()` may return an error dict {"code","message","http":(status, text)} to fail the op.
    """
    name = _op_name()
    rec = store(app).get(target_key)
    target_id = rec["body"]["id"] if rec else None
    key = "projects/%s/%s/operations/%s" % (project, scope_key, name)
    op = {"kind": "compute#operation", "id": new_id(app), "name": name, "operationType": op_type,
          "targetLink": link(target_key), "status": "PENDING", "user": app.options.user, "progress": 0,
          "insertTime": rfc3339(), "startTime": rfc3339(), "selfLink": link(key)}
    if target_id:
        op["targetId"] = target_id
    scope, where = scope_key.split("/")[0], scope_key.split("/")[-1]
    if scope in ("zones", "regions"):
        op[scope[:-1]] = link("projects/%s/%s" % (project, scope_key))
    app.state["operations"][name] = op
    app.state["op_meta"][name] = {"polls_left": app.options.operation_polls, "target": target_key, "key": key}
    app.effects[name] = effect
    if lock_target and rec is not None:
        rec["op"] = name
    if app.options.operation_polls <= 0:
        finish(app, op)
    else:
        app.run_on_its_own(name)
    return op


def poll(app, op):
    """One GET: the first `--operation-polls` GETs see RUNNING, the next one sees DONE."""
    if op["status"] == "DONE":
        return
    meta = app.state["op_meta"][op["name"]]
    if meta["polls_left"] > 0:
        meta["polls_left"] -= 1
        op["status"] = "RUNNING"
        hook = app.effects.get(op["name"] + ":running")
        if hook:
            hook()
        return
    finish(app, op)


def finish(app, op):
    """Run the effect and mark the operation DONE (with `error` when the effect refused)."""
    effect = app.effects.pop(op["name"], None)
    app.effects.pop(op["name"] + ":running", None)
    failure = effect() if effect else None
    op["status"] = "DONE"
    op["progress"] = 100
    op["endTime"] = rfc3339()
    if failure:
        op["error"] = {"errors": [{"code": failure["code"], "message": failure["message"]}]}
        op["httpErrorStatusCode"], op["httpErrorMessage"] = failure.get("http", (400, "BAD REQUEST"))


def poll_target(app, key):
    """A GET of a resource also moves its pending operation along (clients may poll either)."""
    rec = store(app).get(key)
    if rec and rec.get("op"):
        op = app.state["operations"].get(rec["op"])
        if op and op["status"] != "DONE":
            poll(app, op)


def op_in_use_error(kind, key, user):
    return {"code": "RESOURCE_IN_USE_BY_ANOTHER_RESOURCE",
            "message": "The %s resource '%s' is already being used by '%s'" % (kind, key, user)}


# lists ------------------------------------------------------------------------------------------------
FILTER_TERM = re.compile(r"""\(?\s*([A-Za-z_][\w.]*)\s*(!=|=|:|\beq\b|\bne\b)\s*("(?:[^"\\]|\\.)*"|'[^']*'|[^\s()]+)\s*\)?""")


def _field(obj, path):
    for part in path.split("."):
        if isinstance(obj, dict):
            obj = obj.get(part)
        else:
            return None
    return obj


def _text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _term_matches(item, field, op, raw):
    value = raw[1:-1] if raw[:1] in "\"'" and raw[-1:] == raw[:1] else raw
    actual = _field(item, field)
    if op == ":":
        return actual is not None and (value == "*" or value in (actual if isinstance(actual, (list, dict)) else _text(actual)))
    if op in ("eq", "ne"):
        hit = re.fullmatch(value, _text(actual)) is not None
        return hit if op == "eq" else not hit
    pattern = "^" + ".*".join(re.escape(p) for p in value.split("*")) + "$"
    hit = re.match(pattern, _text(actual)) is not None
    return hit if op == "=" else not hit


def parse_filter(text):
    """Compile a list filter into a predicate: terms joined by AND (or juxtaposition) and OR."""
    if not text or not text.strip():
        return lambda item: True
    groups = []
    for alternative in re.split(r"\s+OR\s+", text.strip()):
        terms = FILTER_TERM.findall(alternative)
        if not terms:
            raise invalid("filter", text, "Invalid list filter expression.")
        groups.append(terms)
    return lambda item: any(all(_term_matches(item, *t) for t in terms) for terms in groups)


def _page_bounds(app, req):
    try:
        start = int(base64.urlsafe_b64decode(req.query["pageToken"].encode()).decode()) if req.query.get("pageToken") else 0
    except (ValueError, UnicodeDecodeError):
        raise invalid("pageToken", req.query["pageToken"], "Invalid page token.")
    max_results = int(req.query.get("maxResults") or 500)
    if not 0 <= max_results <= 500:
        raise invalid("maxResults", max_results, "Must be less than or equal to 500")
    return start, max(1, min(max_results or 500, app.options.page_size))


def _token(n):
    return base64.urlsafe_b64encode(str(n).encode()).decode()


def list_response(app, req, kind, list_id, items):
    """A `compute#xxxList`: filter, then page; `items` omitted when empty, as GCE does."""
    keep = parse_filter(req.query.get("filter"))
    items = [i for i in items if keep(i)]
    start, size = _page_bounds(app, req)
    body = {"kind": kind, "id": list_id, "selfLink": link(list_id)}
    chunk = items[start:start + size]
    if chunk:
        body["items"] = chunk
    if start + size < len(items):
        body["nextPageToken"] = _token(start + size)
    return Response(200, body)


def aggregated_response(app, req, kind, list_id, field, scoped_items, scopes):
    """A `compute#xxxAggregatedList`: every scope listed, a NO_RESULTS_ON_PAGE warning for empty ones."""
    keep = parse_filter(req.query.get("filter"))
    flat = [(scope, item) for scope, item in scoped_items if keep(item)]
    start, size = _page_bounds(app, req)
    chunk = flat[start:start + size]
    items = {}
    for scope in scopes:
        mine = [item for s, item in chunk if s == scope]
        items[scope] = {field: mine} if mine else {"warning": {
            "code": "NO_RESULTS_ON_PAGE", "message": "There are no results for scope '%s' on this page." % scope,
            "data": [{"key": "scope", "value": scope}]}}
    body = {"kind": kind, "id": list_id, "items": items, "selfLink": link(list_id)}
    if start + size < len(flat):
        body["nextPageToken"] = _token(start + size)
    return Response(200, body)


def strip_empty(body):
    """GCE omits empty repeated fields and empty maps from responses; mirror that."""
    return {k: v for k, v in body.items() if v not in ([], None)}
