//! Retries with jittered exponential backoff, and polling waiters. The generic [`retry`] and
//! [`wait_for`] take any predicate; [`retry_class`], [`delete`] and
//! [`wait_until`] decide by a cloud error's [`ErrorClass`], so every provider retries
//! throttling the same way and every waiter treats a not-yet-visible object alike.

use crate::errors::{CloudError, ErrorClass};
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

/// Runs `op` again while it fails with an error whose class `retried` accepts
/// ([`ErrorClass::is_transient`], [`ErrorClass::is_settling`]).
pub async fn retry_class<T, E: CloudError, Fut>(
    b: Backoff,
    op: impl FnMut() -> Fut,
    retried: fn(ErrorClass) -> bool,
) -> Result<T, E>
where
    Fut: Future<Output = Result<T, E>>,
{
    retry(b, op, |e: &E| retried(e.class())).await
}

/// A delete: `op` runs again on conflicts and transient errors (see [`ErrorClass::is_settling`]),
/// and an object already gone counts as deleted.
pub async fn delete<T, E: CloudError, Fut>(b: Backoff, mut op: impl FnMut() -> Fut) -> Result<(), E>
where
    Fut: Future<Output = Result<T, E>>,
{
    let once = || {
        let call = op();
        async move { crate::errors::done_if_gone(call.await) }
    };
    retry_class(b, once, ErrorClass::is_settling).await
}

/// Polls `check` with backoff until it returns true. A not-found error counts as "not yet"
/// (clouds are eventually consistent right after a create), as do throttled and transient
/// errors; any other error stops the wait. Running out of attempts is
/// [`CloudError::timed_out`] for `what`.
pub async fn wait_until<E: CloudError, Fut>(
    b: Backoff,
    what: &str,
    check: impl Fn() -> Fut,
) -> Result<(), E>
where
    Fut: Future<Output = Result<bool, E>>,
{
    let outcome = wait_for(b, || async {
        match check().await {
            Ok(true) => Some(Ok(())),
            Ok(false) => None,
            Err(e) if e.is_not_found() || e.class().is_transient() => None,
            Err(e) => Some(Err(e)),
        }
    })
    .await;
    outcome.unwrap_or_else(|| Err(E::timed_out(what)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use autostack_value::Diagnostic;
    use std::cell::Cell;

    /// An error that is just its class (and a waiter timeout).
    #[derive(Debug, PartialEq)]
    enum Failure {
        Class(ErrorClass),
        TimedOut(String),
    }

    impl CloudError for Failure {
        fn class(&self) -> ErrorClass {
            match self {
                Failure::Class(c) => *c,
                Failure::TimedOut(_) => ErrorClass::Fatal,
            }
        }
        fn timed_out(what: &str) -> Self {
            Failure::TimedOut(what.to_string())
        }
        fn diagnostic(&self, action: &str) -> Diagnostic {
            Diagnostic::error(action.to_string(), format!("{self:?}"), None)
        }
    }

    fn quick(attempts: u32) -> Backoff {
        Backoff {
            initial: Duration::from_millis(1),
            max: Duration::from_millis(2),
            attempts,
        }
    }

    /// An operation failing with `errors` in turn, then succeeding; counts its calls.
    fn scripted(
        errors: Vec<ErrorClass>,
        calls: &Cell<usize>,
    ) -> impl FnMut() -> std::future::Ready<Result<usize, Failure>> + '_ {
        move || {
            let n = calls.get();
            calls.set(n + 1);
            std::future::ready(match errors.get(n) {
                Some(c) => Err(Failure::Class(*c)),
                None => Ok(n),
            })
        }
    }

    #[tokio::test]
    async fn transient_errors_are_retried_and_others_are_not() {
        let calls = Cell::new(0);
        let seq = vec![ErrorClass::Throttled, ErrorClass::Retryable];
        assert_eq!(
            retry_class(quick(5), scripted(seq, &calls), ErrorClass::is_transient).await,
            Ok(2)
        );
        let calls = Cell::new(0);
        let r = retry_class(
            quick(5),
            scripted(vec![ErrorClass::Conflict], &calls),
            ErrorClass::is_transient,
        )
        .await;
        assert_eq!(
            (r, calls.get()),
            (Err(Failure::Class(ErrorClass::Conflict)), 1)
        );
        let calls = Cell::new(0);
        let seq = vec![ErrorClass::Throttled; 9];
        let r = retry_class(quick(3), scripted(seq, &calls), ErrorClass::is_transient).await;
        assert_eq!(
            (r, calls.get()),
            (Err(Failure::Class(ErrorClass::Throttled)), 3)
        );
    }

    #[tokio::test]
    async fn deletes_wait_out_conflicts_and_take_gone_as_done() {
        let calls = Cell::new(0);
        let seq = vec![
            ErrorClass::Conflict,
            ErrorClass::Throttled,
            ErrorClass::Conflict,
        ];
        assert_eq!(delete(quick(5), scripted(seq, &calls)).await, Ok(()));
        assert_eq!(calls.get(), 4);
        let calls = Cell::new(0);
        let seq = vec![ErrorClass::Conflict, ErrorClass::NotFound];
        assert_eq!(delete(quick(5), scripted(seq, &calls)).await, Ok(()));
        assert_eq!(calls.get(), 2);
        let calls = Cell::new(0);
        let r = delete(quick(5), scripted(vec![ErrorClass::Fatal], &calls)).await;
        assert_eq!(r, Err(Failure::Class(ErrorClass::Fatal)));
    }

    #[tokio::test]
    async fn waiters_poll_through_not_found_and_stop_on_fatal() {
        let polls = Cell::new(0);
        let check = || {
            polls.set(polls.get() + 1);
            let r = match polls.get() {
                1 => Err(Failure::Class(ErrorClass::NotFound)),
                2 => Err(Failure::Class(ErrorClass::Throttled)),
                3 => Ok(false),
                _ => Ok(true),
            };
            std::future::ready(r)
        };
        assert_eq!(wait_until(quick(10), "ready", check).await, Ok(()));
        assert_eq!(polls.get(), 4);
        let never = || std::future::ready(Ok::<bool, Failure>(false));
        let r = wait_until(quick(3), "VPC available", never).await;
        assert_eq!(r, Err(Failure::TimedOut("VPC available".into())));
        let broken = || std::future::ready(Err::<bool, _>(Failure::Class(ErrorClass::Fatal)));
        let r = wait_until(quick(3), "x", broken).await;
        assert_eq!(r, Err(Failure::Class(ErrorClass::Fatal)));
    }

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
