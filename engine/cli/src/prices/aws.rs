//! AWS Price List bulk API: offer index → region indexes → per-region offer files, each
//! downloaded to a temporary file and parsed as a stream.

use super::Http;
use autostack_cost::catalog::fetch::aws;
use autostack_cost::catalog::PriceRow;
use reqwest::Url;
use std::path::Path;

/// The public price-list host.
pub const ENDPOINT: &str = "https://pricing.us-east-1.amazonaws.com";

/// Regions fetched when `-region` is not given: one EC2 file is hundreds of MB, so the
/// default is the five regions the embedded catalog prices most.
pub const DEFAULT_REGIONS: [&str; 5] = [
    "us-east-1",
    "us-west-2",
    "eu-west-1",
    "eu-central-1",
    "ap-northeast-1",
];

/// Fetches EC2, EBS, S3 and public-IPv4 prices for `regions`; downloads go to `scratch`.
pub async fn fetch(
    http: &Http,
    base: &Url,
    regions: &[String],
    scratch: &Path,
) -> Result<Vec<PriceRow>, String> {
    let join = |path: &str| base.join(path).map_err(|e| format!("{path}: {e}"));
    let index = http.get_text(&join(aws::INDEX_PATH)?).await?;
    let offers = aws::region_index_urls(&index).map_err(|e| format!("offer index: {e}"))?;
    let mut rows = Vec::new();
    for (offer, region_index) in offers {
        let text = http.get_text(&join(&region_index)?).await?;
        let files =
            aws::region_urls(&text, regions).map_err(|e| format!("{offer} region index: {e}"))?;
        for (region, url) in files {
            // Progress on stderr: an EC2 region file takes a while to download.
            eprintln!("aws: reading {offer} {region}");
            let tmp = scratch.join(format!(".download-aws-{offer}-{region}.json"));
            let got = download_and_parse(http, &join(&url)?, &tmp, &offer, &region).await;
            let _ = std::fs::remove_file(&tmp);
            rows.extend(got?);
        }
    }
    Ok(rows)
}

async fn download_and_parse(
    http: &Http,
    url: &Url,
    tmp: &Path,
    offer: &str,
    region: &str,
) -> Result<Vec<PriceRow>, String> {
    http.get_to_file(url, tmp).await?;
    let (tmp, offer, region) = (tmp.to_path_buf(), offer.to_string(), region.to_string());
    // Parsing a large file is CPU work: keep it off the async workers.
    tokio::task::spawn_blocking(move || {
        let file = std::fs::File::open(&tmp).map_err(|e| format!("{}: {e}", tmp.display()))?;
        let reader = std::io::BufReader::with_capacity(1 << 20, file);
        aws::parse_offer(reader, &offer, &region).map_err(|e| format!("{offer} {region}: {e}"))
    })
    .await
    .map_err(|e| format!("parser task failed: {e}"))?
}
