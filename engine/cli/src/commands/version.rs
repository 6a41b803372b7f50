//! `autostack version`.

use crate::args::VersionArgs;

/// Prints the version, as text or as Terraform's JSON object.
pub fn run(a: &VersionArgs) -> u8 {
    let version = env!("CARGO_PKG_VERSION");
    let platform = format!("{}_{}", std::env::consts::OS, go_arch());
    if a.json {
        let v = serde_json::json!({
            "terraform_version": version,
            "platform": platform,
            "provider_selections": {},
            "terraform_outdated": false,
        });
        println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
    } else {
        println!("AutoStack v{version}\non {platform}");
    }
    0
}

fn go_arch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        other => other,
    }
}
