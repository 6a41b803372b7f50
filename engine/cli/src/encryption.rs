//! OpenTofu's state and plan encryption, configured: the `encryption` block of the root
//! module merged with `TF_ENCRYPTION` (HCL or JSON, which wins argument by argument, as in
//! OpenTofu), evaluated into `autostack-state`'s settings and built into the encryptors of
//! the `state` and `plan` targets. Arguments must be known without variables (literals, or
//! the environment variable); errors point at the argument (file:line:col).

use autostack_lang::config::{Encryption, EncryptionBlock, EncryptionTarget, Module};
use autostack_lang::diag::{Diagnostic, Diagnostics, Range, SourceFile};
use autostack_lang::syntax::{Attribute, Body, ExprKind, Step};
use autostack_lang::Value;
use autostack_state::encryption::{
    AwsKmsSettings, KeyProviderConfig, KeyProviderSettings, Keyring, MethodConfig, Pbkdf2Settings,
    Target, TargetConfig,
};
use autostack_state::{Encryptor, Plaintext};
use std::collections::BTreeMap;
use std::sync::Arc;

/// OpenTofu's environment variable with an `encryption` block's body.
pub const ENV: &str = "TF_ENCRYPTION";

/// The encryptor of the state (snapshots, backups, journal, history): plaintext unless an
/// `encryption { state {} }` is configured.
pub fn state_encryptor(m: &Module) -> Result<Arc<dyn Encryptor>, Diagnostics> {
    Ok(build(m, Target::State)?.unwrap_or_else(|| Arc::new(Plaintext)))
}

/// The encryptor of saved plans, `None` when no `encryption { plan {} }` is configured.
pub fn plan_encryptor(m: &Module) -> Result<Option<Arc<dyn Encryptor>>, Diagnostics> {
    build(m, Target::Plan)
}

/// The bytes of the saved plan at `path`, decrypted with the configuration of `m`.
pub fn read_plan(path: &std::path::Path, m: &Module) -> Result<String, Diagnostics> {
    let fail = |detail: String| crate::session::error("Failed to read saved plan", detail);
    let bytes = std::fs::read(path).map_err(|e| fail(format!("{}: {e}", path.display())))?;
    let encrypted = autostack_state::encryption::Envelope::decode(&bytes).is_some();
    let plain = match plan_encryptor(m)? {
        Some(enc) => enc
            .decrypt(bytes)
            .map_err(|e| fail(format!("{}: {e}", path.display())))?,
        None if encrypted => {
            return Err(fail(format!("{} is encrypted, and no plan encryption is configured (terraform {{ encryption {{ plan {{ ... }} }} }} or {ENV})", path.display())))
        }
        None => bytes,
    };
    String::from_utf8(plain)
        .map_err(|_| fail(format!("{} is not a valid plan file", path.display())))
}

/// The text of the saved plan or state file at `path` (`show PATH`), decrypted by the target
/// its envelope belongs to: a state envelope carries `serial` and `lineage`, a plan's not.
pub fn read_plan_or_state(path: &std::path::Path, m: &Module) -> Result<String, Diagnostics> {
    let fail = |detail: String| crate::session::error("Failed to read file", detail);
    let bytes = std::fs::read(path).map_err(|e| fail(format!("{}: {e}", path.display())))?;
    let is_state = match autostack_state::encryption::Envelope::decode(&bytes) {
        None => {
            return String::from_utf8(bytes)
                .map_err(|_| fail(format!("{} is not a text file", path.display())))
        }
        Some(env) => env
            .map_err(|e| fail(format!("{}: {e}", path.display())))?
            .passthrough
            .is_some(),
    };
    if !is_state {
        return read_plan(path, m);
    }
    let plain = state_encryptor(m)?
        .decrypt(bytes)
        .map_err(|e| fail(format!("{}: {e}", path.display())))?;
    String::from_utf8(plain)
        .map_err(|_| fail(format!("{} is not a valid state file", path.display())))
}

