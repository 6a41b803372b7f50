//! `google_compute_instance` on the wire: the insert body from a planned value, and the state
//! from an instance as the API lists it (with its boot disk, read in the same batch).

use crate::instance_schema as schema;
use crate::prelude::*;
use crate::wire::last_segment;

/// The alias → URL table of hashicorp/google's `canonicalizeServiceScope`.
const SCOPE_ALIASES: [(&str, &str); 24] = [
    ("bigquery", "bigquery"),
    ("cloud-platform", "cloud-platform"),
    ("cloud-source-repos", "source.full_control"),
    ("cloud-source-repos-ro", "source.read_only"),
    ("compute-ro", "compute.readonly"),
    ("compute-rw", "compute"),
    ("datastore", "datastore"),
    ("logging-write", "logging.write"),
    ("monitoring", "monitoring"),
    ("monitoring-read", "monitoring.read"),
    ("monitoring-write", "monitoring.write"),
    ("pubsub", "pubsub"),
    ("service-control", "servicecontrol"),
    ("service-management", "service.management.readonly"),
    ("sql", "sqlservice"),
    ("sql-admin", "sqlservice.admin"),
    ("storage-full", "devstorage.full_control"),
    ("storage-ro", "devstorage.read_only"),
    ("storage-rw", "devstorage.read_write"),
    ("taskqueue", "taskqueue"),
    ("trace", "trace.append"),
    ("useraccounts-ro", "cloud.useraccounts.readonly"),
    ("useraccounts-rw", "cloud.useraccounts"),
    ("userinfo-email", "userinfo.email"),
];

/// A scope alias (`cloud-platform`) as its URL; URLs unchanged.
pub fn canonical_scope(scope: &str) -> String {
    match SCOPE_ALIASES.iter().find(|(a, _)| *a == scope) {
        Some((_, s)) => format!("https://www.googleapis.com/auth/{s}"),
        None => scope.to_string(),
    }
}

/// A nested block's object: the block's empty value, overlaid with the prior object's.
pub fn base(block: &Block, prior: Option<&Value>) -> Obj {
    let mut o = Obj::from(&block.empty_value());
    if let Some(m) = prior.and_then(Value::as_entries) {
        for (k, v) in m {
            o = o.set(k, v.clone());
        }
    }
    o
}

fn zonal(at: &At, collection: &str, v: &str) -> String {
    match v.contains('/') {
        true => v.to_string(),
        false => format!("zones/{}/{collection}/{v}", at.location),
    }
}

/// The metadata items: `metadata` plus `startup-script` from `metadata_startup_script`.
pub fn metadata_items(p: &Value) -> Vec<Json> {
    let mut md = get(p, "metadata")
        .map(autostack_provider_sdk::attrs::string_map)
        .unwrap_or_default();
    if let Some(script) = nonempty_str(p, "metadata_startup_script") {
        md.insert("startup-script".into(), script.to_string());
    }
    md.into_iter()
        .map(|(k, v)| json!({"key": k, "value": v}))
        .collect()
}

fn boot_disk_json(at: &At, p: &Value) -> Json {
    let Some(b) = get_blocks(p, "boot_disk").first() else {
        return Json::Null;
    };
    let mut d = body_of(vec![
        ("boot", json!(true)),
        (
            "autoDelete",
            json!(get_bool(b, "auto_delete").unwrap_or(true)),
        ),
        ("mode", opt(b, "mode")),
        ("deviceName", opt(b, "device_name")),
        ("source", opt(b, "source")),
        ("interface", opt(b, "interface")),
    ]);
    if let (None, Some(ip)) = (
        nonempty_str(b, "source"),
        get_blocks(b, "initialize_params").first(),
    ) {
        d["initializeParams"] = body_of(vec![
            (
                "diskSizeGb",
                get_int(ip, "size").map_or(Json::Null, |n| json!(n.to_string())),
            ),
            (
                "diskType",
                nonempty_str(ip, "type").map_or(Json::Null, |t| json!(zonal(at, "diskTypes", t))),
            ),
            ("sourceImage", opt(ip, "image")),
            ("sourceSnapshot", opt(ip, "snapshot")),
            (
                "labels",
                get(ip, "labels").map_or(Json::Null, |l| {
                    json!(autostack_provider_sdk::attrs::string_map(l))
                }),
            ),
        ]);
    }
    d
}

