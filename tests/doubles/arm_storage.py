"""Microsoft.Storage types of the ARM double: storageAccounts (async create, sync update/delete,
checkNameAvailability, listKeys/regenerateKey, endpoints) and blobServices/default/containers.

References (api-version 2023-05-01, azure_mgmt_storage 0.21's default tag package-2023-05):
- github:Azure/azure-rest-api-specs specification/storage/resource-manager/Microsoft.Storage/stable/
  2023-05-01/storage.json (StorageAccounts_Create 200/202 with an empty 202 body and a Location to
  poll; Update PATCH 200; Delete 200/204; ListKeys; RegenerateKey; CheckNameAvailability with
  reasons AccountNameInvalid/AlreadyExists) and blob.json (BlobServices default, BlobContainers
  Create 200/201, Get, Delete 200/204, List with nextLink).
- https://learn.microsoft.com/rest/api/storagerp/storage-accounts/create (example responses:
  primaryEndpoints blob/queue/table/file/web/dfs, keyCreationTime, encryption services).
- https://learn.microsoft.com/azure/storage/common/storage-account-overview#storage-account-name
  (3-24 characters, numbers and lower-case letters) and .../blobs/storage-blobs-introduction#containers
  (container names: 3-63 characters, lower-case letters, numbers and single hyphens).
"""

import base64
import os
import re

from arm_blobplane import mirror_create, mirror_delete
from arm_core import TypeSpec, arm_error, deep_copy, now_iso, register, resources
from common import Response

ACCOUNT = "microsoft.storage/storageaccounts"
ACCOUNT_NAME = re.compile(r"^[a-z0-9]{3,24}$")
CONTAINER_NAME = re.compile(r"^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")


def _name_problem(app, name, lid=None):
    """None when `name` may be used, else (reason, message) as checkNameAvailability words it."""
    if not ACCOUNT_NAME.match(name):
        return ("AccountNameInvalid", "%s is not a valid storage account name. Storage account name must be between 3 "
                "and 24 characters in length and use numbers and lower-case letters only." % name)
    for key, rec in resources(app).items():
        if rec["type"] == ACCOUNT and rec["body"]["name"] == name and key != lid:
            return ("AlreadyExists", "The storage account named %s is already taken." % name)
    return None


def _endpoints(app, name):
    blob = app.options.blob_endpoint.replace("{account}", name)
    out = {s: "https://%s.%s.core.windows.net/" % (name, s) for s in ("dfs", "web", "queue", "table", "file")}
    out["web"] = "https://%s.z6.web.core.windows.net/" % name
    out["blob"] = blob
    return out


def _new_key():
    return base64.b64encode(os.urandom(64)).decode()


def account_prepare(app, ctx, body, existing):
    problem = _name_problem(app, ctx.name, ctx.lid)
    if problem and problem[0] == "AccountNameInvalid":
        raise arm_error(400, "AccountNameInvalid", problem[1])
    if problem:
        raise arm_error(409, "StorageAccountAlreadyTaken", problem[1])
    if not (body.get("sku") or {}).get("name"):
        raise arm_error(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized: "
                        "'Required property 'sku' not found in JSON.'")
    old = existing["body"]["properties"] if existing else {}
    props = deep_copy(old)
    props.update(deep_copy(body.get("properties") or {}))
    now = now_iso()
    defaults = {"supportsHttpsTrafficOnly": True, "minimumTlsVersion": "TLS1_2", "allowBlobPublicAccess": False,
                "allowSharedKeyAccess": True, "accessTier": "Hot", "isHnsEnabled": False,
                "networkAcls": {"bypass": "AzureServices", "virtualNetworkRules": [], "ipRules": [], "defaultAction": "Allow"},
                "encryption": {"services": {"blob": {"keyType": "Account", "enabled": True, "lastEnabledTime": now},
                                            "file": {"keyType": "Account", "enabled": True, "lastEnabledTime": now}},
                               "keySource": "Microsoft.Storage"}}
    for key, value in defaults.items():
        props.setdefault(key, value)
    props["primaryEndpoints"] = _endpoints(app, ctx.name)
    props["primaryLocation"] = body["location"].replace(" ", "").lower()
    props["statusOfPrimary"] = "available"
    props.setdefault("creationTime", now)
    props.setdefault("keyCreationTime", {"key1": now, "key2": now})
    if not existing:
        ctx.keys = [_new_key(), _new_key()]
    sku = dict(body["sku"])
    sku.setdefault("tier", "Premium" if sku["name"].startswith("Premium") else "Standard")
    return {"properties": props, "sku": sku, "kind": body.get("kind") or (existing or {"body": {}})["body"].get("kind", "StorageV2")}


