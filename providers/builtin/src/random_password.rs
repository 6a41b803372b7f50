//! `random_password` (hashicorp/random): `random_string` with a sensitive `result`, a
//! sensitive `bcrypt_hash` of it, and the constant ID "none".

use crate::common::{error, string, with};
use crate::random_chars;
use crate::state_only::Making;
use async_trait::async_trait;
use autostack_provider_sdk::{ApplyError, PlanResponse, ResourceSchema};
use autostack_value::{Diagnostics, Value};

/// The `random_password` resource type.
pub struct RandomPassword;

/// Go's `bcrypt.DefaultCost`, which hashicorp/random uses.
const BCRYPT_COST: u32 = 10;

/// A `$2a$` bcrypt hash of the first 72 bytes of `password`, like golang.org/x/crypto/bcrypt.
pub(crate) async fn bcrypt_hash(password: String) -> Result<String, String> {
    let job = tokio::task::spawn_blocking(move || {
        let bytes = password.as_bytes();
        let bytes = &bytes[..bytes.len().min(72)];
        bcrypt::hash_with_result(bytes, BCRYPT_COST)
            .map(|h| h.format_for_version(bcrypt::Version::TwoA))
    });
    match job.await {
        Ok(Ok(h)) => Ok(h),
        Ok(Err(e)) => Err(format!("bcrypt hashing failed: {e}")),
        Err(e) => Err(format!("bcrypt hashing task failed: {e}")),
    }
}

#[async_trait]
impl Making for RandomPassword {
    fn replaced_by(&self) -> (&'static str, &'static str) {
        (
            "keepers",
            "Arbitrary values whose change forces a new result.",
        )
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 3,
            block: random_chars::block(true),
        }
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        random_chars::validate(config).err().unwrap_or_default()
    }

    fn plan(
        &self,
        schema: &ResourceSchema,
        prior: Option<&Value>,
        config: &Value,
    ) -> Result<PlanResponse, Diagnostics> {
        random_chars::plan(schema, prior, config)
    }

    async fn make(&self, planned: &Value) -> Result<Value, ApplyError> {
        let params = random_chars::params(planned)?;
        let result = random_chars::generate(&params)
            .map_err(|e| ApplyError::new("Random password generation failed", e))?;
        let hash = bcrypt_hash(result.clone())
            .await
            .map_err(|e| ApplyError::new("Hash Generation Error", e))?;
        Ok(with(
            planned,
            [
                ("id", string("none")),
                ("result", string(result).sensitive()),
                ("bcrypt_hash", string(hash).sensitive()),
            ],
        ))
    }

    /// Imports by the password itself; the ID becomes "none".
    async fn import(&self, id: &str) -> Result<Value, Diagnostics> {
        let hash = bcrypt_hash(id.to_string())
            .await
            .map_err(|e| error("Hash Generation Error", e))?;
        let v = random_chars::imported(id, "none");
        let result = string(id).sensitive();
        Ok(with(
            &v,
            [
                ("result", result),
                ("bcrypt_hash", string(hash).sensitive()),
            ],
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hash_verifies_and_uses_go_format() {
        let h = bcrypt_hash("hunter2".into()).await.unwrap();
        assert!(h.starts_with("$2a$10$"), "{h}");
        assert!(bcrypt::verify("hunter2", &h).unwrap());
        assert!(!bcrypt::verify("hunter3", &h).unwrap());
    }

    #[tokio::test]
    async fn long_passwords_hash_their_first_72_bytes() {
        let long = "x".repeat(100);
        let h = bcrypt_hash(long).await.unwrap();
        assert!(bcrypt::verify("x".repeat(72), &h).unwrap());
    }
}
