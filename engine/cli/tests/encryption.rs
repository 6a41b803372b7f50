//! OpenTofu's state and plan encryption through the real binary: what is written is
//! OpenTofu's envelope (a state OpenTofu's scheme encrypted opens), tampering and a wrong
//! passphrase stop the command with exit 1 and leave the state as it was, and `fallback`
//! migrates an unencrypted state to encrypted and back.

mod common;

use common::Work;
use std::path::Path;

const PASS: &str = "correct horse battery staple, twice";

/// An `encryption` block with a pbkdf2 key (OpenTofu's fewest iterations: quick tests), the
/// given `state` target body and an optional `plan` target.
fn encryption(state: &str, plan: bool) -> String {
    let plan = if plan {
        "plan { method = method.aes_gcm.main }"
    } else {
        ""
    };
    format!(
        r#"terraform {{
  encryption {{
    key_provider "pbkdf2" "main" {{
      passphrase = "{PASS}"
      iterations = 200000
    }}
    method "aes_gcm" "main" {{
      keys = key_provider.pbkdf2.main
    }}
    method "unencrypted" "migrate" {{}}
    state {{
      {state}
    }}
    {plan}
  }}
}}
"#
    )
}

fn resources(input: &str) -> String {
    format!(
        "resource \"terraform_data\" \"a\" {{\n  input = \"{input}\"\n}}\nresource \"terraform_data\" \"b\" {{\n  input = terraform_data.a.output\n}}\n"
    )
}

/// `text` with every run of whitespace one space (diagnostics are wrapped to the terminal).
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

const ENCRYPTED: &str = "method = method.aes_gcm.main";

fn read(w: &Work, name: &str) -> String {
    std::fs::read_to_string(w.path().join(name)).unwrap_or_default()
}

/// An envelope: the version marker, and none of the state's contents in the clear.
fn assert_sealed(text: &str, what: &str) {
    assert!(
        text.contains("\"encryption_version\":\"v0\""),
        "{what}: {text}"
    );
    assert!(
        text.contains("\"key_provider.pbkdf2.main\""),
        "{what}: {text}"
    );
    assert!(!text.contains("terraform_data"), "{what} leaks: {text}");
}

#[test]
fn the_state_its_backup_and_its_history_are_written_encrypted_and_read_back() {
    let w = Work::new(&[
        ("enc.tf", &encryption(ENCRYPTED, false)),
        ("main.tf", &resources("one")),
    ]);
    w.run(&["apply", "-auto-approve"]).expect(0);
    let state = read(&w, "terraform.tfstate");
    assert_sealed(&state, "state");
    assert!(state.starts_with("{\"serial\":1,\"lineage\":\""), "{state}");
    let list = w.run(&["state", "list"]).expect(0);
    assert_eq!(list.stdout(), "terraform_data.a\nterraform_data.b\n");
    w.write("main.tf", &resources("two"));
    let r = w.run(&["apply", "-auto-approve"]).expect(0);
    assert!(
        r.stdout().contains("2 changed") || r.stdout().contains("Resources:"),
        "{}",
        r.stdout()
    );
    assert_sealed(&read(&w, "terraform.tfstate.backup"), "backup");
    let history = std::fs::read(w.path().join("terraform.tfstate.history")).unwrap_or_default();
    assert!(
        !history
            .windows(5)
            .any(|x| x == b"\"aws\"" || x == b"rate\""),
        "history in the clear"
    );
    let pulled = w.run(&["state", "pull"]).expect(0);
    assert!(pulled.stdout().contains("\"input\""), "{}", pulled.stdout());
    assert!(
        pulled.stdout().contains("\"serial\": 2"),
        "{}",
        pulled.stdout()
    );
    let output = w.run(&["show", "-json"]).expect(0);
    assert!(output.stdout().contains("\"two\""), "{}", output.stdout());
    assert!(!std::path::Path::new(&w.path().join("terraform.tfstate.journal")).exists());
}

