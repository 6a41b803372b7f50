"""Read-only Compute Engine catalog of the double: projects, regions, zones, machine types and public
images (projects/debian-cloud, ubuntu-os-cloud, cos-cloud), plus the Resource Manager project
lookup the google provider's `google_project` data source makes.

References:
- https://cloud.google.com/compute/docs/reference/rest/v1/zones , .../regions (kind compute#zone /
  compute#region, status UP, region/zones as URLs), .../machineTypes (guestCpus, memoryMb, `zone` as a
  bare name), .../images and .../images/getFromFamily (newest non-deprecated image of the family),
  .../projects/get (compute#project, commonInstanceMetadata, defaultServiceAccount).
- https://cloud.google.com/compute/docs/regions-zones (region names and their zones) and
  https://cloud.google.com/vpc/docs/subnets#ip-ranges (auto-mode subnet ranges per region, used by
  gce_network for auto-mode networks).
- https://cloud.google.com/resource-manager/reference/rest/v1/projects/get and v3/projects/get.
"""

import hashlib

from gce_core import gce_error, invalid, link, list_response, not_found, rfc3339
from common import Response

# region -> (zones, auto-mode subnet range)
REGIONS = {
    "us-central1": (["us-central1-a", "us-central1-b", "us-central1-c", "us-central1-f"], "10.128.0.0/20"),
    "us-east1": (["us-east1-b", "us-east1-c", "us-east1-d"], "10.142.0.0/20"),
    "europe-west1": (["europe-west1-b", "europe-west1-c", "europe-west1-d"], "10.132.0.0/20"),
    "europe-west4": (["europe-west4-a", "europe-west4-b", "europe-west4-c"], "10.164.0.0/20"),
}
ZONES = {z: r for r, (zones, _) in REGIONS.items() for z in zones}
CREATED = 1388563200  # 2014-01-01, a fixed creationTimestamp for catalog entries

# name: (guestCpus, memoryMb, isSharedCpu)
MACHINE_TYPES = {
    "e2-micro": (2, 1024, True), "e2-small": (2, 2048, True), "e2-medium": (2, 4096, True),
    "e2-standard-2": (2, 8192, False), "e2-standard-4": (4, 16384, False), "n1-standard-1": (1, 3840, False),
    "n1-standard-2": (2, 7680, False), "n2-standard-2": (2, 8192, False), "n2-standard-4": (4, 16384, False),
    "f1-micro": (1, 614, True), "g1-small": (1, 1740, True),
    # The embedded catalog's smallest non-shared type with >=2 vCPU and >=4 GiB (portable-web's default).
    "c2d-highcpu-2": (2, 4096, False),
}

# project -> [(name, family, diskSizeGb, deprecated)] oldest first
IMAGES = {
    "debian-cloud": [("debian-11-bullseye-v20241112", "debian-11", 10, True),
                     ("debian-11-bullseye-v20241210", "debian-11", 10, False),
                     ("debian-12-bookworm-v20241112", "debian-12", 10, True),
                     ("debian-12-bookworm-v20241210", "debian-12", 10, False)],
    "ubuntu-os-cloud": [("ubuntu-2204-jammy-v20241218", "ubuntu-2204-lts", 10, False),
                        ("ubuntu-2404-noble-amd64-v20241219", "ubuntu-2404-lts-amd64", 10, False)],
    "cos-cloud": [("cos-stable-117-18613-75-72", "cos-stable", 10, False)],
}


def stable_id(text):
    """Catalog ids are stable across runs: derived from the name."""
    return str(int(hashlib.sha256(text.encode()).hexdigest(), 16) % (9 * 10 ** 18) + 10 ** 18)


def project_number(project):
    return str(int(hashlib.sha256(project.encode()).hexdigest(), 16) % (9 * 10 ** 11) + 10 ** 11)


def default_service_account(project):
    return "%s-compute@developer.gserviceaccount.com" % project_number(project)


def require_zone(project, zone):
    if zone not in ZONES:
        raise gce_error(400, "Invalid value for field 'zone': '%s'. Unknown zone." % zone, "invalid")
    return ZONES[zone]


