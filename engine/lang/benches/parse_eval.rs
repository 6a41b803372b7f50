//! Benchmark: parse and evaluate a generated module of N resources with locals, for_each and
//! function calls (`cargo bench -p autostack-lang --bench parse_eval`). Prints wall time and
//! peak RSS; the numbers go in the README.

use autostack_lang::config::{load_module_tree, validate::validate_tree};
use autostack_lang::diag::Sources;
use autostack_lang::functions::Functions;
use std::fmt::Write;
use std::time::Instant;

/// The allocator the `autostack` binary uses.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A typical resource: `for_each` over a shared local, a few arguments, two function calls.
fn generate_typical(n: usize) -> String {
    let mut s = String::with_capacity(n * 160);
    s.push_str("variable \"prefix\" {\n  default = \"bench\"\n}\n\nlocals {\n  regions = toset([\"us-east-1\", \"eu-west-1\"])\n  tags    = { team = \"platform\" }\n}\n\n");
    for i in 0..n {
        let _ = write!(
            s,
            "resource \"terraform_data\" \"r{i}\" {{\n  for_each = local.regions\n  input = {{\n    name = format(\"%s-{i}-%s\", var.prefix, each.key)\n    tags = merge(local.tags, {{ index = \"{i}\" }})\n  }}\n}}\n\n"
        );
    }
    s
}

/// A heavy resource: its own `locals` block and five computed arguments.
fn generate(n: usize) -> String {
    let mut s = String::with_capacity(n * 256);
    s.push_str("variable \"prefix\" {\n  type    = string\n  default = \"bench\"\n}\n\nlocals {\n  regions = [\"us-east-1\", \"eu-west-1\"]\n  tags    = { team = \"platform\", env = \"prod\" }\n}\n\n");
    for i in 0..n {
        let _ = write!(
            s,
            "locals {{\n  name_{i} = format(\"%s-%05d\", var.prefix, {i})\n}}\n\nresource \"terraform_data\" \"r{i}\" {{\n  for_each = toset(local.regions)\n  input = {{\n    name   = upper(local.name_{i})\n    region = each.key\n    tags   = merge(local.tags, {{ index = \"{i}\" }})\n    cidr   = cidrsubnet(\"10.0.0.0/8\", 16, {i})\n    sum    = sum([for x in range(3) : x * {i}])\n  }}\n}}\n\n"
        );
    }
    s
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Optional filters (`-- typical 10000`) select cases, so each can be measured on its own.
fn main() {
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let functions = Functions::standard();
    for (kind, gen) in [
        ("typical", generate_typical as fn(usize) -> String),
        ("heavy", generate),
    ] {
        for n in [1_000usize, 10_000] {
            let selected = filters.iter().all(|f| f == kind || f.parse() == Ok(n));
            if selected {
                run(kind, n, &gen(n), &functions);
            }
        }
    }
}

fn run(kind: &str, n: usize, text: &str, functions: &Functions) {
    {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("main.tf"), text).expect("write");
        let start = Instant::now();
        let sources = Sources::new();
        let (tree, diags) = load_module_tree(dir.path(), &sources);
        let parsed = start.elapsed();
        let diags2 = validate_tree(&tree, functions);
        let total = start.elapsed();
        assert!(
            !diags.has_errors() && !diags2.has_errors(),
            "{diags}\n{diags2}"
        );
        println!(
            "{kind:>7} {n:>6} resources ({:.1} MB): parse {:>7.1} ms, parse+evaluate {:>7.1} ms, peak RSS {:.0} MB",
            text.len() as f64 / 1e6,
            parsed.as_secs_f64() * 1e3,
            total.as_secs_f64() * 1e3,
            peak_rss_mb()
        );
    }
}
