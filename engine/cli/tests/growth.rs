//! Growth stays linear: ten times the resources cost about ten times the CPU and memory. The
//! test-sized check of issue 16 (the full one, 10k → 100k → 1M, is `cargo bench --bench
//! lifecycle`): the child's CPU time and peak RSS come from `wait4`'s resource usage, which
//! other processes on the machine do not inflate as they do wall time.

mod common;

use common::Work;
use std::fmt::Write;
use std::process::Command;

/// `n` `terraform_data` resources in chains of 10, half of them in a module called twice.
fn config(n: usize) -> Vec<(String, String)> {
    let chain = |n: usize| {
        let mut s = String::new();
        for i in 0..n {
            let input = match i % 10 {
                0 => format!("\"start-{i}\""),
                _ => format!("terraform_data.r{}.output", i - 1),
            };
            let _ = writeln!(
                s,
                "resource \"terraform_data\" \"r{i}\" {{\n  input = {input}\n}}"
            );
        }
        s
    };
    let calls = "module \"a\" {\n  source = \"./m\"\n}\nmodule \"b\" {\n  source = \"./m\"\n}\n";
    vec![
        ("main.tf".into(), format!("{}{calls}", chain(n / 2))),
        ("m/main.tf".into(), chain(n / 4)),
    ]
}

/// CPU seconds (user + system) and peak RSS (KB) of `autostack plan -out=p.plan` on `n`.
fn plan_cost(n: usize) -> (f64, i64) {
    let files = config(n);
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let w = Work::new(&refs);
    let child = Command::new(common::bin())
        .args(["plan", "-out=p.plan", "-no-color"])
        .current_dir(w.path())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("spawn autostack");
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, writing into the two locals above.
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as i32, "wait4");
    assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0);
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    (secs(usage.ru_utime) + secs(usage.ru_stime), usage.ru_maxrss)
}

#[test]
fn ten_times_the_resources_cost_about_ten_times_as_much() {
    let (n, m) = (300, 3000);
    let (t1, r1) = plan_cost(n);
    let (t10, r10) = plan_cost(m);
    eprintln!("plan -out: {n}: {t1:.2} s CPU, {r1} KB; {m}: {t10:.2} s CPU, {r10} KB");
    // Loose bounds: small plans carry a fixed start-up cost (which only lowers the ratio), and
    // a debug build's allocator noise can raise it a little; an O(n²) pass gives ~100×.
    assert!(t10 / t1 <= 20.0, "CPU {t1:.2}s for {n}, {t10:.2}s for {m}");
    assert!(
        r10 as f64 / r1 as f64 <= 15.0,
        "RSS {r1} KB for {n}, {r10} KB for {m}"
    );
}
