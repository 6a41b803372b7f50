//! The six portable resource types and their schemas. Names are fixed by the design (issue
//! 19); every type also has `cloud` (`aws`, `azure`, `gcp`), `region`, `name`, `tags`, and
//! the record of the concrete objects behind it: `concrete` (role, type and ID of each, as
//! `state show` lists them) and `concrete_state` (their full states as JSON, what refresh,
//! update and destroy drive the concrete types with; sensitive, so plans do not print it).

use autostack_provider_sdk::{Attribute, Block, Nesting, ResourceSchema};
use autostack_value::Type;

/// The `portable_instance` attribute only clouds that copy firewall rules set (see
/// [`crate::realize::Realize::plan`]); planned null unless the mapping plans it.
pub const FIREWALL_RULES_DIGEST: &str = "firewall_rules_sha256";

/// A portable resource type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// `portable_network`: an isolated network (VPC, VNet).
    Network,
    /// `portable_subnet`: a range of a network in one zone.
    Subnet,
    /// `portable_firewall`: ingress rules for instances of a network.
    Firewall,
    /// `portable_instance`: a Linux VM.
    Instance,
    /// `portable_disk`: a block volume, attached to an instance when `instance_id` is set.
    Disk,
    /// `portable_bucket`: an object store bucket.
    Bucket,
}

impl Kind {
    /// Every portable type.
    pub const ALL: [Kind; 6] = [
        Kind::Network,
        Kind::Subnet,
        Kind::Firewall,
        Kind::Instance,
        Kind::Disk,
        Kind::Bucket,
    ];

    /// The Terraform type name (`portable_instance`).
    pub fn name(self) -> &'static str {
        match self {
            Kind::Network => "portable_network",
            Kind::Subnet => "portable_subnet",
            Kind::Firewall => "portable_firewall",
            Kind::Instance => "portable_instance",
            Kind::Disk => "portable_disk",
            Kind::Bucket => "portable_bucket",
        }
    }

    /// The kind a type name names.
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The schema.
    pub fn schema(self) -> ResourceSchema {
        let block = common();
        let block = match self {
            Kind::Network => network(block),
            Kind::Subnet => subnet(block),
            Kind::Firewall => firewall(block),
            Kind::Instance => instance(block),
            Kind::Disk => disk(block),
            Kind::Bucket => bucket(block),
        };
        ResourceSchema { version: 0, block }
    }
}

/// The object type of one `concrete` entry.
pub fn concrete_entry_type() -> Type {
    Type::Object(
        [
            ("role", Type::String),
            ("type", Type::String),
            ("id", Type::String),
        ]
        .into_iter()
        .map(|(k, t)| (k.to_string(), t))
        .collect(),
    )
}

fn s() -> Attribute {
    Attribute::computed(Type::String)
}

fn common() -> Block {
    Block::new()
        .attr("id", s().describe("The portable object's ID (its main concrete object's)."))
        .attr(
            "cloud",
            s().describe("The cloud it runs on: aws, azure or gcp."),
        )
        .attr(
            "region",
            Attribute::optional_computed(Type::String)
                .force_new()
                .describe("The region; by default the provider's (aws, google), on azurerm (which has no region) ARM_LOCATION, else eastus."),
        )
        .attr(
            "name",
            Attribute::optional_computed(Type::String)
                .force_new()
                .describe("The name of the concrete objects; generated when unset."),
        )
        .attr(
            "tags",
            Attribute::optional(Type::map(Type::String))
                .describe("Tags (labels on Google Cloud) of the concrete objects."),
        )
        .attr(
            "cloud_id",
            s().describe("The ID of the main concrete object."),
        )
        .attr(
            "concrete",
            Attribute::computed(Type::list(concrete_entry_type()))
                .describe("The concrete cloud objects behind it: role, type and ID of each."),
        )
        .attr(
            "concrete_state",
            Attribute::computed(Type::String)
                .sensitive()
                .describe("The concrete objects' states (JSON), for refresh and destroy."),
        )
}

fn network(b: Block) -> Block {
    b.attr(
        "cidr_block",
        Attribute::required(Type::String)
            .force_new()
            .describe("The network's IPv4 range (CIDR)."),
    )
}

