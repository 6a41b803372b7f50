//! `autostack translate` output validates and plans on the target cloud: each web example
//! translated to each other cloud, then `init`, `validate` and `plan` against moto, the ARM
//! double, and the Compute Engine double with fake-gcs-server.
//! `-to=portable` output plans on its source's cloud, whose provider serves the portable types.
#![cfg(all(feature = "aws", feature = "azure", feature = "gcp"))]

#[path = "../../../providers/aws/tests/support/mod.rs"]
mod aws_support;
#[path = "../../../providers/azure/tests/support/mod.rs"]
mod azure_support;
mod common;
#[path = "../../../providers/gcp/tests/support/mod.rs"]
mod gcp_support;
#[path = "portable_support/aws.rs"]
#[allow(dead_code)]
mod portable_support;
use aws_support as support;

use common::{Run, Work};
use std::path::Path;

/// The example translated in a fresh directory; returns the work dir and the output's name.
fn translated(src: &str, to: &str) -> (Work, String) {
    let work = Work::new(&[]);
    let from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(src);
    let dest = work.path().join(src);
    std::fs::create_dir_all(&dest).expect("mkdir");
    for e in std::fs::read_dir(&from).expect("example").flatten() {
        std::fs::copy(e.path(), dest.join(e.file_name())).expect("copy");
    }
    let out = format!("{src}-{to}");
    let r = work.run(&["translate", &format!("-to={to}"), src]);
    assert!(
        matches!(r.code(), 0 | 4),
        "translate: {}\n{}",
        r.stdout(),
        r.stderr()
    );
    (work, out)
}

/// `init`, `validate`, then `plan` in the translated directory; returns the plan's output.
fn validate_and_plan(work: &Work, dir: &str, env: &[(&str, &str)], vars: &[&str]) -> String {
    let run = |args: &[&str]| -> Run {
        let mut all = vec!["-chdir=".to_string() + dir];
        all.extend(args.iter().map(|s| s.to_string()));
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        work.run_env(&all, env)
    };
    run(&["init", "-no-color"]).expect(0);
    let v = run(&["validate", "-no-color"]).expect(0);
    assert!(
        v.stdout().contains("The configuration is valid."),
        "{}",
        v.stdout()
    );
    let mut args = vec!["plan", "-no-color"];
    let owned: Vec<String> = vars.iter().map(|v| format!("-var={v}")).collect();
    args.extend(owned.iter().map(String::as_str));
    let out = run(&args).expect(0).stdout();
    assert!(out.contains("to add, 0 to change, 0 to destroy."), "{out}");
    out
}

fn gcp_env(double: &gcp_support::Double) -> Vec<(&'static str, String)> {
    vec![
        (
            "GOOGLE_APPLICATION_CREDENTIALS",
            double.key.to_string_lossy().into_owned(),
        ),
        (
            "GOOGLE_COMPUTE_CUSTOM_ENDPOINT",
            format!("{}/compute/v1/", double.url),
        ),
        (
            "GOOGLE_RESOURCE_MANAGER_CUSTOM_ENDPOINT",
            format!("{}/v1/", double.url),
        ),
        (
            "GOOGLE_STORAGE_CUSTOM_ENDPOINT",
            format!("{}/storage/v1/", gcp_support::fake_gcs_url()),
        ),
    ]
}

fn azure_env(double: &azure_support::Double) -> Vec<(&'static str, String)> {
    vec![
        ("ARM_METADATA_HOSTNAME", double.url.clone()),
        ("ARM_SUBSCRIPTION_ID", azure_support::SUBSCRIPTION.into()),
        ("ARM_TENANT_ID", azure_support::TENANT.into()),
        ("ARM_CLIENT_ID", azure_support::CLIENT_ID.into()),
        ("ARM_CLIENT_SECRET", azure_support::CLIENT_SECRET.into()),
    ]
}

