//! The schema of `google_compute_instance` (hashicorp/google 7.x, schema version 6).

use autostack_provider_sdk::{attributes, Block, Nesting};
use autostack_value::Type;

fn max1(b: Block, name: &str, force_new: bool, computed: bool) -> Block {
    b.tune(name, |n| {
        n.max_items = 1;
        n.force_new = force_new;
        n.computed = computed;
    })
}

/// `boot_disk.initialize_params`.
pub fn initialize_params() -> Block {
    attributes! {
        "size": optional_computed(Type::Number) => "Size in GB.",
        "type": optional_computed(Type::String).force_new() => "The disk type (pd-standard, pd-balanced, pd-ssd).",
        "image": optional_computed(Type::String).force_new() => "The image (a link, project/family, family or name).",
        "snapshot": optional_computed(Type::String).force_new() => "A snapshot to restore.",
        "labels": optional_computed(Type::map(Type::String)) => "Labels of the boot disk.",
        "resource_manager_tags": optional(Type::map(Type::String)).force_new() => "Resource Manager tags.",
        "resource_policies": optional_computed(Type::list(Type::String)).force_new() => "Resource policies.",
        "provisioned_iops": optional_computed(Type::Number).force_new() => "Provisioned IOPS.",
        "provisioned_throughput": optional_computed(Type::Number).force_new() => "Provisioned throughput.",
        "enable_confidential_compute": optional(Type::Bool).force_new() => "Confidential compute.",
        "storage_pool": optional(Type::String).force_new() => "Storage pool.",
        "architecture": optional_computed(Type::String).force_new() => "X86_64 or ARM64.",
        "replica_zones": optional(Type::list(Type::String)).force_new() => "Replica zones.",
    }
}

/// `boot_disk`.
pub fn boot_disk() -> Block {
    let b = attributes! {
        "auto_delete": optional(Type::Bool).default(true) => "Delete the disk with the instance.",
        "device_name": optional_computed(Type::String).force_new() => "The device name.",
        "disk_encryption_key_raw": optional(Type::String).force_new().sensitive() => "A customer-supplied key.",
        "disk_encryption_key_rsa": optional(Type::String).force_new().sensitive() => "An RSA-wrapped key.",
        "disk_encryption_key_sha256": computed(Type::String) => "The key's SHA-256.",
        "disk_encryption_service_account": optional(Type::String).force_new() => "The key's service account.",
        "interface": optional(Type::String) => "SCSI or NVME.",
        "kms_key_self_link": optional_computed(Type::String).force_new() => "A Cloud KMS key.",
        "guest_os_features": optional_computed(Type::list(Type::String)).force_new() => "Guest OS features.",
        "mode": optional(Type::String).force_new().default("READ_WRITE") => "READ_WRITE or READ_ONLY.",
        "source": optional_computed(Type::String).force_new() => "An existing disk to boot from.",
        "force_attach": optional(Type::Bool).force_new().default(false) => "Attach even if attached elsewhere.",
    }
    .block("initialize_params", Nesting::List, initialize_params());
    max1(b, "initialize_params", true, true)
}

/// `network_interface.access_config`.
pub fn access_config() -> Block {
    attributes! {
        "nat_ip": optional_computed(Type::String) => "The external IP (a reserved address, or ephemeral).",
        "network_tier": optional_computed(Type::String) => "PREMIUM or STANDARD.",
        "public_ptr_domain_name": optional(Type::String) => "Reverse DNS name.",
    }
}

/// `network_interface`.
pub fn network_interface() -> Block {
    attributes! {
        "network": optional_computed(Type::String) => "The network.",
        "subnetwork": optional_computed(Type::String) => "The subnetwork.",
        "network_attachment": optional_computed(Type::String).force_new() => "A network attachment.",
        "parent_nic_name": computed(Type::String) => "The parent NIC of a VLAN NIC.",
        "vlan": optional(Type::Number).force_new() => "VLAN tag.",
        "subnetwork_project": optional_computed(Type::String) => "The subnetwork's project.",
        "network_ip": optional_computed(Type::String) => "The internal IP.",
        "name": computed(Type::String) => "The interface's name (nic0, ...).",
        "nic_type": optional(Type::String).force_new() => "GVNIC or VIRTIO_NET.",
        "stack_type": optional_computed(Type::String) => "IPV4_ONLY, IPV4_IPV6 or IPV6_ONLY.",
        "igmp_query": optional_computed(Type::String) => "IGMP query mode.",
        "ipv6_access_type": computed(Type::String) => "EXTERNAL or INTERNAL.",
        "internal_ipv6_prefix_length": optional_computed(Type::Number) => "Internal IPv6 prefix length.",
        "ipv6_address": optional_computed(Type::String) => "The IPv6 address.",
        "queue_count": optional(Type::Number).force_new() => "Network queues.",
    }
    .block("access_config", Nesting::List, access_config())
    .block("alias_ip_range", Nesting::List, attributes! {
        "ip_cidr_range": required(Type::String) => "The alias range.",
        "subnetwork_range_name": optional(Type::String) => "The secondary range it comes from.",
    })
    .block("ipv6_access_config", Nesting::List, attributes! {
        "network_tier": required(Type::String) => "PREMIUM or STANDARD.",
        "public_ptr_domain_name": optional(Type::String) => "Reverse DNS name.",
        "external_ipv6": optional_computed(Type::String).force_new() => "The external IPv6 address.",
        "external_ipv6_prefix_length": optional_computed(Type::String).force_new() => "Its prefix length.",
        "name": optional_computed(Type::String).force_new() => "The access config's name.",
    })
}

