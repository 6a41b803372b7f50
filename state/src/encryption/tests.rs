use super::*;

const PASS: &str = "correct horse battery staple, twice";

fn pbkdf2(name: &str, passphrase: &str) -> KeyProviderConfig {
    KeyProviderConfig {
        name: name.into(),
        encrypted_metadata_alias: None,
        settings: KeyProviderSettings::Pbkdf2(Pbkdf2Settings {
            passphrase: passphrase.into(),
            iterations: pbkdf2::MINIMUM_ITERATIONS,
            ..Pbkdf2Settings::default()
        }),
    }
}

fn aes(name: &str, provider: &str) -> MethodConfig {
    MethodConfig::AesGcm {
        name: name.into(),
        keys: format!("key_provider.pbkdf2.{provider}"),
        aad: Vec::new(),
    }
}

fn unencrypted() -> MethodConfig {
    MethodConfig::Unencrypted {
        name: "migrate".into(),
    }
}

fn target(methods: &[&str]) -> TargetConfig {
    TargetConfig {
        methods: methods.iter().map(|m| m.to_string()).collect(),
        enforced: false,
    }
}

fn encryptor(
    providers: &[KeyProviderConfig],
    methods: &[MethodConfig],
    chain: &[&str],
) -> Arc<dyn Encryptor> {
    Keyring::new(providers, methods)
        .unwrap()
        .target(Some(&target(chain)), Target::State)
        .unwrap()
}

const STATE: &[u8] = br#"{"version":4,"terraform_version":"1.11.4","serial":3,"lineage":"L-1","outputs":{},"resources":[]}"#;

