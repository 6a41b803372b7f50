//! `random_string` and `random_password` (hashicorp/random): a random string of letters,
//! digits and special characters. `random_string`'s `id` and `result` hold it;
//! `random_password` keeps it sensitive, adds its sensitive `bcrypt_hash` and has the constant
//! ID "none".

use crate::common::{error, string, with};
use crate::random_chars;
use crate::random_password::bcrypt_hash;
use crate::state_only::{replacer, Making, Planned, Replacer};
use async_trait::async_trait;
use autostack_provider_sdk::{ApplyError, ResourceSchema};
use autostack_value::{Diagnostics, Value};

/// The `random_string` resource type, or `random_password`'s.
pub struct RandomString {
    password: bool,
}

impl RandomString {
    /// `random_string`.
    pub const STRING: RandomString = RandomString { password: false };
    /// `random_password`.
    pub const PASSWORD: RandomString = RandomString { password: true };

    /// The state of the generated or imported `result`.
    async fn state_of(&self, base: &Value, result: String) -> Result<Value, String> {
        if !self.password {
            return Ok(with(
                base,
                [("id", string(result.clone())), ("result", string(result))],
            ));
        }
        let hash = bcrypt_hash(result.clone()).await?;
        Ok(with(
            base,
            [
                ("id", string("none")),
                ("result", string(result).sensitive()),
                ("bcrypt_hash", string(hash).sensitive()),
            ],
        ))
    }
}

#[async_trait]
impl Making for RandomString {
    const REPLACED_BY: Replacer = replacer!("keepers", values, "forces a new result");

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: if self.password { 3 } else { 2 },
            block: random_chars::block(self.password),
        }
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        random_chars::validate(config).err().unwrap_or_default()
    }

    fn plan(&self, schema: &ResourceSchema, prior: Option<&Value>, config: &Value) -> Planned {
        random_chars::plan(schema, prior, config)
    }

    async fn make(&self, planned: &Value) -> Result<Value, ApplyError> {
        let what = if self.password { "password" } else { "string" };
        let params = random_chars::params(planned)?;
        let result = random_chars::generate(&params)
            .map_err(|e| ApplyError::new(format!("Random {what} generation failed"), e))?;
        let state = self.state_of(planned, result).await;
        state.map_err(|e| ApplyError::new("Hash Generation Error", e))
    }

    /// Imports by the string itself (a password's ID becomes "none").
    async fn import(&self, id: &str) -> Result<Value, Diagnostics> {
        let base = random_chars::imported(id, id);
        let state = self.state_of(&base, id.to_string()).await;
        state.map_err(|e| error("Hash Generation Error", e))
    }
}