fn build(m: &Module, target: Target) -> Result<Option<Arc<dyn Encryptor>>, Diagnostics> {
    let Some(config) = configuration(m)? else {
        return Ok(None);
    };
    let chosen = match target {
        Target::State => &config.state,
        Target::Plan => &config.plan,
    };
    let Some(t) = chosen else {
        return Ok(None);
    };
    let mut d = Diagnostics::new();
    let providers = key_providers(&config.key_providers, &mut d);
    let methods = methods(&config.methods, &mut d);
    let target_config = target_config(t, &config, &mut d);
    if d.has_errors() {
        return Err(d);
    }
    let fail = |e: autostack_state::StateError| -> Diagnostics {
        let detail = e.to_string();
        let detail = detail
            .strip_prefix("state encryption: ")
            .unwrap_or(&detail)
            .to_string();
        Diagnostic::error(
            "Invalid encryption configuration",
            detail,
            Some(config.range.clone()),
        )
        .into()
    };
    let ring = Keyring::new(&providers, &methods).map_err(fail)?;
    ring.target(Some(&target_config), target)
        .map(Some)
        .map_err(fail)
}

/// The module's `encryption` block merged with `TF_ENCRYPTION`'s (`None`: neither).
fn configuration(m: &Module) -> Result<Option<Encryption>, Diagnostics> {
    let from_env = match std::env::var(ENV) {
        Ok(text) if !text.trim().is_empty() => Some(parse_env(&text)?),
        _ => None,
    };
    Ok(match (m.terraform.encryption.clone(), from_env) {
        (Some(files), Some(env)) => Some(files.merge(env)),
        (files, env) => env.or(files),
    })
}

fn parse_env(text: &str) -> Result<Encryption, Diagnostics> {
    let file = SourceFile::new(ENV, text.to_string());
    let body = autostack_lang::syntax::parse_block_body(&file, "encryption")?;
    let mut d = Diagnostics::new();
    let e = autostack_lang::config::decode_encryption(&body, file.range(0..0), &mut d);
    if d.has_errors() {
        return Err(d);
    }
    Ok(e)
}

fn err(d: &mut Diagnostics, summary: &str, detail: impl Into<String>, at: &Range) {
    d.push(Diagnostic::error(summary, detail, Some(at.clone())));
}

/// The value of `a`, which may use neither variables nor functions here.
fn value(a: &Attribute, d: &mut Diagnostics) -> Option<Value> {
    let mut local = Diagnostics::new();
    let v = autostack_lang::config::eval_static(&a.expr, &mut local);
    if local.has_errors() {
        err(d, "Invalid encryption argument", format!("The argument {:?} must be known before the configuration is evaluated: use a literal value here, or set it through the {ENV} environment variable (variables and functions are not available to encryption settings in AutoStack).", a.name), &a.expr.range);
        return None;
    }
    v
}

fn string_arg(body: &Body, name: &str, d: &mut Diagnostics) -> Option<String> {
    let a = body.attr(name)?;
    match value(a, d)? {
        v if v.as_str().is_some() => v.as_str().map(str::to_string),
        _ => {
            err(
                d,
                "Incorrect attribute value type",
                format!("Inappropriate value for attribute {name:?}: string required."),
                &a.expr.range,
            );
            None
        }
    }
}

fn int_arg(body: &Body, name: &str, d: &mut Diagnostics) -> Option<i64> {
    let a = body.attr(name)?;
    let v = value(a, d)?;
    let n = v.as_number().and_then(|n| n.to_i64());
    if n.is_none() {
        err(
            d,
            "Incorrect attribute value type",
            format!("Inappropriate value for attribute {name:?}: a whole number is required."),
            &a.expr.range,
        );
    }
    n
}

fn check_args(b: &EncryptionBlock, allowed: &[&str], d: &mut Diagnostics) {
    for a in &b.body.attributes {
        if !allowed.contains(&a.name.as_str()) {
            err(
                d,
                "Unsupported argument",
                format!(
                    "An argument named {:?} is not expected in a {} {:?} block.",
                    a.name, b.ty, b.name
                ),
                &a.name_range,
            );
        }
    }
}

fn key_providers(blocks: &[EncryptionBlock], d: &mut Diagnostics) -> Vec<KeyProviderConfig> {
    let mut out = Vec::new();
    for b in blocks {
        let settings = match b.ty.as_str() {
            "pbkdf2" => pbkdf2(b, d).map(KeyProviderSettings::Pbkdf2),
            "aws_kms" => aws_kms(b, d).map(KeyProviderSettings::AwsKms),
            other => {
                err(d, "Unknown key_provider type", format!("Can not find {other:?}: this build of AutoStack has the \"pbkdf2\" and \"aws_kms\" key providers."), &b.range);
                None
            }
        };
        if let Some(settings) = settings {
            out.push(KeyProviderConfig {
                name: b.name.clone(),
                encrypted_metadata_alias: string_arg(&b.body, "encrypted_metadata_alias", d),
                settings,
            });
        }
    }
    out
}

