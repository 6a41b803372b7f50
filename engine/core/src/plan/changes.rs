//! The planner's changes: one per instance address, in address order.

use super::ResourceChange;
use crate::addrs::InstanceAddr;
use std::borrow::Borrow;
use std::cmp::Ordering;
use std::collections::BTreeSet;

/// A change, ordered and compared by its address alone.
struct ByAddr(Box<ResourceChange>);

impl PartialEq for ByAddr {
    fn eq(&self, other: &Self) -> bool {
        self.0.addr == other.0.addr
    }
}

impl Eq for ByAddr {}

impl PartialOrd for ByAddr {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ByAddr {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.addr.cmp(&other.0.addr)
    }
}

impl Borrow<InstanceAddr> for ByAddr {
    fn borrow(&self) -> &InstanceAddr {
        &self.0.addr
    }
}

/// The changes planned so far, found and ordered by the address each change holds. A map
/// keyed by a copy of the address held every address twice: about 180 bytes a resource with
/// the copy's strings, and a B-tree node slot of 112 bytes instead of 8.
#[derive(Default)]
pub(crate) struct Changes(BTreeSet<ByAddr>);

impl Changes {
    /// Adds `change`, replacing the change planned before for its address.
    pub(crate) fn insert(&mut self, change: Box<ResourceChange>) {
        self.0.replace(ByAddr(change));
    }

    /// Whether a change is planned for `addr`.
    pub(crate) fn contains_key(&self, addr: &InstanceAddr) -> bool {
        self.0.contains(addr)
    }

    /// The change planned for `addr`.
    pub(crate) fn get(&self, addr: &InstanceAddr) -> Option<&ResourceChange> {
        self.0.get(addr).map(|c| &*c.0)
    }

    /// Each change with its address, in address order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&InstanceAddr, &ResourceChange)> {
        self.0.iter().map(|c| (&c.0.addr, &*c.0))
    }

    /// The changes, in address order.
    pub(crate) fn into_values(self) -> impl Iterator<Item = Box<ResourceChange>> {
        self.0.into_iter().map(|c| c.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::addrs::parse_instance;
    use crate::plan::Action;

    fn change(addr: &str, action: Action) -> Box<ResourceChange> {
        let addr = parse_instance(addr).unwrap();
        Box::new(ResourceChange::new(addr, action, None, None))
    }

    #[test]
    fn one_change_per_address_in_address_order_the_last_planned_wins() {
        let mut changes = Changes::default();
        changes.insert(change("b.x", Action::Create));
        changes.insert(change("a.x[1]", Action::Create));
        changes.insert(change("a.x[0]", Action::Create));
        changes.insert(change("b.x", Action::Delete));
        let a0 = parse_instance("a.x[0]").unwrap();
        assert!(changes.contains_key(&a0));
        assert!(!changes.contains_key(&parse_instance("a.x[2]").unwrap()));
        let bx = parse_instance("b.x").unwrap();
        assert_eq!(changes.get(&bx).map(|c| c.action), Some(Action::Delete));
        let order: Vec<String> = changes.iter().map(|(a, _)| a.to_string()).collect();
        assert_eq!(order, ["a.x[0]", "a.x[1]", "b.x"]);
        let actions: Vec<Action> = changes.into_values().map(|c| c.action).collect();
        assert_eq!(actions, [Action::Create, Action::Create, Action::Delete]);
    }
}
