//! A provider registry and a network mirror for tests, served by [`Server`]: the test
//! provider packed as Terraform's release zips, `SHA256SUMS` signed with an OpenPGP key made
//! for the test run, the registry protocol's `versions` and `download` documents, and the
//! network mirror protocol's `index.json` and `VERSION.json`.

use super::server::Server;
use super::{platform, testcloud_binary};
use crate::install::archive::h1_zip;
use crate::schema::hex;
use pgp::composed::{
    ArmorOptions, DetachedSignature, KeyType, SecretKeyParamsBuilder, SignedPublicKey,
    SignedSecretKey,
};
use pgp::crypto::hash::HashAlgorithm;
use pgp::ser::Serialize as _;
use pgp::types::Password;
use serde_json::json;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Mutex;

/// An OpenPGP signing key made for one test run (Ed25519: quick to make).
pub struct TestKey {
    secret: SignedSecretKey,
    /// The public key, ASCII-armored, as a registry lists it.
    pub public_armor: String,
    /// Its key ID as Terraform prints it.
    pub key_id: String,
}

impl TestKey {
    /// A new key for the user ID `uid`.
    pub fn generate(uid: &str) -> TestKey {
        let mut params = SecretKeyParamsBuilder::default();
        params
            .key_type(KeyType::Ed25519Legacy)
            .can_certify(true)
            .can_sign(true)
            .primary_user_id(uid.into());
        let secret = params
            .build()
            .expect("key parameters")
            .generate(rand::thread_rng())
            .expect("key generation");
        let public = SignedPublicKey::from(secret.clone());
        TestKey {
            public_armor: public
                .to_armored_string(ArmorOptions::default())
                .expect("armored key"),
            key_id: crate::install::signature::key_id(&public),
            secret,
        }
    }

    /// A binary detached signature over `document`, as `SHA256SUMS.sig` files are.
    pub fn sign(&self, document: &[u8]) -> Vec<u8> {
        DetachedSignature::sign_binary_data(
            rand::thread_rng(),
            &self.secret.primary_key,
            &Password::empty(),
            HashAlgorithm::Sha256,
            document,
        )
        .expect("signature")
        .to_bytes()
        .expect("signature bytes")
    }
}

/// The test provider's release zip for `version` and `platform`: the real executable for
/// this machine's platform, a stand-in file elsewhere (its bytes differ per platform).
pub fn package_zip(version: &str, platform_name: &str) -> Vec<u8> {
    // Deflating the 30 MB debug executable is the slow part of the tests: once per package.
    static MADE: Mutex<BTreeMap<(String, String), Vec<u8>>> = Mutex::new(BTreeMap::new());
    let key = (version.to_string(), platform_name.to_string());
    if let Some(z) = MADE.lock().expect("zips").get(&key) {
        return z.clone();
    }
    let zip = make_zip(version, platform_name);
    MADE.lock().expect("zips").insert(key, zip.clone());
    zip
}

fn make_zip(version: &str, platform_name: &str) -> Vec<u8> {
    let exe = format!("terraform-provider-testcloud_v{version}");
    let content = if platform_name == platform() {
        std::fs::read(testcloud_binary()).expect("test provider binary")
    } else {
        format!("terraform-provider-testcloud {version} for {platform_name}\n").into_bytes()
    };
    let mut out = std::io::Cursor::new(Vec::new());
    let mut w = zip::ZipWriter::new(&mut out);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o755);
    w.start_file(exe, opts).expect("zip entry");
    w.write_all(&content).expect("zip data");
    w.finish().expect("zip");
    out.into_inner()
}

/// What one published version consists of.
#[derive(Debug, Clone)]
pub struct Release {
    /// Archives by platform.
    pub zips: BTreeMap<String, Vec<u8>>,
    /// The `SHA256SUMS` document.
    pub shasums: String,
}

impl Release {
    /// Packs the test provider `version` for `platforms`.
    pub fn build(version: &str, platforms: &[&str]) -> Release {
        let mut zips = BTreeMap::new();
        let mut lines = Vec::new();
        for p in platforms {
            let zip = package_zip(version, p);
            lines.push(format!(
                "{}  terraform-provider-testcloud_{version}_{p}.zip\n",
                hex(&Sha256::digest(&zip))
            ));
            zips.insert(p.to_string(), zip);
        }
        lines.sort_by(|a, b| a[66..].cmp(&b[66..]));
        Release {
            zips,
            shasums: lines.concat(),
        }
    }

    /// Every archive's `zh:` hash.
    pub fn zh_hashes(&self) -> Vec<String> {
        self.zips
            .values()
            .map(|z| format!("zh:{}", hex(&Sha256::digest(z))))
            .collect()
    }
}