fn nics_json(p: &Value) -> Json {
    Json::Array(
        get_blocks(p, "network_interface")
            .iter()
            .map(|n| {
                let access: Vec<Json> = get_blocks(n, "access_config")
                    .iter()
                    .map(|a| {
                        body_of(vec![
                            ("type", json!("ONE_TO_ONE_NAT")),
                            ("name", json!("External NAT")),
                            ("natIP", opt(a, "nat_ip")),
                            ("networkTier", opt(a, "network_tier")),
                            ("publicPtrDomainName", opt(a, "public_ptr_domain_name")),
                        ])
                    })
                    .collect();
                body_of(vec![
                    ("network", opt(n, "network")),
                    ("subnetwork", opt(n, "subnetwork")),
                    ("networkIP", opt(n, "network_ip")),
                    ("nicType", opt(n, "nic_type")),
                    ("stackType", opt(n, "stack_type")),
                    ("accessConfigs", Json::Array(access)),
                ])
            })
            .collect(),
    )
}

/// An `attached_disk` block as the API's `AttachedDisk`.
pub fn attached_json(a: &Value) -> Json {
    body_of(vec![
        ("source", opt(a, "source")),
        ("deviceName", opt(a, "device_name")),
        ("mode", opt(a, "mode")),
        ("boot", json!(false)),
        ("autoDelete", json!(false)),
    ])
}

/// The insert body of a planned instance (image references resolved by the caller).
pub fn body(at: &At, p: &Value) -> Json {
    let mut disks = vec![boot_disk_json(at, p)];
    disks.extend(get_blocks(p, "attached_disk").iter().map(attached_json));
    let accounts: Vec<Json> = get_blocks(p, "service_account").iter().map(|sa| json!({
        "email": nonempty_str(sa, "email").unwrap_or("default"),
        "scopes": get_strings(sa, "scopes").iter().map(|s| canonical_scope(s)).collect::<Vec<_>>(),
    })).collect();
    let scheduling = get_blocks(p, "scheduling").first().map(|s| {
        body_of(vec![
            ("onHostMaintenance", opt(s, "on_host_maintenance")),
            (
                "automaticRestart",
                json!(get_bool(s, "automatic_restart").unwrap_or(true)),
            ),
            (
                "preemptible",
                json!(get_bool(s, "preemptible").unwrap_or(false)),
            ),
            ("provisioningModel", opt(s, "provisioning_model")),
            (
                "instanceTerminationAction",
                opt(s, "instance_termination_action"),
            ),
        ])
    });
    let shielded = get_blocks(p, "shielded_instance_config").first().map(|s| {
        json!({
            "enableSecureBoot": get_bool(s, "enable_secure_boot").unwrap_or(false),
            "enableVtpm": get_bool(s, "enable_vtpm").unwrap_or(true),
            "enableIntegrityMonitoring": get_bool(s, "enable_integrity_monitoring").unwrap_or(true),
        })
    });
    let mut b = body_of(vec![
        ("name", json!(at.name)),
        (
            "machineType",
            json!(zonal(
                at,
                "machineTypes",
                get_str(p, "machine_type").unwrap_or_default()
            )),
        ),
        ("description", opt(p, "description")),
        ("hostname", opt(p, "hostname")),
        ("minCpuPlatform", opt(p, "min_cpu_platform")),
        ("disks", Json::Array(disks)),
        ("networkInterfaces", nics_json(p)),
        ("serviceAccounts", Json::Array(accounts)),
        ("scheduling", scheduling.unwrap_or(Json::Null)),
        ("shieldedInstanceConfig", shielded.unwrap_or(Json::Null)),
        (
            "labels",
            json!(get(p, "effective_labels")
                .map(autostack_provider_sdk::attrs::string_map)
                .unwrap_or_default()),
        ),
        ("tags", json!({"items": get_strings(p, "tags")})),
        ("metadata", json!({"items": metadata_items(p)})),
    ]);
    b["canIpForward"] = json!(get_bool(p, "can_ip_forward").unwrap_or(false));
    b["deletionProtection"] = json!(get_bool(p, "deletion_protection").unwrap_or(false));
    b
}

fn nth<'a>(prior: &'a Value, name: &str, i: usize) -> Option<&'a Value> {
    get_blocks(prior, name).get(i)
}

