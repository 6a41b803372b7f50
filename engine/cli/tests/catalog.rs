//! `autostack catalog update` / `catalog status` through the real binary, against recorded
//! (hand-trimmed) responses of the three price APIs served by a local HTTP server that pages,
//! throttles once with `Retry-After`, and can fail one cloud midway.

mod common;

use common::Work;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

const AWS: &str = "provider \"aws\" {\n  region = \"us-east-1\"\n}\nresource \"aws_instance\" \"web\" {\n  ami           = \"ami-123\"\n  instance_type = \"t3.micro\"\n}\n";

#[derive(Default)]
struct Seen {
    /// Every request: `path?query` and the status answered.
    log: Vec<(String, u16)>,
    throttled: bool,
    /// Answer 503 to the second page of Compute Engine SKUs.
    fail_gcp: bool,
}

struct Server {
    base: String,
    seen: Arc<Mutex<Seen>>,
}

fn fixture(name: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/prices")
        .join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The answer to one request: status, extra header, body.
fn route(path: &str, query: &str, seen: &mut Seen) -> (u16, &'static str, String) {
    let ok = |name: &str| (200, "", fixture(name));
    let aws = "/offers/v1.0/aws/";
    if path == format!("{aws}index.json") {
        return ok("aws/index.json");
    }
    if let Some(rest) = path.strip_prefix(aws) {
        let offer = rest.split('/').next().unwrap_or("");
        if rest.ends_with("/current/region_index.json") {
            return ok(&format!("aws/{offer}-region_index.json"));
        }
        if rest.ends_with("/us-east-1/index.json") {
            return ok(&format!("aws/{offer}-us-east-1.json"));
        }
    }
    if path == "/api/retail/prices" {
        if !seen.throttled {
            seen.throttled = true;
            return (
                429,
                "Retry-After: 1\r\n",
                "{\"error\":\"Too many requests\"}".into(),
            );
        }
        if !query.contains("eastus") {
            return (200, "", "{\"Items\":[],\"NextPageLink\":null}".into());
        }
        return match (query.contains("Virtual"), query.contains("skip=3")) {
            (true, true) => ok("azure/vm-page2.json"),
            (true, false) => ok("azure/vm-page1.json"),
            _ => ok("azure/storage.json"),
        };
    }
    if path.starts_with("/v1/") && !query.contains("key=TESTKEY") {
        return (
            403,
            "",
            "{\"error\":{\"code\":403,\"message\":\"API key not valid.\"}}".into(),
        );
    }
    match path {
        "/v1/services" => ok("gcp/services.json"),
        "/v1/services/6F81-5844-456A/skus" if query.contains("pageToken=") => {
            if seen.fail_gcp {
                (503, "", "{\"error\":{\"code\":503}}".into())
            } else {
                ok("gcp/compute-skus-2.json")
            }
        }
        "/v1/services/6F81-5844-456A/skus" => ok("gcp/compute-skus-1.json"),
        "/v1/services/95FF-2EF5-5EA1/skus" => ok("gcp/storage-skus.json"),
        _ => (404, "", "{\"error\":\"not found\"}".into()),
    }
}

fn answer(mut stream: TcpStream, seen: &Mutex<Seen>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    let target = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    // Headers up to the blank line; GET requests have no body.
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
            break;
        }
    }
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let mut s = seen.lock().unwrap();
    let (code, extra, body) = route(path, query, &mut s);
    s.log.push((target.clone(), code));
    drop(s);
    let head = format!(
        "HTTP/1.1 {code} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n{extra}\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body.as_bytes());
}

fn serve() -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Seen::default()));
    let shared = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let seen = shared.clone();
            std::thread::spawn(move || answer(stream, &seen));
        }
    });
    Server { base, seen }
}

fn env(s: &Server, dir: &Path) -> Vec<(String, String)> {
    vec![
        ("AUTOSTACK_CATALOG_DIR".into(), dir.display().to_string()),
        ("AUTOSTACK_PRICES_AWS_URL".into(), s.base.clone()),
        (
            "AUTOSTACK_PRICES_AZURE_URL".into(),
            format!("{}/api/retail/prices", s.base),
        ),
        ("AUTOSTACK_PRICES_GCP_URL".into(), format!("{}/v1", s.base)),
        ("GOOGLE_BILLING_API_KEY".into(), "TESTKEY".into()),
    ]
}

