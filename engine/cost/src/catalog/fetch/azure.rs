//! Azure Retail Prices API (`prices.azure.com/api/retail/prices`): OData `$filter` per region,
//! pages of `Items` linked by `NextPageLink`.
//!
//! Kept: Linux pay-as-you-go VM sizes (`vm`, sku = `armSkuName`), managed disks (`managed-disk`)
//! and block blob storage (`blob`), priced in USD. Managed disks are sold in fixed tiers, not per
//! GB; the catalog's per-GB-month rate is the 128 GiB tier's monthly price / 128 (E10, S10, P10),
//! the same rate the embedded catalog's sources quote.

use super::{date_of, dedupe, row, FetchError};
use crate::catalog::{Cloud, PriceRow, Unit};
use serde::Deserialize;

/// The public endpoint.
pub const ENDPOINT: &str = "https://prices.azure.com/api/retail/prices";

/// The `api-version` query value sent (the one whose responses carry `isPrimaryMeterRegion`).
pub const API_VERSION: &str = "2023-01-01-preview";

/// Managed-disk products and the catalog SKU of each.
const DISKS: [(&str, &str); 3] = [
    ("Standard HDD Managed Disks", "Standard HDD"),
    ("Standard SSD Managed Disks", "Standard SSD"),
    ("Premium SSD Managed Disks", "Premium SSD"),
];

/// The block-blob product of general-purpose v2 accounts (what `azurerm_storage_account` makes).
const BLOB_PRODUCT: &str = "General Block Blob v2";

/// The size of the disk tier whose price gives the per-GB-month rate.
const DISK_TIER_GIB: f64 = 128.0;

/// The `$filter` values queried for `region`: VM sizes, then disks and blobs. `None` when the
/// region name is not a plain ARM region code (it is pasted into an OData expression).
pub fn filters(region: &str) -> Option<Vec<String>> {
    if region.is_empty() || !region.chars().all(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    let base = format!("priceType eq 'Consumption' and armRegionName eq '{region}'");
    let products: Vec<String> = DISKS
        .iter()
        .map(|(p, _)| *p)
        .chain([BLOB_PRODUCT])
        .map(|p| format!("productName eq '{p}'"))
        .collect();
    Some(vec![
        format!("serviceName eq 'Virtual Machines' and {base}"),
        format!(
            "serviceName eq 'Storage' and {base} and ({})",
            products.join(" or ")
        ),
    ])
}

/// One page of the API: its rows and the link to the next page.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// Rows mapped from this page's items (not yet deduplicated across pages).
    pub rows: Vec<PriceRow>,
    /// `NextPageLink`, absent on the last page.
    pub next: Option<String>,
}

#[derive(Deserialize)]
struct RawPage {
    #[serde(rename = "Items")]
    items: Vec<Item>,
    #[serde(rename = "NextPageLink", default)]
    next: Option<String>,
}

/// One price item, as the API spells its fields.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Item {
    /// `USD` (the default currency).
    pub currency_code: String,
    /// List price per `unitOfMeasure`.
    pub retail_price: f64,
    /// ARM region code (`eastus`).
    pub arm_region_name: String,
    /// `Virtual Machines`, `Storage`, …
    pub service_name: String,
    /// `Virtual Machines Dsv3 Series`, `… Windows`, `Standard SSD Managed Disks`, …
    pub product_name: String,
    /// `D2s v3`, `D2s v3 Spot`, `E10 LRS`, `Hot LRS`, …
    pub sku_name: String,
    /// `D2s v3`, `E10 LRS Disk`, `Hot LRS Data Stored`, …
    pub meter_name: String,
    /// `Standard_D2s_v3` for VM sizes.
    pub arm_sku_name: String,
    /// `1 Hour`, `1/Month`, `1 GB/Month`, …
    pub unit_of_measure: String,
    /// `Consumption`, `Reservation`, `DevTestConsumption`.
    #[serde(rename = "type")]
    pub price_type: String,
    /// When this price took effect.
    pub effective_start_date: String,
    /// Volume tier start (0 for the first tier).
    pub tier_minimum_units: f64,
    /// False for a meter duplicated from another region.
    pub is_primary_meter_region: Option<bool>,
}

