//! Provider installation from the network, against a local HTTP server of the test process:
//! the provider registry protocol (service discovery overridden by the CLI configuration's
//! `host` block, a token from `credentials`, `SHA256SUMS` signed with a key made for the run),
//! refusals of a bad signature, a wrong checksum and a missing platform; the network mirror
//! protocol with `include`/`exclude`; the packed filesystem-mirror layout through the shared
//! plugin cache; `providers mirror` and `providers lock -platform`.
//! With `AUTOSTACK_TERRAFORM` naming a Terraform binary, the registry install is repeated
//! with it and the lock files must be identical.
#![cfg(feature = "plugins")]

mod common;

use autostack_provider_plugin::install::archive::h1_zip;
use autostack_provider_plugin::install::hash::h1_dir;
use autostack_provider_plugin::testkit::platform;
use autostack_provider_plugin::testkit::registry::{
    publish_mirror, Release, TestKey, TestRegistry,
};
use autostack_provider_plugin::testkit::server::Server;
use common::Work;
use std::path::Path;

const HOST: &str = "registry.autostack.test";
const ADDRESS: &str = "registry.autostack.test/autostack/testcloud";

fn main_tf(constraint: &str) -> String {
    format!(
        r#"terraform {{
  required_providers {{
    testcloud = {{
      source  = "{ADDRESS}"
      version = "{constraint}"
    }}
  }}
}}

provider "testcloud" {{
  root = "${{path.module}}/cloud"
}}

resource "testcloud_server" "web" {{
  name     = "web"
  password = "hunter2"
  disk {{
    size = 10
  }}
  network {{
    name = "a"
  }}
}}
"#
    )
}

/// A registry serving 0.1.0 and 0.2.0 for this platform and darwin_arm64, its API behind
/// a token.
fn registry() -> TestRegistry {
    let server = Server::start();
    let reg = TestRegistry::new(&server, "autostack");
    for v in ["0.1.0", "0.2.0"] {
        reg.publish(
            v,
            &Release::build(v, &[&platform(), "darwin_arm64"]),
            &reg.key,
        );
    }
    server.require_token("/v1/providers/", "s3cret");
    reg
}

/// The CLI configuration: `host` override to the test server, credentials, then `extra`.
fn cli_config(reg: &TestRegistry, installation: &str) -> String {
    format!(
        "host \"{HOST}\" {{\n  services = {{\n    \"providers.v1\" = \"{}\"\n  }}\n}}\n\ncredentials \"{HOST}\" {{\n  token = \"s3cret\"\n}}\n\n{installation}",
        reg.providers_url()
    )
}

fn work(reg: &TestRegistry, installation: &str) -> Work {
    let w = Work::new(&[("main.tf", &main_tf("~> 0.2"))]);
    w.write("cli.tfrc", &cli_config(reg, installation));
    w
}

fn run(w: &Work, args: &[&str], extra: &[(&str, &str)]) -> common::Run {
    let rc = w.path().join("cli.tfrc").display().to_string();
    let cache = w.path().join("schema-cache").display().to_string();
    let mut env = vec![
        ("TF_CLI_CONFIG_FILE", rc.as_str()),
        ("AUTOSTACK_PLUGIN_CACHE_DIR", cache.as_str()),
    ];
    env.extend_from_slice(extra);
    w.run_env(args, &env)
}

fn lock_text(version: &str, constraints: &str, hashes: &[String]) -> String {
    let mut hashes = hashes.to_vec();
    hashes.sort();
    hashes.dedup();
    let lines: String = hashes.iter().map(|h| format!("    \"{h}\",\n")).collect();
    format!("# This file is maintained automatically by \"terraform init\".\n# Manual edits may be lost in future updates.\n\nprovider \"{ADDRESS}\" {{\n  version     = \"{version}\"\n  constraints = \"{constraints}\"\n  hashes = [\n{lines}  ]\n}}\n")
}

fn package_dir(w: &Work, version: &str) -> std::path::PathBuf {
    w.path()
        .join(".terraform/providers")
        .join(ADDRESS)
        .join(version)
        .join(platform())
}