fn pbkdf2(b: &EncryptionBlock, d: &mut Diagnostics) -> Option<Pbkdf2Settings> {
    check_args(
        b,
        &[
            "passphrase",
            "chain",
            "key_length",
            "iterations",
            "hash_function",
            "salt_length",
            "encrypted_metadata_alias",
        ],
        d,
    );
    if let Some(a) = b.body.attr("chain") {
        err(d, "Unsupported argument", "Chaining a pbkdf2 key provider to another key provider is not supported by AutoStack yet: give a passphrase.", &a.range);
        return None;
    }
    let mut s = Pbkdf2Settings {
        passphrase: string_arg(&b.body, "passphrase", d).unwrap_or_default(),
        ..Pbkdf2Settings::default()
    };
    if let Some(h) = string_arg(&b.body, "hash_function", d) {
        s.hash_function = h;
    }
    for (name, slot) in [
        ("key_length", &mut s.key_length),
        ("iterations", &mut s.iterations),
        ("salt_length", &mut s.salt_length),
    ] {
        if let Some(n) = int_arg(&b.body, name, d) {
            *slot = n;
        }
    }
    if let Err(e) = s.validate() {
        // The passphrase itself is never shown.
        err(
            d,
            "Invalid key_provider configuration",
            format!("key_provider.pbkdf2.{}: {e}", b.name),
            &b.range,
        );
        return None;
    }
    Some(s)
}

/// The s3 backend's authentication arguments OpenTofu's aws_kms accepts and this build
/// ignores (the SDK's default chain covers them).
const AWS_KMS_ACCEPTED: &[&str] = &[
    "max_retries",
    "skip_credentials_validation",
    "skip_requesting_account_id",
    "sts_region",
    "http_proxy",
    "https_proxy",
    "no_proxy",
    "insecure",
    "use_dualstack_endpoint",
    "use_fips_endpoint",
    "custom_ca_bundle",
    "ec2_metadata_service_endpoint",
    "ec2_metadata_service_endpoint_mode",
    "skip_metadata_api_check",
    "shared_credentials_files",
    "shared_config_files",
    "assume_role",
    "assume_role_with_web_identity",
    "allowed_account_ids",
    "forbidden_account_ids",
    "retry_mode",
];

fn aws_kms(b: &EncryptionBlock, d: &mut Diagnostics) -> Option<AwsKmsSettings> {
    let known = [
        "kms_key_id",
        "key_spec",
        "encryption_context",
        "region",
        "access_key",
        "secret_key",
        "token",
        "profile",
        "endpoints",
        "encrypted_metadata_alias",
    ];
    let allowed: Vec<&str> = known.iter().chain(AWS_KMS_ACCEPTED).copied().collect();
    check_args(b, &allowed, d);
    let mut context = BTreeMap::new();
    if let Some(a) = b.body.attr("encryption_context") {
        let entries = value(a, d)
            .and_then(|v| v.as_entries().cloned())
            .unwrap_or_default();
        for (k, v) in entries {
            context.insert(k, v.as_str().unwrap_or_default().to_string());
        }
    }
    let endpoint = ["AWS_ENDPOINT_URL_KMS", "AWS_ENDPOINT_URL"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|u| !u.is_empty()));
    let s = AwsKmsSettings {
        kms_key_id: string_arg(&b.body, "kms_key_id", d).unwrap_or_default(),
        key_spec: string_arg(&b.body, "key_spec", d).unwrap_or_default(),
        encryption_context: context,
        region: string_arg(&b.body, "region", d),
        access_key: string_arg(&b.body, "access_key", d),
        secret_key: string_arg(&b.body, "secret_key", d),
        token: string_arg(&b.body, "token", d),
        profile: string_arg(&b.body, "profile", d),
        endpoint,
    };
    if let Err(e) = s.validate() {
        err(
            d,
            "Invalid key_provider configuration",
            format!("key_provider.aws_kms.{}: {e}", b.name),
            &b.range,
        );
        return None;
    }
    Some(s)
}

