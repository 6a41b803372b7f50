"""The blob data plane behind the ARM double's containers (--blob-data-plane): Azure's control
plane makes a container in the account's blob service when Resource Manager creates it, and
removes it with the ARM resource. With Azurite as the blob endpoint, the double does the same
through the Blob service REST API, so blobs can be written into a container the moment ARM
reports it created.

References: Blob service REST API, Create Container (PUT ?restype=container, 201; 409
ContainerAlreadyExists) and Delete Container (DELETE ?restype=container, 202; 404
ContainerNotFound); "Authorize with Shared Key" (the string to sign of version 2015-02-21+:
an empty Content-Length for zero bytes, canonicalized x-ms- headers, the resource as
/ACCOUNT/PATH and its query parameters lower-cased, one per line). Azurite serves the emulator
account `devstoreaccount1` path-style (http://HOST:PORT/devstoreaccount1/CONTAINER) with the
well-known key below.
"""

import base64
import email.utils
import hashlib
import hmac
import urllib.error
import urllib.parse
import urllib.request

EMULATOR_ACCOUNT = "devstoreaccount1"
EMULATOR_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
API_VERSION = "2021-08-06"


def _string_to_sign(method, account, path, headers, query):
    ms = "".join("%s:%s\n" % (k, headers[k]) for k in sorted(headers) if k.startswith("x-ms-"))
    resource = "/%s%s" % (account, path)
    for key in sorted(query):
        resource += "\n%s:%s" % (key.lower(), query[key])
    # VERB, then 11 standard headers (all empty for these bodiless requests), then the rest.
    return method + "\n" * 12 + ms + resource


def container_request(endpoint, container, method):
    """Sends Create (PUT) or Delete (DELETE) Container; returns the HTTP status."""
    base = urllib.parse.urlsplit(endpoint.rstrip("/"))
    account = base.path.strip("/").split("/")[-1] if base.path.strip("/") else base.hostname.split(".")[0]
    path = "%s/%s" % (base.path.rstrip("/"), container)
    query = {"restype": "container"}
    headers = {"x-ms-date": email.utils.formatdate(usegmt=True), "x-ms-version": API_VERSION}
    key = base64.b64decode(EMULATOR_KEY)
    sign = _string_to_sign(method, account, path, headers, query)
    mac = base64.b64encode(hmac.new(key, sign.encode("utf-8"), hashlib.sha256).digest()).decode()
    headers["Authorization"] = "SharedKey %s:%s" % (account, mac)
    url = urllib.parse.urlunsplit((base.scheme, base.netloc, path, "restype=container", ""))
    headers["Content-Length"] = "0"  # signed as empty (zero bytes); no body, so no Content-Type
    req = urllib.request.Request(url, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status
    except urllib.error.HTTPError as err:
        return err.code


def _endpoint_and_name(app, rec):
    """The blob endpoint of the container's account and the container's name."""
    parts = rec["body"]["id"].split("/")
    account = parts[parts.index("storageAccounts") + 1]
    return app.options.blob_endpoint.replace("{account}", account), rec["body"]["name"]


def mirror_create(app, rec):
    """Makes the container in the data plane (one that exists already is kept)."""
    if not getattr(app.options, "blob_data_plane", False):
        return
    endpoint, name = _endpoint_and_name(app, rec)
    status = container_request(endpoint, name, "PUT")
    if status not in (201, 409):
        raise RuntimeError("the blob service refused to create container %s: HTTP %d" % (name, status))


def mirror_delete(app, rec):
    """Removes the container from the data plane (one already gone is fine)."""
    if getattr(app.options, "blob_data_plane", False):
        endpoint, name = _endpoint_and_name(app, rec)
        container_request(endpoint, name, "DELETE")