/// `attached_disk`.
pub fn attached_disk() -> Block {
    attributes! {
        "source": required(Type::String) => "The disk to attach.",
        "device_name": optional_computed(Type::String) => "The device name.",
        "mode": optional(Type::String).default("READ_WRITE") => "READ_WRITE or READ_ONLY.",
        "disk_encryption_key_raw": optional(Type::String).sensitive() => "A customer-supplied key.",
        "disk_encryption_key_rsa": optional(Type::String).sensitive() => "An RSA-wrapped key.",
        "kms_key_self_link": optional_computed(Type::String) => "A Cloud KMS key.",
        "disk_encryption_service_account": optional(Type::String) => "The key's service account.",
        "disk_encryption_key_sha256": computed(Type::String) => "The key's SHA-256.",
        "force_attach": optional(Type::Bool).force_new().default(false) => "Attach even if attached elsewhere.",
    }
}

/// `scheduling`.
pub fn scheduling() -> Block {
    let b = attributes! {
        "on_host_maintenance": optional_computed(Type::String) => "MIGRATE or TERMINATE.",
        "automatic_restart": optional(Type::Bool).default(true) => "Restart after a crash.",
        "preemptible": optional(Type::Bool).force_new().default(false) => "A preemptible instance.",
        "min_node_cpus": optional(Type::Number) => "Minimum vCPUs on sole-tenant nodes.",
        "provisioning_model": optional_computed(Type::String).force_new() => "STANDARD or SPOT.",
        "instance_termination_action": optional(Type::String) => "STOP or DELETE.",
        "termination_time": optional(Type::String).force_new() => "When the instance is terminated.",
        "availability_domain": optional(Type::Number) => "Availability domain.",
        "host_error_timeout_seconds": optional(Type::Number) => "Host error timeout.",
    }
    .block("node_affinities", Nesting::Set, attributes! {
        "key": required(Type::String) => "Affinity key.",
        "operator": required(Type::String) => "IN or NOT_IN.",
        "values": required(Type::set(Type::String)) => "Values.",
    })
    .block("max_run_duration", Nesting::List, duration())
    .block("on_instance_stop_action", Nesting::List, attributes! {
        "discard_local_ssd": optional(Type::Bool).force_new().default(false) => "Discard local SSDs on stop.",
    })
    .block("local_ssd_recovery_timeout", Nesting::List, duration());
    let b = max1(b, "max_run_duration", true, false);
    let b = max1(b, "on_instance_stop_action", true, false);
    max1(b, "local_ssd_recovery_timeout", true, false)
}

fn duration() -> Block {
    attributes! {
        "seconds": required(Type::Number).force_new() => "Seconds.",
        "nanos": optional(Type::Number).force_new() => "Nanoseconds.",
    }
}

/// `service_account`.
pub fn service_account() -> Block {
    attributes! {
        "email": optional_computed(Type::String) => "The service account (the default compute account when unset).",
        "scopes": required(Type::set(Type::String)) => "Access scopes (aliases such as cloud-platform are expanded).",
    }
}

/// `shielded_instance_config`.
pub fn shielded() -> Block {
    attributes! {
        "enable_secure_boot": optional(Type::Bool).default(false) => "Secure Boot.",
        "enable_vtpm": optional(Type::Bool).default(true) => "vTPM.",
        "enable_integrity_monitoring": optional(Type::Bool).default(true) => "Integrity monitoring.",
    }
}

