//! The planner's changes: one per instance address, in address order.

use super::ResourceChange;
use crate::addrs::InstanceAddr;
use indexmap::IndexSet;
use std::borrow::Borrow;
use std::hash::{Hash, Hasher};

/// A change, hashed and compared by its address alone.
struct ByAddr(Box<ResourceChange>);

impl PartialEq for ByAddr {
    fn eq(&self, other: &Self) -> bool {
        self.0.addr == other.0.addr
    }
}

impl Eq for ByAddr {}

impl Hash for ByAddr {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.addr.hash(state)
    }
}

impl Borrow<InstanceAddr> for ByAddr {
    fn borrow(&self) -> &InstanceAddr {
        &self.0.addr
    }
}

/// The changes planned so far, found by the address each change holds and put in address
/// order once, at the end. A map keyed by a copy of the address held every address twice
/// (about 180 bytes a resource); a B-tree ordered by it compared addresses (strings, behind
/// pointers) twenty times a lookup at a million instances, a cost that grew faster than the
/// plan: a hash lookup is one comparison at any size, and the final sort follows the runs
/// the walk already planned in order (a `for_each` resource's keys).
#[derive(Default)]
pub(crate) struct Changes(IndexSet<ByAddr, foldhash::fast::RandomState>);

impl Changes {
    /// Room for `n` changes (a plan of a state has a change for each object it holds).
    pub(crate) fn with_capacity(n: usize) -> Changes {
        Changes(IndexSet::with_capacity_and_hasher(n, Default::default()))
    }

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

    /// Each change with its address, in no particular order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&InstanceAddr, &ResourceChange)> {
        self.0.iter().map(|c| (&c.0.addr, &*c.0))
    }

    /// The changes, in address order.
    // Boxed as the plan holds them: the sort moves pointers, not 400-byte changes.
    #[allow(clippy::vec_box)]
    pub(crate) fn into_sorted(self) -> Vec<Box<ResourceChange>> {
        let mut changes: Vec<Box<ResourceChange>> = self.0.into_iter().map(|c| c.0).collect();
        // Stable: finds the sorted runs (a merge of them, not a sort from scratch).
        changes.sort_by(|a, b| a.addr.cmp(&b.addr));
        changes
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
        let sorted = changes.into_sorted();
        let order: Vec<String> = sorted.iter().map(|c| c.addr.to_string()).collect();
        assert_eq!(order, ["a.x[0]", "a.x[1]", "b.x"]);
        let actions: Vec<Action> = sorted.iter().map(|c| c.action).collect();
        assert_eq!(actions, [Action::Create, Action::Create, Action::Delete]);
    }
}
