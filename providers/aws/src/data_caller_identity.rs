//! `data "aws_caller_identity"`: the account, ARN and user ID of the provider's
//! credentials (STS GetCallerIdentity).

use crate::prelude::*;

/// The `aws_caller_identity` data source.
pub struct DataAwsCallerIdentity;

#[async_trait]
impl DataSource<AwsClient> for DataAwsCallerIdentity {
    fn name(&self) -> &'static str {
        "aws_caller_identity"
    }

    fn schema(&self) -> ResourceSchema {
        let s = || Attribute::computed(Type::String);
        ResourceSchema {
            version: 0,
            block: Block::new()
                .attr("id", s())
                .attr("account_id", s())
                .attr("arn", s())
                .attr("user_id", s()),
        }
    }

    async fn read(&self, c: &AwsClient, config: &Value) -> Result<Value, Diagnostics> {
        let out = c
            .sts
            .get_caller_identity()
            .send()
            .await
            .aws()
            .or_diags("getting STS Caller Identity")?;
        let account = out.account().unwrap_or_default();
        Ok(Obj::from(config)
            .str("id", account)
            .str("account_id", account)
            .str("arn", out.arn().unwrap_or_default())
            .str("user_id", out.user_id().unwrap_or_default())
            .finish())
    }
}
