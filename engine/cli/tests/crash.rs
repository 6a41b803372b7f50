//! Locking and crash safety: a second apply meets the lock and no lock file outlives a
//! command; `kill -9` at random instants of an apply leaves no object that the state does not
//! hold once the next command has recovered, and the apply after it converges.

mod common;

use common::{bin, found_objects, Work};
use std::collections::BTreeSet;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// N local files, each created after a short sleep, so an apply takes a while.
fn slow_files(n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        s.push_str(&format!(
            "resource \"time_sleep\" \"s{i}\" {{\n  create_duration = \"30ms\"\n}}\nresource \"local_file\" \"f{i}\" {{\n  filename = \"${{path.module}}/files/f{i}.txt\"\n  content  = \"{i}:${{time_sleep.s{i}.id}}\"\n}}\n"
        ));
    }
    s
}

fn state_addrs(w: &Work) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(w.path().join("terraform.tfstate")) else {
        return Vec::new();
    };
    let st: serde_json::Value = serde_json::from_str(&text).expect("state always parses");
    st["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{}.{}",
                r["type"].as_str().unwrap(),
                r["name"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn a_second_apply_meets_the_lock() {
    let w = Work::new(&[(
        "main.tf",
        "resource \"time_sleep\" \"wait\" {\n  create_duration = \"2s\"\n}\n",
    )]);
    let mut first = Command::new(bin())
        .args(["apply", "-auto-approve"])
        .current_dir(w.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(700));
    let second = w
        .run(&["apply", "-auto-approve", "-no-color", "-lock-timeout=0s"])
        .expect(1);
    assert!(
        second.stderr().contains("Error acquiring the state lock"),
        "{}",
        second.stderr()
    );
    assert!(
        second.stderr().contains("Operation: OperationTypeApply"),
        "{}",
        second.stderr()
    );
    assert!(first.wait().unwrap().success());
    // With a timeout long enough, a waiting apply goes through after the holder finishes.
    w.run(&["apply", "-auto-approve", "-lock-timeout=10s"])
        .expect(0);
}

/// The files beside the state other than the state, its backup, its history and its
/// versions (lock files, journal).
fn leftovers(w: &Work) -> Vec<String> {
    let kept = [".tfstate", ".backup", ".history", ".versions"];
    std::fs::read_dir(w.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("tfstate") && !kept.iter().any(|k| n.ends_with(k)))
        .collect()
}

#[test]
fn no_lock_file_outlives_a_command() {
    let w = Work::new(&[(
        "main.tf",
        "resource \"terraform_data\" \"a\" {\n  input = 1\n}\n",
    )]);
    w.run(&["apply", "-auto-approve"]).expect(0);
    assert_eq!(leftovers(&w), Vec::<String>::new());
    w.run(&["plan"]).expect(0);
    w.run(&["state", "list"]).expect(0);
    assert_eq!(leftovers(&w), Vec::<String>::new());
}

/// A small xorshift generator, seeded per run (the seed is printed to reproduce a failure).
struct Rng(u64);

impl Rng {
    fn new() -> Rng {
        let seed = std::env::var("CRASH_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
                    | 1
            });
        eprintln!("CRASH_SEED={seed}");
        Rng(seed)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

/// The `local_file.f` instances in the state (their count index).
fn files_in_state(w: &Work) -> BTreeSet<u64> {
    let Ok(text) = std::fs::read_to_string(w.path().join("terraform.tfstate")) else {
        return BTreeSet::new();
    };
    let st: serde_json::Value = serde_json::from_str(&text).expect("the state always loads");
    st["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["type"] == "local_file")
        .flat_map(|r| r["instances"].as_array().cloned().unwrap_or_default())
        .filter_map(|i| i["index_key"].as_u64())
        .collect()
}

/// The files on disk (their number).
fn files_on_disk(w: &Work) -> BTreeSet<u64> {
    std::fs::read_dir(w.path().join("files"))
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter_map(|e| {
                    let n = e.file_name().to_string_lossy().into_owned();
                    n.strip_prefix('f')?.strip_suffix(".txt")?.parse().ok()
                })
                .collect()
        })
        .unwrap_or_default()
}

fn start_apply(w: &Work) -> std::process::Child {
    Command::new(bin())
        .args(["apply", "-auto-approve", "-no-color"])
        .current_dir(w.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// 50 `kill -9`s at random instants of a 1,000-file apply (5 working directories, each
/// killed 10 times while the apply resumes, at an instant drawn from about when the rest of
/// its creates would run): after each, `plan` recovers, and then every file on disk is in
/// the state; finally an apply converges (a plan after it has no changes).
#[test]
fn kill_dash_nine_at_random_instants_leaves_no_orphan() {
    const N: usize = 1000;
    let conf = format!("resource \"local_file\" \"f\" {{\n  count    = {N}\n  filename = \"${{path.module}}/files/f${{count.index}}.txt\"\n  content  = \"file ${{count.index}}\"\n}}\n");
    // How long planning and a whole apply take here, to draw kill instants from the time
    // the creates run.
    let probe = Work::new(&[("main.tf", &conf)]);
    let t = Instant::now();
    probe.run(&["plan"]).expect(0);
    let planning = t.elapsed().as_millis() as u64;
    let t = Instant::now();
    probe.run(&["apply", "-auto-approve"]).expect(0);
    let creating = (t.elapsed().as_millis() as u64).saturating_sub(planning);
    let mut rng = Rng::new();
    let mut orphans = 0;
    let mut found = 0;
    for dir in 0..5 {
        let w = Work::new(&[("main.tf", &conf)]);
        for kill in 0..10 {
            let left = (N - files_in_state(&w).len()) as u64;
            let mut child = start_apply(&w);
            let at = planning * 3 / 4 + rng.below(creating * left / N as u64 + planning / 2);
            std::thread::sleep(Duration::from_millis(at));
            let _ = child.kill();
            let _ = child.wait();
            let r = w.run(&["plan", "-no-color", "-refresh=false"]);
            assert!(
                r.code() == 0 || r.code() == 2,
                "dir {dir} kill {kill}: {}{}",
                r.stdout(),
                r.stderr()
            );
            found += found_objects(&r.stdout());
            let held = files_in_state(&w);
            let unheld: Vec<_> = files_on_disk(&w).difference(&held).copied().collect();
            orphans += unheld.len();
            assert!(
                unheld.is_empty(),
                "dir {dir} kill {kill}: files the state does not hold: {unheld:?}"
            );
            assert_eq!(leftovers(&w), Vec::<String>::new(), "dir {dir} kill {kill}");
        }
        w.run(&["apply", "-auto-approve"]).expect(0);
        w.run(&["plan", "-detailed-exitcode"]).expect(0);
        assert_eq!(files_in_state(&w).len(), N);
        assert_eq!(files_on_disk(&w).len(), N);
    }
    assert_eq!(orphans, 0);
    // The kills did land mid-create: recovery had files to find.
    eprintln!("files found by recovery over 50 kills: {found}");
    assert!(found > 0, "no kill interrupted a create");
}

#[test]
fn kill_dash_nine_mid_apply_loses_nothing() {
    let n = 12;
    for (round, delay_ms) in [150u64, 400, 700, 1000].into_iter().enumerate() {
        let w = Work::new(&[("main.tf", &slow_files(n))]);
        let mut child = Command::new(bin())
            .args(["apply", "-auto-approve", "-parallelism=2"])
            .current_dir(w.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        // Every finished operation was journaled before anything else started, and every
        // create in flight at the kill left an intent that the next command resolved, so the
        // state knows every file.
        let r = w.run(&["plan", "-no-color", "-refresh=false"]);
        assert!(r.code() == 0, "round {round}: {}{}", r.stdout(), r.stderr());
        let known = state_addrs(&w);
        let files = std::fs::read_dir(w.path().join("files"))
            .map(|rd| rd.count())
            .unwrap_or(0);
        let recorded = known
            .iter()
            .filter(|a| a.starts_with("local_file."))
            .count();
        assert!(
            recorded >= files,
            "round {round}: {files} files on disk but only {recorded} in state"
        );
        // And the next apply converges.
        w.run(&["apply", "-auto-approve"]).expect(0);
        assert_eq!(state_addrs(&w).len(), 2 * n, "round {round}");
    }
}