#[test]
fn a_modified_state_is_refused_and_left_as_it_was() {
    let w = Work::new(&[
        ("enc.tf", &encryption(ENCRYPTED, false)),
        ("main.tf", &resources("one")),
    ]);
    w.run(&["apply", "-auto-approve"]).expect(0);
    let path = w.path().join("terraform.tfstate");
    let mut doc: serde_json::Value = serde_json::from_str(&read(&w, "terraform.tfstate")).unwrap();
    let data = doc["encrypted_data"].as_str().unwrap().to_string();
    // Change one base64 digit in the middle of the ciphertext.
    let mid = data.len() / 2;
    let flipped = if &data[mid..=mid] == "A" { "B" } else { "A" };
    doc["encrypted_data"] = format!("{}{flipped}{}", &data[..mid], &data[mid + 1..]).into();
    let tampered = serde_json::to_string(&doc).unwrap();
    std::fs::write(&path, &tampered).unwrap();
    w.write("main.tf", &resources("two"));
    for args in [
        &["plan"][..],
        &["apply", "-auto-approve"],
        &["state", "list"],
        &["destroy", "-auto-approve"],
    ] {
        let r = w.run(args).expect(1);
        let err = flat(&r.stderr());
        assert!(
            err.contains("message authentication failed"),
            "{args:?}: {err}"
        );
        assert!(err.contains("terraform.tfstate"), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
        assert_eq!(
            read(&w, "terraform.tfstate"),
            tampered,
            "{args:?} changed the state"
        );
        assert!(!path.with_extension("tfstate.backup").exists());
    }
}

#[test]
fn a_wrong_passphrase_is_a_clear_error_that_never_shows_a_passphrase() {
    let w = Work::new(&[
        ("enc.tf", &encryption(ENCRYPTED, false)),
        ("main.tf", &resources("one")),
    ]);
    w.run(&["apply", "-auto-approve"]).expect(0);
    let before = read(&w, "terraform.tfstate");
    let wrong = "key_provider \"pbkdf2\" \"main\" { passphrase = \"this is not the passphrase\" }";
    let r = w
        .run_env(&["apply", "-auto-approve"], &[("TF_ENCRYPTION", wrong)])
        .expect(1);
    let err = flat(&r.stderr());
    assert!(err.contains("Failed to load state"), "{err}");
    assert!(
        err.contains("decryption failed for all provided methods"),
        "{err}"
    );
    assert!(
        !err.contains("this is not the passphrase") && !err.contains(PASS),
        "{err}"
    );
    assert_eq!(read(&w, "terraform.tfstate"), before);
    // A passphrase too short is a configuration error at the key provider, located.
    let short = Work::new(&[(
        "main.tf",
        &encryption(ENCRYPTED, false).replace(PASS, "short"),
    )]);
    let r = short.run(&["plan"]).expect(1);
    let err = flat(&r.stderr());
    assert!(
        err.contains("passphrase is too short (minimum 16 characters)"),
        "{err}"
    );
    assert!(
        err.contains("main.tf line 3") || err.contains("main.tf:3"),
        "{err}"
    );
}

#[test]
fn fallback_migrates_an_unencrypted_state_to_encrypted_and_back() {
    let w = Work::new(&[("main.tf", &resources("one"))]);
    w.run(&["apply", "-auto-approve"]).expect(0);
    assert!(read(&w, "terraform.tfstate").contains("terraform_data"));
    // Encryption without a fallback refuses to read the plaintext state.
    w.write("enc.tf", &encryption(ENCRYPTED, false));
    let r = w.run(&["plan"]).expect(1);
    assert!(
        flat(&r.stderr()).contains("unencrypted state without the unencrypted method"),
        "{}",
        r.stderr()
    );
    // With the unencrypted fallback it reads it, and writes it encrypted.
    let migrate_in = format!("{ENCRYPTED}\n fallback {{ method = method.unencrypted.migrate }}");
    w.write("enc.tf", &encryption(&migrate_in, false));
    w.write("main.tf", &resources("two"));
    w.run(&["apply", "-auto-approve"]).expect(0);
    assert_sealed(&read(&w, "terraform.tfstate"), "migrated state");
    // And back: written unencrypted, read through the aes_gcm fallback.
    let migrate_out =
        "method = method.unencrypted.migrate\n fallback { method = method.aes_gcm.main }";
    w.write("enc.tf", &encryption(migrate_out, false));
    w.write("main.tf", &resources("three"));
    w.run(&["apply", "-auto-approve"]).expect(0);
    let plain = w.state();
    assert_eq!(plain["serial"], 3);
    assert_eq!(
        plain["resources"][0]["instances"][0]["attributes"]["input"]["value"],
        "three"
    );
    // `enforced` forbids the unencrypted method.
    let enforced = format!("{migrate_out}\n enforced = true");
    w.write("enc.tf", &encryption(&enforced, false));
    let r = w.run(&["plan"]).expect(1);
    assert!(
        flat(&r.stderr()).contains("Unencrypted method is forbidden"),
        "{}",
        r.stderr()
    );
}

#[test]
fn saved_plans_are_encrypted_with_the_plan_target() {
    let w = Work::new(&[
        ("enc.tf", &encryption(ENCRYPTED, true)),
        ("main.tf", &resources("one")),
    ]);
    w.run(&["plan", "-out=tfplan"]).expect(0);
    let plan = read(&w, "tfplan");
    assert!(
        plan.starts_with("{\"meta\":{\"key_provider.pbkdf2.main\":"),
        "{plan}"
    );
    assert!(
        !plan.contains("autostack-plan") && !plan.contains("terraform_data"),
        "{plan}"
    );
    let shown = w.run(&["show", "-json", "tfplan"]).expect(0);
    assert!(
        shown.stdout().contains("\"resource_changes\""),
        "{}",
        shown.stdout()
    );
    // Another passphrase cannot apply it.
    let wrong = "key_provider \"pbkdf2\" \"main\" { passphrase = \"this is not the passphrase\" }";
    let r = w
        .run_env(&["apply", "tfplan"], &[("TF_ENCRYPTION", wrong)])
        .expect(1);
    assert!(
        flat(&r.stderr()).contains("decryption failed"),
        "{}",
        r.stderr()
    );
    assert!(!w.path().join("terraform.tfstate").exists());
    w.run(&["apply", "tfplan"]).expect(0);
    assert_sealed(&read(&w, "terraform.tfstate"), "state");
    // Without a plan target, an encrypted plan is named as such.
    w.write("enc.tf", &encryption(ENCRYPTED, false));
    let r = w.run(&["apply", "tfplan"]).expect(1);
    assert!(
        flat(&r.stderr()).contains("is encrypted, and no plan encryption is configured"),
        "{}",
        r.stderr()
    );
}

#[test]
fn tf_encryption_alone_configures_encryption_in_json_or_hcl() {
    let json = format!(
        r#"{{"key_provider": {{"pbkdf2": {{"main": {{"passphrase": "{PASS}", "iterations": 200000}}}}}},
 "method": {{"aes_gcm": {{"main": {{"keys": "key_provider.pbkdf2.main"}}}}}},
 "state": {{"method": "method.aes_gcm.main"}}}}"#
    );
    let w = Work::new(&[("main.tf", &resources("one"))]);
    w.run_env(&["apply", "-auto-approve"], &[("TF_ENCRYPTION", &json)])
        .expect(0);
    assert_sealed(&read(&w, "terraform.tfstate"), "state");
    let r = w.run(&["state", "list"]).expect(1);
    assert!(
        flat(&r.stderr()).contains(
            "is encrypted (OpenTofu's encryption format), and no encryption method is configured"
        ),
        "{}",
        r.stderr()
    );
    let hcl = encryption(ENCRYPTED, false);
    let body = hcl
        .trim()
        .strip_prefix("terraform {\n  encryption {")
        .and_then(|b| b.strip_suffix("}\n}"))
        .unwrap();
    let r = w
        .run_env(&["state", "list"], &[("TF_ENCRYPTION", body)])
        .expect(0);
    assert_eq!(r.stdout(), "terraform_data.a\nterraform_data.b\n");
    let bad = w
        .run_env(
            &["state", "list"],
            &[("TF_ENCRYPTION", "state { method = 1 }")],
        )
        .expect(1);
    assert!(
        flat(&bad.stderr()).contains("Expected method of form method.<type>.<name>"),
        "{}",
        bad.stderr()
    );
}