fn subnet(b: Block) -> Block {
    b.attr("network_id", network_id())
        .attr(
            "cidr_block",
            Attribute::required(Type::String)
                .force_new()
                .describe("The subnet's IPv4 range, within the network's."),
        )
        .attr(
            "public",
            Attribute::optional(Type::Bool)
                .default(false)
                .force_new()
                .describe("Whether it routes to the internet."),
        )
        .attr(
            "zone_index",
            Attribute::optional(Type::Number)
                .default(0)
                .force_new()
                .describe("Which of the region's zones (0, 1, ...)."),
        )
        .attr(
            "zone",
            s().describe("The zone zone_index names in the region."),
        )
}

/// The `network_id` argument of subnets and firewalls.
fn network_id() -> Attribute {
    Attribute::required(Type::String)
        .force_new()
        .describe("The portable_network it belongs to.")
}

fn firewall(b: Block) -> Block {
    let rule = Block::new()
        .attr(
            "protocol",
            Attribute::required(Type::String).describe("tcp, udp, icmp or all."),
        )
        .attr(
            "ports",
            Attribute::optional(Type::list(Type::Number)).describe("The ports opened (none: all)."),
        )
        .attr(
            "cidr_blocks",
            Attribute::optional(Type::list(Type::String))
                .describe("The sources allowed (none: anywhere)."),
        );
    b.attr("network_id", network_id())
        .block("ingress", Nesting::List, rule)
}

fn instance(b: Block) -> Block {
    let n = || Type::Number;
    b.attr(
        "vcpu",
        Attribute::required(n()).describe("The vCPUs wanted (at least)."),
    )
    .attr(
        "memory",
        Attribute::required(n()).describe("The memory wanted in GiB (at least)."),
    )
    .attr(
        "arch",
        Attribute::optional(Type::String)
            .default("x86_64")
            .force_new()
            .describe("x86_64 or arm64."),
    )
    .attr(
        "image",
        Attribute::required(Type::String)
            .force_new()
            .describe("ubuntu-22.04, ubuntu-24.04 or debian-12."),
    )
    .attr(
        "subnet_id",
        Attribute::required(Type::String)
            .force_new()
            .describe("The portable_subnet it runs in."),
    )
    .attr(
        "firewall_ids",
        Attribute::optional(Type::list(Type::String))
            .describe("The portable_firewalls applied to it."),
    )
    .attr(
        "public_ip",
        Attribute::optional(Type::Bool)
            .default(false)
            .force_new()
            .describe("Whether it gets a public address."),
    )
    .attr(
        "root_disk_size",
        Attribute::optional(n())
            .default(20)
            .force_new()
            .describe("The boot disk's size in GiB."),
    )
    .attr(
        "user_data",
        Attribute::optional(Type::String)
            .force_new()
            .describe("cloud-init user data."),
    )
    .attr(
        "ssh_public_key",
        Attribute::optional(Type::String)
            .force_new()
            .describe("An OpenSSH public key for the admin user (Azure requires one)."),
    )
    .attr(
        "instance_type",
        s().describe("The size chosen on this cloud."),
    )
    .attr("size_rule", s().describe("How instance_type was chosen."))
    .attr(
        "image_id",
        s().describe("The image the image name resolved to."),
    )
    .attr("zone", s().describe("The zone it runs in."))
    .attr("private_ip", s().describe("Its private address."))
    .attr(
        "public_ip_address",
        s().describe("Its public address, when public_ip."),
    )
    .attr(
        "concrete_type",
        s().describe("The concrete type of the VM."),
    )
    .attr(
        FIREWALL_RULES_DIGEST,
        s().describe("Where a cloud unions several firewalls into a group of the instance's own (Azure): the SHA-256 of that union's rules; null elsewhere."),
    )
}

fn disk(b: Block) -> Block {
    b.attr(
        "size",
        Attribute::required(Type::Number)
            .force_new()
            .describe("Its size in GiB."),
    )
    .attr(
        "class",
        Attribute::optional(Type::String)
            .default("ssd")
            .force_new()
            .describe("standard, ssd or premium."),
    )
    .attr(
        "instance_id",
        Attribute::optional(Type::String)
            .describe("The portable_instance it is attached to, if any."),
    )
    .attr(
        "disk_type",
        s().describe("The concrete disk type of the class."),
    )
    .attr("zone", s().describe("The zone it lives in."))
}

fn bucket(b: Block) -> Block {
    b.attr(
        "versioning",
        Attribute::optional(Type::Bool)
            .default(false)
            .describe("Whether object versions are kept."),
    )
    .attr(
        "force_destroy",
        Attribute::optional(Type::Bool)
            .default(false)
            .describe("Whether destroy deletes the objects in it."),
    )
    .attr(
        "url",
        s().describe("Its URL (s3://, gs:// or the container's https URL)."),
    )
}
