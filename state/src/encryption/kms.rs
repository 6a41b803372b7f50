//! OpenTofu's `aws_kms` key provider: a data key from AWS KMS (`GenerateDataKey` of the
//! configured `key_spec` under `kms_key_id`), stored wrapped beside the data and unwrapped
//! with `Decrypt` when read.
//!
//! Metadata (Go's JSON of OpenTofu's struct): `{"ciphertext_blob":"B64"}`, plus
//! `"encryption_context":{...}` when one is configured (sent with both calls).
//!
//! The [`Encryptor`](crate::Encryptor) seam is synchronous, so KMS is called from a thread of
//! the provider's own that owns a Tokio runtime and the client: a caller blocks for the
//! round trip (once per data key: keys are kept for the life of the provider), and the
//! runtime is never dropped inside the caller's.

use std::collections::BTreeMap;

/// The arguments of `key_provider "aws_kms" "NAME" {}` this build uses (the authentication
/// arguments are the s3 backend's, as in OpenTofu).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct AwsKmsSettings {
    /// `kms_key_id`: key ID, ARN or alias.
    pub kms_key_id: String,
    /// `key_spec`: `AES_256` or `AES_128`.
    pub key_spec: String,
    /// `encryption_context`, sent with every call and stored in the metadata.
    pub encryption_context: BTreeMap<String, String>,
    /// `region` (else `AWS_REGION` / `AWS_DEFAULT_REGION`).
    pub region: Option<String>,
    /// `access_key`.
    pub access_key: Option<String>,
    /// `secret_key`.
    pub secret_key: Option<String>,
    /// `token`.
    pub token: Option<String>,
    /// `profile`.
    pub profile: Option<String>,
    /// The KMS endpoint (`AWS_ENDPOINT_URL_KMS`, else `AWS_ENDPOINT_URL`: how tests reach
    /// moto), `None` for AWS's.
    pub endpoint: Option<String>,
}

impl std::fmt::Debug for AwsKmsSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Credentials are never printed.
        f.debug_struct("AwsKmsSettings")
            .field("kms_key_id", &self.kms_key_id)
            .field("key_spec", &self.key_spec)
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

impl AwsKmsSettings {
    /// OpenTofu's checks of the arguments, with its messages.
    pub fn validate(&self) -> Result<(), String> {
        if self.kms_key_id.is_empty() {
            return Err("no kms_key_id provided".into());
        }
        if self.key_spec.is_empty() {
            return Err("no key_spec provided".into());
        }
        if self.key_length().is_none() {
            return Err(format!(
                "invalid key_spec {}, expected one of [AES_256 AES_128]",
                self.key_spec
            ));
        }
        Ok(())
    }

    /// The data key's length for `key_spec`.
    pub fn key_length(&self) -> Option<usize> {
        match self.key_spec.as_str() {
            "AES_256" => Some(32),
            "AES_128" => Some(16),
            _ => None,
        }
    }
}

#[cfg(feature = "aws_kms")]
pub use client::AwsKmsProvider;

#[cfg(feature = "aws_kms")]
mod client {
    use super::AwsKmsSettings;
    use crate::encryption::KeyProvider;
    use crate::error::{Result, StateError};
    use aws_sdk_kms::primitives::Blob;
    use aws_sdk_kms::types::DataKeySpec;
    use base64::engine::general_purpose::STANDARD as B64;
    use base64::Engine;
    use serde::{Deserialize, Serialize};
    use std::collections::{BTreeMap, HashMap};
    use std::sync::mpsc;
    use std::sync::{Mutex, OnceLock};

    /// The metadata stored beside data encrypted with a KMS data key.
    #[derive(Serialize, Deserialize, Default)]
    struct Meta {
        #[serde(default)]
        ciphertext_blob: Option<String>,
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        encryption_context: BTreeMap<String, String>,
    }

    /// A data key: plaintext and wrapped.
    type DataKey = (Vec<u8>, Vec<u8>);

    /// A KMS call, run on the provider's thread.
    enum Call {
        Generate(mpsc::Sender<Result<DataKey, String>>),
        Decrypt(
            Vec<u8>,
            BTreeMap<String, String>,
            mpsc::Sender<Result<Vec<u8>, String>>,
        ),
    }

    /// A configured aws_kms key provider.
    pub struct AwsKmsProvider {
        settings: AwsKmsSettings,
        calls: Mutex<mpsc::Sender<Call>>,
        encryption: OnceLock<(Vec<u8>, Vec<u8>)>,
        /// Unwrapped data keys by their wrapped form.
        unwrapped: Mutex<HashMap<Vec<u8>, Vec<u8>>>,
    }

    impl AwsKmsProvider {
        /// The provider for `settings` (checked), with its KMS thread started.
        pub fn new(settings: AwsKmsSettings) -> std::result::Result<AwsKmsProvider, String> {
            settings.validate()?;
            let (tx, rx) = mpsc::channel::<Call>();
            let worker = settings.clone();
            std::thread::Builder::new()
                .name("aws-kms".into())
                .spawn(move || serve(worker, rx))
                .map_err(|e| format!("cannot start the KMS client: {e}"))?;
            Ok(AwsKmsProvider {
                settings,
                calls: Mutex::new(tx),
                encryption: OnceLock::new(),
                unwrapped: Mutex::new(HashMap::new()),
            })
        }