def account_after_put(app, rec, ctx):
    """Keys are generated once; the blob and file service singletons exist with the account."""
    if getattr(ctx, "keys", None):
        rec["keys"] = ctx.keys
    for svc in ("blobServices", "fileServices"):
        lid = ctx.lid + "/" + svc.lower() + "/default"
        if lid not in resources(app):
            resources(app)[lid] = {"type": "%s/%s" % (ACCOUNT, svc.lower()), "parent": ctx.lid, "body": {
                "id": rec["body"]["id"] + "/%s/default" % svc, "name": "default",
                "type": "Microsoft.Storage/storageAccounts/%s" % svc, "sku": rec["body"]["sku"],
                "properties": {"cors": {"corsRules": []},
                               "deleteRetentionPolicy": {"allowPermanentDelete": False, "enabled": False}}}}


def _keys_body(rec):
    created = rec["body"]["properties"]["keyCreationTime"]
    return {"keys": [{"creationTime": created["key%d" % (i + 1)], "keyName": "key%d" % (i + 1), "value": value,
                      "permissions": "Full"} for i, value in enumerate(rec["keys"])]}


def list_keys(app, req, ctx, rec):
    return Response(200, _keys_body(rec))


def regenerate_key(app, req, ctx, rec):
    name = ((req.json() or {}).get("keyName") or "").lower()
    if name not in ("key1", "key2"):
        raise arm_error(400, "InvalidValuesForRequestParameters", "Values for request parameters are invalid: keyName.")
    index = int(name[-1]) - 1
    rec["keys"][index] = _new_key()
    rec["body"]["properties"]["keyCreationTime"][name] = now_iso()
    return Response(200, _keys_body(rec))


def storage_subscription_paths(app, req, sub, segs):
    """POST /subscriptions/{s}/providers/Microsoft.Storage/checkNameAvailability."""
    if len(segs) == 2 and segs[0].lower() == "microsoft.storage" and segs[1].lower() == "checknameavailability":
        if req.method != "POST":
            raise arm_error(405, "MethodNotAllowed", "The requested resource does not support http method 'GET'.")
        name = (req.json() or {}).get("name", "")
        problem = _name_problem(app, name)
        if problem is None:
            return Response(200, {"nameAvailable": True})
        return Response(200, {"nameAvailable": False, "reason": problem[0], "message": problem[1]})
    return None


register(TypeSpec("Microsoft.Storage/storageAccounts", create="async202", update="sync", delete="sync",
                  api_version="2023-05-01", prepare=account_prepare, after_put=account_after_put,
                  patch_all_properties=True, actions={"listkeys": list_keys, "regeneratekey": regenerate_key},
                  subscription_paths=storage_subscription_paths))


def service_prepare(app, ctx, body, existing):
    props = deep_copy((existing or {"body": {"properties": {}}})["body"]["properties"])
    props.update(deep_copy(body.get("properties") or {}))
    props.pop("provisioningState", None)
    return {"properties": props}


def _service_view(app, rec, body):
    body["properties"].pop("provisioningState", None)
    return body


for _svc in ("blobServices", "fileServices"):
    register(TypeSpec("Microsoft.Storage/storageAccounts/" + _svc, create="sync", delete="sync", location=False,
                      tags=False, api_version="2023-05-01", prepare=service_prepare, view=_service_view))


def container_prepare(app, ctx, body, existing):
    if not CONTAINER_NAME.match(ctx.name):
        raise arm_error(400, "ContainerOperationFailure", "The specified resource name contains invalid characters.")
    props = deep_copy((existing or {"body": {"properties": {}}})["body"]["properties"])
    props.update(deep_copy(body.get("properties") or {}))
    now = now_iso()
    defaults = {"publicAccess": "None", "leaseStatus": "Unlocked", "leaseState": "Available", "hasImmutabilityPolicy": False,
                "hasLegalHold": False, "deleted": False, "remainingRetentionDays": 0,
                "defaultEncryptionScope": "$account-encryption-key", "denyEncryptionScopeOverride": False}
    for key, value in defaults.items():
        props.setdefault(key, value)
    props["lastModifiedTime"] = now
    props.pop("provisioningState", None)
    return {"properties": props}


def container_not_found(ctx):
    return arm_error(404, "ContainerNotFound", "The specified container does not exist.")


register(TypeSpec("Microsoft.Storage/storageAccounts/blobServices/containers", create="sync", delete="sync",
                  location=False, tags=False, etag="storage", api_version="2023-05-01", prepare=container_prepare,
                  view=_service_view, not_found=container_not_found,
                  after_put=lambda app, rec, ctx: mirror_create(app, rec), on_removed=mirror_delete))

