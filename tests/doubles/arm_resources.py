"""Generic handling of `/subscriptions/{s}/resourceGroups/{rg}/providers/{ns}/{type}/{name}/...`:
create-or-update (PUT), read (GET/HEAD), PATCH, DELETE, lists and POST actions for every type
registered in arm_core.TYPES. Type modules only describe what differs.

References:
- ARM RPC, proxy/tracked resources and the PUT/PATCH/DELETE contract:
  github:cloud-and-ai-microsoft/resource-provider-contract v1.0/proxy-api-reference.md,
  v1.0/resource-api-reference.md (PUT answers 201 on create, 200 on update; DELETE answers
  200/202, and 204 when the resource does not exist).
- Specs: github:Azure/azure-rest-api-specs specification/network/resource-manager/Microsoft.Network/
  stable/2024-03-01/virtualNetwork.json (subnets as child + inline), compute ComputeRP/stable/
  2024-07-01/virtualMachine.json, storage stable/2023-05-01/storage.json + blob.json.
"""

from arm_core import (TYPES, advance_target, arm_error, async_operation_url, children_of, get_record,
                       list_response, location_url, merge_patch, new_etag, new_operation,
                       normalize_location, now_iso, require_group, resource_not_found, resources,
                       retry_after, view)
from common import Response


class Ctx:
    """Where a request points: subscription, group, type spec and the resource (or collection)."""

    def __init__(self, sub, rg, ns, types, names, tail):
        self.sub, self.rg, self.ns = sub, rg, ns
        self.types, self.names, self.tail = types, names, tail
        self.spec = TYPES.get("/".join([ns] + types).lower())
        self.lid = ("/subscriptions/%s/resourcegroups/%s/providers/%s" % (sub, rg, ns)
                    + "".join("/%s/%s" % tn for tn in zip(types, names))).lower()
        self.parent_lid = self.lid.rsplit("/", 2)[0] if len(types) > 1 else None
        self.name = names[-1] if names else None

    def build_id(self, app, group):
        """The id ARM returns: canonical type segments, names as created, the group name as sent."""
        if self.parent_lid:
            parent = get_record(app, self.parent_lid)
            return "%s/%s/%s" % (parent["body"]["id"], self.spec.segments[-1], self.name)
        return "/subscriptions/%s/resourceGroups/%s/providers/%s/%s/%s" % (
            self.sub, self.rg, self.spec.namespace, self.spec.segments[0], self.name)


def parse(sub, rg, rest):
    """Split the provider path into type/name pairs and an optional tail (collection or action)."""
    segs = [s for s in rest.split("/") if s]
    ns, pairs = segs[0], segs[1:]
    tail = None
    if len(pairs) % 2 == 1:
        tail = pairs[-1]
        pairs = pairs[:-1]
    return Ctx(sub, rg, ns, pairs[0::2], pairs[1::2], tail)


def dispatch(app, req, sub, rg, rest):
    """Entry point for every provider path under a resource group."""
    group = require_group(app, sub, rg)
    ctx = parse(sub, rg, rest)
    if ctx.tail is not None:
        return _tail(app, req, ctx, group)
    if ctx.spec is None:
        raise _invalid_type(ctx)
    handler = {"PUT": put, "GET": get, "HEAD": get, "PATCH": patch, "DELETE": delete}.get(req.method)
    if handler is None:
        raise arm_error(405, "MethodNotAllowed", "The requested resource does not support http method '%s'." % req.method)
    return handler(app, req, ctx, group)


def _invalid_type(ctx):
    return arm_error(400, "InvalidResourceType",
                     "The resource type '%s' could not be found in the namespace '%s' for api version '%s'."
                     % ("/".join(ctx.types + ([ctx.tail] if ctx.tail else [])), ctx.ns, "current"))


def _tail(app, req, ctx, group):
    """A collection GET (`.../subnets`), a GET sub-view (`.../instanceView`) or a POST action."""
    coll = TYPES.get("/".join([ctx.ns] + ctx.types + [ctx.tail]).lower())
    if coll is not None and req.method == "GET":
        return list_collection(app, req, ctx, coll)
    owner = TYPES.get("/".join([ctx.ns] + ctx.types).lower())
    if owner is None:
        raise _invalid_type(ctx)
    rec = _existing(app, ctx, owner)
    table = owner.hook("actions") if req.method == "POST" else owner.hook("views") if req.method == "GET" else None
    fn = (table or {}).get(ctx.tail.lower())
    if fn is None:
        raise arm_error(404, "NotFound", "The requested resource %s was not found." % req.path)
    if req.method == "GET":
        advance_target(app, ctx.lid)  # reading a VM's instanceView also counts as a poll
    ctx.spec = owner
    return fn(app, req, ctx, rec)