#[test]
fn init_installs_from_a_registry_with_signed_checksums_and_locks_every_platform() {
    let reg = registry();
    let w = work(&reg, "provider_installation {\n  direct {}\n}\n");
    let out = run(&w, &["init"], &[]).expect(0).stdout();
    assert!(out.contains(&format!("- Finding {ADDRESS} versions matching \"~> 0.2\"...\n- Installing {ADDRESS} v0.2.0...\n- Installed {ADDRESS} v0.2.0 (self-signed, key ID {})", reg.key.key_id)), "{out}");
    assert!(
        out.contains("Partner and community providers are signed by their developers."),
        "{out}"
    );
    let dir = package_dir(&w, "0.2.0");
    assert!(!std::fs::symlink_metadata(&dir)
        .unwrap()
        .file_type()
        .is_symlink());
    let release = Release::build("0.2.0", &[&platform(), "darwin_arm64"]);
    let mut hashes = release.zh_hashes();
    hashes.push(h1_dir(&dir).unwrap());
    let lock = std::fs::read_to_string(w.path().join(".terraform.lock.hcl")).unwrap();
    assert_eq!(lock, lock_text("0.2.0", "~> 0.2", &hashes));
    // The API saw the token; the files (as Terraform fetches them) did not need it.
    let reqs = reg.server.requests();
    assert!(
        reqs.iter()
            .any(|(p, a)| p.ends_with("/testcloud/versions")
                && a.as_deref() == Some("Bearer s3cret")),
        "{reqs:?}"
    );
    assert!(
        !reqs.iter().any(|(p, _)| p.contains("well-known")),
        "the host block replaces discovery"
    );

    // The installed plugin serves the configuration.
    let out = run(&w, &["apply", "-auto-approve"], &[]).expect(0).stdout();
    assert!(out.contains("1 added"), "{out}");
    let out = run(&w, &["init"], &[]).expect(0).stdout();
    assert!(
        out.contains(&format!("- Using previously-installed {ADDRESS} v0.2.0")),
        "{out}"
    );

    if let Ok(tf) = std::env::var("AUTOSTACK_TERRAFORM") {
        compare_with_terraform(&tf, &w, &lock);
    }
}

/// Runs Terraform's `init` in a fresh copy of the configuration against the same registry.
fn compare_with_terraform(tf: &str, w: &Work, ours: &str) {
    let t = Work::new(&[("main.tf", &main_tf("~> 0.2"))]);
    let out = std::process::Command::new(tf)
        .args(["init", "-no-color"])
        .current_dir(t.path())
        .env("TF_CLI_CONFIG_FILE", w.path().join("cli.tfrc"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let theirs = std::fs::read_to_string(t.path().join(".terraform.lock.hcl")).unwrap();
    assert_eq!(ours, theirs);
}

#[test]
fn a_bad_signature_a_wrong_checksum_and_a_missing_platform_are_refused() {
    let reg = registry();
    let w = work(&reg, "provider_installation {\n  direct {}\n}\n");
    // 0.3.0 signed by a key the registry does not list.
    let stranger = TestKey::generate("Someone else <x@autostack.invalid>");
    reg.publish("0.3.0", &Release::build("0.3.0", &[&platform()]), &stranger);
    w.write("main.tf", &main_tf("0.3.0"));
    let err = run(&w, &["init"], &[])
        .expect(1)
        .stderr()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        err.contains("Failed to install provider")
            && err.contains("authentication signature from unknown issuer"),
        "{err}"
    );
    assert!(!package_dir(&w, "0.3.0").exists());

    // 0.4.0's archive is not the one its checksums describe.
    reg.publish("0.4.0", &Release::build("0.4.0", &[&platform()]), &reg.key);
    let zip_path = format!(
        "/files/autostack/testcloud/0.4.0/terraform-provider-testcloud_0.4.0_{}.zip",
        platform()
    );
    reg.server.put(
        &zip_path,
        200,
        "application/zip",
        Release::build("0.4.0", &["darwin_arm64"]).zips["darwin_arm64"].clone(),
    );
    w.write("main.tf", &main_tf("0.4.0"));
    let err = run(&w, &["init"], &[])
        .expect(1)
        .stderr()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(err.contains("archive has incorrect checksum"), "{err}");

    // 0.5.0 exists for another platform only.
    reg.publish(
        "0.5.0",
        &Release::build("0.5.0", &["darwin_arm64"]),
        &reg.key,
    );
    w.write("main.tf", &main_tf("0.5.0"));
    let err = run(&w, &["init"], &[])
        .expect(1)
        .stderr()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        err.contains("Incompatible provider version")
            && err.contains(&format!(
                "does not have a package available for your current platform, {}",
                platform()
            )),
        "{err}"
    );

    // Without the token the registry refuses.
    w.write(
        "cli.tfrc",
        &cli_config(&reg, "provider_installation {\n  direct {}\n}\n").replace("s3cret", "wrong"),
    );
    w.write("main.tf", &main_tf("0.2.0"));
    let err = run(&w, &["init"], &[])
        .expect(1)
        .stderr()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        err.contains(&format!(
            "host {HOST} rejected the given authentication credentials"
        )),
        "{err}"
    );
}

