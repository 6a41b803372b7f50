//! Running the real `autostack` binary in temporary working directories.

#![allow(dead_code)]

pub mod serve;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// A temporary working directory with configuration files.
pub struct Work {
    /// Keeps the directory alive.
    pub dir: tempfile::TempDir,
}

impl Work {
    /// A directory holding `files` (`(relative path, contents)`).
    pub fn new(files: &[(&str, &str)]) -> Work {
        let dir = tempfile::tempdir().expect("tempdir");
        for (name, text) in files {
            let p = dir.path().join(name);
            if let Some(parent) = p.parent() {
                std::fs::create_dir_all(parent).expect("mkdir");
            }
            std::fs::write(p, text).expect("write");
        }
        Work { dir }
    }

    /// The directory's path.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// A directory holding `examples/portable-web` (its resources, variables, outputs and key)
    /// with `providers` as its `providers.tf`: the stack the portable tests move around.
    pub fn portable_web(providers: &str) -> Work {
        let work = Work::new(&[]);
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/portable-web");
        for f in ["main.tf", "variables.tf", "outputs.tf", "deployer.pub"] {
            std::fs::copy(src.join(f), work.path().join(f)).expect("copy");
        }
        work.write("providers.tf", providers);
        work
    }

    /// Replaces (or creates) a file.
    pub fn write(&self, name: &str, text: &str) {
        std::fs::write(self.path().join(name), text).expect("write");
    }

    /// Runs `autostack ARGS` here with no stdin.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_stdin(args, "")
    }

    /// Runs `autostack ARGS` here, feeding `stdin`.
    pub fn run_stdin(&self, args: &[&str], stdin: &str) -> Run {
        self.run_with(args, stdin, &[])
    }

    /// Runs `autostack ARGS` here with extra environment variables.
    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        self.run_with(args, "", env)
    }

    /// Runs `autostack ARGS` here, feeding `stdin`, with extra environment variables.
    pub fn run_with(&self, args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Run {
        // No test reads the user's local price catalog unless it points to one itself.
        let no_local_catalog = self.path().join(".no-local-catalog");
        let mut child = Command::new(bin())
            .args(args)
            .env("AUTOSTACK_CATALOG_DIR", &no_local_catalog)
            .env_remove("TF_WORKSPACE")
            .envs(env.iter().copied())
            .current_dir(self.path())
            .env("NO_COLOR", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn autostack");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(stdin.as_bytes())
            .ok();
        Run(child.wait_with_output().expect("wait"))
    }

    /// The parsed `terraform.tfstate`.
    pub fn state(&self) -> serde_json::Value {
        let text =
            std::fs::read_to_string(self.path().join("terraform.tfstate")).expect("state file");
        serde_json::from_str(&text).expect("state parses")
    }
}

/// The binary under test.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_autostack"))
}

/// A finished run.
pub struct Run(pub Output);

impl Run {
    /// Exit code.
    pub fn code(&self) -> i32 {
        self.0.status.code().unwrap_or(-1)
    }

    /// Standard output.
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.0.stdout).into_owned()
    }

    /// Standard error.
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.0.stderr).into_owned()
    }

    /// Asserts the exit code, showing both streams on failure.
    pub fn expect(self, code: i32) -> Run {
        assert_eq!(
            self.code(),
            code,
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout(),
            self.stderr()
        );
        self
    }
}

/// Every instance address in a state file, in the file's order
/// (`module.a["x"].terraform_data.leaf[0]`).
pub fn addresses(state: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    for r in state["resources"].as_array().expect("resources") {
        let module = r["module"]
            .as_str()
            .map(|m| format!("{m}."))
            .unwrap_or_default();
        let ty = r["type"].as_str().unwrap_or_default();
        let base = format!("{module}{ty}.{}", r["name"].as_str().unwrap_or_default());
        for i in r["instances"].as_array().expect("instances") {
            out.push(match &i["index_key"] {
                serde_json::Value::Null => base.clone(),
                serde_json::Value::String(s) => format!("{base}[\"{s}\"]"),
                k => format!("{base}[{k}]"),
            });
        }
    }
    out
}

/// How many objects of interrupted creates a command's output says it found and recorded.
pub fn found_objects(stdout: &str) -> usize {
    stdout
        .lines()
        .filter_map(|l| {
            l.split("crash: ")
                .nth(1)?
                .split(' ')
                .next()?
                .parse::<usize>()
                .ok()
        })
        .sum()
}
