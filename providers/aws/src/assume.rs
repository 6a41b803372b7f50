//! `assume_role` and `assume_role_with_web_identity`: credentials from STS, as hashicorp/aws
//! gets them. A web identity (if any) is exchanged first, then each `assume_role` block is
//! assumed in order with the credentials of the step before (role chaining). The chain is a
//! credentials provider, so the SDK's identity cache renews it before it expires.

use crate::attrs::{get, get_str, get_strings, string_map};
use autostack_value::{Diagnostic, Diagnostics, Value};
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{future, ProvideCredentials, SharedCredentialsProvider};
use aws_credential_types::Credentials;
use aws_sdk_sts::types::{PolicyDescriptorType, Tag};
use aws_types::SdkConfig;
use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

/// One `assume_role` or `assume_role_with_web_identity` block.
#[derive(Debug, Clone, Default)]
pub struct RoleStep {
    /// The role to assume.
    pub role_arn: String,
    /// The session name (a generated one when unset).
    pub session_name: Option<String>,
    /// The session's length.
    pub duration: Option<Duration>,
    /// `external_id`.
    pub external_id: Option<String>,
    /// An inline session policy (JSON).
    pub policy: Option<String>,
    /// Managed session policies.
    pub policy_arns: Vec<String>,
    /// Session tags.
    pub tags: BTreeMap<String, String>,
    /// Session tags passed on to later sessions of the chain.
    pub transitive_tag_keys: Vec<String>,
    /// `source_identity`.
    pub source_identity: Option<String>,
    /// For a web identity: the token, or the file holding it.
    pub web_identity: Option<WebToken>,
}

/// Where a web identity token comes from.
#[derive(Debug, Clone)]
pub enum WebToken {
    /// `web_identity_token`.
    Inline(String),
    /// `web_identity_token_file`.
    File(String),
}

/// Reads the role steps of a provider block: the web identity first, then `assume_role`
/// blocks in order. Blocks without a role ARN are skipped, as hashicorp/aws does.
pub fn read_steps(config: &Value) -> Result<Vec<RoleStep>, Diagnostics> {
    let blocks = |name: &str| -> Vec<Value> {
        get(config, name)
            .and_then(Value::as_seq)
            .map(<[Value]>::to_vec)
            .unwrap_or_default()
    };
    let mut steps = Vec::new();
    for (i, b) in blocks("assume_role_with_web_identity").iter().enumerate() {
        let mut step = read_step(b, &format!("assume_role_with_web_identity.{i}"))?;
        step.web_identity = get_str(b, "web_identity_token")
            .map(|t| WebToken::Inline(t.to_string()))
            .or_else(|| get_str(b, "web_identity_token_file").map(|f| WebToken::File(f.into())));
        if !step.role_arn.is_empty() {
            steps.push(step);
        }
    }
    for (i, b) in blocks("assume_role").iter().enumerate() {
        let step = read_step(b, &format!("assume_role.{i}"))?;
        if !step.role_arn.is_empty() {
            steps.push(step);
        }
    }
    Ok(steps)
}

/// One block's fields, validated as hashicorp/aws validates them.
fn read_step(b: &Value, at: &str) -> Result<RoleStep, Diagnostics> {
    let s = |n: &str| get_str(b, n).map(str::to_string);
    for (name, min, max) in [
        ("external_id", 2, 1224),
        ("session_name", 2, 64),
        ("source_identity", 2, 64),
    ] {
        if let Some(v) = get_str(b, name).filter(|v| v.len() < min || v.len() > max) {
            return Err(invalid(format!(
                "expected length of {at}.{name} to be in the range ({min} - {max}), got {v}"
            )));
        }
    }
    let duration = match get_str(b, "duration") {
        None => None,
        Some(d) => Some(session_duration(d, &format!("{at}.duration"))?),
    };
    Ok(RoleStep {
        role_arn: s("role_arn").unwrap_or_default(),
        session_name: s("session_name"),
        duration,
        external_id: s("external_id"),
        policy: s("policy"),
        policy_arns: get_strings(b, "policy_arns"),
        tags: get(b, "tags").map(string_map).unwrap_or_default(),
        transitive_tag_keys: get_strings(b, "transitive_tag_keys"),
        source_identity: s("source_identity"),
        web_identity: None,
    })
}

fn invalid(summary: String) -> Diagnostics {
    Diagnostic::error(summary, String::new(), None).into()
}

/// A session duration: a Go duration string between 15 minutes and 12 hours.
fn session_duration(text: &str, at: &str) -> Result<Duration, Diagnostics> {
    let d = go_duration(text).ok_or_else(|| {
        invalid(format!(
            "\"{at}\" cannot be parsed as a duration: time: invalid duration \"{text}\""
        ))
    })?;
    if d < Duration::from_secs(15 * 60) || d > Duration::from_secs(12 * 3600) {
        return Err(invalid(format!(
            "duration \"{at}\" must be between 15 minutes (15m) and 12 hours (12h), inclusive"
        )));
    }
    Ok(d)
}

/// Parses Go's `time.ParseDuration` syntax ("1h30m", "900s", "1.5h"), which is what
/// hashicorp/aws accepts here; no crate parses exactly that grammar.
pub fn go_duration(text: &str) -> Option<Duration> {
    if text == "0" {
        return Some(Duration::ZERO);
    }
    let mut rest = text;
    let mut total = 0f64;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number: f64 = rest[..num_len].parse().ok()?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let seconds = match &rest[..unit_len] {
            "ns" => 1e-9,
            "us" | "µs" | "μs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        rest = &rest[unit_len..];
        total += number * seconds;
    }
    (!text.is_empty()).then(|| Duration::from_secs_f64(total))
}

