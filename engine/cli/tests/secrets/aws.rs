//! Provider credentials are secrets too: an aws provider configured with a sensitive
//! access key and secret key (moto accepts any) plans, applies, shows and destroys with
//! `TF_LOG=trace`, and neither key appears in any output or in `.terraform`.

use super::common::Work;
use super::{support, written_files, Secrets};

const ACCESS_KEY: &str = "AKIAS3CR3TACCESS0042";
const SECRET_KEY: &str = "s3cr3t-aws-secret-key/with+base64ish=chars";

const STACK: &str = r#"variable "aws_access_key" {
  type      = string
  sensitive = true
}

variable "aws_secret_key" {
  type      = string
  sensitive = true
}

provider "aws" {
  region                      = "us-east-1"
  access_key                  = var.aws_access_key
  secret_key                  = var.aws_secret_key
  skip_credentials_validation = true
}

resource "aws_vpc" "main" {
  cidr_block = "10.50.0.0/16"
  tags = {
    Name = "secrets-test"
  }
}
"#;

#[test]
fn aws_credentials_never_leak() {
    let w = Work::new(&[("main.tf", STACK)]);
    let moto = support::moto_url();
    let env = [
        ("AWS_ENDPOINT_URL", moto.as_str()),
        ("AWS_EC2_METADATA_DISABLED", "true"),
        ("TF_VAR_aws_access_key", ACCESS_KEY),
        ("TF_VAR_aws_secret_key", SECRET_KEY),
        ("TF_LOG", "trace"),
    ];
    let secrets = Secrets::new(&[ACCESS_KEY, SECRET_KEY]);
    for args in [
        &["init", "-no-color"][..],
        &["plan", "-no-color"],
        &["plan", "-json"],
        &["apply", "-auto-approve", "-no-color"],
        &["show", "-no-color"],
        &["show", "-json"],
        &["state", "show", "-no-color", "aws_vpc.main"],
        &["drift", "-format=json"],
        &["cost", "-format=json"],
        &["graph"],
        &["destroy", "-auto-approve", "-json"],
    ] {
        let r = w.run_env(args, &env).expect(0);
        secrets.assert_clean(&format!("stdout of {args:?}"), &r.0.stdout);
        secrets.assert_clean(&format!("stderr of {args:?}"), &r.0.stderr);
    }
    // A provider error: a wrong endpoint makes every call fail, and the message names the
    // request, never the keys that signed it.
    let bad = [
        ("AWS_ENDPOINT_URL", "http://127.0.0.1:9"),
        ("AWS_MAX_ATTEMPTS", "1"),
    ];
    let mut env_bad: Vec<(&str, &str)> = env.to_vec();
    env_bad.retain(|(k, _)| *k != "AWS_ENDPOINT_URL");
    env_bad.extend_from_slice(&bad);
    let r = w.run_env(&["apply", "-auto-approve", "-no-color"], &env_bad);
    assert_eq!(r.code(), 1, "{}\n{}", r.stdout(), r.stderr());
    secrets.assert_clean("stdout of a failing apply", &r.0.stdout);
    secrets.assert_clean("stderr of a failing apply", &r.0.stderr);
    for path in written_files(
        w.path(),
        &[
            "main.tf",
            "terraform.tfstate",
            "terraform.tfstate.backup",
            "terraform.tfstate.versions/*",
        ],
    ) {
        let bytes = std::fs::read(&path).expect("read");
        secrets.assert_clean(&path.display().to_string(), &bytes);
    }
}