fn boot_disk_state(prior: &Value, att: &Json, disk: &Json) -> Value {
    let old = nth(prior, "boot_disk", 0);
    let old_ip = old.and_then(|o| get_blocks(o, "initialize_params").first());
    let mut ip = base(&schema::initialize_params(), old_ip)
        .set("size", number(&disk["sizeGb"]))
        .str("type", last_segment(s(disk, "type")))
        .set(
            "labels",
            autostack_provider_sdk::attrs::map_value(&crate::wire::string_map(&disk["labels"])),
        )
        .str("architecture", s(disk, "architecture"))
        .set("provisioned_iops", number(&disk["provisionedIops"]))
        .set(
            "provisioned_throughput",
            number(&disk["provisionedThroughput"]),
        )
        .set(
            "resource_policies",
            string_list(strings(&disk["resourcePolicies"])),
        )
        .str("snapshot", s(disk, "sourceSnapshot"));
    if old_ip
        .and_then(|o| get_str(o, "image"))
        .is_none_or(str::is_empty)
    {
        ip = ip.str("image", s(disk, "sourceImage"));
    }
    let features: Vec<String> = att["guestOsFeatures"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|f| s(f, "type").to_string())
        .collect();
    let b = base(&schema::boot_disk(), old)
        .bool("auto_delete", att["autoDelete"].as_bool().unwrap_or(false))
        .str("device_name", s(att, "deviceName"))
        .str(
            "mode",
            if s(att, "mode").is_empty() {
                "READ_WRITE"
            } else {
                s(att, "mode")
            },
        )
        .set(
            "source",
            reference(old.unwrap_or(&Value::null()), "source", s(att, "source")),
        )
        .str(
            "disk_encryption_key_sha256",
            s(&att["diskEncryptionKey"], "sha256"),
        )
        .str(
            "kms_key_self_link",
            s(&att["diskEncryptionKey"], "kmsKeyName"),
        )
        .set("guest_os_features", string_list(features))
        .set(
            "initialize_params",
            Value::list(schema::initialize_params().value_type(), vec![ip.finish()]),
        );
    b.finish()
}

fn nic_state(prior: Option<&Value>, n: &Json) -> Value {
    let null = Value::null();
    let p = prior.unwrap_or(&null);
    let access: Vec<Value> = n["accessConfigs"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(i, a)| {
            base(&schema::access_config(), nth(p, "access_config", i))
                .str("nat_ip", s(a, "natIP"))
                .str("network_tier", s(a, "networkTier"))
                .echo_str("public_ptr_domain_name", a, "publicPtrDomainName")
                .finish()
        })
        .collect();
    let sub = s(n, "subnetwork");
    let sub_project = crate::wire::relative(sub)
        .split('/')
        .nth(1)
        .unwrap_or_default();
    base(&schema::network_interface(), prior)
        .set("network", reference(p, "network", s(n, "network")))
        .set("subnetwork", reference(p, "subnetwork", sub))
        .str("subnetwork_project", sub_project)
        .str("network_ip", s(n, "networkIP"))
        .str("name", s(n, "name"))
        .str(
            "stack_type",
            if s(n, "stackType").is_empty() {
                "IPV4_ONLY"
            } else {
                s(n, "stackType")
            },
        )
        .str("ipv6_access_type", s(n, "ipv6AccessType"))
        .str("ipv6_address", s(n, "ipv6Address"))
        .str("igmp_query", s(n, "igmpQuery"))
        .str("network_attachment", s(n, "networkAttachment"))
        .str("parent_nic_name", s(n, "parentNicName"))
        .set(
            "internal_ipv6_prefix_length",
            number(&n["internalIpv6PrefixLength"]),
        )
        .set(
            "access_config",
            Value::list(schema::access_config().value_type(), access),
        )
        .finish()
}

fn attached_state(prior: &Value, att: &Json) -> Value {
    let src = s(att, "source");
    let old = get_blocks(prior, "attached_disk")
        .iter()
        .find(|a| get_str(a, "source").is_some_and(|p| crate::wire::same_ref(p, src)));
    base(&schema::attached_disk(), old)
        .set(
            "source",
            reference(old.unwrap_or(&Value::null()), "source", src),
        )
        .str("device_name", s(att, "deviceName"))
        .str(
            "mode",
            if s(att, "mode").is_empty() {
                "READ_WRITE"
            } else {
                s(att, "mode")
            },
        )
        .str(
            "disk_encryption_key_sha256",
            s(&att["diskEncryptionKey"], "sha256"),
        )
        .str(
            "kms_key_self_link",
            s(&att["diskEncryptionKey"], "kmsKeyName"),
        )
        .finish()
}

fn blocks(block: Block, items: Vec<Value>) -> Value {
    Value::list(block.value_type(), items)
}

fn scheduling_state(prior: &Value, sched: &Json) -> Value {
    base(&schema::scheduling(), nth(prior, "scheduling", 0))
        .str("on_host_maintenance", s(sched, "onHostMaintenance"))
        .bool(
            "automatic_restart",
            sched["automaticRestart"].as_bool().unwrap_or(true),
        )
        .bool(
            "preemptible",
            sched["preemptible"].as_bool().unwrap_or(false),
        )
        .str("provisioning_model", s(sched, "provisioningModel"))
        .echo_str(
            "instance_termination_action",
            sched,
            "instanceTerminationAction",
        )
        .finish()
}

fn accounts_state(i: &Json) -> Vec<Value> {
    let accounts = i["serviceAccounts"].as_array().cloned().unwrap_or_default();
    accounts
        .iter()
        .map(|sa| {
            Value::object_from([
                ("email", string(sa, "email")),
                ("scopes", string_set(strings(&sa["scopes"]))),
            ])
        })
        .collect()
}