def _existing(app, ctx, spec):
    """The record the path names, or the 404 ARM (or the RP, for child types) answers."""
    rec = get_record(app, ctx.lid)
    if rec is not None:
        return rec
    if len(ctx.types) > 1 and get_record(app, ctx.parent_lid) is None:
        top = TYPES.get("/".join([ctx.ns, ctx.types[0]]).lower())
        raise resource_not_found(top.type_name if top else ctx.ns + "/" + ctx.types[0], ctx.names[0], ctx.rg)
    if spec.not_found:
        raise spec.not_found(ctx)
    if len(ctx.types) > 1:
        parent = get_record(app, ctx.parent_lid)
        rid = "%s/%s/%s" % (parent["body"]["id"], spec.segments[-1], ctx.name)
        raise arm_error(404, "NotFound", "Resource %s not found." % rid, details=[])
    raise resource_not_found(spec.type_name, ctx.name, ctx.rg)


def list_collection(app, req, ctx, spec):
    """List a type in a resource group, or a child collection under its parent."""
    if ctx.names:
        _existing(app, ctx, TYPES["/".join([ctx.ns] + ctx.types).lower()])
        items = children_of(app, ctx.lid, spec.key)
    else:
        prefix = ("/subscriptions/%s/resourcegroups/%s/providers/" % (ctx.sub, ctx.rg)).lower()
        items = [r for k, r in resources(app).items() if k.startswith(prefix) and r["type"] == spec.key]
    return list_response(app, req, [view(app, r) for r in items])


def get(app, req, ctx, group):
    rec = _existing(app, ctx, ctx.spec)
    advance_target(app, ctx.lid)
    rec = get_record(app, ctx.lid)
    if rec is None:
        raise resource_not_found(ctx.spec.type_name, ctx.name, ctx.rg)
    body = view(app, rec)
    if ctx.spec.hook("expand") and req.query.get("$expand"):
        body = ctx.spec.hook("expand")(app, rec, body, req.query["$expand"])
    return Response(200, body, _etag_header(body))


def _etag_header(body):
    return {"ETag": body["etag"]} if body.get("etag") else {}


def _body(req):
    """The request JSON, or ARM's 400 InvalidRequestContent."""
    try:
        body = req.json()
    except ValueError as exc:
        raise arm_error(400, "InvalidRequestContent",
                        "The request content was invalid and could not be deserialized: '%s'." % exc)
    if not isinstance(body, dict):
        raise arm_error(400, "InvalidRequestContent",
                        "The request content was invalid and could not be deserialized: 'empty body'.")
    return body


def put(app, req, ctx, group):
    """Create or update; answers as the type's LRO style says."""
    spec = ctx.spec
    if group["properties"]["provisioningState"] == "Deleting":
        raise arm_error(409, "ResourceGroupBeingDeleted",
                        "The resource group '%s' is in deprovisioning state and cannot perform this operation." % ctx.rg)
    if ctx.parent_lid and get_record(app, ctx.parent_lid) is None:
        _existing(app, ctx, spec)
    body = _body(req)
    existing = get_record(app, ctx.lid)
    _check_location(spec, ctx, body, existing)
    _check_if_match(req, existing)
    _check_busy(app, req, existing)
    stored = _build(app, ctx, spec, body, existing, group)
    return _store_and_answer(app, req, ctx, spec, stored, existing)


def _check_location(spec, ctx, body, existing):
    if not spec.location:
        return
    if not body.get("location"):
        raise arm_error(400, "LocationRequired", "The location property is required for this definition.")
    if existing and normalize_location(body["location"]) != existing["body"]["location"]:
        raise arm_error(409, "InvalidResourceLocation",
                        "The resource '%s' already exists in location '%s' in resource group '%s'. A resource with "
                        "the same name cannot be created in location '%s'. Please select a new resource name."
                        % (ctx.name, existing["body"]["location"], ctx.rg, normalize_location(body["location"])))


def _check_if_match(req, existing):
    """Optimistic concurrency: If-Match with a stale etag is 412 PreconditionFailed."""
    want = req.header("If-Match")
    if want and want != "*" and (existing is None or existing["body"].get("etag") != want):
        raise arm_error(412, "PreconditionFailed", "The condition specified using HTTP conditional header(s) is not met.")


def _check_busy(app, req, existing):
    """A resource being deleted refuses writes, as ARM's AnotherOperationInProgress."""
    if existing and existing["body"].get("properties", {}).get("provisioningState") == "Deleting":
        raise arm_error(409, "AnotherOperationInProgress",
                        "Another operation on this or dependent resource is in progress. For more information, "
                        "see https://aka.ms/AnotherOperationInProgress")


def _build(app, ctx, spec, body, existing, group):
    """The stored body: ARM envelope fields plus what the type's `prepare` hook computes."""
    fields = spec.hook("prepare")(app, ctx, body, existing) if spec.hook("prepare") else {
        "properties": dict(body.get("properties") or {})}
    stored = {"id": existing["body"]["id"] if existing else ctx.build_id(app, group),
              "name": existing["body"]["name"] if existing else ctx.name,
              "type": spec.type_name}
    if spec.etag:
        stored["etag"] = new_etag(spec.etag)
    if spec.location:
        stored["location"] = normalize_location(body["location"])
    if spec.tags:
        stored["tags"] = dict(body.get("tags") or {})
    stored.update(fields)
    stored.setdefault("properties", {})
    return stored


