//! The price-API mappers: an API item → the catalog row, and the items that must be skipped.

use autostack_cost::catalog::fetch::{aws, azure, gcp};
use autostack_cost::catalog::{PriceRow, Unit};
use serde_json::{json, Value};

/// (service, sku, region, usd, as_of) of a row, for compact comparisons.
type Key = (String, String, String, f64, String);

/// One offer-file product: (sku, family, attributes, unit, [(beginRange, usd)]).
type OfferItem<'a> = (&'a str, &'a str, Value, &'a str, &'a [(&'a str, &'a str)]);

/// The key of each row.
fn keys(rows: &[PriceRow]) -> Vec<Key> {
    rows.iter()
        .map(|r| {
            let usd = (r.usd * 1e9).round() / 1e9;
            (
                r.service.clone(),
                r.sku.clone(),
                r.region.clone(),
                usd,
                r.as_of.clone(),
            )
        })
        .collect()
}

fn linux(extra: &[(&str, &str)]) -> Value {
    let mut a = json!({
        "instanceType": "t3.micro", "vcpu": "2", "memory": "1 GiB", "operatingSystem": "Linux",
        "tenancy": "Shared", "preInstalledSw": "NA", "capacitystatus": "Used",
        "licenseModel": "No License required", "locationType": "AWS Region",
        "regionCode": "us-east-1", "physicalProcessor": "Intel Xeon Platinum 8259CL",
        "usagetype": "BoxUsage:t3.micro"
    });
    for (k, v) in extra {
        a[*k] = json!(v);
    }
    a
}

/// An offer file with one product per entry: (sku, family, attributes, unit, [(beginRange, usd)]).
fn offer(items: &[OfferItem]) -> String {
    let mut products = serde_json::Map::new();
    let mut on_demand = serde_json::Map::new();
    let mut reserved = serde_json::Map::new();
    for (sku, family, attrs, unit, tiers) in items {
        products.insert(
            sku.to_string(),
            json!({"sku": sku, "productFamily": family, "attributes": attrs}),
        );
        let dims: serde_json::Map<String, Value> = tiers
            .iter()
            .enumerate()
            .map(|(i, (begin, usd))| {
                let d = json!({"unit": unit, "beginRange": begin, "pricePerUnit": {"USD": usd}});
                (format!("{sku}.JRTCKXETXF.{i}"), d)
            })
            .collect();
        let term = json!({"effectiveDate": "2026-11-01T00:00:00Z", "priceDimensions": dims});
        on_demand.insert(
            sku.to_string(),
            json!({ format!("{sku}.JRTCKXETXF"): term }),
        );
        let cheap = json!({"effectiveDate": "2026-11-01T00:00:00Z", "priceDimensions":
            {"x": {"unit": unit, "pricePerUnit": {"USD": "0.0001"}}}});
        reserved.insert(sku.to_string(), json!({ "r": cheap }));
    }
    json!({"formatVersion": "v1.0", "offerCode": "AmazonEC2", "version": "20261101000000",
        "publicationDate": "2026-11-02T00:00:00Z", "products": products,
        "terms": {"OnDemand": on_demand, "Reserved": reserved}})
    .to_string()
}