#[test]
fn a_state_round_trips_and_its_envelope_shows_only_serial_and_lineage() {
    let enc = encryptor(
        &[pbkdf2("main", PASS)],
        &[aes("main", "main")],
        &["method.aes_gcm.main"],
    );
    let stored = enc.encrypt(STATE.to_vec()).unwrap();
    let text = String::from_utf8(stored.clone()).unwrap();
    assert!(
        text.starts_with(r#"{"serial":3,"lineage":"L-1","meta":{"key_provider.pbkdf2.main":""#),
        "{text}"
    );
    assert!(text.ends_with(r#","encryption_version":"v0"}"#), "{text}");
    assert!(!text.contains("terraform_version"));
    assert_eq!(enc.decrypt(stored).unwrap(), STATE);
}

#[test]
fn a_state_encrypted_by_opentofus_scheme_opens_and_is_written_byte_for_byte_alike() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let sealed =
        std::fs::read(dir.join("opentofu-encryption/terraform.tfstate.encrypted")).unwrap();
    let plain = std::fs::read(dir.join("terraform-1.11.4.tfstate")).unwrap();
    let enc = encryptor(
        &[pbkdf2("main", PASS)],
        &[aes("main", "main")],
        &["method.aes_gcm.main"],
    );
    assert_eq!(enc.decrypt(sealed.clone()).unwrap(), plain);
    // The same salt and nonce give the same bytes: our envelope is OpenTofu's.
    let env = Envelope::decode(&sealed).unwrap().unwrap();
    let meta_json = &env.meta["key_provider.pbkdf2.main"];
    let meta: pbkdf2::Metadata = serde_json::from_slice(meta_json).unwrap();
    assert_eq!(serde_json::to_vec(&meta).unwrap(), *meta_json);
    let key = pbkdf2::derive(PASS.as_bytes(), &meta);
    let nonce: [u8; 12] = env.data[..12].try_into().unwrap();
    let again = Envelope {
        passthrough: Some(serde_json::from_slice(&plain).unwrap()),
        meta: env.meta.clone(),
        data: aes_gcm::seal_with_nonce(&key, b"", &nonce, &plain).unwrap(),
    };
    assert_eq!(
        String::from_utf8(again.encode()).unwrap(),
        String::from_utf8(sealed).unwrap()
    );
}

#[test]
fn a_wrong_passphrase_or_a_modified_byte_is_an_authentication_failure() {
    let enc = encryptor(
        &[pbkdf2("main", PASS)],
        &[aes("main", "main")],
        &["method.aes_gcm.main"],
    );
    let stored = enc.encrypt(STATE.to_vec()).unwrap();
    let wrong = encryptor(
        &[pbkdf2("main", "not the passphrase at all")],
        &[aes("main", "main")],
        &["method.aes_gcm.main"],
    );
    let err = wrong.decrypt(stored.clone()).unwrap_err().to_string();
    assert!(
        err.contains("decryption failed for all provided methods"),
        "{err}"
    );
    assert!(err.contains("message authentication failed"), "{err}");
    assert!(!err.contains("not the passphrase"), "{err}");
    // Flip one bit of the ciphertext inside the base64 text.
    let mut env = Envelope::decode(&stored).unwrap().unwrap();
    let last = env.data.len() - 20;
    env.data[last] ^= 0x04;
    let err = enc.decrypt(env.encode()).unwrap_err().to_string();
    assert!(err.contains("message authentication failed"), "{err}");
    // The clear serial must match the encrypted one.
    let mut env = Envelope::decode(&stored).unwrap().unwrap();
    env.passthrough = Some(Passthrough {
        serial: Some(9),
        lineage: "L-1".into(),
    });
    let err = enc.decrypt(env.encode()).unwrap_err().to_string();
    assert!(err.contains("serial field mismatch 9 vs 3"), "{err}");
}

#[test]
fn unencrypted_state_is_refused_unless_the_unencrypted_method_is_in_the_chain() {
    let providers = [pbkdf2("main", PASS)];
    let methods = [aes("main", "main"), unencrypted()];
    let strict = encryptor(&providers, &methods, &["method.aes_gcm.main"]);
    let err = strict.decrypt(STATE.to_vec()).unwrap_err().to_string();
    assert!(
        err.contains("unencrypted state without the unencrypted method"),
        "{err}"
    );
    // Migrating in: read plaintext through the fallback, write encrypted.
    let migrate_in = encryptor(
        &providers,
        &methods,
        &["method.aes_gcm.main", "method.unencrypted.migrate"],
    );
    assert_eq!(migrate_in.decrypt(STATE.to_vec()).unwrap(), STATE);
    let sealed = migrate_in.encrypt(STATE.to_vec()).unwrap();
    assert!(Envelope::decode(&sealed).is_some());
    // Migrating out: read encrypted through the fallback, write plaintext.
    let migrate_out = encryptor(
        &providers,
        &methods,
        &["method.unencrypted.migrate", "method.aes_gcm.main"],
    );
    assert_eq!(migrate_out.decrypt(sealed).unwrap(), STATE);
    assert_eq!(migrate_out.encrypt(STATE.to_vec()).unwrap(), STATE);
}

#[test]
fn key_rollover_reads_with_the_fallback_and_writes_with_the_new_key() {
    let old = encryptor(
        &[pbkdf2("old", PASS)],
        &[aes("old", "old")],
        &["method.aes_gcm.old"],
    );
    let sealed = old.encrypt(STATE.to_vec()).unwrap();
    let providers = [
        pbkdf2("old", PASS),
        pbkdf2("new", "a brand new passphrase here"),
    ];
    let methods = [aes("old", "old"), aes("new", "new")];
    let rolled = encryptor(
        &providers,
        &methods,
        &["method.aes_gcm.new", "method.aes_gcm.old"],
    );
    assert_eq!(rolled.decrypt(sealed).unwrap(), STATE);
    let resealed = rolled.encrypt(STATE.to_vec()).unwrap();
    let env = Envelope::decode(&resealed).unwrap().unwrap();
    assert_eq!(
        env.meta.keys().collect::<Vec<_>>(),
        ["key_provider.pbkdf2.new"]
    );
    let err = old.decrypt(resealed).unwrap_err().to_string();
    assert!(err.contains("no pbkdf2 metadata"), "{err}");
}

#[test]
fn an_alias_names_the_metadata_and_aad_must_match() {
    let mut p = pbkdf2("main", PASS);
    p.encrypted_metadata_alias = Some("shared".into());
    let with_aad = |aad: &[u8]| {
        let m = MethodConfig::AesGcm {
            name: "main".into(),
            keys: "key_provider.pbkdf2.main".into(),
            aad: aad.to_vec(),
        };
        encryptor(std::slice::from_ref(&p), &[m], &["method.aes_gcm.main"])
    };
    let sealed = with_aad(b"one").encrypt(STATE.to_vec()).unwrap();
    let env = Envelope::decode(&sealed).unwrap().unwrap();
    assert!(env.meta.contains_key("shared"));
    assert_eq!(with_aad(b"one").decrypt(sealed.clone()).unwrap(), STATE);
    assert!(with_aad(b"two").decrypt(sealed).is_err());
}

#[test]
fn plans_have_no_clear_fields_and_configuration_errors_are_named() {
    let ring = Keyring::new(
        &[pbkdf2("main", PASS)],
        &[aes("main", "main"), unencrypted()],
    )
    .unwrap();
    let plan = ring
        .target(Some(&target(&["method.aes_gcm.main"])), Target::Plan)
        .unwrap();
    let sealed = plan
        .encrypt(b"{\"format\":\"autostack-plan\"}".to_vec())
        .unwrap();
    assert!(sealed.starts_with(b"{\"meta\":{"));
    assert_eq!(
        plan.decrypt(sealed).unwrap(),
        b"{\"format\":\"autostack-plan\"}"
    );
    assert_eq!(
        ring.target(None, Target::Plan)
            .unwrap()
            .encrypt(b"x".to_vec())
            .unwrap(),
        b"x"
    );
    let errors = [
        (
            ring.target(Some(&target(&["method.aes_gcm.nope"])), Target::State),
            "undeclared encryption method method.aes_gcm.nope",
        ),
        (
            ring.target(
                Some(&TargetConfig {
                    enforced: true,
                    ..target(&["method.aes_gcm.main", "method.unencrypted.migrate"])
                }),
                Target::State,
            ),
            "Unencrypted method is forbidden",
        ),
        (
            Keyring::new(&[], &[aes("main", "missing")])
                .unwrap()
                .target(Some(&target(&["method.aes_gcm.main"])), Target::State),
            "undeclared key provider key_provider.pbkdf2.missing",
        ),
    ];
    for (got, want) in errors {
        let err = got.err().expect(want).to_string();
        assert!(err.contains(want), "{err}");
    }
    let short = Keyring::new(&[pbkdf2("main", "short")], &[])
        .err()
        .unwrap()
        .to_string();
    assert!(
        short.contains("key_provider.pbkdf2.main failed with error: passphrase is too short"),
        "{short}"
    );
    let mut odd = pbkdf2("odd", PASS);
    if let KeyProviderSettings::Pbkdf2(s) = &mut odd.settings {
        s.key_length = 20;
    }
    let ring = Keyring::new(&[odd], &[aes("m", "odd")]).unwrap();
    let err = ring
        .target(Some(&target(&["method.aes_gcm.m"])), Target::State)
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("received 20 bytes"), "{err}");
}
