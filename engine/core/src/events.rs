//! Engine events: what plan and apply report while they work (refreshes, planned changes,
//! each apply operation's start, progress and end, with elapsed times). The engine prints
//! nothing itself; the human UI and the `-json` UI are renderers of these events, so the two
//! always tell the same story.

use crate::addrs::InstanceAddr;
use crate::plan::{Action, ResourceChange};
use std::time::Duration;

/// One thing the engine did or is doing.
#[derive(Debug, Clone, Copy)]
pub enum Event<'a> {
    /// The plan finished one more node of the configuration graph (resources, variables,
    /// outputs, ...): `done` of `total`. Drives progress displays of long plans.
    Walked {
        /// Nodes finished.
        done: usize,
        /// Nodes in the graph.
        total: usize,
    },
    /// The plan finished one more resource instance: what moves a progress display while
    /// one node expands into many (`for_each` over a large map).
    InstancePlanned,
    /// Reading an object's current state (refresh) started.
    RefreshStart {
        /// The instance.
        addr: &'a InstanceAddr,
        /// Its `id`.
        id: &'a str,
    },
    /// Reading an object's current state finished.
    RefreshDone {
        /// The instance.
        addr: &'a InstanceAddr,
        /// Its `id`.
        id: &'a str,
        /// How long the (batched) read took.
        elapsed: Duration,
    },
    /// The plan decided an instance's change (no-ops are not reported).
    Planned {
        /// The change.
        change: &'a ResourceChange,
    },
    /// An apply operation started.
    ApplyStart {
        /// The instance.
        addr: &'a InstanceAddr,
        /// What is being done.
        action: Action,
    },
    /// An apply operation is still running (every [`crate::apply::ApplyOptions::progress_every`]).
    ApplyProgress {
        /// The instance.
        addr: &'a InstanceAddr,
        /// What is being done.
        action: Action,
        /// Time since it started.
        elapsed: Duration,
    },
    /// An apply operation finished.
    ApplyDone {
        /// The instance.
        addr: &'a InstanceAddr,
        /// What was done.
        action: Action,
        /// How long it took.
        elapsed: Duration,
        /// The object's `id` attribute, when it has one.
        id: Option<&'a str>,
    },
    /// A move's data copy advanced (objects and bytes finished of the totals).
    CopyProgress {
        /// The instance being moved.
        addr: &'a InstanceAddr,
        /// Where the copy stands.
        progress: crate::copier::CopyProgress,
    },
    /// A move's data copy finished.
    CopyDone {
        /// The instance being moved.
        addr: &'a InstanceAddr,
        /// What it copied and skipped.
        stats: crate::copier::CopyStats,
        /// How long it took.
        elapsed: Duration,
    },
    /// An apply operation failed.
    ApplyErrored {
        /// The instance.
        addr: &'a InstanceAddr,
        /// What was tried.
        action: Action,
        /// How long it ran.
        elapsed: Duration,
    },
}

/// Receives events; called from the engine's tasks, so implementations serialize output.
pub trait Events: Send + Sync {
    /// Handles one event.
    fn event(&self, e: &Event<'_>);
}

/// Ignores every event (tests, library use).
pub struct Silent;

impl Events for Silent {
    fn event(&self, _: &Event<'_>) {}
}
