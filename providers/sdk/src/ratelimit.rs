//! Adaptive client-side rate limiting: a provider slows its own request rate when the cloud
//! throttles it and speeds up again when throttling stops (AIMD, as TCP and the AWS SDK's
//! adaptive retry mode do), so a large apply converges instead of retrying into the limit.
//!
//! The contract of [`AdaptiveRate`]:
//! - It starts **unlimited**: requests go out at once.
//! - A throttled response to a request reserved at the current *epoch* sets the rate to
//!   `decrease` × (the current rate, or, while unlimited, the rate requests were sent at over
//!   the last [`MEASURE_WINDOW`]), never below `min_rate`, and starts a new epoch. Throttles of
//!   requests reserved before the last decrease change nothing (they were sent too fast under
//!   the old rate, which is already cut), so one burst of throttles is one decrease.
//! - Each successful response multiplies the rate by `1 + growth`; at `max_rate` or above the
//!   limiter is unlimited again.
//! - While limited, requests are spaced `1 / rate` apart (a token bucket holding one token:
//!   the first request after a quiet spell goes at once).
//!
//! Time comes from a [`Clock`], so the contract is tested with a fake one.

use crate::errors::CloudError;
use crate::retry::Backoff;
use std::collections::VecDeque;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The window the sending rate is measured over when the first throttle arrives.
pub const MEASURE_WINDOW: Duration = Duration::from_secs(1);

/// A monotonic clock: time since some fixed start.
pub trait Clock: Send + Sync {
    /// Time elapsed since the clock's start.
    fn now(&self) -> Duration;
}

/// The system's monotonic clock.
pub struct SystemClock(Instant);

impl Clock for SystemClock {
    fn now(&self) -> Duration {
        self.0.elapsed()
    }
}

/// How an [`AdaptiveRate`] reacts.
#[derive(Debug, Clone, Copy)]
pub struct RateSettings {
    /// The slowest rate it slows to, in requests per second.
    pub min_rate: f64,
    /// The rate at and above which it stops limiting.
    pub max_rate: f64,
    /// The factor a throttle multiplies the rate by (0 < decrease < 1).
    pub decrease: f64,
    /// The growth of the rate per successful response (0.05: +5 %).
    pub growth: f64,
}

impl Default for RateSettings {
    fn default() -> Self {
        RateSettings {
            min_rate: 0.5,
            max_rate: 200.0,
            decrease: 0.5,
            growth: 0.05,
        }
    }
}

/// A request's place in the limiter: when it may go, and the epoch it was reserved in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ticket {
    /// How long the caller must wait before sending.
    pub wait: Duration,
    epoch: u64,
}

struct State {
    /// Requests per second, `None` while unlimited.
    rate: Option<f64>,
    /// When the next request may go (the bucket's theoretical arrival time).
    next: Duration,
    epoch: u64,
    /// Reservation times within the last [`MEASURE_WINDOW`].
    sent: VecDeque<Duration>,
}

/// A client-side adaptive token bucket shared by every call of one provider configuration.
pub struct AdaptiveRate {
    settings: RateSettings,
    clock: Arc<dyn Clock>,
    state: Mutex<State>,
}

impl Default for AdaptiveRate {
    fn default() -> Self {
        AdaptiveRate::new(RateSettings::default())
    }
}

impl AdaptiveRate {
    /// A limiter on the system clock.
    pub fn new(settings: RateSettings) -> AdaptiveRate {
        AdaptiveRate::with_clock(settings, Arc::new(SystemClock(Instant::now())))
    }