/// The role chain as a credentials provider over `base` (the SDK configuration with the
/// block's own credentials and the STS endpoint and region).
#[derive(Debug)]
pub struct RoleChain {
    /// Configuration the first step signs with.
    pub base: SdkConfig,
    /// The steps, in order.
    pub steps: Vec<RoleStep>,
}

impl RoleChain {
    /// Runs every step; the last step's credentials are the result.
    pub async fn resolve(&self) -> Result<Credentials, CredentialsError> {
        let mut conf = self.base.clone();
        let mut creds = None;
        for step in &self.steps {
            if let Some(c) = creds.take() {
                conf = conf
                    .into_builder()
                    .credentials_provider(SharedCredentialsProvider::new(c))
                    .build();
            }
            let sts = aws_sdk_sts::Client::new(&conf);
            creds = Some(match &step.web_identity {
                Some(token) => assume_web(&sts, step, token).await?,
                None => assume(&sts, step).await?,
            });
        }
        creds.ok_or_else(|| CredentialsError::not_loaded("no role to assume"))
    }
}

impl ProvideCredentials for RoleChain {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(self.resolve())
    }
}

fn session_name(step: &RoleStep) -> String {
    step.session_name.clone().unwrap_or_else(|| {
        let ms = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis());
        format!("autostack-{ms}")
    })
}

fn policy_arns(step: &RoleStep) -> Option<Vec<PolicyDescriptorType>> {
    (!step.policy_arns.is_empty()).then(|| {
        step.policy_arns
            .iter()
            .map(|a| PolicyDescriptorType::builder().arn(a).build())
            .collect()
    })
}

async fn assume(
    sts: &aws_sdk_sts::Client,
    step: &RoleStep,
) -> Result<Credentials, CredentialsError> {
    let tags = step
        .tags
        .iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect::<Result<Vec<_>, _>>()
        .map_err(CredentialsError::invalid_configuration)?;
    let out = sts
        .assume_role()
        .role_arn(&step.role_arn)
        .role_session_name(session_name(step))
        .set_duration_seconds(step.duration.map(|d| d.as_secs() as i32))
        .set_external_id(step.external_id.clone())
        .set_policy(step.policy.clone())
        .set_policy_arns(policy_arns(step))
        .set_tags((!tags.is_empty()).then_some(tags))
        .set_transitive_tag_keys(
            (!step.transitive_tag_keys.is_empty()).then(|| step.transitive_tag_keys.clone()),
        )
        .set_source_identity(step.source_identity.clone())
        .send()
        .await
        .map_err(|e| assume_error(&step.role_arn, e))?;
    credentials(out.credentials, "AssumeRole")
}

async fn assume_web(
    sts: &aws_sdk_sts::Client,
    step: &RoleStep,
    token: &WebToken,
) -> Result<Credentials, CredentialsError> {
    let token = match token {
        WebToken::Inline(t) => t.clone(),
        WebToken::File(f) => std::fs::read_to_string(f)
            .map_err(CredentialsError::invalid_configuration)?
            .trim()
            .to_string(),
    };
    let out = sts
        .assume_role_with_web_identity()
        .role_arn(&step.role_arn)
        .role_session_name(session_name(step))
        .web_identity_token(token)
        .set_duration_seconds(step.duration.map(|d| d.as_secs() as i32))
        .set_policy(step.policy.clone())
        .set_policy_arns(policy_arns(step))
        .send()
        .await
        .map_err(|e| assume_error(&step.role_arn, e))?;
    credentials(out.credentials, "AssumeRoleWithWebIdentity")
}

fn assume_error(role: &str, e: impl std::error::Error + Send + Sync + 'static) -> CredentialsError {
    let detail = crate::client::error_chain(&e);
    CredentialsError::provider_error(format!("IAM Role ({role}) cannot be assumed: {detail}"))
}

fn credentials(
    c: Option<aws_sdk_sts::types::Credentials>,
    source: &'static str,
) -> Result<Credentials, CredentialsError> {
    let c = c.ok_or_else(|| CredentialsError::unhandled("STS returned no credentials"))?;
    let expiry = SystemTime::try_from(c.expiration).ok();
    Ok(Credentials::new(
        c.access_key_id,
        c.secret_access_key,
        Some(c.session_token),
        expiry,
        source,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations_parse_as_go_parses_them() {
        assert_eq!(go_duration("1h"), Some(Duration::from_secs(3600)));
        assert_eq!(go_duration("1h30m"), Some(Duration::from_secs(5400)));
        assert_eq!(go_duration("900s"), Some(Duration::from_secs(900)));
        assert_eq!(go_duration("1.5h"), Some(Duration::from_secs(5400)));
        assert_eq!(go_duration("0"), Some(Duration::ZERO));
        for bad in ["", "bogus", "15", "1x", "h", "1h2"] {
            assert_eq!(go_duration(bad), None, "{bad}");
        }
    }

    #[test]
    fn session_durations_outside_15m_to_12h_are_rejected_in_terraforms_words() {
        assert!(session_duration("15m", "assume_role.0.duration").is_ok());
        assert!(session_duration("12h", "assume_role.0.duration").is_ok());
        let e = session_duration("10m", "assume_role.0.duration").unwrap_err();
        assert_eq!(
            e.iter().next().map(|d| d.summary.clone()).unwrap_or_default(),
            "duration \"assume_role.0.duration\" must be between 15 minutes (15m) and 12 hours (12h), inclusive"
        );
        let e = session_duration("bogus", "assume_role.0.duration").unwrap_err();
        assert_eq!(
            e.iter().next().map(|d| d.summary.clone()).unwrap_or_default(),
            "\"assume_role.0.duration\" cannot be parsed as a duration: time: invalid duration \"bogus\""
        );
    }
}