#[test]
fn a_state_encrypted_by_opentofus_scheme_opens() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../state/tests/fixtures/opentofu-encryption/terraform.tfstate.encrypted");
    let w = Work::new(&[("enc.tf", &encryption(ENCRYPTED, false))]);
    std::fs::copy(&fixture, w.path().join("terraform.tfstate")).unwrap();
    let r = w.run(&["state", "list"]).expect(0);
    assert_eq!(
        r.stdout(),
        "terraform_data.keyed[\"x\"]\nterraform_data.keyed[\"y\"]\nterraform_data.many[0]\nterraform_data.many[1]\nterraform_data.one\nmodule.child.terraform_data.c\n"
    );
}

#[test]
fn state_versions_are_encrypted_and_a_rollback_reads_them() {
    let secret = "hunter2-in-a-variable";
    let vars = format!(
        "variable \"pw\" {{\n  type      = string\n  sensitive = true\n  default   = \"{secret}\"\n}}\n"
    );
    let w = Work::new(&[
        ("enc.tf", &encryption(ENCRYPTED, false)),
        ("vars.tf", &vars),
        ("main.tf", &resources("one")),
    ]);
    w.run(&["apply", "-auto-approve"]).expect(0);
    w.write("main.tf", &resources("two"));
    w.run(&["apply", "-auto-approve", "-var", "pw=other"])
        .expect(0);
    let dir = w.path().join("terraform.tfstate.versions");
    let mut parts = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        assert_sealed(&text, "state version");
        assert!(
            !text.contains(secret) && !text.contains("\"one\""),
            "{text}"
        );
        parts += 1;
    }
    assert_eq!(parts, 4, "a meta and a body for each of two versions");
    let listed = w.run(&["state", "history", "-json"]).expect(0).stdout();
    assert!(listed.contains("\"serial\":2"), "{listed}");
    w.run(&["rollback", "-to=1", "-auto-approve"]).expect(0);
    let shown = w.run(&["show", "-json"]).expect(0).stdout();
    assert!(shown.contains("\"one\""), "{shown}");
    // Without the passphrase the history is as unreadable as the state.
    w.write("enc.tf", "");
    let r = w.run(&["state", "history"]).expect(1);
    assert!(flat(&r.stderr()).contains("encrypted"), "{}", r.stderr());
}