fn borrow<'a>(env: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    env.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// Registers an AMI named `name` in `region`, owned by `account` (the image publisher real
/// AWS has, which moto lacks), and returns credentials of that account: moto keeps accounts
/// apart, and a role assumed into an account acts in it.
fn seed_ami(moto: &str, account: &str, region: &str, name: &str) -> (String, String, String) {
    const SCRIPT: &str = r#"
import re, sys, urllib.parse, urllib.request
url, account, region, name = sys.argv[1:5]
def call(params, service, key="testing", token=None):
    req = urllib.request.Request(url + "/", data=urllib.parse.urlencode(params).encode())
    req.add_header("Content-Type", "application/x-www-form-urlencoded")
    req.add_header("Authorization", f"AWS4-HMAC-SHA256 Credential={key}/20240101/{region}/{service}/aws4_request, SignedHeaders=host, Signature=0")
    if token:
        req.add_header("X-Amz-Security-Token", token)
    return urllib.request.urlopen(req).read().decode()
doc = call({"Action": "AssumeRole", "Version": "2011-06-15", "RoleArn": f"arn:aws:iam::{account}:role/publisher", "RoleSessionName": "seed"}, "sts")
key, secret, token = (re.search(f"<{t}>(.*?)</{t}>", doc).group(1) for t in ("AccessKeyId", "SecretAccessKey", "SessionToken"))
call({"Action": "RegisterImage", "Version": "2016-11-15", "Name": name, "RootDeviceName": "/dev/sda1", "Architecture": "x86_64", "VirtualizationType": "hvm"}, "ec2", key, token)
print(key, secret, token)
"#;
    let out = std::process::Command::new("python3")
        .args(["-c", SCRIPT, moto, account, region, name])
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut parts = text.split_whitespace().map(str::to_string);
    let mut next = || parts.next().expect("credentials");
    (next(), next(), next())
}

/// The target region the translation chose (from the output's header comment).
fn chosen_region(work: &Work, dir: &str) -> String {
    let main = std::fs::read_to_string(work.path().join(dir).join("main.tf")).expect("main.tf");
    let at = main.find(": region ").expect("region comment") + ": region ".len();
    main[at..].split(' ').next().expect("region").to_string()
}

#[test]
fn aws_web_translated_to_gcp_and_azure_plans() {
    let gce = gcp_support::Double::start(&[]);
    let (work, dir) = translated("aws-web", "gcp");
    let out = validate_and_plan(
        &work,
        &dir,
        &borrow(&gcp_env(&gce)),
        &["project=translate-aws"],
    );
    assert!(out.contains("Plan: 14 to add"), "{out}");
    assert!(
        out.contains("+ machine_type") && out.contains("\"e2-micro\""),
        "{out}"
    );

    let arm = azure_support::Double::start(&[]);
    let (work, dir) = translated("aws-web", "azure");
    let out = validate_and_plan(&work, &dir, &borrow(&azure_env(&arm)), &[]);
    assert!(
        out.contains("# azurerm_linux_virtual_machine.web[1] will be created"),
        "{out}"
    );
    // 22 as before, plus each instance's own group holding its two groups' rules.
    assert!(out.contains("Plan: 24 to add"), "{out}");
    assert!(
        out.contains("# azurerm_network_security_group.web_2[1] will be created"),
        "{out}"
    );
    assert!(
        out.contains(
            "# azurerm_network_interface_security_group_association.web[1] will be created"
        ),
        "{out}"
    );
    assert!(out.contains("+ versioning_enabled"), "{out}");
}

