//! The progress meter of long commands, on stderr so that stdout stays Terraform's.
//!
//! A command names its phase as it goes ([`phase`]: "Loading configuration", "Reading
//! state", ...) and the plan reports each node it finishes through the engine's
//! `Walked` event ([`walked`]). Nothing is shown for work that ends within a second, so short
//! commands print exactly what they printed before. After that, on a terminal an indicatif
//! line is redrawn in place ("Planning 340000/1000000 [12s]") and cleared at [`finish`];
//! elsewhere (CI logs, pipes) one plain line is written at once and then every
//! [`LOG_EVERY`], so a log shows the command is alive without flooding it.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// How long work runs before the meter appears (`AUTOSTACK_PROGRESS_AFTER_MS` overrides it).
const SHOW_AFTER: Duration = Duration::from_secs(1);
/// How often a plain (non-terminal) meter writes a line.
pub const LOG_EVERY: Duration = Duration::from_secs(10);
/// How often the ticker looks at the counters.
const TICK: Duration = Duration::from_millis(100);

/// What the meter shows; updated by the command, read by the ticker thread.
struct Meter {
    start: Instant,
    phase: Mutex<&'static str>,
    /// What `done` and `total` count ("graph nodes", "objects").
    unit: Mutex<&'static str>,
    done: AtomicUsize,
    total: AtomicUsize,
    /// Resource instances planned (shown beside the nodes while planning).
    instances: AtomicUsize,
    finished: AtomicBool,
    stopped: AtomicBool,
    /// The terminal line, once shown.
    bar: Mutex<Option<ProgressBar>>,
    /// The ticker thread, woken by [`finish`] rather than waited for.
    ticker: OnceLock<std::thread::Thread>,
}

static METER: OnceLock<Meter> = OnceLock::new();

impl Meter {
    /// A meter in `phase`, started now, with nothing counted and no ticker yet.
    fn new(phase: &'static str) -> Meter {
        Meter {
            start: Instant::now(),
            phase: Mutex::new(phase),
            unit: Mutex::new("graph nodes"),
            done: AtomicUsize::new(0),
            total: AtomicUsize::new(0),
            instances: AtomicUsize::new(0),
            finished: AtomicBool::new(false),
            stopped: AtomicBool::new(false),
            bar: Mutex::new(None),
            ticker: OnceLock::new(),
        }
    }
}

/// Starts the meter in `phase` (once per process; later calls only change the phase).
/// `enabled` is false for `-json` output, whose stream has no room for it.
pub fn start(phase: &'static str, enabled: bool) {
    if !enabled {
        return;
    }
    let mut fresh = false;
    let m = METER.get_or_init(|| {
        fresh = true;
        Meter::new(phase)
    });
    if fresh {
        spawn_ticker(m, std::io::stderr().is_terminal());
    } else {
        self::phase(phase);
    }
}

/// Enters `phase` (counts start again).
pub fn phase(phase: &'static str) {
    if let Some(m) = METER.get() {
        *m.phase.lock().unwrap_or_else(|e| e.into_inner()) = phase;
        m.done.store(0, Ordering::Relaxed);
        m.total.store(0, Ordering::Relaxed);
        m.instances.store(0, Ordering::Relaxed);
    }
}

/// The plan finished `done` of `total` graph nodes.
pub fn walked(done: usize, total: usize) {
    if let Some(m) = METER.get() {
        if done == 0 {
            *m.phase.lock().unwrap_or_else(|e| e.into_inner()) = "Planning";
            *m.unit.lock().unwrap_or_else(|e| e.into_inner()) = "graph nodes";
        }
        m.done.store(done, Ordering::Relaxed);
        m.total.store(total, Ordering::Relaxed);
    }
}

/// The plan finished one more resource instance.
pub fn instance_planned() {
    if let Some(m) = METER.get() {
        m.instances.fetch_add(1, Ordering::Relaxed);
    }
}

/// A migration's data copy finished `done` of `total` objects.
pub fn copied(done: usize, total: usize) {
    if let Some(m) = METER.get() {
        *m.phase.lock().unwrap_or_else(|e| e.into_inner()) = "Copying objects";
        *m.unit.lock().unwrap_or_else(|e| e.into_inner()) = "objects";
        m.instances.store(0, Ordering::Relaxed);
        m.done.store(done, Ordering::Relaxed);
        m.total.store(total, Ordering::Relaxed);
    }
}

/// Stops the meter and clears its line (before the command prints its result).
pub fn finish() {
    if let Some(m) = METER.get() {
        stop(m);
    }
}

/// Starts `m`'s ticker thread.
fn spawn_ticker(m: &'static Meter, terminal: bool) {
    let spawned = std::thread::Builder::new()
        .name("progress".into())
        .spawn(move || tick(m, terminal));
    if let Ok(handle) = spawned {
        let _ = m.ticker.set(handle.thread().clone());
    }
}