fn run(w: &Work, args: &[&str], env: &[(String, String)]) -> common::Run {
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    w.run_env(args, &env)
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn setup() -> (Work, Server, PathBuf, Vec<(String, String)>) {
    let w = Work::new(&[("main.tf", AWS)]);
    let s = serve();
    let dir = w.path().join("prices");
    let e = env(&s, &dir);
    let r = run(
        &w,
        &["catalog", "update", "-region=us-east-1,eastus,us-central1"],
        &e,
    );
    assert_eq!(r.code(), 0, "{}{}", r.stdout(), r.stderr());
    (w, s, dir, e)
}

#[test]
fn update_writes_each_clouds_prices_and_retries_a_throttled_call() {
    let (_w, s, dir, _e) = setup();
    let aws = read(&dir, "aws.csv");
    assert!(aws.contains("aws,ec2,t3.micro,us-east-1,2,1,x86_64,hour,0.0104,aws-price-list:AmazonEC2/20261120184533/us-east-1,2026-11-01\n"), "{aws}");
    assert!(
        aws.contains("aws,ec2,m7g.large,us-east-1,2,8,arm64,hour,0.0816,"),
        "{aws}"
    );
    assert!(
        aws.contains("aws,s3,S3 Standard,us-east-1,,,,gb-month,0.023,"),
        "{aws}"
    );
    assert!(aws.contains("aws,public-ip,public-ipv4,us-east-1,,,,hour,0.005,aws-price-list:AmazonVPC/20261101000000/us-east-1,2024-02-01\n"), "{aws}");
    assert!(
        aws.contains("aws,ebs,gp3,us-east-1,,,,gb-month,0.08,"),
        "{aws}"
    );
    // Windows, dedicated, SQL, unused reservations, the Boston Local Zone, IOPS: all left out.
    assert_eq!(aws.lines().count(), 1 + 2 + 2 + 3 + 1 + 1, "{aws}");

    let azure = read(&dir, "azure.csv");
    // Sizes come from the embedded catalog (the price API has none).
    assert!(azure.contains("azure,vm,Standard_D2s_v3,eastus,2,8,x86_64,hour,0.096,azure-retail-prices:Virtual Machines DSv3 Series#D2s v3,2016-11-01\n"), "{azure}");
    assert!(
        azure.contains("azure,managed-disk,Standard SSD,eastus,,,,gb-month,0.075,"),
        "{azure}"
    );
    assert!(
        azure.contains("azure,blob,Blob Hot (LRS),eastus,,,,gb-month,0.0184,"),
        "{azure}"
    );
    assert_eq!(azure.lines().count(), 1 + 3 + 3 + 1, "{azure}");

    let gcp = read(&dir, "gcp.csv");
    assert!(gcp.contains("gcp,compute,e2-standard-2,us-central1,2,8,x86_64,hour,0.06701142,gcp-cloud-billing:e2(vcpu*core+gib*ram),2026-10-15\n"), "{gcp}");
    assert!(
        gcp.contains("gcp,compute,n2-standard-4,us-central1,4,16,"),
        "{gcp}"
    );
    assert!(
        gcp.contains("gcp,persistent-disk,pd-balanced,us-central1,,,,gb-month,0.1,"),
        "{gcp}"
    );
    assert!(
        gcp.contains("gcp,gcs,Standard,us-central1,,,,gb-month,0.02,"),
        "{gcp}"
    );
    assert!(!gcp.contains("europe-west1"), "{gcp}");

    // Azure throttled once: the 429 was answered with Retry-After and the request retried.
    let log = s.seen.lock().unwrap().log.clone();
    let azure_calls: Vec<u16> = log
        .iter()
        .filter(|(t, _)| t.starts_with("/api/"))
        .map(|(_, c)| *c)
        .collect();
    assert_eq!(azure_calls, [429, 200, 200, 200], "{log:?}");
}

#[test]
fn status_and_cost_show_the_local_prices_with_their_dates() {
    let (w, _s, dir, e) = setup();
    let (aws, azure, gcp) = (
        read(&dir, "aws.csv"),
        read(&dir, "azure.csv"),
        read(&dir, "gcp.csv"),
    );
    let st = run(&w, &["catalog", "status", "-json"], &e).expect(0);
    let j: serde_json::Value = serde_json::from_str(&st.stdout()).unwrap();
    for (i, (cloud, file)) in [("aws", &aws), ("azure", &azure), ("gcp", &gcp)]
        .iter()
        .enumerate()
    {
        let c = &j["clouds"][i];
        assert_eq!(c["cloud"], *cloud);
        assert_eq!(c["source"], "local + embedded");
        assert_eq!(c["local_rows"], file.lines().count() - 1);
        assert!(c["fetched_at"].as_str().unwrap().ends_with('Z'), "{c}");
    }
    assert_eq!(j["clouds"][1]["oldest"], "2016-11-01");
    let table = run(&w, &["catalog", "status"], &e).expect(0).stdout();
    assert!(table.contains("local (aws fetched "), "{table}");
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("gcp    local + embedded")),
        "{table}"
    );

    let r = run(&w, &["cost", "-format=json"], &e).expect(0);
    let j: serde_json::Value = serde_json::from_str(&r.stdout()).unwrap();
    assert!(
        j["catalog"]
            .as_str()
            .unwrap()
            .starts_with("local (aws fetched "),
        "{}",
        j["catalog"]
    );
    let hours = j["resources"][0]["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["unit"] == "hours")
        .unwrap()
        .clone();
    assert_eq!(hours["unit_price"], 0.0104);
    assert_eq!(hours["source_date"], "2026-11-01");
    assert!(
        hours["source"]
            .as_str()
            .unwrap()
            .starts_with("aws-price-list:AmazonEC2/"),
        "{hours}"
    );

    // Without the local catalog the same plan is priced from the embedded one.
    let r = w.run(&["cost", "-format=json"]).expect(0);
    let j: serde_json::Value = serde_json::from_str(&r.stdout()).unwrap();
    assert!(
        j["catalog"].as_str().unwrap().starts_with("embedded"),
        "{}",
        j["catalog"]
    );
}

