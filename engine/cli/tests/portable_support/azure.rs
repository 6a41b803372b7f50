//! The portable stack on Azure through the real binary against the ARM double: the
//! `examples/portable-web` configuration with the azurerm provider block, run with the
//! double's endpoint and credentials, and reads of what the double holds.

use crate::common::{Run, Work};
use crate::support::{self, Double};

/// The subscription's resource groups, as ARM paths start.
pub const GROUP: &str = "/subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups";

/// The Network API version the double serves.
pub const NETWORK_API: &str = "2024-03-01";

/// The Compute API version the double serves.
pub const COMPUTE_API: &str = "2024-07-01";

/// `examples/portable-web` on azurerm, with the ARM double it runs against.
pub struct Stack {
    /// The working directory.
    pub work: Work,
    /// The ARM double.
    pub double: Double,
}

impl Stack {
    /// The example in a new directory, with a new double.
    pub fn new() -> Stack {
        let work = Work::portable_web("provider \"azurerm\" {\n  features {}\n}\n");
        Stack {
            work,
            double: Double::start(&[]),
        }
    }

    /// Runs `autostack ARGS` against the double (`-no-color` and the `-var`s on commands that
    /// take them).
    pub fn run(&self, args: &[&str], vars: &[&str]) -> Run {
        let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        if !matches!(
            args.first(),
            Some(&"init") | Some(&"state") | Some(&"output")
        ) {
            all.push("-no-color".into());
            all.extend(vars.iter().map(|v| format!("-var={v}")));
        }
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        self.work.run_env(
            &all,
            &[
                ("ARM_METADATA_HOSTNAME", &self.double.url),
                ("ARM_SUBSCRIPTION_ID", support::SUBSCRIPTION),
                ("ARM_TENANT_ID", support::TENANT),
                ("ARM_CLIENT_ID", support::CLIENT_ID),
                ("ARM_CLIENT_SECRET", support::CLIENT_SECRET),
                ("ARM_LOCATION", "West Europe"),
            ],
        )
    }

    /// The object at `path` (below the subscription's resource groups) as the double has it.
    pub fn get(&self, path: &str, api: &str) -> serde_json::Value {
        let (status, body) = support::arm(
            &self.double.url,
            "GET",
            &format!("{GROUP}/{path}?api-version={api}"),
            "",
        );
        assert_eq!(status, 200, "{path}: {body}");
        body
    }

    /// `main.tf` with each `(from, to)` replacement made.
    pub fn edit_main(&self, edits: &[(&str, &str)]) {
        let path = self.work.path().join("main.tf");
        let mut text = std::fs::read_to_string(&path).expect("main.tf");
        for (from, to) in edits {
            assert!(text.contains(from), "main.tf has no {from:?}");
            text = text.replace(from, to);
        }
        self.work.write("main.tf", &text);
    }

    /// `output -json`.
    pub fn outputs(&self) -> serde_json::Value {
        let out = self.run(&["output", "-json"], &[]).expect(0).stdout();
        serde_json::from_str(&out).expect("output -json")
    }
}