/// `TYPE.NAME` after `root.` in a reference (`method.aes_gcm.main`), or in a string holding
/// one (JSON syntax, where references are strings).
fn reference(a: &Attribute, root: &str) -> Option<(String, String)> {
    match &a.expr.kind {
        ExprKind::Traversal(t) if t.root == root => match t.steps.as_slice() {
            [Step::Attr(ty, _), Step::Attr(name, _)] => Some((ty.clone(), name.clone())),
            _ => None,
        },
        _ => {
            let text = autostack_lang::config::eval_static(&a.expr, &mut Diagnostics::new())?;
            let parts: Vec<&str> = text.as_str()?.split('.').collect();
            match parts.as_slice() {
                [r, ty, name] if *r == root => Some((ty.to_string(), name.to_string())),
                _ => None,
            }
        }
    }
}

fn methods(blocks: &[EncryptionBlock], d: &mut Diagnostics) -> Vec<MethodConfig> {
    let mut out = Vec::new();
    for b in blocks {
        match b.ty.as_str() {
            "unencrypted" => {
                check_args(b, &[], d);
                out.push(MethodConfig::Unencrypted { name: b.name.clone() });
            }
            "aes_gcm" => {
                check_args(b, &["keys", "aad"], d);
                let Some(keys) = b.body.attr("keys") else {
                    err(d, "Missing required argument", "The argument \"keys\" is required, but no definition was found.", &b.range);
                    continue;
                };
                let Some((ty, name)) = reference(keys, "key_provider") else {
                    err(d, "Invalid Key Provider expression format", "Expected a key provider reference of the form key_provider.TYPE.NAME.", &keys.expr.range);
                    continue;
                };
                let aad = b.body.attr("aad").and_then(|a| bytes(a, d)).unwrap_or_default();
                out.push(MethodConfig::AesGcm { name: b.name.clone(), keys: format!("key_provider.{ty}.{name}"), aad });
            }
            other => err(d, "Unknown encryption method type", format!("Can not find {other:?}: this build of AutoStack has the \"aes_gcm\" and \"unencrypted\" methods."), &b.range),
        }
    }
    out
}

/// `aad = [1, 2, 3]`: a list of bytes.
fn bytes(a: &Attribute, d: &mut Diagnostics) -> Option<Vec<u8>> {
    let v = value(a, d)?;
    let items = v.as_seq().map(|s| {
        s.iter()
            .map(|x| {
                x.as_number()
                    .and_then(|n| n.to_i64())
                    .and_then(|n| u8::try_from(n).ok())
            })
            .collect::<Option<Vec<u8>>>()
    });
    if items.is_none() || items.as_ref().is_some_and(Option::is_none) {
        err(d, "Incorrect attribute value type", "Inappropriate value for attribute \"aad\": a list of numbers from 0 to 255 is required.", &a.expr.range);
    }
    items.flatten()
}

fn target_config(t: &EncryptionTarget, config: &Encryption, d: &mut Diagnostics) -> TargetConfig {
    let mut out = TargetConfig::default();
    if let Some(a) = &t.enforced {
        match value(a, d).and_then(|v| v.as_bool()) {
            Some(b) => out.enforced = b,
            None => err(
                d,
                "Incorrect attribute value type",
                "Inappropriate value for attribute \"enforced\": bool required.",
                &a.expr.range,
            ),
        }
    }
    let mut next = Some(t);
    while let Some(t) = next {
        if let Some(a) = &t.method {
            match reference(a, "method") {
                Some((ty, name)) if config.methods.iter().any(|m| m.ty == ty && m.name == name) => {
                    out.methods.push(format!("method.{ty}.{name}"))
                }
                Some((ty, name)) => err(d, "Reference to undeclared encryption method", format!("There is no method {ty:?} {name:?} block declared in the encryption block."), &a.expr.range),
                None => err(d, "Invalid encryption method identifier", "Expected method of form method.<type>.<name>", &a.expr.range),
            }
        }
        next = t.fallback.as_deref();
    }
    if out.methods.is_empty() && !d.has_errors() {
        err(
            d,
            "Missing encryption method",
            "The target names no method: set method = method.TYPE.NAME.",
            &t.range,
        );
    }
    if out.enforced
        && out
            .methods
            .iter()
            .any(|m| m.starts_with("method.unencrypted."))
    {
        err(
            d,
            "Unencrypted method is forbidden",
            "Unable to use unencrypted method since the enforced flag is set.",
            &t.range,
        );
    }
    out
}
