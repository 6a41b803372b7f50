//! For tests of this crate and the CLI: builds the repository's own test provider
//! (`tests/plugin-provider`, `terraform-provider-testcloud`) and lays it out as Terraform's
//! filesystem mirrors do; a local HTTP server ([`server`]) serving it as a provider registry
//! and a network mirror ([`registry`]).

pub mod registry;
pub mod server;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The test provider's address.
pub const TESTCLOUD: &str = "registry.terraform.io/autostack/testcloud";

/// The test provider's executable, built once per test process with the cargo running the
/// tests, into the same target directory.
pub fn testcloud_binary() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let exe = std::env::current_exe().expect("test executable");
        // target/<profile>/deps/<test> → target
        let profile_dir = exe.parent().and_then(Path::parent).expect("profile dir");
        let target = profile_dir.parent().expect("target dir");
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = std::process::Command::new(cargo)
            .args([
                "build",
                "-q",
                "-p",
                "autostack-test-provider",
                "--target-dir",
            ])
            .arg(target)
            .current_dir(&root)
            .status()
            .expect("cargo runs");
        assert!(status.success(), "building the test provider failed");
        profile_dir.join("terraform-provider-testcloud")
    })
    .clone()
}

/// The platform directory name Terraform uses (`linux_amd64`).
pub fn platform() -> String {
    let os = std::env::consts::OS;
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        a => a,
    };
    format!("{os}_{arch}")
}

/// Installs the test provider as `version` into an unpacked filesystem mirror at `mirror`
/// (`HOST/NS/TYPE/VERSION/OS_ARCH/terraform-provider-TYPE_vVERSION[_x5]`); `protocol5`
/// names it as a protocol-5 plugin, which makes it speak only 5. Returns the executable.
pub fn install_testcloud(mirror: &Path, version: &str, protocol5: bool) -> PathBuf {
    let dir = mirror.join(TESTCLOUD).join(version).join(platform());
    std::fs::create_dir_all(&dir).expect("mirror dir");
    let suffix = if protocol5 { "_x5" } else { "" };
    let exe = dir.join(format!("terraform-provider-testcloud_v{version}{suffix}"));
    std::fs::copy(testcloud_binary(), &exe).expect("copy test provider");
    exe
}
