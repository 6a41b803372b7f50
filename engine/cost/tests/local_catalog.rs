//! The local catalog: read from a directory, overlaid on the embedded one, reported per cloud.

use autostack_cost::catalog::local::{self, FetchMeta};
use autostack_cost::{Catalog, Cloud};

const HEADER: &str = "cloud,service,sku,region,vcpu,memory_gib,arch,unit,usd,source,as_of\n";

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("autostack-local-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn local_rows_override_and_extend_the_embedded_ones() {
    let dir = temp_dir("overlay");
    let aws = format!(
        "{HEADER}aws,ec2,t3.micro,us-east-1,2,1,x86_64,hour,0.0099,api:test,2026-12-01\n\
         aws,ec2,zz9.huge,us-east-1,4,16,x86_64,hour,0.5,api:test,2026-12-01\n"
    );
    std::fs::write(local::csv_path(&dir, Cloud::Aws), aws).unwrap();
    let meta = FetchMeta {
        fetched_at: "2026-12-03T10:00:00Z".into(),
        endpoint: "http://127.0.0.1".into(),
        regions: vec!["us-east-1".into()],
        rows: 2,
    };
    std::fs::write(
        local::meta_path(&dir, Cloud::Aws),
        serde_json::to_string(&meta).unwrap(),
    )
    .unwrap();
    let (files, warnings) = local::read_local(&dir);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].fetched, "2026-12-03");

    let embedded = Catalog::embedded();
    let c = Catalog::overlay(embedded, &files)
        .unwrap()
        .expect("a local file");
    let t3 = c
        .lookup(Cloud::Aws, "ec2", "t3.micro", "us-east-1")
        .unwrap();
    assert_eq!((t3.usd, t3.as_of.as_str()), (0.0099, "2026-12-01"));
    assert!(c
        .lookup(Cloud::Aws, "ec2", "zz9.huge", "us-east-1")
        .is_some());
    // Rows the local file does not have keep their embedded price and date.
    let m5 = c
        .lookup(Cloud::Aws, "ec2", "m5.large", "us-east-1")
        .unwrap();
    let m5_embedded = embedded
        .lookup(Cloud::Aws, "ec2", "m5.large", "us-east-1")
        .unwrap();
    assert_eq!((m5.usd, &m5.as_of), (m5_embedded.usd, &m5_embedded.as_of));
    assert_eq!(c.rows().len(), embedded.rows().len() + 1);
    assert!(
        c.name()
            .starts_with("local (aws fetched 2026-12-03) + embedded (copied "),
        "{}",
        c.name()
    );
    assert_eq!(c.date(), embedded.date().max("2026-12-01"));

    let status = local::status(&c, &files);
    let aws = &status[0];
    assert_eq!(
        (aws.source.as_str(), aws.local_rows),
        ("local + embedded", 2)
    );
    assert_eq!(aws.fetched_at.as_deref(), Some("2026-12-03T10:00:00Z"));
    assert_eq!(aws.newest, "2026-12-01");
    assert_eq!(status[1].source, "embedded");
    assert_eq!(status[1].oldest, "2020-08-30");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn broken_or_misplaced_local_files_are_ignored_with_a_warning() {
    let dir = temp_dir("broken");
    std::fs::write(local::csv_path(&dir, Cloud::Aws), "not,a,catalog\n").unwrap();
    let gcp_in_azure = format!("{HEADER}gcp,gcs,Standard,us,,,,gb-month,0.026,api,2026-12-01\n");
    std::fs::write(local::csv_path(&dir, Cloud::Azure), gcp_in_azure).unwrap();
    let (files, warnings) = local::read_local(&dir);
    assert!(files.is_empty());
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(warnings[0].contains("header"), "{}", warnings[0]);
    assert!(warnings[1].contains("another cloud"), "{}", warnings[1]);
    assert!(Catalog::overlay(Catalog::embedded(), &files)
        .unwrap()
        .is_none());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_local_dir_follows_the_environment() {
    // One test changes the environment, so the three cases run in order here.
    std::env::set_var(local::DIR_ENV, "/x/catalog");
    assert_eq!(
        local::local_dir().unwrap(),
        std::path::Path::new("/x/catalog")
    );
    std::env::remove_var(local::DIR_ENV);
    std::env::set_var("XDG_CACHE_HOME", "/cache");
    assert_eq!(
        local::local_dir().unwrap(),
        std::path::Path::new("/cache/autostack/catalog")
    );
    std::env::remove_var("XDG_CACHE_HOME");
    std::env::set_var("HOME", "/home/u");
    assert_eq!(
        local::local_dir().unwrap(),
        std::path::Path::new("/home/u/.cache/autostack/catalog")
    );
}
