//! What the Cloud Storage types share: JSON-API URLs, batched listing (one bucket list per
//! project, one object list per bucket, narrowed by the names' common prefix), and reading
//! every page.

use crate::client::{GcpClient, GcpError};
use crate::jsonapi::{escape, JsonApi};
use serde_json::Value as Json;

/// `.../storage/v1/b/{bucket}`.
pub fn bucket_url(c: &GcpClient, bucket: &str) -> String {
    format!("{}b/{}", c.json.storage, escape(bucket))
}

/// `.../storage/v1/b/{bucket}/o/{object}`.
pub fn object_url(c: &GcpClient, bucket: &str, object: &str) -> String {
    format!("{}/o/{}", bucket_url(c, bucket), escape(object))
}

/// The longest prefix all `names` share.
pub fn common_prefix<S: AsRef<str>>(names: &[S]) -> String {
    let Some(first) = names.first().map(AsRef::as_ref) else {
        return String::new();
    };
    let mut len = first.len();
    for n in names.iter().skip(1).map(AsRef::as_ref) {
        len = first
            .bytes()
            .zip(n.bytes())
            .take(len)
            .take_while(|(a, b)| a == b)
            .count();
    }
    let mut end = len;
    while !first.is_char_boundary(end) {
        end -= 1;
    }
    first[..end].to_string()
}

/// Every item of a paged list at `url` (which already has a `?`).
pub async fn list_pages(json: &JsonApi, url: &str) -> Result<Vec<Json>, GcpError> {
    let mut out = Vec::new();
    let mut token = String::new();
    loop {
        let page_url = match token.is_empty() {
            true => url.to_string(),
            false => format!("{url}&pageToken={}", escape(&token)),
        };
        let page = json.get(&page_url).await?.unwrap_or(Json::Null);
        out.extend(page["items"].as_array().cloned().unwrap_or_default());
        match page["nextPageToken"].as_str() {
            Some(t) if !t.is_empty() => token = t.to_string(),
            _ => return Ok(out),
        }
    }
}

/// The objects of `bucket` whose names start with `prefix` (current versions).
pub async fn list_objects(
    c: &GcpClient,
    bucket: &str,
    prefix: &str,
) -> Result<Vec<Json>, GcpError> {
    let url = format!(
        "{}/o?maxResults=1000&prefix={}",
        bucket_url(c, bucket),
        escape(prefix)
    );
    list_pages(&c.json, &url).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn common_prefixes() {
        assert_eq!(super::common_prefix(&["web-a", "web-b", "web-ab"]), "web-");
        assert_eq!(super::common_prefix(&["x"]), "x");
        assert_eq!(super::common_prefix::<&str>(&[]), "");
        assert_eq!(super::common_prefix(&["é1", "é2"]), "é");
    }
}