/// A provider registry for the test provider (`NAMESPACE/testcloud`) on a test server:
/// discovery at `/.well-known/terraform.json`, the protocol under `/v1/providers/`, files
/// under `/files/`.
pub struct TestRegistry {
    /// The server.
    pub server: Server,
    /// The key that signs the checksums.
    pub key: TestKey,
    namespace: String,
    versions: Mutex<BTreeMap<String, Vec<String>>>,
}

impl TestRegistry {
    /// A registry for `namespace/testcloud` on `server`.
    pub fn new(server: &Server, namespace: &str) -> TestRegistry {
        server.put_json(
            "/.well-known/terraform.json",
            &json!({"providers.v1": "/v1/providers/"}),
        );
        TestRegistry {
            server: server.clone(),
            key: TestKey::generate("AutoStack test registry <test@autostack.invalid>"),
            namespace: namespace.to_string(),
            versions: Mutex::new(BTreeMap::new()),
        }
    }

    /// The registry's base URL (`providers.v1`).
    pub fn providers_url(&self) -> String {
        format!("{}/v1/providers/", self.server.url())
    }

    /// Publishes `release` as `version`, signed with `signer`.
    pub fn publish(&self, version: &str, release: &Release, signer: &TestKey) {
        let ns = &self.namespace;
        let files = format!("/files/{ns}/testcloud/{version}");
        let base = format!("terraform-provider-testcloud_{version}");
        self.server.put(
            &format!("{files}/{base}_SHA256SUMS"),
            200,
            "text/plain",
            release.shasums.clone(),
        );
        self.server.put(
            &format!("{files}/{base}_SHA256SUMS.sig"),
            200,
            "application/octet-stream",
            signer.sign(release.shasums.as_bytes()),
        );
        for (p, zip) in &release.zips {
            let (os, arch) = p.split_once('_').expect("OS_ARCH");
            let filename = format!("{base}_{p}.zip");
            self.server.put(
                &format!("{files}/{filename}"),
                200,
                "application/zip",
                zip.clone(),
            );
            self.server.put_json(
                &format!("/v1/providers/{ns}/testcloud/{version}/download/{os}/{arch}"),
                &json!({
                    "protocols": ["5.0", "6.0"],
                    "os": os, "arch": arch, "filename": filename,
                    "download_url": format!("{}{files}/{filename}", self.server.url()),
                    "shasums_url": format!("{files}/{base}_SHA256SUMS"),
                    "shasums_signature_url": format!("{files}/{base}_SHA256SUMS.sig"),
                    "shasum": hex(&Sha256::digest(zip)),
                    "signing_keys": {"gpg_public_keys": [{
                        "key_id": self.key.key_id, "ascii_armor": self.key.public_armor,
                        "trust_signature": "", "source": "AutoStack", "source_url": null
                    }]}
                }),
            );
        }
        let mut versions = self.versions.lock().expect("versions");
        versions.insert(version.to_string(), release.zips.keys().cloned().collect());
        let list: Vec<serde_json::Value> = versions
            .iter()
            .map(|(v, ps)| {
                let platforms: Vec<serde_json::Value> = ps
                    .iter()
                    .map(|p| {
                        let (os, arch) = p.split_once('_').expect("OS_ARCH");
                        json!({"os": os, "arch": arch})
                    })
                    .collect();
                json!({"version": v, "protocols": ["5.0", "6.0"], "platforms": platforms})
            })
            .collect();
        self.server.put_json(
            &format!("/v1/providers/{ns}/testcloud/versions"),
            &json!({ "versions": list }),
        );
    }
}

/// Publishes `release` as `version` of `address` on a network mirror at `server`'s `base`
/// path (`/mirror/`), with each archive's `h1:` hash.
pub fn publish_mirror(
    server: &Server,
    base: &str,
    address: &str,
    version: &str,
    release: &Release,
) {
    let dir = format!("{base}{address}");
    let mut archives = serde_json::Map::new();
    let tmp = std::env::temp_dir().join(format!("autostack-mirror-{}.zip", std::process::id()));
    for (p, zip) in &release.zips {
        let file = format!("terraform-provider-testcloud_{version}_{p}.zip");
        server.put(
            &format!("{dir}/{file}"),
            200,
            "application/zip",
            zip.clone(),
        );
        std::fs::write(&tmp, zip).expect("temporary zip");
        let h1 = h1_zip(&tmp).expect("h1 of the zip");
        archives.insert(p.clone(), json!({"url": file, "hashes": [h1]}));
    }
    let _ = std::fs::remove_file(&tmp);
    server.put_json(
        &format!("{dir}/{version}.json"),
        &json!({ "archives": archives }),
    );
    let index_path = format!("{dir}/index.json");
    let mut versions = serde_json::Map::new();
    if let Some(old) = server.reply(&index_path) {
        if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&old.body) {
            versions = v["versions"].as_object().cloned().unwrap_or_default();
        }
    }
    versions.insert(version.to_string(), json!({}));
    server.put_json(&index_path, &json!({ "versions": versions }));
}