/// Maps one page's JSON text.
pub fn parse_page(json: &str) -> Result<Page, FetchError> {
    let raw: RawPage = serde_json::from_str(json)?;
    let rows = raw.items.iter().filter_map(map_item).collect();
    let next = raw.next.filter(|n| !n.is_empty());
    Ok(Page { rows, next })
}

/// Deduplicates the rows of all pages of one cloud update.
pub fn finish(rows: Vec<PriceRow>) -> Vec<PriceRow> {
    dedupe(rows)
}

/// The catalog row of one item, or `None` for everything the catalog does not price
/// (Windows, Spot, Low Priority, reservations, other currencies, operations meters, …).
pub fn map_item(it: &Item) -> Option<PriceRow> {
    if it.currency_code != "USD"
        || it.price_type != "Consumption"
        || it.retail_price <= 0.0
        || it.is_primary_meter_region == Some(false)
        || it.arm_region_name.is_empty()
    {
        return None;
    }
    let as_of = date_of(&it.effective_start_date)?;
    let source = format!("azure-retail-prices:{}#{}", it.product_name, it.sku_name);
    let (service, sku, unit, usd) = match it.service_name.as_str() {
        "Virtual Machines" => vm(it)?,
        "Storage" => disk(it).or_else(|| blob(it))?,
        _ => return None,
    };
    let key = (
        Cloud::Azure,
        service,
        sku.as_str(),
        it.arm_region_name.as_str(),
    );
    Some(row(key, unit, usd, &source, &as_of))
}

type Mapped = (&'static str, String, Unit, f64);

/// A Linux pay-as-you-go VM size (Windows products carry `Windows` in their name).
fn vm(it: &Item) -> Option<Mapped> {
    let discounted = |s: &str| s.contains("Spot") || s.contains("Low Priority");
    if it.unit_of_measure != "1 Hour"
        || it.product_name.contains("Windows")
        || discounted(&it.sku_name)
        || discounted(&it.meter_name)
        || !it.arm_sku_name.starts_with("Standard_")
    {
        return None;
    }
    Some(("vm", it.arm_sku_name.clone(), Unit::Hour, it.retail_price))
}

/// The 128 GiB tier (`E10 LRS`, `S10 LRS`, `P10 LRS`, or `E10 ZRS`) of a managed-disk product.
fn disk(it: &Item) -> Option<Mapped> {
    let (_, base) = DISKS.iter().find(|(p, _)| *p == it.product_name)?;
    let (tier, redundancy) = it.sku_name.split_once(' ')?;
    let tier_ok = matches!(tier, "E10" | "S10" | "P10");
    // The disk's own meter, not its operations, mounts or bursting meters.
    let meter_ok = it.meter_name.ends_with(" Disk") || it.meter_name.ends_with(" Disks");
    if !tier_ok || !meter_ok || it.unit_of_measure != "1/Month" {
        return None;
    }
    let sku = match redundancy {
        "LRS" => base.to_string(),
        "ZRS" if *base == "Standard SSD" => "Standard SSD (ZRS)".to_string(),
        _ => return None,
    };
    Some((
        "managed-disk",
        sku,
        Unit::GbMonth,
        it.retail_price / DISK_TIER_GIB,
    ))
}

/// Block blob data stored, first volume tier: `Blob Hot (LRS)` and so on.
fn blob(it: &Item) -> Option<Mapped> {
    if it.product_name != BLOB_PRODUCT
        || !it.meter_name.ends_with("Data Stored")
        || it.unit_of_measure != "1 GB/Month"
        || it.tier_minimum_units != 0.0
    {
        return None;
    }
    let (tier, redundancy) = it.sku_name.split_once(' ')?;
    if !matches!(tier, "Hot" | "Cool" | "Cold" | "Archive") {
        return None;
    }
    let sku = format!("Blob {tier} ({redundancy})");
    Some(("blob", sku, Unit::GbMonth, it.retail_price))
}
