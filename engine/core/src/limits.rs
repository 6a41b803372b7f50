//! Concurrency per provider configuration (`provider "aws" { concurrency = 20 }` in
//! `autostack.hcl`): one semaphore per configuration address, made on first use, so an
//! operation costs one map lookup. Apply takes a permit of its provider configuration before
//! one of the global `-parallelism` (an operation waiting on a busy provider holds no global
//! slot that another provider's work could use); refresh takes its provider's permit around
//! each batched read.

use crate::addrs::ProviderConfig;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, SemaphorePermit};

/// The limit of a configuration, `None` for none.
type LimitOf = dyn Fn(&ProviderConfig) -> Option<usize> + Send + Sync;

/// Operations in flight allowed per provider configuration.
pub struct ProviderLimits {
    limit_of: Box<LimitOf>,
    semaphores: Mutex<HashMap<ProviderConfig, Option<Arc<Semaphore>>>>,
}

impl Default for ProviderLimits {
    /// No limits.
    fn default() -> Self {
        ProviderLimits::new(|_| None)
    }
}

impl std::fmt::Debug for ProviderLimits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderLimits").finish_non_exhaustive()
    }
}

/// The permits one operation holds while it runs.
pub struct Permits<'a> {
    _provider: Option<OwnedSemaphorePermit>,
    _global: Option<SemaphorePermit<'a>>,
}

impl ProviderLimits {
    /// Limits given by `limit_of` (a configuration's `concurrency`, `None` for none).
    pub fn new(
        limit_of: impl Fn(&ProviderConfig) -> Option<usize> + Send + Sync + 'static,
    ) -> Self {
        ProviderLimits {
            limit_of: Box::new(limit_of),
            semaphores: Mutex::new(HashMap::new()),
        }
    }

    /// The limit of configuration `addr`.
    pub fn limit(&self, addr: &ProviderConfig) -> Option<usize> {
        (self.limit_of)(addr).map(|n| n.max(1))
    }

    fn semaphore(&self, addr: &ProviderConfig) -> Option<Arc<Semaphore>> {
        let mut map = self.semaphores.lock().unwrap_or_else(|e| e.into_inner());
        // Found without a copy of the address: every operation asks, only the first inserts.
        if let Some(known) = map.get(addr) {
            return known.clone();
        }
        let made = self.limit(addr).map(|n| Arc::new(Semaphore::new(n)));
        map.insert(addr.clone(), made.clone());
        made
    }

    /// Waits for a slot of configuration `addr` (at once when it has no limit).
    pub async fn provider_permit(&self, addr: &ProviderConfig) -> Option<OwnedSemaphorePermit> {
        self.semaphore(addr)?.acquire_owned().await.ok()
    }

    /// Waits for a slot of configuration `addr`, then for one of `global`.
    pub async fn permits<'a>(&self, addr: &ProviderConfig, global: &'a Semaphore) -> Permits<'a> {
        let provider = self.provider_permit(addr).await;
        Permits {
            _provider: provider,
            _global: global.acquire().await.ok(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn each_configuration_and_the_global_bound_are_honoured() {
        let limits = Arc::new(ProviderLimits::new(|p| match p.alias.as_deref() {
            Some("west") => Some(2),
            None => Some(3),
            _ => None,
        }));
        let global = Arc::new(Semaphore::new(4));
        let aws = ProviderConfig::new("aws", None);
        let west = ProviderConfig::new("aws", Some("west".into()));
        let east = ProviderConfig::new("aws", Some("east".into()));
        let counters: Vec<(ProviderConfig, Arc<AtomicUsize>, Arc<AtomicUsize>)> = [aws, west, east]
            .into_iter()
            .map(|p| (p, Arc::default(), Arc::default()))
            .collect();
        let total = Arc::new((AtomicUsize::new(0), AtomicUsize::new(0)));
        let mut tasks = Vec::new();
        for i in 0..60 {
            let (p, now, max) = counters[i % 3].clone();
            let (limits, global, total) = (limits.clone(), global.clone(), total.clone());
            tasks.push(tokio::spawn(async move {
                let _permits = limits.permits(&p, &global).await;
                let n = now.fetch_add(1, Ordering::SeqCst) + 1;
                max.fetch_max(n, Ordering::SeqCst);
                let t = total.0.fetch_add(1, Ordering::SeqCst) + 1;
                total.1.fetch_max(t, Ordering::SeqCst);
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                total.0.fetch_sub(1, Ordering::SeqCst);
                now.fetch_sub(1, Ordering::SeqCst);
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        let maxima: Vec<usize> = counters
            .iter()
            .map(|c| c.2.load(Ordering::SeqCst))
            .collect();
        assert!(maxima[0] <= 3 && maxima[1] <= 2, "{maxima:?}");
        assert!(total.1.load(Ordering::SeqCst) <= 4);
        assert_eq!(limits.limit(&counters[2].0), None);
    }
}