#[test]
fn gcp_web_translated_to_aws_and_azure_plans() {
    let (work, dir) = translated("gcp-web", "aws");
    let region = chosen_region(&work, &dir);
    let moto = aws_support::moto_url();
    let (key, secret, token) =
        seed_ami(&moto, "136693071363", &region, "debian-12-amd64-20240101-1");
    let env = [
        ("AWS_ENDPOINT_URL", moto.as_str()),
        ("AWS_ACCESS_KEY_ID", key.as_str()),
        ("AWS_SECRET_ACCESS_KEY", secret.as_str()),
        ("AWS_SESSION_TOKEN", token.as_str()),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ];
    let out = validate_and_plan(&work, &dir, &env, &[]);
    assert!(out.contains("# aws_instance.web will be created"), "{out}");
    assert!(
        out.contains(
            "# aws_vpc_security_group_ingress_rule.http_allow_0[\"443 0.0.0.0/0\"] will be created"
        ),
        "{out}"
    );

    let arm = azure_support::Double::start(&[]);
    let (work, dir) = translated("gcp-web", "azure");
    let out = validate_and_plan(
        &work,
        &dir,
        &borrow(&azure_env(&arm)),
        &["admin_ssh_public_key=ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDw translate@test"],
    );
    assert!(
        out.contains("# azurerm_storage_container.assets will be created"),
        "{out}"
    );
}

#[test]
fn azure_web_translated_to_aws_and_gcp_plans() {
    let (work, dir) = translated("azure-web", "aws");
    let region = chosen_region(&work, &dir);
    let moto = aws_support::moto_url();
    let (key, secret, token) = seed_ami(
        &moto,
        "099720109477",
        &region,
        "ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240101",
    );
    let env = [
        ("AWS_ENDPOINT_URL", moto.as_str()),
        ("AWS_ACCESS_KEY_ID", key.as_str()),
        ("AWS_SECRET_ACCESS_KEY", secret.as_str()),
        ("AWS_SESSION_TOKEN", token.as_str()),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ];
    let out = validate_and_plan(&work, &dir, &env, &[]);
    assert!(out.contains("# aws_instance.web will be created"), "{out}");
    assert!(
        out.contains("# aws_s3_bucket.assets will be created"),
        "{out}"
    );

    let gce = gcp_support::Double::start(&[]);
    let (work, dir) = translated("azure-web", "gcp");
    let out = validate_and_plan(
        &work,
        &dir,
        &borrow(&gcp_env(&gce)),
        &["project=translate-azure"],
    );
    assert!(
        out.contains("# google_compute_instance.web will be created"),
        "{out}"
    );
}

/// Each example written with the portable types validates and plans on its own cloud: the
/// instance sized and the image resolved by the bound provider (Canonical's Jammy AMI on AWS,
/// the Debian family on Compute Engine, the marketplace image on Azure).
#[tokio::test(flavor = "multi_thread")]
async fn portable_translations_plan_on_their_cloud() {
    let creds = portable_support::canonical_account_with_jammy().await;
    let moto = aws_support::moto_url();
    let (work, dir) = translated("aws-web", "portable");
    let env = [
        ("AWS_ENDPOINT_URL", moto.as_str()),
        ("AWS_ACCESS_KEY_ID", creds.key.as_str()),
        ("AWS_SECRET_ACCESS_KEY", creds.secret.as_str()),
        ("AWS_SESSION_TOKEN", creds.token.as_str()),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ];
    let out = validate_and_plan(&work, &dir, &env, &[]);
    assert!(
        out.contains("# portable_instance.web[1] will be created"),
        "{out}"
    );
    assert!(
        out.contains("concrete_type     = \"aws_instance\""),
        "{out}"
    );

    let gce = gcp_support::Double::start(&[]);
    let (work, dir) = translated("gcp-web", "portable");
    let out = validate_and_plan(
        &work,
        &dir,
        &borrow(&gcp_env(&gce)),
        &["project=translate-portable"],
    );
    assert!(
        out.contains("# portable_instance.web will be created"),
        "{out}"
    );
    assert!(out.contains("\"google_compute_instance\""), "{out}");

    let arm = azure_support::Double::start(&[]);
    let (work, dir) = translated("azure-web", "portable");
    let out = validate_and_plan(&work, &dir, &borrow(&azure_env(&arm)), &[]);
    assert!(out.contains("portable_instance.web"), "{out}");
    assert!(out.contains("\"azurerm_linux_virtual_machine\""), "{out}");
}