def require_region(project, region):
    if region not in REGIONS:
        raise gce_error(400, "Invalid value for field 'region': '%s'. Unknown region." % region, "invalid")


def zone_body(project, zone):
    return {"kind": "compute#zone", "id": stable_id(zone), "creationTimestamp": rfc3339(CREATED), "name": zone,
            "description": zone, "status": "UP", "region": link("projects/%s/regions/%s" % (project, ZONES[zone])),
            "selfLink": link("projects/%s/zones/%s" % (project, zone)),
            "availableCpuPlatforms": ["Intel Broadwell", "Intel Cascade Lake", "AMD Milan"], "supportsPzs": False}


def region_body(project, region):
    zones, _ = REGIONS[region]
    return {"kind": "compute#region", "id": stable_id(region), "creationTimestamp": rfc3339(CREATED), "name": region,
            "description": region, "status": "UP", "zones": [link("projects/%s/zones/%s" % (project, z)) for z in zones],
            "quotas": [{"metric": "CPUS", "limit": 24, "usage": 0}, {"metric": "DISKS_TOTAL_GB", "limit": 4096, "usage": 0},
                       {"metric": "STATIC_ADDRESSES", "limit": 8, "usage": 0}],
            "selfLink": link("projects/%s/regions/%s" % (project, region)), "supportsPzs": False}


def machine_type_body(project, zone, name):
    cpus, mem, shared = MACHINE_TYPES[name]
    return {"kind": "compute#machineType", "id": stable_id(name), "creationTimestamp": rfc3339(CREATED), "name": name,
            "description": "%d vCPU, %d MB RAM" % (cpus, mem), "guestCpus": cpus, "memoryMb": mem, "imageSpaceGb": 0,
            "maximumPersistentDisks": 128, "maximumPersistentDisksSizeGb": "263168", "zone": zone,
            "selfLink": link("projects/%s/zones/%s/machineTypes/%s" % (project, zone, name)), "isSharedCpu": shared,
            "architecture": "X86_64"}


def image_body(project, entry):
    name, family, size, deprecated = entry
    body = {"kind": "compute#image", "id": stable_id(project + name), "creationTimestamp": rfc3339(CREATED),
            "name": name, "description": "%s built on %s" % (family, name.rsplit("-v", 1)[-1]), "sourceType": "RAW",
            "status": "READY", "archiveSizeBytes": "1234567890", "diskSizeGb": str(size),
            "licenses": [link("projects/%s/global/licenses/%s" % (project, family))], "family": family,
            "selfLink": link("projects/%s/global/images/%s" % (project, name)), "labelFingerprint": "42WmSpB8rSM=",
            "guestOsFeatures": [{"type": "UEFI_COMPATIBLE"}, {"type": "VIRTIO_SCSI_MULTIQUEUE"}, {"type": "GVNIC"}],
            "storageLocations": ["eu", "us", "asia"], "architecture": "X86_64"}
    if deprecated:
        newest = [e for e in IMAGES[project] if e[1] == family and not e[3]][-1]
        body["deprecated"] = {"state": "DEPRECATED",
                              "replacement": link("projects/%s/global/images/%s" % (project, newest[0]))}
    return body


def find_image(project, name=None, family=None):
    """An image entry by name, or the newest non-deprecated one of a family; None when absent."""
    entries = IMAGES.get(project, [])
    if family:
        live = [e for e in entries if e[1] == family and not e[3]]
        return live[-1] if live else None
    return next((e for e in entries if e[0] == name), None)


def resolve_image(project, ref):
    """sourceImage forms: full URL, projects/P/global/images/[family/]X, global/images/..., P/X."""
    rel = ref.split("/compute/v1/", 1)[-1]
    parts = rel.split("/")
    if rel.startswith("projects/") and len(parts) >= 5:
        img_project, tail = parts[1], parts[4:]
    elif rel.startswith("global/images/"):
        img_project, tail = project, parts[2:]
    elif len(parts) == 2:
        img_project, tail = parts[0], [parts[1]]
    else:
        img_project, tail = project, parts[-1:]
    family = tail[1] if tail[0] == "family" and len(tail) > 1 else None
    entry = find_image(img_project, name=None if family else tail[0], family=family)
    if entry is None:
        raise not_found("projects/%s/global/images/%s" % (img_project, "/".join(tail)))
    return img_project, entry


