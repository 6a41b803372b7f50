//! Benchmark of the HTML plan report (`cargo bench -p autostack-cli --bench report`): a plan
//! of N `terraform_data` resources (half in the root module in chains of 10, half in a
//! module called for two keys) is saved, then `show -html PLANFILE > report.html` is timed,
//! and loading the page in headless Chromium (`--dump-dom`, so its scripts ran) when
//! `chromium` is on PATH. Best of `AUTOSTACK_BENCH_RUNS` runs (3);
//! `AUTOSTACK_BENCH_SIZES=1000,10000` picks sizes.

use std::fmt::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn chain(count: usize, prefix: &str) -> String {
    let mut s = String::with_capacity(count * 100);
    for i in 0..count {
        let input = match i % 10 {
            0 => format!("\"{prefix}-{i}\""),
            _ => format!("terraform_data.n{}.output", i - 1),
        };
        let _ = writeln!(
            s,
            "resource \"terraform_data\" \"n{i}\" {{ input = {input} }}"
        );
    }
    s
}

fn write_config(dir: &Path, n: usize) {
    let mut root = chain(n / 2, "root");
    root.push_str(
        "module \"half\" {\n  for_each = toset([\"a\", \"b\"])\n  source   = \"./half\"\n}\n",
    );
    std::fs::create_dir_all(dir.join("half")).expect("module dir");
    std::fs::write(dir.join("main.tf"), root).expect("main.tf");
    std::fs::write(dir.join("half/main.tf"), chain(n / 4, "half")).expect("module");
}

fn timed(mut cmd: Command) -> Duration {
    let start = Instant::now();
    let status = cmd.status().expect("spawn");
    assert!(status.success(), "{cmd:?} failed");
    start.elapsed()
}

fn best(mut f: impl FnMut() -> Duration) -> f64 {
    let runs = std::env::var("AUTOSTACK_BENCH_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    (0..runs)
        .map(|_| f().as_secs_f64())
        .fold(f64::MAX, f64::min)
}

fn report(n: usize) {
    let dir = tempfile::tempdir().expect("temp dir");
    write_config(dir.path(), n);
    let bin = env!("CARGO_BIN_EXE_autostack");
    let mut plan = Command::new(bin);
    plan.args(["plan", "-out=tfplan"])
        .current_dir(dir.path())
        .stdout(Stdio::null());
    timed(plan);
    let page = dir.path().join("report.html");
    let write = best(|| {
        let mut show = Command::new(bin);
        show.args(["show", "-html", "tfplan"])
            .current_dir(dir.path())
            .stdout(std::fs::File::create(&page).expect("report file"));
        timed(show)
    });
    let size = std::fs::metadata(&page).map_or(0, |m| m.len()) as f64 / 1e6;
    let open = best(|| {
        let mut chromium = Command::new("chromium");
        chromium
            .args([
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--dump-dom",
            ])
            .arg(format!("file://{}", page.display()))
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        timed(chromium)
    });
    println!("{n:>7} resources: report written in {write:.3} s ({size:.1} MB), opened in Chromium in {open:.2} s");
}

fn main() {
    let sizes: Vec<usize> = std::env::var("AUTOSTACK_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 10_000]);
    for n in sizes {
        report(n);
    }
}