/// An EC2/EBS/S3/VPC offer file: the products that map to rows and those that must not.
fn recorded_offer() -> String {
    let region = |code: &str, t: &str| json!({"regionCode": code, "locationType": t});
    let merge = |mut a: Value, b: Value| {
        for (k, v) in b.as_object().unwrap() {
            a[k] = v.clone();
        }
        a
    };
    let vol = |name: &str| json!({"volumeApiName": name, "usagetype": format!("EBS:VolumeUsage.{name}"), "locationType": "AWS Region", "regionCode": "us-east-1"});
    let hrs = &[("0", "0.0104000000")][..];
    offer(&[
        ("A", "Compute Instance", linux(&[]), "Hrs", hrs),
        (
            "B",
            "Compute Instance",
            linux(&[
                ("instanceType", "m7g.large"),
                ("vcpu", "2"),
                ("memory", "8 GiB"),
                ("physicalProcessor", "AWS Graviton3 Processor"),
            ]),
            "Hrs",
            &[("0", "0.0816")],
        ),
        (
            "W",
            "Compute Instance",
            linux(&[("instanceType", "m5.large"), ("operatingSystem", "Windows")]),
            "Hrs",
            hrs,
        ),
        (
            "D",
            "Compute Instance",
            linux(&[("instanceType", "m5.large"), ("tenancy", "Dedicated")]),
            "Hrs",
            hrs,
        ),
        (
            "S",
            "Compute Instance",
            linux(&[("instanceType", "m5.large"), ("preInstalledSw", "SQL Web")]),
            "Hrs",
            hrs,
        ),
        (
            "U",
            "Compute Instance",
            linux(&[
                ("instanceType", "m5.large"),
                ("capacitystatus", "UnusedCapacityReservation"),
            ]),
            "Hrs",
            hrs,
        ),
        (
            "L",
            "Compute Instance",
            merge(
                linux(&[("instanceType", "m5.large")]),
                region("us-east-1-bos-1", "AWS Local Zone"),
            ),
            "Hrs",
            hrs,
        ),
        ("E", "Storage", vol("gp3"), "GB-Mo", &[("0", "0.08")]),
        (
            "I",
            "System Operation",
            merge(vol("gp3"), json!({"usagetype": "EBS:VolumeP-IOPS.gp3"})),
            "IOPS-Mo",
            &[("0", "0.005")],
        ),
        (
            "F",
            "Storage",
            json!({"volumeType": "Standard", "usagetype": "TimedStorage-ByteHrs", "regionCode": "us-east-1"}),
            "GB-Mo",
            &[("0", "0.023"), ("51200", "0.022")],
        ),
        (
            "P",
            "VPC Public IPv4 Address",
            json!({"usagetype": "USE1-PublicIPv4:InUseAddress", "regionCode": "us-east-1"}),
            "Hrs",
            &[("0", "0.005")],
        ),
        (
            "Q",
            "VPC Public IPv4 Address",
            json!({"usagetype": "USE1-PublicIPv4:IdleAddress", "regionCode": "us-east-1"}),
            "Hrs",
            &[("0", "0.005")],
        ),
        (
            "Z",
            "Compute Instance",
            linux(&[("instanceType", "t3.nano")]),
            "Hrs",
            &[("0", "0.0000000000")],
        ),
    ])
}

#[test]
fn aws_offer_rows_and_skipped_products() {
    let text = recorded_offer();
    let rows = aws::parse_offer(text.as_bytes(), "AmazonEC2", "us-east-1").unwrap();
    let d = "2026-11-01".to_string();
    let k = |s: &str, sku: &str, usd: f64| {
        (
            s.to_string(),
            sku.to_string(),
            "us-east-1".to_string(),
            usd,
            d.clone(),
        )
    };
    assert_eq!(
        keys(&rows),
        [
            k("ebs", "gp3", 0.08),
            k("ec2", "m7g.large", 0.0816),
            k("ec2", "t3.micro", 0.0104),
            k("public-ip", "public-ipv4", 0.005),
            k("s3", "S3 Standard", 0.023),
        ]
    );
    let g = &rows[1];
    assert_eq!(
        (g.vcpu, g.memory_gib, g.arch.as_deref()),
        (Some(2.0), Some(8.0), Some("arm64"))
    );
    assert_eq!(rows[2].arch.as_deref(), Some("x86_64"));
    assert_eq!(rows[2].unit, Unit::Hour);
    assert_eq!(rows[0].unit, Unit::GbMonth);
    assert_eq!(
        rows[0].source,
        "aws-price-list:AmazonEC2/20261101000000/us-east-1"
    );
}

