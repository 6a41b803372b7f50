//! Serial and lineage: the rules that keep one state's history linear.
//!
//! - A state's lineage (a UUID) is chosen when it is first written and never changes; a
//!   snapshot of another lineage is an unrelated state.
//! - Every write raises the serial by one over the serial the writer read.
//! - A write names the serial and lineage it read ([`Expected`]); a store refuses it when what
//!   it holds is newer (another process wrote meanwhile) or foreign (replaced by an unrelated
//!   state), so no writer silently discards another's work.
//! - `state push` may only replace a state by a newer snapshot of the same lineage (unless
//!   forced).

use crate::codec::Stamp;
use crate::error::{Result, StateError};

/// The serial and lineage a writer read: what it expects the store still to hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expected {
    /// The serial read (0 when there was no state).
    pub serial: u64,
    /// The lineage read (empty when there was no state).
    pub lineage: String,
}

impl Expected {
    /// What a writer that read `stamp` expects.
    pub fn read(stamp: &Stamp) -> Expected {
        Expected {
            serial: stamp.serial,
            lineage: stamp.lineage.clone(),
        }
    }

    /// Refuses to overwrite `stored` (at `location`) unless it is what this writer read.
    pub fn check(&self, stored: &Stamp, location: &str) -> Result<()> {
        if !self.lineage.is_empty() && stored.lineage != self.lineage {
            return Err(StateError::ForeignLineage {
                location: location.to_string(),
                stored: stored.lineage.clone(),
                expected: self.lineage.clone(),
            });
        }
        if stored.serial > self.serial {
            return Err(StateError::NewerSerial {
                location: location.to_string(),
                stored: stored.serial,
                expected: self.serial,
            });
        }
        Ok(())
    }

    /// The stamp of the next snapshot: serial + 1, and the state's lineage (`current`, else
    /// the one read, else a new one).
    pub fn next(&self, current_lineage: &str) -> Stamp {
        let lineage = [current_lineage, &self.lineage]
            .into_iter()
            .find(|l| !l.is_empty())
            .map_or_else(new_lineage, str::to_string);
        Stamp {
            serial: self.serial + 1,
            lineage,
        }
    }
}

/// A fresh lineage for a new state.
pub fn new_lineage() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Whether `state push` may replace `current` by `incoming` (always, when `force`).
pub fn check_push(current: &Stamp, incoming: &Stamp, force: bool) -> Result<()> {
    if force {
        return Ok(());
    }
    if !current.lineage.is_empty() && current.lineage != incoming.lineage {
        return Err(StateError::PushForeignLineage {
            incoming: incoming.lineage.clone(),
            current: current.lineage.clone(),
        });
    }
    if incoming.serial < current.serial {
        return Err(StateError::PushOlderSerial {
            current: current.serial,
            incoming: incoming.serial,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(serial: u64, lineage: &str) -> Stamp {
        Stamp {
            serial,
            lineage: lineage.into(),
        }
    }

    #[test]
    fn writes_are_refused_over_newer_or_foreign_state() {
        let read = Expected::read(&stamp(3, "L"));
        let cases = [
            (stamp(3, "L"), None),
            (stamp(2, "L"), None),
            (
                stamp(4, "L"),
                Some("updated by another process (serial 4 > 3)"),
            ),
            (stamp(3, "M"), Some("now has lineage \"M\", not \"L\"")),
        ];
        for (stored, refusal) in cases {
            let got = read.check(&stored, "terraform.tfstate");
            match refusal {
                None => assert!(got.is_ok(), "{stored:?}: {got:?}"),
                Some(want) => {
                    let err = got.unwrap_err().to_string();
                    assert!(
                        err.contains(want) && err.contains("terraform.tfstate"),
                        "{err}"
                    );
                }
            }
        }
        // A writer that read nothing only refuses newer state.
        assert!(Expected::default().check(&stamp(0, "M"), "x").is_ok());
        assert!(Expected::default().check(&stamp(1, "M"), "x").is_err());
    }

    #[test]
    fn the_next_snapshot_raises_the_serial_and_keeps_or_makes_the_lineage() {
        let read = Expected::read(&stamp(3, "L"));
        assert_eq!(read.next(""), stamp(4, "L"));
        assert_eq!(read.next("K"), stamp(4, "K"));
        let fresh = Expected::default().next("");
        assert_eq!(fresh.serial, 1);
        assert_eq!(fresh.lineage.len(), 36);
        assert_ne!(fresh.lineage, Expected::default().next("").lineage);
    }

    #[test]
    fn push_needs_the_same_lineage_and_no_older_serial() {
        assert!(check_push(&stamp(3, "L"), &stamp(3, "L"), false).is_ok());
        assert!(check_push(&Stamp::default(), &stamp(1, "M"), false).is_ok());
        let older = check_push(&stamp(3, "L"), &stamp(2, "L"), false).unwrap_err();
        assert!(older.to_string().contains("serial 3"), "{older}");
        let foreign = check_push(&stamp(3, "L"), &stamp(9, "M"), false).unwrap_err();
        assert!(foreign.to_string().contains("unrelated state"), "{foreign}");
        assert!(check_push(&stamp(3, "L"), &stamp(1, "M"), true).is_ok());
    }
}