#[test]
fn a_network_mirror_serves_packages_with_their_hashes_and_include_exclude_choose_the_method() {
    let reg = registry();
    let release = Release::build("0.2.0", &[&platform()]);
    publish_mirror(&reg.server, "/mirror/", ADDRESS, "0.2.0", &release);
    let mirror = format!("{}/mirror/", reg.server.url());
    let w = work(
        &reg,
        &format!(
            "provider_installation {{\n  network_mirror {{\n    url = \"{mirror}\"\n  }}\n}}\n"
        ),
    );
    let out = run(&w, &["init"], &[]).expect(0).stdout();
    assert!(
        out.contains(&format!("- Installed {ADDRESS} v0.2.0 (verified checksum)")),
        "{out}"
    );
    let dir = package_dir(&w, "0.2.0");
    let lock = std::fs::read_to_string(w.path().join(".terraform.lock.hcl")).unwrap();
    assert_eq!(lock, lock_text("0.2.0", "~> 0.2", &[h1_dir(&dir).unwrap()]));

    // Excluded from the mirror, the provider comes from its registry.
    let w = work(&reg, &format!("provider_installation {{\n  network_mirror {{\n    url     = \"{mirror}\"\n    exclude = [\"{HOST}/autostack/*\"]\n  }}\n  direct {{\n    include = [\"{HOST}/*/*\"]\n  }}\n}}\n"));
    let before = reg.server.requests().len();
    let out = run(&w, &["init"], &[]).expect(0).stdout();
    assert!(out.contains("(self-signed, key ID"), "{out}");
    assert!(!reg.server.requests()[before..]
        .iter()
        .any(|(p, _)| p.starts_with("/mirror/")));

    // A mirror that lists no archive for this platform.
    let other = Release::build("0.2.5", &["darwin_arm64"]);
    publish_mirror(&reg.server, "/mirror/", ADDRESS, "0.2.5", &other);
    let w = work(
        &reg,
        &format!(
            "provider_installation {{\n  network_mirror {{\n    url = \"{mirror}\"\n  }}\n}}\n"
        ),
    );
    let err = run(&w, &["init"], &[])
        .expect(1)
        .stderr()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(err.contains("Incompatible provider version"), "{err}");
}