def _store_and_answer(app, req, ctx, spec, stored, existing):
    style = spec.update if existing else spec.create
    props = stored["properties"]
    props["provisioningState"] = "Succeeded" if style == "sync" else (
        spec.updating_state if existing else spec.creating_state)
    rec = existing or {"type": spec.key, "parent": ctx.parent_lid, "created": now_iso()}
    rec["body"] = stored
    resources(app)[ctx.lid] = rec
    if spec.hook("after_put"):
        spec.hook("after_put")(app, rec, ctx)
    status = 200 if existing else 201
    if style == "sync":
        if spec.hook("on_provisioned"):
            spec.hook("on_provisioned")(app, rec)
        return Response(status, view(app, rec), _etag_header(stored))
    op = new_operation(app, "put", ctx.lid, spec.namespace, stored.get("location") or _loc(app, ctx), ctx.sub)
    if style == "async202":
        return Response(202, None, {"Location": location_url(app, req, op, spec.api_version),
                                    "Retry-After": retry_after(app)})
    if style == "async202body":
        return Response(202, view(app, rec), {"Location": location_url(app, req, op, spec.api_version),
                                              "Azure-AsyncOperation": async_operation_url(app, req, op, spec.api_version),
                                              "Retry-After": retry_after(app)})
    headers = {"Azure-AsyncOperation": async_operation_url(app, req, op, spec.api_version),
               "Retry-After": retry_after(app)}
    return Response(status, view(app, rec), headers)


def _loc(app, ctx):
    """Child resources have no location; their operations are filed under the top resource's."""
    top = get_record(app, ctx.lid.split("/providers/")[0] + "/providers/" + "/".join(
        ctx.lid.split("/providers/")[1].split("/")[:3]))
    return (top or {"body": {}})["body"].get("location", "westus")


def patch(app, req, ctx, group):
    """PATCH merges into the stored definition (tags only, for most types) and re-runs validation."""
    spec = ctx.spec
    existing = _existing(app, ctx, spec)
    _check_busy(app, req, existing)
    body = _body(req)
    current = {k: v for k, v in existing["body"].items() if k not in ("id", "name", "type", "etag")}
    merged = merge_patch(current, body)
    if not spec.hook("patch_all_properties"):
        merged["properties"] = existing["body"].get("properties", {})
    merged.setdefault("location", existing["body"].get("location"))
    stored = _build(app, ctx, spec, merged, existing, group)
    return _store_and_answer(app, req, ctx, spec, stored, existing)


def delete(app, req, ctx, group):
    """Delete: 204 when absent; in-use checks (400/409) before anything changes; then async or sync."""
    spec = ctx.spec
    rec = get_record(app, ctx.lid)
    if rec is None:
        if ctx.parent_lid and get_record(app, ctx.parent_lid) is None:
            _existing(app, ctx, spec)
        return Response(204)
    if rec["body"].get("properties", {}).get("provisioningState") == "Deleting":
        return _delete_accepted(app, req, spec, rec, ctx, _pending_delete(app, ctx.lid))
    if spec.hook("check_delete"):
        spec.hook("check_delete")(app, rec)
    if spec.delete == "sync":
        from arm_core import remove_tree
        remove_tree(app, ctx.lid)
        return Response(200)
    rec["body"].setdefault("properties", {})["provisioningState"] = "Deleting"
    op = new_operation(app, "delete", ctx.lid, spec.namespace, rec["body"].get("location") or _loc(app, ctx), ctx.sub)
    return _delete_accepted(app, req, spec, rec, ctx, op)


def _pending_delete(app, lid):
    for op in app.state["operations"].values():
        if op["target"] == lid and op["kind"] == "delete" and op["status"] == "InProgress":
            return op
    return None


def _delete_accepted(app, req, spec, rec, ctx, op):
    if op is None:
        return Response(204)
    return Response(202, None, {"Location": location_url(app, req, op, spec.api_version),
                                "Azure-AsyncOperation": async_operation_url(app, req, op, spec.api_version),
                                "Retry-After": retry_after(app)})


def start_action(app, req, ctx, rec, action):
    """A POST action as Compute runs it: 202 + Azure-AsyncOperation + Location, effect when done."""
    op = new_operation(app, "action", ctx.lid, ctx.spec.namespace, rec["body"]["location"], ctx.sub, action=action)
    return Response(202, None, {"Azure-AsyncOperation": async_operation_url(app, req, op, ctx.spec.api_version),
                                "Location": location_url(app, req, op, ctx.spec.api_version),
                                "Retry-After": retry_after(app)})
