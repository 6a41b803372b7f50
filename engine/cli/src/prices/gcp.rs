//! GCP Cloud Billing Catalog API: the services list (paged) to find Compute Engine and Cloud
//! Storage, then each one's SKUs (paged by `nextPageToken`), with an API key.

use super::Http;
use autostack_cost::catalog::fetch::gcp;
use autostack_cost::catalog::PriceRow;
use reqwest::Url;

/// The largest page the API serves; fewer requests for Compute Engine's many SKUs.
const PAGE_SIZE: &str = "5000";
/// A guard against a server that links pages in a loop.
const MAX_PAGES: usize = 500;

/// Fetches machine-type, persistent-disk and Cloud Storage prices (every region when
/// `regions` is empty: the API lists SKUs for all regions either way).
pub async fn fetch(
    http: &Http,
    base: &Url,
    key: &str,
    regions: &[String],
) -> Result<Vec<PriceRow>, String> {
    let services = services(http, base, key).await?;
    for wanted in gcp::SERVICES {
        if !services.iter().any(|(name, _)| name == wanted) {
            return Err(format!("the services list has no {wanted:?}"));
        }
    }
    let mut skus = gcp::Skus::new(regions);
    for (_, id) in &services {
        let mut token: Option<String> = None;
        for page in 0.. {
            if page == MAX_PAGES {
                return Err(format!("more than {MAX_PAGES} SKU pages: giving up"));
            }
            let mut url = url(base, &format!("services/{id}/skus"), key, token.as_deref());
            url.query_pairs_mut()
                .append_pair("pageSize", PAGE_SIZE)
                .append_pair("currencyCode", "USD");
            let text = http.get_text(&url).await?;
            token = skus
                .add_page(&text)
                .map_err(|e| format!("{id} SKUs: {e}"))?;
            if token.is_none() {
                break;
            }
        }
    }
    Ok(skus.finish())
}

async fn services(http: &Http, base: &Url, key: &str) -> Result<Vec<(String, String)>, String> {
    let mut found = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let text = http
            .get_text(&url(base, "services", key, token.as_deref()))
            .await?;
        let (page, next) = gcp::parse_services(&text).map_err(|e| format!("services: {e}"))?;
        found.extend(page);
        match next {
            Some(t) => token = Some(t),
            None => return Ok(found),
        }
    }
    Err(format!("more than {MAX_PAGES} service pages: giving up"))
}

/// `{base}/{path}?key=…[&pageToken=…]`; `base` is `…/v1` with or without a trailing slash.
fn url(base: &Url, path: &str, key: &str, token: Option<&str>) -> Url {
    let mut u = base.clone();
    let joined = format!("{}/{path}", base.path().trim_end_matches('/'));
    u.set_path(&joined);
    u.query_pairs_mut().append_pair("key", key);
    if let Some(t) = token {
        u.query_pairs_mut().append_pair("pageToken", t);
    }
    u
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_keep_the_base_path_and_carry_key_and_token() {
        let base = Url::parse("https://cloudbilling.googleapis.com/v1").unwrap();
        let u = url(&base, "services/A-B/skus", "K", Some("t 2"));
        assert_eq!(
            u.as_str(),
            "https://cloudbilling.googleapis.com/v1/services/A-B/skus?key=K&pageToken=t+2"
        );
        let slash = Url::parse("http://127.0.0.1:1/v1/").unwrap();
        assert_eq!(
            url(&slash, "services", "K", None).as_str(),
            "http://127.0.0.1:1/v1/services?key=K"
        );
    }
}
