//! The cloud-neutral middle of a translation: every concrete resource read into an [`Item`]
//! of a [`Kind`] with neutral attribute names, which the target's rules write back out.

use autostack_cost::Cloud;
use autostack_lang::diag::Range;
use hcl::Expression;
use indexmap::IndexMap;

/// Where a translation goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Another cloud's concrete types.
    Cloud(Cloud),
    /// The portable_* types (bound to the source's cloud provider).
    Portable,
}

impl Target {
    /// Parses `-to`: aws, azure, gcp (or google), portable.
    pub fn parse(s: &str) -> Option<Target> {
        match s {
            "portable" => Some(Target::Portable),
            "google" => Some(Target::Cloud(Cloud::Gcp)),
            "azurerm" => Some(Target::Cloud(Cloud::Azure)),
            other => Cloud::parse(other).map(Target::Cloud),
        }
    }

    /// The name used in messages and the default output directory.
    pub fn name(self) -> &'static str {
        match self {
            Target::Cloud(c) => c.as_str(),
            Target::Portable => "portable",
        }
    }
}

/// What a resource is, whichever cloud it is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// VPC / VNet / VPC network.
    Network,
    /// Subnet / subnetwork.
    Subnet,
    /// A security group / NSG: a named set of rules (GCP has none: a network tag).
    Firewall,
    /// One inbound allow rule of a firewall.
    Rule,
    /// One outbound allow rule of a firewall.
    EgressRule,
    /// A virtual machine.
    Instance,
    /// A block-storage volume.
    Disk,
    /// A volume attached to a VM.
    Attachment,
    /// A static public IPv4 address.
    PublicIp,
    /// An object-storage bucket (an Azure container).
    Bucket,
    /// AWS bucket versioning, folded into its bucket.
    Versioning,
    /// An SSH public key registered with the cloud.
    KeyPair,
    /// Internet gateway / route table / association: AWS plumbing other clouds build in.
    Routing,
    /// Azure's resource group (other clouds have none).
    ResourceGroup,
    /// Azure's network interface, folded into its VM.
    Nic,
    /// Azure's storage account, the namespace of its containers.
    Account,
    /// Data source: the region's zones.
    Zones,
    /// Data source: an OS image.
    Image,
}

/// One source resource, read into neutral attributes.
#[derive(Debug, Clone)]
pub struct Item {
    /// Its kind.
    pub kind: Kind,
    /// The source type (`aws_instance`).
    pub src_ty: String,
    /// The source label (`web`), also the default target label.
    pub label: String,
    /// A data source?
    pub data: bool,
    /// Where the block is.
    pub range: Range,
    /// The index of the source block it came from (output keeps the source's order).
    pub origin: usize,
    /// `count`, converted.
    pub count: Option<Expression>,
    /// `for_each`, converted.
    pub for_each: Option<Expression>,
    /// `depends_on` entries, converted.
    pub depends_on: Vec<Expression>,
    /// Neutral attributes (references still in source terms).
    pub attrs: IndexMap<&'static str, Expression>,
    /// Source attributes dropped on purpose, with why (shown in the resource's comment).
    pub dropped: Vec<String>,
    /// Which source attribute names map to which neutral reference names.
    pub refs: &'static [(&'static str, &'static str)],
}

impl Item {
    /// `aws_instance.web` / `data.aws_ami.web`.
    pub fn address(&self) -> String {
        if self.data {
            format!("data.{}.{}", self.src_ty, self.label)
        } else {
            format!("{}.{}", self.src_ty, self.label)
        }
    }

    /// A neutral attribute.
    pub fn get(&self, key: &str) -> Option<&Expression> {
        self.attrs.get(key)
    }

    /// A neutral attribute that is a literal string.
    pub fn str(&self, key: &str) -> Option<&str> {
        match self.attrs.get(key) {
            Some(Expression::String(s)) => Some(s),
            _ => None,
        }
    }
}

/// A source block: (data source?, type, label).
pub type SrcKey = (bool, String, String);

/// One thing that could not be translated, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Untranslated {
    /// `main.tf:12:3`.
    pub at: String,
    /// The source address or block (`aws_eip.web`, `output "x"`).
    pub subject: String,
    /// What was not carried over, and what to do instead.
    pub why: String,
}

/// `file:line:col` of a range.
pub fn location(r: &Range) -> String {
    format!("{}:{}:{}", r.filename, r.start.line, r.start.column)
}