#[test]
fn aws_indexes_give_offer_and_region_urls() {
    let index = json!({"offers": {
        "AmazonEC2": {"currentRegionIndexUrl": "/offers/v1.0/aws/AmazonEC2/current/region_index.json"},
        "AmazonS3": {"currentRegionIndexUrl": "/s3/region_index.json"},
        "AmazonVPC": {"currentRegionIndexUrl": "/vpc/region_index.json"},
        "AmazonRDS": {"currentRegionIndexUrl": "/rds/region_index.json"}}});
    let urls = aws::region_index_urls(&index.to_string()).unwrap();
    assert_eq!(urls.len(), 3);
    assert_eq!(
        urls[0].1,
        "/offers/v1.0/aws/AmazonEC2/current/region_index.json"
    );
    let missing = aws::region_index_urls(r#"{"offers": {}}"#).unwrap_err();
    assert!(missing.0.contains("AmazonEC2"), "{missing}");
    let regions = json!({"regions": {
        "us-east-1": {"regionCode": "us-east-1", "currentVersionUrl": "/ec2/v1/us-east-1/index.json"},
        "eu-west-1": {"regionCode": "eu-west-1", "currentVersionUrl": "/ec2/v1/eu-west-1/index.json"}}});
    let all = aws::region_urls(&regions.to_string(), &[]).unwrap();
    assert_eq!(
        all.iter().map(|(r, _)| r.as_str()).collect::<Vec<_>>(),
        ["eu-west-1", "us-east-1"]
    );
    let one =
        aws::region_urls(&regions.to_string(), &["us-east-1".into(), "mars-1".into()]).unwrap();
    assert_eq!(
        one,
        [(
            "us-east-1".to_string(),
            "/ec2/v1/us-east-1/index.json".to_string()
        )]
    );
}

#[test]
fn aws_offer_errors_on_truncated_files() {
    let text = offer(&[(
        "A",
        "Compute Instance",
        linux(&[]),
        "Hrs",
        &[("0", "0.0104")],
    )]);
    let cut = &text[..text.len() / 2];
    assert!(aws::parse_offer(cut.as_bytes(), "AmazonEC2", "us-east-1").is_err());
}

fn az(fields: &[(&str, Value)]) -> azure::Item {
    let mut v = json!({
        "currencyCode": "USD", "retailPrice": 0.096, "armRegionName": "eastus",
        "serviceName": "Virtual Machines", "productName": "Virtual Machines DSv3 Series",
        "skuName": "D2s v3", "meterName": "D2s v3", "armSkuName": "Standard_D2s_v3",
        "unitOfMeasure": "1 Hour", "type": "Consumption",
        "effectiveStartDate": "2023-05-01T00:00:00Z", "tierMinimumUnits": 0.0,
        "isPrimaryMeterRegion": true
    });
    for (k, x) in fields {
        v[*k] = x.clone();
    }
    serde_json::from_value(v).unwrap()
}

/// (case, item, the row it maps to) for each kind of Azure item.
fn azure_cases() -> Vec<(&'static str, azure::Item, Option<Key>)> {
    let disk = |product: &str, sku: &str, meter: &str, price: f64| {
        az(&[
            ("serviceName", json!("Storage")),
            ("productName", json!(product)),
            ("skuName", json!(sku)),
            ("meterName", json!(meter)),
            ("armSkuName", json!("")),
            ("unitOfMeasure", json!("1/Month")),
            ("retailPrice", json!(price)),
        ])
    };
    let blob = |sku: &str, meter: &str, tier: f64| {
        az(&[
            ("serviceName", json!("Storage")),
            ("productName", json!("General Block Blob v2")),
            ("skuName", json!(sku)),
            ("meterName", json!(meter)),
            ("armSkuName", json!("")),
            ("unitOfMeasure", json!("1 GB/Month")),
            ("retailPrice", json!(0.0184)),
            ("tierMinimumUnits", json!(tier)),
        ])
    };
    let some = |s: &str, sku: &str, usd: f64| {
        Some((
            s.to_string(),
            sku.to_string(),
            "eastus".to_string(),
            usd,
            "2023-05-01".to_string(),
        ))
    };
    vec![
        ("linux vm", az(&[]), some("vm", "Standard_D2s_v3", 0.096)),
        (
            "windows",
            az(&[("productName", json!("Virtual Machines DSv3 Series Windows"))]),
            None,
        ),
        (
            "spot",
            az(&[
                ("skuName", json!("D2s v3 Spot")),
                ("meterName", json!("D2s v3 Spot")),
            ]),
            None,
        ),
        (
            "low priority",
            az(&[("meterName", json!("D2s v3 Low Priority"))]),
            None,
        ),
        ("reservation", az(&[("type", json!("Reservation"))]), None),
        (
            "dev/test",
            az(&[("type", json!("DevTestConsumption"))]),
            None,
        ),
        (
            "other currency",
            az(&[("currencyCode", json!("EUR"))]),
            None,
        ),
        ("free meter", az(&[("retailPrice", json!(0.0))]), None),
        (
            "secondary meter region",
            az(&[("isPrimaryMeterRegion", json!(false))]),
            None,
        ),
        ("no date", az(&[("effectiveStartDate", json!(""))]), None),
        (
            "standard ssd",
            disk("Standard SSD Managed Disks", "E10 LRS", "E10 LRS Disk", 9.6),
            some("managed-disk", "Standard SSD", 0.075),
        ),
        (
            "standard ssd zrs",
            disk(
                "Standard SSD Managed Disks",
                "E10 ZRS",
                "E10 ZRS Disk",
                12.0,
            ),
            some("managed-disk", "Standard SSD (ZRS)", 12.0 / 128.0),
        ),
        (
            "premium",
            disk(
                "Premium SSD Managed Disks",
                "P10 LRS",
                "P10 LRS Disk",
                19.71,
            ),
            some("managed-disk", "Premium SSD", 19.71 / 128.0),
        ),
        (
            "hdd",
            disk("Standard HDD Managed Disks", "S10 LRS", "S10 Disks", 5.89),
            some("managed-disk", "Standard HDD", 5.89 / 128.0),
        ),
        (
            "other tier",
            disk(
                "Standard SSD Managed Disks",
                "E20 LRS",
                "E20 LRS Disk",
                19.2,
            ),
            None,
        ),
        (
            "disk operations",
            disk(
                "Standard SSD Managed Disks",
                "E10 LRS",
                "E10 LRS Disk Operations",
                0.002,
            ),
            None,
        ),
        (
            "hot lrs",
            blob("Hot LRS", "Hot LRS Data Stored", 0.0),
            some("blob", "Blob Hot (LRS)", 0.0184),
        ),
        (
            "hot lrs tier 2",
            blob("Hot LRS", "Hot LRS Data Stored", 51200.0),
            None,
        ),
        (
            "write operations",
            blob("Hot LRS", "Hot LRS Write Operations", 0.0),
            None,
        ),
        (
            "premium blob",
            blob("Premium LRS", "Premium LRS Data Stored", 0.0),
            None,
        ),
    ]
}

#[test]
fn azure_items_map_to_rows_or_are_skipped() {
    let cases = azure_cases();
    for (name, item, want) in cases {
        let got = azure::map_item(&item).map(|r| keys(&[r]).remove(0));
        assert_eq!(got, want, "{name}");
    }
}

#[test]
fn azure_pages_and_filters() {
    let page = json!({"BillingCurrency": "USD", "Items": [
        {"currencyCode": "USD", "retailPrice": 0.0104, "armRegionName": "eastus", "serviceName": "Virtual Machines",
         "productName": "Virtual Machines BS Series", "skuName": "B1s", "meterName": "B1s", "armSkuName": "Standard_B1s",
         "unitOfMeasure": "1 Hour", "type": "Consumption", "effectiveStartDate": "2020-08-01T00:00:00Z", "isPrimaryMeterRegion": true}],
        "NextPageLink": "https://prices.azure.com/api/retail/prices?$skip=100", "Count": 1});
    let p = azure::parse_page(&page.to_string()).unwrap();
    assert_eq!(p.rows.len(), 1);
    assert_eq!(
        p.next.as_deref(),
        Some("https://prices.azure.com/api/retail/prices?$skip=100")
    );
    let last = azure::parse_page(r#"{"Items": [], "NextPageLink": null}"#).unwrap();
    assert_eq!(last.next, None);
    let f = azure::filters("westeurope").unwrap();
    assert!(
        f[0].contains("serviceName eq 'Virtual Machines'")
            && f[0].contains("armRegionName eq 'westeurope'")
    );
    assert!(f[1].contains("productName eq 'General Block Blob v2'"));
    assert_eq!(azure::filters("eastus' or 1 eq 1"), None);
}

fn gsku(
    desc: &str,
    family: &str,
    group: &str,
    usage: &str,
    regions: &[&str],
    unit: &str,
    tiers: &[(i64, i64)],
) -> Value {
    let rates: Vec<Value> = tiers
        .iter()
        .map(|(u, n)| json!({"startUsageAmount": 0, "unitPrice": {"currencyCode": "USD", "units": u.to_string(), "nanos": n}}))
        .collect();
    json!({"skuId": format!("ID-{desc}"), "description": desc,
        "category": {"resourceFamily": family, "resourceGroup": group, "usageType": usage},
        "serviceRegions": regions,
        "pricingInfo": [{"effectiveTime": "2026-10-15T12:00:00Z",
            "pricingExpression": {"usageUnit": unit, "tieredRates": rates}}]})
}

/// A Compute Engine + Cloud Storage SKU page: rates, flat types, disks, classes, and SKUs to skip.
fn gcp_page() -> Value {
    json!({"skus": [
        gsku("E2 Instance Core running in Americas", "Compute", "CPU", "OnDemand", &["us-central1"], "h", &[(0, 21811590)]),
        gsku("E2 Instance Ram running in Americas", "Compute", "RAM", "OnDemand", &["us-central1"], "GiBy.h", &[(0, 2923530)]),
        gsku("Spot Preemptible E2 Instance Core running in Americas", "Compute", "CPU", "Preemptible", &["us-central1"], "h", &[(0, 6543000)]),
        gsku("E2 Instance Core running in Belgium", "Compute", "CPU", "OnDemand", &["europe-west1"], "h", &[(0, 23000000)]),
        gsku("N2 Instance Core running in Americas", "Compute", "CPU", "OnDemand", &["us-central1"], "h", &[(0, 31611000)]),
        gsku("N2 Custom Instance Core running in Americas", "Compute", "CPU", "OnDemand", &["us-central1"], "h", &[(0, 33000000)]),
        gsku("Micro Instance with burstable CPU running in Americas", "Compute", "F1Micro", "OnDemand", &["us-central1"], "h", &[(0, 7600000)]),
        gsku("Balanced PD Capacity", "Storage", "SSD", "OnDemand", &["us-central1"], "GiBy.mo", &[(0, 100000000)]),
        gsku("Standard Storage US Multi-region", "Storage", "MultiRegionalStorage", "OnDemand", &["us"], "GiBy.mo", &[(0, 0), (0, 26000000)]),
        gsku("Nearline Storage Iowa Dual-region", "Storage", "NearlineStorage", "OnDemand", &["us-central1", "us-east1"], "GiBy.mo", &[(0, 10000000)]),
        gsku("Nearline Storage Iowa", "Storage", "NearlineStorage", "OnDemand", &["us-central1"], "GiBy.mo", &[(0, 10000000)]),
        gsku("Commitment v1: E2 Cpu in Americas for 1 Year", "Compute", "CPU", "Commit1Yr", &["us-central1"], "h", &[(0, 13000000)])
    ], "nextPageToken": "p2"})
}

#[test]
fn gcp_skus_price_machine_types_disks_and_classes() {
    let mut s = gcp::Skus::new(&["us-central1".into(), "us".into()]);
    let skus = gcp_page();
    assert_eq!(
        s.add_page(&skus.to_string()).unwrap().as_deref(),
        Some("p2")
    );
    let rows = s.finish();
    let find = |sku: &str| {
        rows.iter()
            .find(|r| r.sku == sku && r.region == "us-central1")
    };
    let e2 = find("e2-standard-2").expect("e2-standard-2 priced");
    assert!(
        (e2.usd - (2.0 * 0.02181159 + 8.0 * 0.00292353)).abs() < 1e-9,
        "{}",
        e2.usd
    );
    assert_eq!(
        (e2.vcpu, e2.memory_gib, e2.as_of.as_str()),
        (Some(2.0), Some(8.0), "2026-10-15")
    );
    let micro = find("e2-micro").unwrap();
    assert!(
        (micro.usd - (0.25 * 0.02181159 + 1.0 * 0.00292353)).abs() < 1e-9,
        "billed 0.25 vCPU: {}",
        micro.usd
    );
    assert!(find("n2-standard-2").is_none(), "n2 has no RAM rate here");
    assert!(
        rows.iter().all(|r| r.region != "europe-west1"),
        "region filter"
    );
    assert_eq!(find("f1-micro").map(|r| r.usd), Some(0.0076));
    assert_eq!(
        find("pd-balanced").map(|r| (r.service.as_str(), r.usd)),
        Some(("persistent-disk", 0.1))
    );
    assert_eq!(find("Nearline").map(|r| r.usd), Some(0.01));
    let us = rows.iter().find(|r| r.region == "us").unwrap();
    assert_eq!(
        (us.service.as_str(), us.sku.as_str(), us.usd),
        ("gcs", "Standard", 0.026)
    );
    assert_eq!(
        rows.iter().filter(|r| r.service == "gcs").count(),
        2,
        "dual-region skipped"
    );
}

#[test]
fn gcp_services_page_finds_compute_and_storage() {
    let page = json!({"services": [
        {"name": "services/6F81-5844-456A", "serviceId": "6F81-5844-456A", "displayName": "Compute Engine"},
        {"name": "services/95FF-2EF5-5EA1", "serviceId": "95FF-2EF5-5EA1", "displayName": "Cloud Storage"},
        {"name": "services/24E6-581D-38E5", "serviceId": "24E6-581D-38E5", "displayName": "BigQuery"}],
        "nextPageToken": ""});
    let (found, next) = gcp::parse_services(&page.to_string()).unwrap();
    assert_eq!(found.len(), 2);
    assert_eq!(
        found[0],
        ("Compute Engine".to_string(), "6F81-5844-456A".to_string())
    );
    assert_eq!(next, None);
    let money = gcp::Money {
        currency_code: "USD".into(),
        units: "1".into(),
        nanos: 500_000_000,
    };
    assert_eq!(money.value(), 1.5);
}