fn shielded_state(i: &Json) -> Vec<Value> {
    let flag = |sh: &Json, k: &str| sh[k].as_bool().unwrap_or(false);
    i.get("shieldedInstanceConfig")
        .map(|sh| {
            base(&schema::shielded(), None)
                .bool("enable_secure_boot", flag(sh, "enableSecureBoot"))
                .bool("enable_vtpm", flag(sh, "enableVtpm"))
                .bool(
                    "enable_integrity_monitoring",
                    flag(sh, "enableIntegrityMonitoring"),
                )
                .finish()
        })
        .into_iter()
        .collect()
}

/// `metadata`, and `metadata_startup_script` when the prior state has it (the script is
/// then left out of `metadata`, as hashicorp/google reads it).
fn metadata_state(o: Obj, prior: &Value, i: &Json) -> Obj {
    let mut md = metadata_map(&i["metadata"]);
    let mut o = o;
    if get(prior, "metadata_startup_script").is_some() {
        let script = md.remove("startup-script");
        o = o.set(
            "metadata_startup_script",
            Value::string(script.unwrap_or_default()),
        );
    }
    let value = match md.is_empty() && get(prior, "metadata").is_none() {
        true => Value::Null(Type::map(Type::String)),
        false => autostack_provider_sdk::attrs::map_value(&md),
    };
    o.set("metadata", value).set(
        "metadata_fingerprint",
        string(&i["metadata"], "fingerprint"),
    )
}

/// The disk, interface, scheduling, account and shielded-VM blocks of a listed instance.
fn block_states(o: Obj, prior: &Value, i: &Json) -> Obj {
    let disks = i["disks"].as_array().cloned().unwrap_or_default();
    let is_boot = |d: &&Json| d["boot"].as_bool() == Some(true);
    let boot: Vec<Value> = disks
        .iter()
        .filter(is_boot)
        .map(|d| boot_disk_state(prior, d, &i["_bootDisk"]))
        .collect();
    let attached: Vec<Value> = disks
        .iter()
        .filter(|d| !is_boot(d) && s(d, "type") != "SCRATCH")
        .map(|d| attached_state(prior, d))
        .collect();
    let nics: Vec<Value> = i["networkInterfaces"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(n, j)| nic_state(nth(prior, "network_interface", n), j))
        .collect();
    o.set("boot_disk", blocks(schema::boot_disk(), boot))
        .set("attached_disk", blocks(schema::attached_disk(), attached))
        .set(
            "network_interface",
            blocks(schema::network_interface(), nics),
        )
        .set(
            "scheduling",
            blocks(
                schema::scheduling(),
                vec![scheduling_state(prior, &i["scheduling"])],
            ),
        )
        .set(
            "service_account",
            blocks(schema::service_account(), accounts_state(i)),
        )
        .set(
            "shielded_instance_config",
            blocks(schema::shielded(), shielded_state(i)),
        )
}

/// The instance's state from its listed JSON (`_bootDisk` holds its boot disk).
pub fn state(prior: &Value, i: &Json) -> Obj {
    let o = Obj::from(prior)
        .str("machine_type", last_segment(s(i, "machineType")))
        .bool(
            "can_ip_forward",
            i["canIpForward"].as_bool().unwrap_or(false),
        )
        .bool(
            "deletion_protection",
            i["deletionProtection"].as_bool().unwrap_or(false),
        )
        .echo_str("description", i, "description")
        .echo_str("hostname", i, "hostname")
        .str("min_cpu_platform", s(i, "minCpuPlatform"))
        .echo_set(prior, "tags", &i["tags"], "items")
        .str("current_status", s(i, "status"))
        .str("cpu_platform", s(i, "cpuPlatform"))
        .str("instance_id", i["id"].as_str().unwrap_or_default())
        .set("creation_timestamp", string(i, "creationTimestamp"))
        .set("label_fingerprint", string(i, "labelFingerprint"))
        .set("tags_fingerprint", string(&i["tags"], "fingerprint"));
    block_states(metadata_state(o, prior, i), prior, i)
}

/// The metadata items as a map.
pub fn metadata_map(md: &Json) -> std::collections::BTreeMap<String, String> {
    md["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|it| (s(it, "key").to_string(), s(it, "value").to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_aliases_expand() {
        assert_eq!(
            canonical_scope("cloud-platform"),
            "https://www.googleapis.com/auth/cloud-platform"
        );
        assert_eq!(
            canonical_scope("storage-ro"),
            "https://www.googleapis.com/auth/devstorage.read_only"
        );
        assert_eq!(
            canonical_scope("https://www.googleapis.com/auth/pubsub"),
            "https://www.googleapis.com/auth/pubsub"
        );
    }
}
