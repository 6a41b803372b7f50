//! Azure Retail Prices API: one OData query per region and product group, following
//! `NextPageLink` until the last page.

use super::Http;
use autostack_cost::catalog::fetch::azure;
use autostack_cost::catalog::PriceRow;
use reqwest::Url;

/// Regions fetched when `-region` is not given (each takes a few pages of a few seconds).
pub const DEFAULT_REGIONS: [&str; 5] = [
    "eastus",
    "westus2",
    "westeurope",
    "northeurope",
    "southeastasia",
];

/// A guard against a server that links pages in a loop.
const MAX_PAGES: usize = 2000;

/// Fetches VM, managed-disk and blob prices for `regions`.
pub async fn fetch(http: &Http, base: &Url, regions: &[String]) -> Result<Vec<PriceRow>, String> {
    let mut rows = Vec::new();
    for region in regions {
        let filters =
            azure::filters(region).ok_or_else(|| format!("invalid Azure region {region:?}"))?;
        for filter in filters {
            let mut url = base.clone();
            url.query_pairs_mut()
                .append_pair("api-version", azure::API_VERSION)
                .append_pair("$filter", &filter);
            rows.extend(pages(http, base, url).await?);
        }
    }
    Ok(azure::finish(rows))
}

async fn pages(http: &Http, base: &Url, first: Url) -> Result<Vec<PriceRow>, String> {
    let mut rows = Vec::new();
    let mut url = first;
    for _ in 0..MAX_PAGES {
        let text = http.get_text(&url).await?;
        let page = azure::parse_page(&text).map_err(|e| format!("{url}: {e}"))?;
        rows.extend(page.rows);
        match page.next {
            Some(next) => url = next_url(base, &next)?,
            None => return Ok(rows),
        }
    }
    Err(format!("more than {MAX_PAGES} pages: giving up"))
}

/// The next page on the configured endpoint: `NextPageLink` names the public host, so its
/// query (filter and `$skip`) is moved onto `base`, which keeps mirrors and test servers in use.
fn next_url(base: &Url, next: &str) -> Result<Url, String> {
    let link = Url::parse(next).map_err(|e| format!("invalid NextPageLink {next:?}: {e}"))?;
    let mut url = base.clone();
    url.set_query(link.query());
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_page_links_stay_on_the_configured_endpoint() {
        let base = Url::parse("http://127.0.0.1:9/api/retail/prices").unwrap();
        let next = "https://prices.azure.com:443/api/retail/prices?$filter=x%20eq%20'y'&$skip=100";
        let u = next_url(&base, next).unwrap();
        assert_eq!(
            u.as_str(),
            "http://127.0.0.1:9/api/retail/prices?$filter=x%20eq%20%27y%27&$skip=100"
        );
        assert!(next_url(&base, "not a url").is_err());
    }
}
