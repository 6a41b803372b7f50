//! The embedded catalog, loading newer files, and malformed catalogs.

use autostack_cost::catalog::Unit;
use autostack_cost::{Catalog, Cloud, CostError};

const HEADER: &str = "cloud,service,sku,region,vcpu,memory_gib,arch,unit,usd,source,as_of\n";

#[test]
fn embedded_catalog_has_every_file() {
    let c = Catalog::embedded();
    assert_eq!(c.rows().len(), 11_582 + 8_654 + 8_360);
    assert_eq!(c.date(), "2026-09-06");
    assert_eq!(c.oldest_date(), "2020-08-30");
    assert!(c.name().contains("2026-12-04"));
    let row = c
        .lookup(Cloud::Aws, "ec2", "t3.micro", "us-east-1")
        .unwrap();
    assert_eq!(
        (row.usd, row.unit, row.as_of.as_str()),
        (0.0104, Unit::Hour, "2026-09-06")
    );
    assert!(c.lookup(Cloud::Aws, "ec2", "t3.micro", "xx-1").is_none());
    // A `global` row applies to every region.
    assert!(c
        .lookup(
            Cloud::Gcp,
            "public-ip",
            "static-external-ipv4-unused",
            "europe-west1"
        )
        .is_some());
    // Shapes of unpriced GCP types come from gcp-machine-specs.csv.
    let c4a = c.shape(Cloud::Gcp, "c4a-standard-4").unwrap();
    assert_eq!(
        (c4a.vcpu, c4a.memory_gib, c4a.arch.as_str()),
        (4.0, 16.0, "arm64")
    );
}

#[test]
fn loads_a_newer_catalog_file() {
    let dir = std::env::temp_dir().join(format!("autostack-cost-cat-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join("newer.csv");
    std::fs::write(
        &p,
        format!("{HEADER}aws,ec2,t3.micro,us-east-1,2,1,x86_64,hour,0.0099,test,2027-01-01\n"),
    )
    .unwrap();
    let c = Catalog::load(&[&p]).unwrap();
    assert_eq!(c.date(), "2027-01-01");
    assert_eq!(
        c.lookup(Cloud::Aws, "ec2", "t3.micro", "us-east-1")
            .unwrap()
            .usd,
        0.0099
    );
    assert!(c
        .lookup(Cloud::Aws, "ec2", "m5.large", "us-east-1")
        .is_none());
    let missing = Catalog::load(&[dir.join("nope.csv")]).unwrap_err();
    assert!(matches!(missing, CostError::Io { .. }), "{missing}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn malformed_catalogs_name_the_line() {
    let row = "aws,ec2,t3.micro,us-east-1,2,1,x86_64,hour,0.0104,src,2026-09-06\n";
    #[rustfmt::skip]
    let cases = [
        ("cloud,service\n".to_string(), 1, "header must be"),
        (format!("{HEADER}{row}aws,ec2,t3.small,us-east-1,2,2,x86_64,hour,abc,src,2026-09-06\n"), 3, "usd must be a non-negative number"),
        (format!("{HEADER}{row}aws,ec2,t3.small,us-east-1,2,2,x86_64,hour,-1,src,2026-09-06\n"), 3, "non-negative"),
        (format!("{HEADER}ibm,ec2,t3.small,us-east-1,2,2,x86_64,hour,1,src,2026-09-06\n"), 2, "cloud must be"),
        (format!("{HEADER}aws,ec2,t3.small,us-east-1,2,2,x86_64,day,1,src,2026-09-06\n"), 2, "unit must be"),
        (format!("{HEADER}aws,ec2,t3.small,us-east-1,2,2,risc,hour,1,src,2026-09-06\n"), 2, "arch must be"),
        (format!("{HEADER}aws,ec2,t3.small,us-east-1,2,2,x86_64,hour,1,src,last week\n"), 2, "as_of must be a date"),
        (format!("{HEADER}aws,ec2,t3.small,us-east-1,2\n"), 2, "expected 11 fields, found 5"),
        (format!("{HEADER}aws,ec2,,us-east-1,2,2,x86_64,hour,1,src,2026-09-06\n"), 2, "sku is empty"),
        (format!("{HEADER}{row}{row}"), 3, "duplicate price for aws ec2 t3.micro in us-east-1 (first at new.csv:2)"),
    ];
    for (text, line, msg) in cases {
        let e = Catalog::from_sources("new.csv", &[("new.csv", &text)]).unwrap_err();
        let CostError::Catalog {
            line: l, message, ..
        } = &e
        else {
            panic!("{e}")
        };
        assert_eq!(*l, line, "{text}: {e}");
        assert!(message.contains(msg), "{text}: {e}");
        assert!(
            e.to_string().starts_with(&format!("new.csv:{line}: ")),
            "{e}"
        );
    }
}