#[test]
fn a_cloud_failing_midway_keeps_its_previous_prices_and_exits_1() {
    let (w, s, dir, e) = setup();
    let gcp_before = read(&dir, "gcp.csv");
    let aws_meta_before = read(&dir, "aws.fetched.json");
    s.seen.lock().unwrap().fail_gcp = true;
    s.seen.lock().unwrap().log.clear();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let r = run(
        &w,
        &["catalog", "update", "-region=us-east-1,us-central1"],
        &e,
    )
    .expect(1);
    let err = r.stderr();
    assert!(
        err.contains("Error: gcp: ") && err.contains("HTTP 503"),
        "{err}"
    );
    assert!(err.contains("the previous gcp prices are kept"), "{err}");
    assert!(r.stdout().contains("aws: 9 prices"), "{}", r.stdout());
    assert_eq!(read(&dir, "gcp.csv"), gcp_before);
    assert_ne!(
        read(&dir, "aws.fetched.json"),
        aws_meta_before,
        "aws was fetched again"
    );
    // The 503 was retried (four attempts) before the cloud was given up.
    let log = s.seen.lock().unwrap().log.clone();
    let failed = log.iter().filter(|(_, c)| *c == 503).count();
    assert_eq!(failed, 4, "{log:?}");
    let left: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(left.is_empty(), "temporary files left: {left:?}");
}

#[test]
fn bad_arguments_and_a_missing_key_are_reported() {
    let w = Work::new(&[("main.tf", AWS)]);
    let s = serve();
    let dir = w.path().join("prices");
    let mut e = env(&s, &dir);
    let r = run(
        &w,
        &[
            "catalog",
            "update",
            "-cloud=aws,azure",
            "-endpoint=http://127.0.0.1:1",
        ],
        &e,
    )
    .expect(1);
    assert!(
        r.stderr().contains("-endpoint needs exactly one -cloud"),
        "{}",
        r.stderr()
    );
    let r = run(&w, &["catalog", "update", "-cloud=ibm"], &e).expect(1);
    assert!(
        r.stderr().contains("use aws, azure or gcp"),
        "{}",
        r.stderr()
    );
    let r = run(&w, &["catalog", "update", "-region=mars-1"], &e).expect(1);
    assert!(
        r.stderr()
            .contains("-region=mars-1: not a region of aws, azure, gcp"),
        "{}",
        r.stderr()
    );
    e.retain(|(k, _)| k != "GOOGLE_BILLING_API_KEY");
    let r = run(&w, &["catalog", "update", "-cloud=gcp"], &e).expect(1);
    assert!(r.stderr().contains("needs a key"), "{}", r.stderr());
    let r = run(
        &w,
        &["catalog", "update", "-cloud=gcp", "-api-key=WRONG"],
        &e,
    )
    .expect(1);
    assert!(r.stderr().contains("HTTP 403"), "{}", r.stderr());
    assert!(
        !r.stderr().contains("WRONG"),
        "the key is not printed: {}",
        r.stderr()
    );
    // A transport error (nothing listens there) is retried, then reported without the key.
    let r = run(
        &w,
        &[
            "catalog",
            "update",
            "-cloud=gcp",
            "-api-key=SECRET",
            "-endpoint=http://127.0.0.1:1/v1",
        ],
        &e,
    )
    .expect(1);
    assert!(
        r.stderr().contains("gave up after 4 attempts"),
        "{}",
        r.stderr()
    );
    assert!(
        !r.stderr().contains("SECRET"),
        "the key is not printed: {}",
        r.stderr()
    );
    assert!(!dir.join("gcp.csv").exists());
    let st = run(&w, &["catalog", "status", "-json"], &e).expect(0);
    let j: serde_json::Value = serde_json::from_str(&st.stdout()).unwrap();
    assert_eq!(j["clouds"][2]["source"], "embedded");
}
