//! Retries with jittered exponential backoff, and polling waiters.

use std::future::Future;
use std::time::Duration;

/// Backoff settings.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    /// First delay.
    pub initial: Duration,
    /// Largest delay.
    pub max: Duration,
    /// Give up after this many attempts.
    pub attempts: u32,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            initial: Duration::from_millis(100),
            max: Duration::from_secs(5),
            attempts: 8,
        }
    }
}

impl Backoff {
    /// The delay before attempt `n` (1-based): exponential with "full jitter".
    pub fn delay(&self, n: u32) -> Duration {
        let exp = self
            .initial
            .saturating_mul(1u32 << n.saturating_sub(1).min(16));
        let cap = exp.min(self.max);
        let jitter = fastrand::f64();
        cap.mul_f64(0.5 + jitter / 2.0)
    }
}

/// Runs `op` until it succeeds, fails with an error `retryable` rejects, or attempts run out.
pub async fn retry<T, E, Fut>(
    b: Backoff,
    mut op: impl FnMut() -> Fut,
    retryable: impl Fn(&E) -> bool,
) -> Result<T, E>
where
    Fut: Future<Output = Result<T, E>>,
{
    let mut n = 0;
    loop {
        n += 1;
        match op().await {
            Ok(v) => return Ok(v),
            Err(e) if n < b.attempts && retryable(&e) => tokio::time::sleep(b.delay(n)).await,
            Err(e) => return Err(e),
        }
    }
}

/// Polls `check` until it returns `Some`, with backoff; `None` after the attempts run out.
pub async fn wait_for<T, Fut>(b: Backoff, mut check: impl FnMut() -> Fut) -> Option<T>
where
    Fut: Future<Output = Option<T>>,
{
    for n in 1..=b.attempts {
        if let Some(v) = check().await {
            return Some(v);
        }
        tokio::time::sleep(b.delay(n)).await;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn retries_until_success() {
        let b = Backoff {
            initial: Duration::from_millis(1),
            max: Duration::from_millis(2),
            attempts: 5,
        };
        let mut calls = 0;
        let r: Result<u32, &str> = retry(
            b,
            || {
                calls += 1;
                let c = calls;
                async move {
                    if c < 3 {
                        Err("throttled")
                    } else {
                        Ok(c)
                    }
                }
            },
            |e| *e == "throttled",
        )
        .await;
        assert_eq!(r, Ok(3));
        let r: Result<u32, &str> = retry(b, || async { Err("fatal") }, |e| *e == "throttled").await;
        assert_eq!(r, Err("fatal"));
    }

    #[test]
    fn delays_grow_and_cap() {
        let b = Backoff {
            initial: Duration::from_millis(100),
            max: Duration::from_millis(400),
            attempts: 10,
        };
        assert!(b.delay(1) <= Duration::from_millis(100));
        assert!(b.delay(8) <= Duration::from_millis(400));
        assert!(b.delay(8) >= Duration::from_millis(200));
    }
}