/// Tells `m`'s ticker to stop and waits until it has cleared its line. The ticker is woken,
/// not waited out: every command ends here, and a tick's sleep made a one-resource plan take
/// 100 ms of wall time for under 10 ms of work.
fn stop(m: &Meter) {
    m.finished.store(true, Ordering::Release);
    if let Some(t) = m.ticker.get() {
        t.unpark();
    }
    let until = Instant::now() + TICK * 3;
    while !m.stopped.load(Ordering::Acquire) && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Runs `print` (a command's own output) with the terminal line hidden, so the two do not
/// garble each other.
pub fn suspended<R>(print: impl FnOnce() -> R) -> R {
    let bar = METER
        .get()
        .and_then(|m| m.bar.lock().unwrap_or_else(|e| e.into_inner()).clone());
    match bar {
        Some(b) => b.suspend(print),
        None => print(),
    }
}

/// The meter's text now: "Planning... 340000/1000000 graph nodes, 3400000 instances" (the
/// instances when any were planned) or the bare phase.
fn text(m: &Meter) -> String {
    let phase = *m.phase.lock().unwrap_or_else(|e| e.into_inner());
    let instances = match m.instances.load(Ordering::Relaxed) {
        0 => String::new(),
        n => format!(", {n} instances"),
    };
    match m.total.load(Ordering::Relaxed) {
        0 => format!("{phase}..."),
        total => format!(
            "{phase}... {}/{total} {}{instances}",
            m.done.load(Ordering::Relaxed),
            *m.unit.lock().unwrap_or_else(|e| e.into_inner())
        ),
    }
}

/// When the meter appears.
fn show_after() -> Duration {
    std::env::var("AUTOSTACK_PROGRESS_AFTER_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map_or(SHOW_AFTER, Duration::from_millis)
}

fn tick(m: &'static Meter, terminal: bool) {
    let show_after = show_after();
    let mut logged: Option<Instant> = None;
    // The first look is at once (a meter due at 0 ms shows before short work ends); later
    // ones one tick apart.
    let mut first = true;
    loop {
        // Parked, not asleep, so that `stop` can wake it (a wake-up early is only an
        // extra look).
        if !std::mem::take(&mut first) {
            std::thread::park_timeout(TICK);
        }
        if m.finished.load(Ordering::Acquire) {
            // Work that outlasted the delay is reported once even if this thread was not
            // scheduled in time to see it running (a loaded machine).
            if !terminal && logged.is_none() && m.start.elapsed() >= show_after {
                let _ = writeln!(
                    std::io::stderr().lock(),
                    "{} [{}s elapsed]",
                    text(m),
                    m.start.elapsed().as_secs()
                );
            }
            if let Some(b) = m.bar.lock().unwrap_or_else(|e| e.into_inner()).take() {
                b.finish_and_clear();
            }
            // Tell `finish` the line is gone.
            m.stopped.store(true, Ordering::Release);
            return;
        }
        let elapsed = m.start.elapsed();
        if elapsed < show_after {
            continue;
        }
        if terminal {
            let mut bar = m.bar.lock().unwrap_or_else(|e| e.into_inner());
            bar.get_or_insert_with(new_bar).set_message(text(m));
        } else if logged.is_none_or(|t| t.elapsed() >= LOG_EVERY) {
            logged = Some(Instant::now());
            let mut err = std::io::stderr().lock();
            let _ = writeln!(err, "{} [{}s elapsed]", text(m), elapsed.as_secs());
        }
    }
}

fn new_bar() -> ProgressBar {
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(10));
    let style = ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
        .unwrap_or_else(|_| ProgressStyle::default_spinner());
    bar.set_style(style);
    bar.enable_steady_tick(Duration::from_millis(100));
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_names_the_phase_and_counts_nodes() {
        let m = Meter::new("Loading configuration");
        assert_eq!(text(&m), "Loading configuration...");
        *m.phase.lock().unwrap() = "Planning";
        m.done.store(340, Ordering::Relaxed);
        m.total.store(1000, Ordering::Relaxed);
        assert_eq!(text(&m), "Planning... 340/1000 graph nodes");
        m.instances.store(52_000, Ordering::Relaxed);
        assert_eq!(
            text(&m),
            "Planning... 340/1000 graph nodes, 52000 instances"
        );
        m.instances.store(0, Ordering::Relaxed);
        *m.phase.lock().unwrap() = "Copying objects";
        *m.unit.lock().unwrap() = "objects";
        assert_eq!(text(&m), "Copying objects... 340/1000 objects");
    }

    #[test]
    fn stopping_wakes_the_ticker_instead_of_waiting_out_its_tick() {
        let m: &'static Meter = Box::leak(Box::new(Meter::new("Planning")));
        spawn_ticker(m, false);
        // The ticker has looked once and is in its 100 ms wait.
        std::thread::sleep(TICK / 5);
        let asked = Instant::now();
        stop(m);
        let took = asked.elapsed();
        assert!(m.stopped.load(Ordering::Acquire), "the ticker stopped");
        // Waiting out the tick took the 80 ms left of it.
        assert!(took < TICK / 2, "stopping took {took:?}");
    }
}