#[test]
fn providers_mirror_writes_the_packed_layout_that_installs_through_the_plugin_cache() {
    let reg = registry();
    let w = work(&reg, "provider_installation {\n  direct {}\n}\n");
    let darwin = "-platform=darwin_arm64".to_string();
    let here = format!("-platform={}", platform());
    let out = run(&w, &["providers", "mirror", &here, &darwin, "packed"], &[])
        .expect(0)
        .stdout();
    assert!(out.contains(&format!("- Mirroring {ADDRESS}...\n  - Selected v0.2.0 to meet constraints ~> 0.2\n  - Downloading package for {}...\n  - Package authenticated: self-signed, key ID {}", platform(), reg.key.key_id)), "{out}");
    let dir = w.path().join("packed").join(ADDRESS);
    let zip = |p: &str| dir.join(format!("terraform-provider-testcloud_0.2.0_{p}.zip"));
    assert_eq!(
        std::fs::read_to_string(dir.join("index.json")).unwrap(),
        "{\n  \"versions\": {\n    \"0.2.0\": {}\n  }\n}"
    );
    let v = std::fs::read_to_string(dir.join("0.2.0.json")).unwrap();
    let expected = format!(
        "{{\n  \"archives\": {{\n    \"darwin_arm64\": {{\n      \"hashes\": [\n        \"{}\"\n      ],\n      \"url\": \"terraform-provider-testcloud_0.2.0_darwin_arm64.zip\"\n    }},\n    \"{p}\": {{\n      \"hashes\": [\n        \"{}\"\n      ],\n      \"url\": \"terraform-provider-testcloud_0.2.0_{p}.zip\"\n    }}\n  }}\n}}",
        h1_zip(&zip("darwin_arm64")).unwrap(),
        h1_zip(&zip(&platform())).unwrap(),
        p = platform()
    );
    assert_eq!(v, expected);

    // The packed mirror installs through the shared cache: unpacked once into the cache,
    // linked from there; a second directory with the lock file reuses it.
    let cache = w.path().join("plugin-cache");
    let cache_env = cache.display().to_string();
    let env = [("TF_PLUGIN_CACHE_DIR", cache_env.as_str())];
    let fs = format!(
        "provider_installation {{\n  filesystem_mirror {{\n    path = \"{}\"\n  }}\n}}\n",
        w.path().join("packed").display()
    );
    let a = work(&reg, &fs);
    let out = run(&a, &["init"], &env).expect(0).stdout();
    assert!(
        out.contains(&format!("- Installed {ADDRESS} v0.2.0 (unauthenticated)")),
        "{out}"
    );
    let cached = cache.join(ADDRESS).join("0.2.0").join(platform());
    assert!(cached.join("terraform-provider-testcloud_v0.2.0").is_file());
    assert_eq!(
        std::fs::read_link(package_dir(&a, "0.2.0")).unwrap(),
        cached.canonicalize().unwrap()
    );
    let b = work(&reg, &fs);
    std::fs::copy(
        a.path().join(".terraform.lock.hcl"),
        b.path().join(".terraform.lock.hcl"),
    )
    .unwrap();
    let out = run(&b, &["init"], &env).expect(0).stdout();
    assert!(
        out.contains(&format!(
            "- Using {ADDRESS} v0.2.0 from the shared cache directory"
        )),
        "{out}"
    );
    let out = run(&b, &["apply", "-auto-approve"], &env)
        .expect(0)
        .stdout();
    assert!(out.contains("1 added"), "{out}");
    // Without a lock file the cache is not trusted, unless the configuration says so.
    let c = work(&reg, &fs);
    let out = run(&c, &["init"], &env).expect(0).stdout();
    assert!(
        out.contains(&format!("- Installing {ADDRESS} v0.2.0...")),
        "{out}"
    );
    let d = work(
        &reg,
        &format!("plugin_cache_may_break_dependency_lock_file = true\n{fs}"),
    );
    let out = run(&d, &["init"], &env).expect(0).stdout();
    assert!(out.contains("from the shared cache directory"), "{out}");
}

#[test]
fn providers_lock_records_checksums_for_each_platform() {
    let reg = registry();
    let w = work(&reg, "provider_installation {\n  direct {}\n}\n");
    let here = format!("-platform={}", platform());
    let out = run(
        &w,
        &["providers", "lock", &here, "-platform=darwin_arm64"],
        &[],
    )
    .expect(0)
    .stdout();
    assert!(
        out.contains(&format!(
            "- Retrieved {ADDRESS} 0.2.0 for darwin_arm64 (self-signed, key ID {})",
            reg.key.key_id
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "- Obtained {ADDRESS} checksums for darwin_arm64; This was a new provider"
        )),
        "{out}"
    );
    let release = Release::build("0.2.0", &[&platform(), "darwin_arm64"]);
    let tmp = tempfile::tempdir().unwrap();
    let mut hashes = release.zh_hashes();
    for zip in release.zips.values() {
        let p = tmp.path().join("p.zip");
        std::fs::write(&p, zip).unwrap();
        hashes.push(h1_zip(&p).unwrap());
    }
    let lock = std::fs::read_to_string(w.path().join(".terraform.lock.hcl")).unwrap();
    assert_eq!(lock, lock_text("0.2.0", "~> 0.2", &hashes));
    let out = run(&w, &["providers", "lock", &here], &[])
        .expect(0)
        .stdout();
    assert!(out.contains("found no need for changes"), "{out}");
    assert!(!Path::new(&w.path().join(".terraform/providers")).exists());
}
