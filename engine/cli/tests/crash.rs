//! Locking and crash safety: a second apply meets the lock; `kill -9` at random points of an
//! apply loses no created resource and the next command recovers from the journal.

mod common;

use common::{bin, Work};
use std::process::{Command, Stdio};
use std::time::Duration;

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
        // Every finished operation was journaled before anything else started, so the next
        // command knows every file except those whose create was in flight at the kill (at
        // most -parallelism of them: the provider wrote the file, the process died before
        // the journal record).
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
            recorded + 2 >= files,
            "round {round}: {files} files on disk but only {recorded} in state"
        );
        // And the next apply converges.
        w.run(&["apply", "-auto-approve"]).expect(0);
        assert_eq!(state_addrs(&w).len(), 2 * n, "round {round}");
    }
}