# handlers ---------------------------------------------------------------------------------------------
def list_zones(app, req, project):
    return list_response(app, req, "compute#zoneList", "projects/%s/zones" % project,
                         [zone_body(project, z) for z in ZONES])


def get_zone(app, req, project, zone):
    if zone not in ZONES:
        raise not_found("projects/%s/zones/%s" % (project, zone))
    return Response(200, zone_body(project, zone))


def list_regions(app, req, project):
    return list_response(app, req, "compute#regionList", "projects/%s/regions" % project,
                         [region_body(project, r) for r in REGIONS])


def get_region(app, req, project, region):
    if region not in REGIONS:
        raise not_found("projects/%s/regions/%s" % (project, region))
    return Response(200, region_body(project, region))


def list_machine_types(app, req, project, zone):
    require_zone(project, zone)
    return list_response(app, req, "compute#machineTypeList", "projects/%s/zones/%s/machineTypes" % (project, zone),
                         [machine_type_body(project, zone, n) for n in MACHINE_TYPES])


def get_machine_type(app, req, project, zone, name):
    if zone not in ZONES or name not in MACHINE_TYPES:
        raise not_found("projects/%s/zones/%s/machineTypes/%s" % (project, zone, name))
    return Response(200, machine_type_body(project, zone, name))


def list_images(app, req, project):
    return list_response(app, req, "compute#imageList", "projects/%s/global/images" % project,
                         [image_body(project, e) for e in IMAGES.get(project, [])])


def get_image(app, req, project, name):
    entry = find_image(project, name=name)
    if entry is None:
        raise not_found("projects/%s/global/images/%s" % (project, name))
    return Response(200, image_body(project, entry))


def get_image_family(app, req, project, family):
    entry = find_image(project, family=family)
    if entry is None:
        raise not_found("projects/%s/global/images/family/%s" % (project, family))
    return Response(200, image_body(project, entry))


def get_project(app, req, project):
    return Response(200, {"kind": "compute#project", "id": project_number(project), "name": project,
                          "creationTimestamp": rfc3339(CREATED),
                          "commonInstanceMetadata": {"kind": "compute#metadata", "fingerprint": "42WmSpB8rSM="},
                          "defaultServiceAccount": default_service_account(project), "xpnProjectStatus": "UNSPECIFIED_XPN_PROJECT_STATUS",
                          "defaultNetworkTier": "PREMIUM", "selfLink": link("projects/%s" % project)})


def crm_project_v1(app, req, project):
    return Response(200, {"projectNumber": project_number(project), "projectId": project, "lifecycleState": "ACTIVE",
                          "name": project, "createTime": "2024-01-01T00:00:00.000Z", "labels": {}})


def crm_project_v3(app, req, project):
    return Response(200, {"name": "projects/%s" % project_number(project), "parent": "organizations/123456789012",
                          "projectId": project, "state": "ACTIVE", "displayName": project,
                          "createTime": "2024-01-01T00:00:00.000Z", "updateTime": "2024-01-01T00:00:00.000Z",
                          "etag": "W/\"%s\"" % stable_id(project)[:16]})


def machine_type_key(project, zone, ref, field):
    """Validate a machineType reference (URL, zones/Z/machineTypes/M, or bare M); returns its URL."""
    name = (ref or "").rsplit("/", 1)[-1]
    if not ref:
        raise gce_error(400, "Required field '%s' not specified" % field, "required")
    if name not in MACHINE_TYPES:
        raise invalid(field, ref, "Machine type with name '%s' does not exist in zone '%s'." % (name, zone))
    return link("projects/%s/zones/%s/machineTypes/%s" % (project, zone, name))
