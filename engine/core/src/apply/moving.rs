//! Applying a move between clouds ([`Action::Migrate`]): the old object is deposed (one
//! journal record) before the new one is created, so from then on the state holds both
//! sides; the data is copied; what refers to the instance then moves on to the new object;
//! the old object is deleted last through its own provider. A failure or a kill at any point
//! leaves both sides recorded, and the next plan resumes the move.

use super::checks::with_addr;
use super::exec::Run;
use crate::addrs::ProviderConfig;
use crate::copier::{copy_objects, CopyProgress};
use crate::events::Event;
use crate::plan::{Action, ResourceChange};
use autostack_lang::{Diagnostic, Diagnostics, Value};
use autostack_provider_sdk::Private;
use std::time::Instant;

/// Objects copied at once by a move's data copy.
pub const COPY_PARALLELISM: usize = 8;

/// Which object a destroy deletes, and through which provider.
pub(super) struct DestroyTarget<'c> {
    /// The provider configuration the object is on.
    pub provider: &'c ProviderConfig,
    /// Its deposed key (`None`: the current object).
    pub deposed: Option<&'c str>,
    /// True for the old side of a move.
    pub migrating: bool,
}

impl<'c> DestroyTarget<'c> {
    /// The object a change's destroy step deletes.
    pub fn of(c: &'c ResourceChange) -> DestroyTarget<'c> {
        match &c.migration {
            Some(m) => DestroyTarget {
                provider: &m.from,
                deposed: Some(&m.deposed_key),
                migrating: true,
            },
            None => DestroyTarget {
                provider: &c.provider,
                deposed: c.deposed.as_deref(),
                migrating: false,
            },
        }
    }
}

impl Run<'_> {
    /// The first step of a move: the old object becomes deposed (unless an earlier apply did
    /// that); returns the new side's object when an earlier apply made it already.
    pub(super) async fn begin_move(
        &self,
        c: &ResourceChange,
    ) -> Result<(Option<Value>, Private), Diagnostics> {
        let Some(m) = &c.migration else {
            return Ok((None, Private::default()));
        };
        let mut sh = self.shared.lock().await;
        if !m.resumed {
            self.sink.depose(&c.addr, &m.deposed_key).map_err(|e| {
                Diagnostics::from(Diagnostic::error(
                    "Failed to persist state",
                    format!("Recording the old side of {} failed: {e}", c.addr),
                    None,
                ))
            })?;
            sh.walker.prior.depose(&c.addr, &m.deposed_key);
        }
        match sh.walker.prior.instances.get(&c.addr) {
            Some(o) => {
                let private = Private::from_state(o.private.as_deref()).unwrap_or_default();
                Ok((Some(o.value.clone()), private))
            }
            None => Ok((None, Private::default())),
        }
    }

    /// The object a destroy deletes and its private data, as the state holds them now.
    pub(super) async fn destroyed_object(
        &self,
        c: &ResourceChange,
        target: &DestroyTarget<'_>,
    ) -> (Value, Private) {
        let sh = self.shared.lock().await;
        let stored = match target.deposed {
            Some(key) => (sh.walker.prior.deposed).get(&(c.addr.clone(), key.to_string())),
            None => sh.walker.prior.instances.get(&c.addr),
        };
        let private = Private::from_state(stored.and_then(|o| o.private.as_deref()));
        let value = match (target.deposed, stored) {
            (Some(_), Some(o)) => o.value.clone(),
            _ => c.before.clone().unwrap_or_else(Value::null),
        };
        (value, private.unwrap_or_default())
    }

    /// Records a finished destroy: in the journal (before dependents go on) and in the state.
    pub(super) async fn record_destroyed(&self, c: &ResourceChange, target: &DestroyTarget<'_>) {
        // A create-before-destroy replacement's new object holds the address already.
        let keeps_addr = c.action == Action::CreateThenDelete;
        // Journal before taking the shared lock, so that concurrent records share an fsync.
        let recorded = match target.deposed {
            Some(key) => self.sink.deposed_gone(&c.addr, key),
            None if !keeps_addr => self.sink.record(&c.addr, None, None),
            None => Ok(()),
        };
        let mut sh = self.shared_after_record().await;
        if let Err(e) = recorded {
            sh.walker.diags.push(Diagnostic::error(
                "Failed to persist state",
                format!("Recording the destruction of {} failed: {e}", c.addr),
                None,
            ));
        }
        match target.deposed {
            Some(key) => {
                sh.walker
                    .prior
                    .deposed
                    .remove(&(c.addr.clone(), key.to_string()));
            }
            None if !keeps_addr => {
                sh.walker.prior.instances.remove(&c.addr);
            }
            None => {}
        }
        match target.migrating {
            true => sh.migrated += 1,
            false => sh.destroyed += 1,
        }
    }

    /// A move's data step: the objects the old side holds, copied to the new side (nothing
    /// for types that hold none), with progress events (its permits held).
    pub(super) async fn copy(&self, c: &ResourceChange) -> bool {
        let start = Instant::now();
        match self.copy_inner(c).await {
            Ok(Some(stats)) => {
                let elapsed = start.elapsed();
                let addr = &c.addr;
                self.event(Event::CopyDone {
                    addr,
                    stats,
                    elapsed,
                });
                true
            }
            Ok(None) => true,
            Err(d) => {
                self.shared
                    .lock()
                    .await
                    .walker
                    .diags
                    .extend(with_addr(self.ctx, d, c));
                let (addr, action) = (&c.addr, Action::Migrate);
                let elapsed = start.elapsed();
                self.event(Event::ApplyErrored {
                    addr,
                    action,
                    elapsed,
                });
                false
            }
        }
    }

    async fn copy_inner(
        &self,
        c: &ResourceChange,
    ) -> Result<Option<crate::copier::CopyStats>, Diagnostics> {
        let Some(m) = &c.migration else {
            return Ok(None);
        };
        let (old, new) = {
            let sh = self.shared.lock().await;
            let prior = &sh.walker.prior;
            let old = prior.deposed.get(&(c.addr.clone(), m.deposed_key.clone()));
            let new = prior.instances.get(&c.addr);
            match (old, new) {
                (Some(o), Some(n)) => (o.value.clone(), n.value.clone()),
                _ => return Ok(None),
            }
        };
        let ty = &c.addr.resource.ty;
        let from = self.provider(&m.from).await;
        let to = self.provider(&c.provider).await;
        let (Some(from), Some(to)) = (from, to) else {
            return Ok(None);
        };
        let src = from.object_store(ty, &old).await?;
        let dst = to.object_store(ty, &new).await?;
        let (Some(src), Some(dst)) = (src, dst) else {
            return Ok(None);
        };
        let addr = &c.addr;
        let report = |progress: CopyProgress| self.event(Event::CopyProgress { addr, progress });
        let stats = copy_objects(src, dst, COPY_PARALLELISM, &report).await?;
        Ok(Some(stats))
    }
}
