//! OpenTofu's aws_kms key provider against moto's KMS: the data key is generated under the
//! configured KMS key, stored wrapped in the envelope's metadata as OpenTofu stores it, and
//! unwrapped with `Decrypt` (with the encryption context) to read.
#![cfg(feature = "aws_kms")]

mod support;

use autostack_state::encryption::{
    AwsKmsSettings, Envelope, KeyProviderConfig, KeyProviderSettings, Keyring, MethodConfig,
    Target, TargetConfig,
};
use base64::Engine;

async fn kms_key(url: &str) -> String {
    let conf = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(aws_credential_types::Credentials::new(
            "testing", "testing", None, None, "test",
        ))
        .endpoint_url(url)
        .load()
        .await;
    let client = aws_sdk_kms::Client::new(&conf);
    let key = client.create_key().send().await.expect("create key");
    key.key_metadata.expect("metadata").key_id
}

fn settings(url: &str, key_id: &str, context: &[(&str, &str)]) -> AwsKmsSettings {
    AwsKmsSettings {
        kms_key_id: key_id.into(),
        key_spec: "AES_256".into(),
        encryption_context: context
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        region: Some("us-east-1".into()),
        access_key: Some("testing".into()),
        secret_key: Some("testing".into()),
        endpoint: Some(url.into()),
        ..AwsKmsSettings::default()
    }
}

fn encryptor(s: AwsKmsSettings) -> std::sync::Arc<dyn autostack_state::Encryptor> {
    let providers = [KeyProviderConfig {
        name: "kms".into(),
        encrypted_metadata_alias: None,
        settings: KeyProviderSettings::AwsKms(s),
    }];
    let methods = [MethodConfig::AesGcm {
        name: "main".into(),
        keys: "key_provider.aws_kms.kms".into(),
        aad: Vec::new(),
    }];
    let target = TargetConfig {
        methods: vec!["method.aes_gcm.main".into()],
        enforced: false,
    };
    Keyring::new(&providers, &methods)
        .unwrap()
        .target(Some(&target), Target::State)
        .unwrap()
}

const STATE: &[u8] = br#"{"version":4,"terraform_version":"1.11.4","serial":2,"lineage":"K","outputs":{},"resources":[]}"#;

#[tokio::test(flavor = "multi_thread")]
async fn a_kms_data_key_encrypts_the_state_and_only_that_key_and_context_open_it() {
    let url = support::moto_url();
    let key_id = kms_key(&url).await;
    let writer = encryptor(settings(&url, &key_id, &[("project", "autostack")]));
    let sealed = tokio::task::spawn_blocking(move || {
        let first = writer.encrypt(STATE.to_vec()).unwrap();
        // One data key per provider: the second write reuses it.
        let second = writer.encrypt(STATE.to_vec()).unwrap();
        (first, second)
    })
    .await
    .unwrap();
    let (first, second) = sealed;
    let env = Envelope::decode(&first).unwrap().unwrap();
    let meta: serde_json::Value =
        serde_json::from_slice(&env.meta["key_provider.aws_kms.kms"]).unwrap();
    let keys: Vec<&String> = meta.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["ciphertext_blob", "encryption_context"]);
    assert_eq!(meta["encryption_context"]["project"], "autostack");
    let blob = base64::engine::general_purpose::STANDARD
        .decode(meta["ciphertext_blob"].as_str().unwrap())
        .unwrap();
    assert!(!blob.is_empty());
    assert_eq!(
        Envelope::decode(&second).unwrap().unwrap().meta,
        env.meta,
        "one data key"
    );

    // A fresh process (a new provider) unwraps the data key through KMS and reads.
    let reader = encryptor(settings(&url, &key_id, &[("project", "autostack")]));
    let sealed = first.clone();
    let plain = tokio::task::spawn_blocking(move || reader.decrypt(sealed))
        .await
        .unwrap();
    assert_eq!(plain.unwrap(), STATE);

    // The data key's context is in the metadata, so KMS gets the one it was made with; a
    // wrapped key whose context was changed is refused by KMS.
    let mut forged = env.clone();
    let mut m = meta.clone();
    m["encryption_context"]["project"] = "other".into();
    forged.meta.insert(
        "key_provider.aws_kms.kms".into(),
        serde_json::to_vec(&m).unwrap(),
    );
    let reader = encryptor(settings(&url, &key_id, &[]));
    let err = tokio::task::spawn_blocking(move || reader.decrypt(forged.encode()))
        .await
        .unwrap()
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("decryption failed for all provided methods"),
        "{err}"
    );
}

#[test]
fn kms_settings_are_checked_with_opentofus_messages() {
    let mut s = settings("http://127.0.0.1:1", "", &[]);
    assert_eq!(s.validate().unwrap_err(), "no kms_key_id provided");
    s.kms_key_id = "k".into();
    s.key_spec = "RSA_2048".into();
    assert!(s
        .validate()
        .unwrap_err()
        .contains("invalid key_spec RSA_2048"));
    s.key_spec = "AES_128".into();
    assert_eq!(s.key_length(), Some(16));
    assert!(
        !format!("{s:?}").contains("testing"),
        "credentials are not printed"
    );
}