    /// A limiter on `clock`.
    pub fn with_clock(settings: RateSettings, clock: Arc<dyn Clock>) -> AdaptiveRate {
        AdaptiveRate {
            settings,
            clock,
            state: Mutex::new(State {
                rate: None,
                next: Duration::ZERO,
                epoch: 0,
                sent: VecDeque::new(),
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The current rate in requests per second (`None`: unlimited).
    pub fn rate(&self) -> Option<f64> {
        self.lock().rate
    }

    /// Reserves the next slot: the ticket says how long to wait before sending.
    pub fn reserve(&self) -> Ticket {
        let now = self.clock.now();
        let mut s = self.lock();
        while s.sent.front().is_some_and(|&t| now - t >= MEASURE_WINDOW) {
            s.sent.pop_front();
        }
        if s.sent.len() < 4096 {
            s.sent.push_back(now);
        }
        let wait = match s.rate {
            None => Duration::ZERO,
            Some(rate) => {
                let at = s.next.max(now);
                s.next = at + Duration::from_secs_f64(1.0 / rate);
                at - now
            }
        };
        Ticket {
            wait,
            epoch: s.epoch,
        }
    }

    /// Waits for the next slot (see [`AdaptiveRate::reserve`]).
    pub async fn acquire(&self) -> Ticket {
        let t = self.reserve();
        if !t.wait.is_zero() {
            tokio::time::sleep(t.wait).await;
        }
        t
    }

    /// The request of `ticket` was throttled: slow down (once per epoch).
    pub fn throttled(&self, ticket: Ticket) {
        let now = self.clock.now();
        let mut s = self.lock();
        if ticket.epoch != s.epoch {
            return;
        }
        let base = s.rate.unwrap_or_else(|| {
            let recent = s.sent.iter().filter(|&&t| now - t < MEASURE_WINDOW).count();
            recent as f64 / MEASURE_WINDOW.as_secs_f64()
        });
        let rate = (base * self.settings.decrease).max(self.settings.min_rate);
        s.rate = Some(rate);
        s.epoch += 1;
        // The next request waits a full interval at the new rate.
        s.next = now + Duration::from_secs_f64(1.0 / rate);
    }

    /// The request of `ticket` succeeded (or failed for another reason): speed up.
    pub fn succeeded(&self, _ticket: Ticket) {
        let mut s = self.lock();
        if let Some(rate) = s.rate {
            let grown = rate * (1.0 + self.settings.growth);
            s.rate = (grown < self.settings.max_rate).then_some(grown);
        }
    }
}

/// Runs `op` with [`crate::retry::retry_class`]'s retries on transient errors, each attempt paced by
/// `limiter` and reported to it (a throttled error slows it down, any other outcome speeds it
/// up).
pub async fn retry_paced<T, E: CloudError, Fut>(
    limiter: &AdaptiveRate,
    b: Backoff,
    mut op: impl FnMut() -> Fut,
) -> Result<T, E>
where
    Fut: Future<Output = Result<T, E>>,
{
    let attempt = || {
        let call = op();
        async move {
            let ticket = limiter.acquire().await;
            let r = call.await;
            report(limiter, ticket, &r);
            r
        }
    };
    crate::retry::retry_class(b, attempt, crate::ErrorClass::is_transient).await
}

/// Reports the outcome `r` of the request of `ticket` to `limiter`.
pub fn report<T, E: CloudError>(limiter: &AdaptiveRate, ticket: Ticket, r: &Result<T, E>) {
    match r {
        Err(e) if e.class() == crate::ErrorClass::Throttled => limiter.throttled(ticket),
        _ => limiter.succeeded(ticket),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A clock that moves only when told.
    #[derive(Default)]
    struct FakeClock(Mutex<Duration>);

    impl FakeClock {
        fn advance(&self, d: Duration) {
            *self.0.lock().unwrap() += d;
        }
    }

    impl Clock for FakeClock {
        fn now(&self) -> Duration {
            *self.0.lock().unwrap()
        }
    }

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn limiter() -> (Arc<FakeClock>, AdaptiveRate) {
        let clock = Arc::new(FakeClock::default());
        let settings = RateSettings {
            min_rate: 1.0,
            max_rate: 40.0,
            decrease: 0.5,
            growth: 0.25,
        };
        (clock.clone(), AdaptiveRate::with_clock(settings, clock))
    }

    #[test]
    fn unlimited_until_throttled_then_half_the_measured_rate() {
        let (clock, l) = limiter();
        let mut tickets = Vec::new();
        for i in 0..20 {
            if i > 0 {
                clock.advance(ms(50));
            }
            tickets.push(l.reserve());
        }
        assert!(tickets.iter().all(|t| t.wait.is_zero()));
        assert_eq!(l.rate(), None);
        // 20 requests in the last second: the rate drops to 10 per second.
        l.throttled(tickets[19]);
        assert_eq!(l.rate(), Some(10.0));
        let waits: Vec<Duration> = (0..3).map(|_| l.reserve().wait).collect();
        assert_eq!(waits, vec![ms(100), ms(200), ms(300)]);
    }

    #[test]
    fn one_burst_of_throttles_is_one_decrease() {
        let (clock, l) = limiter();
        let burst: Vec<Ticket> = (0..8).map(|_| l.reserve()).collect();
        clock.advance(ms(500));
        for t in &burst {
            l.throttled(*t);
        }
        // 8 requests in the window → 4 per second, cut once.
        assert_eq!(l.rate(), Some(4.0));
        let later = l.reserve();
        l.throttled(later);
        assert_eq!(l.rate(), Some(2.0));
        let later = l.reserve();
        l.throttled(later);
        let later = l.reserve();
        l.throttled(later);
        assert_eq!(l.rate(), Some(1.0), "never below min_rate");
    }

    #[test]
    fn recovers_when_throttling_stops() {
        let (clock, l) = limiter();
        let t = l.reserve();
        clock.advance(ms(100));
        l.throttled(t);
        assert_eq!(l.rate(), Some(1.0));
        let mut rates = Vec::new();
        for _ in 0..17 {
            let t = l.reserve();
            clock.advance(t.wait);
            l.succeeded(t);
            rates.push(l.rate());
        }
        assert_eq!(rates[0], Some(1.25));
        assert!(rates.windows(2).all(|w| match (w[0], w[1]) {
            (Some(a), Some(b)) => b > a,
            (Some(_), None) => true,
            _ => false,
        }));
        // 1.25^17 > 40: unlimited again, and requests go at once.
        assert_eq!(l.rate(), None);
        clock.advance(ms(5_000));
        assert!((0..10).all(|_| l.reserve().wait.is_zero()));
    }

    #[test]
    fn a_limited_bucket_spaces_requests_and_forgives_quiet_spells() {
        let (clock, l) = limiter();
        for _ in 0..10 {
            l.reserve();
        }
        let t = l.reserve();
        l.throttled(t);
        assert_eq!(l.rate(), Some(5.5));
        clock.advance(ms(10_000));
        // After a quiet spell the first request goes at once, the next waits an interval.
        assert_eq!(l.reserve().wait, Duration::ZERO);
        let second = l.reserve().wait.as_secs_f64();
        assert!((second - 1.0 / 5.5).abs() < 1e-6, "{second}");
    }

    /// An error that is only its class.
    #[derive(Debug)]
    struct Classed(crate::ErrorClass);

    impl CloudError for Classed {
        fn class(&self) -> crate::ErrorClass {
            self.0
        }
        fn timed_out(_: &str) -> Self {
            Classed(crate::ErrorClass::Fatal)
        }
        fn diagnostic(&self, action: &str) -> autostack_value::Diagnostic {
            autostack_value::Diagnostic::error(action.to_string(), format!("{self:?}"), None)
        }
    }

    #[tokio::test]
    async fn retry_paced_slows_on_throttles_and_recovers_on_success() {
        let settings = RateSettings {
            min_rate: 100.0,
            max_rate: 1000.0,
            decrease: 0.5,
            growth: 0.05,
        };
        let limiter = AdaptiveRate::new(settings);
        let b = Backoff {
            initial: ms(1),
            max: ms(2),
            attempts: 5,
        };
        let calls = std::cell::Cell::new(0);
        let op = || {
            calls.set(calls.get() + 1);
            let r = match calls.get() {
                1 | 2 => Err(Classed(crate::ErrorClass::Throttled)),
                n => Ok(n),
            };
            std::future::ready(r)
        };
        assert_eq!(retry_paced(&limiter, b, op).await.unwrap(), 3);
        // Two throttles cut it (to the floor), the success grew it by 5 %.
        assert_eq!(limiter.rate(), Some(105.0));
        let fatal = || std::future::ready(Err::<(), _>(Classed(crate::ErrorClass::Fatal)));
        assert!(retry_paced(&limiter, b, fatal).await.is_err());
        assert!(
            limiter.rate().unwrap() > 105.0,
            "other outcomes count as not throttled"
        );
    }
}
