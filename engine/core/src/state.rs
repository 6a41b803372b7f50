//! The engine's in-memory state: decoded resource instance objects keyed by address.
//! It is decoded from the `autostack-state` crate's raw v4 model (and encoded back) with
//! provider schemas by [`crate::statefile`], only when typed values are needed.

use crate::addrs::{InstanceAddr, ResourceAddr};
use autostack_lang::Value;
use std::collections::BTreeMap;

/// One resource instance object as recorded in state.
#[derive(Debug, Clone)]
pub struct InstanceObject {
    /// The object's attributes (typed by the resource schema, sensitive parts marked).
    pub value: Value,
    /// State's provider address (`provider["registry.terraform.io/hashicorp/null"]`), shared
    /// by the objects of one provider.
    pub provider: std::sync::Arc<str>,
    /// Schema version the attributes conform to.
    pub schema_version: u64,
    /// Resources this one depended on when last applied (for destroy ordering); shared with
    /// the plan's change and every other instance of the resource.
    pub dependencies: std::sync::Arc<[String]>,
    /// Marked for replacement by a failed create.
    pub tainted: bool,
    /// Provider-private data, opaque to the engine (base64 in state).
    pub private: Option<String>,
    /// Was created with `create_before_destroy`.
    pub create_before_destroy: bool,
}

/// A root module output as recorded in state.
#[derive(Debug, Clone)]
pub struct OutputValue {
    /// The value.
    pub value: Value,
    /// Declared `sensitive`.
    pub sensitive: bool,
}

/// The whole state: instances, outputs, serial and lineage.
#[derive(Debug, Clone, Default)]
pub struct State {
    /// Resource instances (managed and data) by address.
    pub instances: BTreeMap<InstanceAddr, InstanceObject>,
    /// Deposed objects by address and deposed key (Terraform's `deposed`): an old object
    /// kept while its replacement takes over the address, such as the old cloud's side of a
    /// migration until its data is copied and it is deleted.
    pub deposed: BTreeMap<(InstanceAddr, String), InstanceObject>,
    /// Root module outputs.
    pub outputs: BTreeMap<String, OutputValue>,
    /// Monotonic version of the snapshot.
    pub serial: u64,
    /// Identity of this state's history (a UUID).
    pub lineage: String,
}

impl State {
    /// The instances of one resource, in key order.
    pub fn instances_of<'a>(
        &'a self,
        r: &'a ResourceAddr,
    ) -> impl Iterator<Item = (&'a InstanceAddr, &'a InstanceObject)> + 'a {
        let start = r.instance(None);
        self.instances
            .range(start..)
            .take_while(move |(a, _)| &a.resource == r)
    }

    /// True when no resource instance is recorded.
    pub fn is_empty(&self) -> bool {
        self.instances.is_empty() && self.deposed.is_empty()
    }

    /// The deposed objects of one instance, by key.
    pub fn deposed_of<'a>(
        &'a self,
        addr: &'a InstanceAddr,
    ) -> impl Iterator<Item = (&'a String, &'a InstanceObject)> + 'a {
        // Most states depose nothing: no key to build then (it clones the address).
        let start = (!self.deposed.is_empty()).then(|| (addr.clone(), String::new()));
        (start.into_iter())
            .flat_map(move |start| self.deposed.range(start..))
            .take_while(move |((a, _), _)| a == addr)
            .map(|((_, k), o)| (k, o))
    }

    /// Moves the current object of `addr` to deposed key `key` (nothing when none).
    pub fn depose(&mut self, addr: &InstanceAddr, key: &str) {
        if let Some(obj) = self.instances.remove(addr) {
            self.deposed.insert((addr.clone(), key.to_string()), obj);
        }
    }
}