/// The instance's own attributes and blocks (the adapter adds id, project, zone, self_link,
/// labels).
pub fn instance() -> Block {
    let b = attributes! {
        "name": required(Type::String).force_new() => "Name of the instance.",
        "machine_type": required(Type::String) => "The machine type (e2-medium, ...); changing it needs allow_stopping_for_update.",
        "allow_stopping_for_update": optional(Type::Bool) => "Allow stopping the instance to change what needs it stopped.",
        "can_ip_forward": optional(Type::Bool).default(false) => "Allow forwarding packets.",
        "description": optional(Type::String) => "An optional description.",
        "deletion_protection": optional(Type::Bool).default(false) => "Refuse deletion.",
        "enable_display": optional(Type::Bool) => "A virtual display.",
        "hostname": optional(Type::String).force_new() => "A custom hostname.",
        "metadata": optional(Type::map(Type::String)) => "Metadata key/value pairs.",
        "metadata_startup_script": optional(Type::String) => "The startup script (metadata key startup-script).",
        "min_cpu_platform": optional_computed(Type::String) => "Minimum CPU platform.",
        "desired_status": optional(Type::String) => "RUNNING, TERMINATED or SUSPENDED.",
        "resource_policies": optional(Type::list(Type::String)) => "Resource policies.",
        "key_revocation_action_type": optional(Type::String).force_new() => "NONE or STOP.",
        "tags": optional(Type::set(Type::String)) => "Network tags.",
        "current_status": computed(Type::String) => "The instance's status.",
        "cpu_platform": computed(Type::String) => "The CPU platform used.",
        "instance_id": computed(Type::String) => "The unique identifier.",
        "creation_timestamp": computed(Type::String) => "Creation time (RFC 3339).",
        "label_fingerprint": computed(Type::String) => "The labels' fingerprint.",
        "metadata_fingerprint": computed(Type::String) => "The metadata's fingerprint.",
        "tags_fingerprint": computed(Type::String) => "The tags' fingerprint.",
    }
    .block("boot_disk", Nesting::List, boot_disk())
    .tune("boot_disk", |n| {
        n.min_items = 1;
        n.max_items = 1;
        n.force_new = true;
    })
    .block("network_interface", Nesting::List, network_interface())
    .tune("network_interface", |n| n.min_items = 1)
    .block("attached_disk", Nesting::List, attached_disk())
    .block("scratch_disk", Nesting::List, attributes! {
        "device_name": optional_computed(Type::String) => "The device name.",
        "interface": required(Type::String) => "SCSI or NVME.",
        "size": optional(Type::Number).force_new().default(375) => "Size in GB.",
    })
    .tune("scratch_disk", |n| n.force_new = true)
    .block("guest_accelerator", Nesting::List, attributes! {
        "count": required(Type::Number).force_new() => "How many.",
        "type": required(Type::String).force_new() => "The accelerator type.",
    })
    .tune("guest_accelerator", |n| {
        n.force_new = true;
        n.computed = true;
    })
    .block("scheduling", Nesting::List, scheduling())
    .block("service_account", Nesting::List, service_account())
    .block("shielded_instance_config", Nesting::List, shielded())
    .block("advanced_machine_features", Nesting::List, attributes! {
        "enable_nested_virtualization": optional(Type::Bool) => "Nested virtualization.",
        "threads_per_core": optional(Type::Number) => "Threads per core.",
        "turbo_mode": optional(Type::String) => "Turbo mode.",
        "visible_core_count": optional(Type::Number) => "Visible cores.",
        "performance_monitoring_unit": optional(Type::String) => "PMU level.",
        "enable_uefi_networking": optional(Type::Bool).force_new() => "UEFI networking.",
    })
    .block("confidential_instance_config", Nesting::List, attributes! {
        "enable_confidential_compute": optional(Type::Bool) => "Confidential compute.",
        "confidential_instance_type": optional(Type::String) => "SEV, SEV_SNP or TDX.",
    })
    .block("network_performance_config", Nesting::List, attributes! {
        "total_egress_bandwidth_tier": required(Type::String).force_new() => "DEFAULT or TIER_1.",
    })
    .block("params", Nesting::List, attributes! {
        "resource_manager_tags": optional(Type::map(Type::String)) => "Resource Manager tags.",
    })
    .block("reservation_affinity", Nesting::List, attributes! {
        "type": required(Type::String).force_new() => "ANY_RESERVATION, SPECIFIC_RESERVATION or NO_RESERVATION.",
    }
    .block("specific_reservation", Nesting::List, attributes! {
        "key": required(Type::String).force_new() => "Label key.",
        "values": required(Type::list(Type::String)).force_new() => "Label values.",
    }))
    .block("instance_encryption_key", Nesting::List, attributes! {
        "kms_key_self_link": optional_computed(Type::String).force_new() => "A Cloud KMS key.",
        "kms_key_service_account": optional(Type::String).force_new() => "The key's service account.",
        "sha256": computed(Type::String) => "The key's SHA-256.",
    });
    let b = max1(b, "scheduling", false, true);
    let b = max1(b, "service_account", false, false);
    let b = max1(b, "shielded_instance_config", false, true);
    let b = max1(b, "advanced_machine_features", false, false);
    let b = max1(b, "confidential_instance_config", true, true);
    let b = max1(b, "network_performance_config", true, false);
    let b = max1(b, "params", true, false);
    let b = max1(b, "reservation_affinity", true, true);
    max1(b, "instance_encryption_key", true, false)
}
