//! `assume_role` and `assume_role_with_web_identity`: credentials from STS, as hashicorp/aws
//! and Terraform's S3 backend get them. A web identity (if any) is exchanged first, then each
//! role is assumed in order with the credentials of the step before (role chaining). The chain
//! is a credentials provider, so the SDK's identity cache renews it before it expires.

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

/// The string arguments of a role block as written (before validation).
#[derive(Debug, Clone, Default)]
pub struct RoleText<'a> {
    /// `external_id`.
    pub external_id: Option<&'a str>,
    /// `session_name`.
    pub session_name: Option<&'a str>,
    /// `source_identity`.
    pub source_identity: Option<&'a str>,
    /// `duration`, a Go duration string.
    pub duration: Option<&'a str>,
}

/// Checks a role block's string arguments as hashicorp/aws does (lengths, the session
/// duration between 15 minutes and 12 hours); `at` names the block in messages
/// (`assume_role.0`). Returns the duration.
pub fn check_role_text(text: &RoleText<'_>, at: &str) -> Result<Option<Duration>, String> {
    for (name, value, min, max) in [
        ("external_id", text.external_id, 2, 1224),
        ("session_name", text.session_name, 2, 64),
        ("source_identity", text.source_identity, 2, 64),
    ] {
        if let Some(v) = value.filter(|v| v.len() < min || v.len() > max) {
            return Err(format!(
                "expected length of {at}.{name} to be in the range ({min} - {max}), got {v}"
            ));
        }
    }
    text.duration
        .map(|d| session_duration(d, &format!("{at}.duration")))
        .transpose()
}

/// A session duration: a Go duration string between 15 minutes and 12 hours.
pub fn session_duration(text: &str, at: &str) -> Result<Duration, String> {
    let d = go_duration(text).ok_or_else(|| {
        format!("\"{at}\" cannot be parsed as a duration: time: invalid duration \"{text}\"")
    })?;
    if d < Duration::from_secs(15 * 60) || d > Duration::from_secs(12 * 3600) {
        return Err(format!(
            "duration \"{at}\" must be between 15 minutes (15m) and 12 hours (12h), inclusive"
        ));
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
    let detail = crate::error_chain(&e);
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
        assert_eq!(
            session_duration("10m", "assume_role.0.duration").unwrap_err(),
            "duration \"assume_role.0.duration\" must be between 15 minutes (15m) and 12 hours (12h), inclusive"
        );
        assert_eq!(
            session_duration("bogus", "assume_role.0.duration").unwrap_err(),
            "\"assume_role.0.duration\" cannot be parsed as a duration: time: invalid duration \"bogus\""
        );
        let short = RoleText {
            session_name: Some("x"),
            ..RoleText::default()
        };
        assert_eq!(
            check_role_text(&short, "assume_role.0").unwrap_err(),
            "expected length of assume_role.0.session_name to be in the range (2 - 64), got x"
        );
    }
}
