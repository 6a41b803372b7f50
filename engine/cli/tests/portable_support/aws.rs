//! AWS helpers of the portable-type tests (portable_aws, migrate_cmd): a moto account that is
//! Canonical's, with a Jammy image published under Canonical's naming (moto serves no Ubuntu
//! AMI), and what a stack leaves in moto.

use super::support;
use autostack_provider_aws::sdk::{
    aws_config, aws_credential_types, aws_sdk_ec2, aws_sdk_s3, aws_sdk_sts, aws_types,
};

/// Canonical's AWS account, the owner the `ubuntu-22.04` lookup asks for.
const CANONICAL: &str = "099720109477";

/// Temporary credentials in Canonical's account (moto keeps one backend per account).
pub struct Creds {
    pub key: String,
    pub secret: String,
    pub token: String,
}

pub async fn sdk(creds: Option<&Creds>) -> aws_types::SdkConfig {
    let c = match creds {
        Some(c) => aws_credential_types::Credentials::new(
            &c.key,
            &c.secret,
            Some(c.token.clone()),
            None,
            "test",
        ),
        None => aws_credential_types::Credentials::new("testing", "testing", None, None, "test"),
    };
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_types::region::Region::new("us-east-1"))
        .endpoint_url(support::moto_url())
        .credentials_provider(c)
        .load()
        .await
}

/// Assumes a role in Canonical's account and publishes a Jammy AMI there (once per moto).
pub async fn canonical_account_with_jammy() -> Creds {
    let sts = aws_sdk_sts::Client::new(&sdk(None).await);
    let out = sts
        .assume_role()
        .role_arn(format!("arn:aws:iam::{CANONICAL}:role/portable-test"))
        .role_session_name("portable")
        .send()
        .await
        .expect("assume role");
    let c = out.credentials().expect("credentials");
    let creds = Creds {
        key: c.access_key_id().to_string(),
        secret: c.secret_access_key().to_string(),
        token: c.session_token().to_string(),
    };
    let ec2 = aws_sdk_ec2::Client::new(&sdk(Some(&creds)).await);
    let name = "ubuntu/images/hvm-ssd-gp3/ubuntu-jammy-22.04-amd64-server-20250115";
    let have = ec2
        .describe_images()
        .owners("self")
        .send()
        .await
        .expect("images");
    let published = |i: &aws_sdk_ec2::types::Image| {
        i.name() == Some(name) && i.architecture().map(|a| a.as_str()) == Some("x86_64")
    };
    if !have.images().iter().any(published) {
        // A copy of one of moto's stock x86_64 images (RegisterImage would leave the
        // architecture unset), named as Canonical names Jammy.
        let arch = aws_sdk_ec2::types::Filter::builder()
            .name("architecture")
            .values("x86_64")
            .build();
        let stock = ec2
            .describe_images()
            .owners("amazon")
            .filters(arch)
            .send()
            .await
            .expect("stock images");
        let source = stock
            .images()
            .first()
            .and_then(|i| i.image_id())
            .expect("a stock x86_64 image");
        ec2.copy_image()
            .source_image_id(source)
            .source_region("us-east-1")
            .name(name)
            .send()
            .await
            .expect("publish the Jammy image");
    }
    creds
}

/// The stack's VPCs, instances and volumes left in moto, and whether its bucket is.
pub async fn leftovers(creds: &Creds, name: &str) -> (usize, usize, usize, bool) {
    let conf = sdk(Some(creds)).await;
    let ec2 = aws_sdk_ec2::Client::new(&conf);
    let tag = |v: &str| {
        aws_sdk_ec2::types::Filter::builder()
            .name("tag:Name")
            .values(v)
            .build()
    };
    let vpcs = ec2
        .describe_vpcs()
        .filters(tag(&format!("{}-net", name)))
        .send()
        .await
        .unwrap();
    let vms = ec2
        .describe_instances()
        .filters(tag(&format!("{}-web", name)))
        .send()
        .await
        .unwrap();
    let running = (vms.reservations().iter().flat_map(|r| r.instances()))
        .filter(|i| i.state().and_then(|s| s.name()).map(|n| n.as_str()) != Some("terminated"))
        .count();
    let vols = ec2
        .describe_volumes()
        .filters(tag(&format!("{}-data", name)))
        .send()
        .await
        .unwrap();
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&conf)
            .force_path_style(true)
            .build(),
    );
    let buckets = s3.list_buckets().send().await.unwrap();
    let bucket = format!("{}-assets", name);
    let has_bucket = buckets
        .buckets()
        .iter()
        .any(|b| b.name() == Some(bucket.as_str()));
    (vpcs.vpcs().len(), running, vols.volumes().len(), has_bucket)
}