        fn call<T>(&self, make: impl FnOnce(mpsc::Sender<T>) -> Call) -> Result<T> {
            let (tx, rx) = mpsc::channel();
            let sent = self
                .calls
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .send(make(tx));
            sent.ok()
                .and_then(|()| rx.recv().ok())
                .ok_or_else(|| StateError::Encryption("the KMS client stopped".into()))
        }
    }

    impl KeyProvider for AwsKmsProvider {
        fn key_length(&self) -> Option<usize> {
            self.settings.key_length()
        }

        fn encryption_key(&self) -> Result<(Vec<u8>, Vec<u8>)> {
            if let Some(k) = self.encryption.get() {
                return Ok(k.clone());
            }
            let (key, wrapped) = self
                .call(Call::Generate)?
                .map_err(|e| StateError::Encryption(format!("failed to generate key: {e}")))?;
            let meta = Meta {
                ciphertext_blob: Some(B64.encode(&wrapped)),
                encryption_context: self.settings.encryption_context.clone(),
            };
            let json = serde_json::to_vec(&meta).expect("metadata serializes");
            Ok(self.encryption.get_or_init(|| (key, json)).clone())
        }

        fn decryption_key(&self, meta: Option<&[u8]>) -> Result<Vec<u8>> {
            let meta: Meta = match meta {
                Some(b) => serde_json::from_slice(b).map_err(|e| {
                    StateError::Encryption(format!("Unable to decode encrypted metadata (did you change your encryption config?): {e}"))
                })?,
                None => Meta::default(),
            };
            let wrapped = match meta.ciphertext_blob.filter(|b| !b.is_empty()) {
                Some(b64) => B64.decode(b64.as_bytes()).map_err(|e| {
                    StateError::Encryption(format!("invalid aws_kms metadata: {e}"))
                })?,
                None => {
                    return Err(StateError::Encryption(
                        "the decryption key is unavailable: the data has no aws_kms metadata for this key provider".into(),
                    ))
                }
            };
            if let Some(k) = self
                .unwrapped
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get(&wrapped)
            {
                return Ok(k.clone());
            }
            let context = meta.encryption_context;
            let key = self
                .call(|tx| Call::Decrypt(wrapped.clone(), context, tx))?
                .map_err(StateError::Encryption)?;
            let mut unwrapped = self.unwrapped.lock().unwrap_or_else(|e| e.into_inner());
            unwrapped.insert(wrapped, key.clone());
            Ok(key)
        }
    }

    /// The provider's thread: one runtime and one client, calls answered in order.
    fn serve(settings: AwsKmsSettings, calls: mpsc::Receiver<Call>) {
        let rt = match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(rt) => rt,
            Err(_) => return,
        };
        let client = rt.block_on(client(&settings));
        for call in calls {
            match call {
                Call::Generate(reply) => {
                    let _ = reply.send(rt.block_on(generate(&client, &settings)));
                }
                Call::Decrypt(blob, context, reply) => {
                    let _ = reply.send(rt.block_on(decrypt(&client, &settings, blob, context)));
                }
            }
        }
    }

    async fn client(s: &AwsKmsSettings) -> aws_sdk_kms::Client {
        let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest());
        if let Some(region) = &s.region {
            loader = loader.region(aws_config::Region::new(region.clone()));
        }
        if let Some(profile) = &s.profile {
            loader = loader.profile_name(profile);
        }
        if let (Some(ak), Some(sk)) = (&s.access_key, &s.secret_key) {
            loader = loader.credentials_provider(aws_credential_types::Credentials::new(
                ak.clone(),
                sk.clone(),
                s.token.clone(),
                None,
                "autostack-encryption",
            ));
        }
        if let Some(url) = &s.endpoint {
            loader = loader.endpoint_url(url.clone());
        }
        aws_sdk_kms::Client::new(&loader.load().await)
    }

    fn context(c: &BTreeMap<String, String>) -> Option<HashMap<String, String>> {
        (!c.is_empty()).then(|| c.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
    }

    async fn generate(
        client: &aws_sdk_kms::Client,
        s: &AwsKmsSettings,
    ) -> std::result::Result<DataKey, String> {
        let out = client
            .generate_data_key()
            .key_id(&s.kms_key_id)
            .key_spec(DataKeySpec::from(s.key_spec.as_str()))
            .set_encryption_context(context(&s.encryption_context))
            .send()
            .await
            .map_err(|e| aws_sdk_kms::error::DisplayErrorContext(e).to_string())?;
        match (out.plaintext, out.ciphertext_blob) {
            (Some(p), Some(c)) => Ok((p.into_inner(), c.into_inner())),
            _ => Err("KMS returned no data key".into()),
        }
    }

    async fn decrypt(
        client: &aws_sdk_kms::Client,
        s: &AwsKmsSettings,
        blob: Vec<u8>,
        context_in: BTreeMap<String, String>,
    ) -> std::result::Result<Vec<u8>, String> {
        let out = client
            .decrypt()
            .key_id(&s.kms_key_id)
            .ciphertext_blob(Blob::new(blob))
            .set_encryption_context(context(&context_in))
            .send()
            .await
            .map_err(|e| aws_sdk_kms::error::DisplayErrorContext(e).to_string())?;
        out.plaintext
            .map(|p| p.into_inner())
            .ok_or_else(|| "KMS returned no plaintext".into())
    }
}
