//! `s3::` packages through the AWS SDK (see `cloud.rs`).

use super::write_objects;
use autostack_aws_auth::{error_chain, AuthSettings};
use reqwest::Url;
use std::path::Path;

/// Where an `s3::` URL points.
#[derive(Debug, PartialEq)]
struct S3Url {
    /// An S3-compatible endpoint (any host but amazonaws.com).
    endpoint: Option<String>,
    region: String,
    bucket: String,
    key: String,
    version: Option<String>,
    keys: Option<(String, String, Option<String>)>,
}

fn parse(url: &str) -> Result<S3Url, String> {
    let bad = || "URL is not a valid S3 URL".to_string();
    let u = Url::parse(url).map_err(|_| bad())?;
    let host = u.host_str().ok_or_else(bad)?.to_string();
    let q = |k: &str| {
        u.query_pairs()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.to_string())
    };
    let path = u.path().trim_start_matches('/');
    let (endpoint, region, bucket, key) = if host.contains("amazonaws.com") {
        let parts: Vec<&str> = host.split('.').collect();
        let region_of = |p: &str| {
            p.trim_start_matches("s3-")
                .trim_start_matches("s3")
                .to_string()
        };
        match parts.len() {
            3 => {
                let (b, k) = path.split_once('/').ok_or_else(bad)?;
                let r = Some(region_of(parts[0])).filter(|r| !r.is_empty());
                (
                    None,
                    r.unwrap_or("us-east-1".into()),
                    b.to_string(),
                    k.to_string(),
                )
            }
            4 => (
                None,
                region_of(parts[1]),
                parts[0].to_string(),
                path.to_string(),
            ),
            5 => (
                None,
                parts[2].to_string(),
                parts[0].to_string(),
                path.to_string(),
            ),
            _ => return Err(bad()),
        }
    } else {
        let (b, k) = path
            .split_once('/')
            .ok_or("URL is not a valid S3 compliant URL")?;
        let origin = u.origin().ascii_serialization();
        let region = q("region").unwrap_or("us-east-1".into());
        (Some(origin), region, b.to_string(), k.to_string())
    };
    if region.is_empty() {
        return Err(bad());
    }
    let keys = match (q("aws_access_key_id"), q("aws_access_key_secret")) {
        (Some(id), Some(secret)) => Some((id, secret, q("aws_access_key_token"))),
        _ => None,
    };
    Ok(S3Url {
        endpoint,
        region,
        bucket,
        key,
        version: q("version"),
        keys,
    })
}

async fn client(s: &S3Url) -> Result<aws_sdk_s3::Client, String> {
    let mut auth = AuthSettings {
        region: Some(s.region.clone()),
        ..AuthSettings::default()
    };
    if let Some((id, secret, token)) = &s.keys {
        auth.access_key = Some(id.clone());
        auth.secret_key = Some(secret.clone());
        auth.token = token.clone();
    }
    let sdk = auth.sdk_config(3).await.map_err(|e| e.to_string())?;
    let mut conf = aws_sdk_s3::config::Builder::from(&sdk);
    if let Some(e) = &s.endpoint {
        conf = conf.endpoint_url(e).force_path_style(true);
    }
    Ok(aws_sdk_s3::Client::from_conf(conf.build()))
}

async fn get(
    c: &aws_sdk_s3::Client,
    bucket: &str,
    key: &str,
    version: Option<&str>,
) -> Result<Vec<u8>, String> {
    let out = c
        .get_object()
        .bucket(bucket)
        .key(key)
        .set_version_id(version.map(str::to_string))
        .send()
        .await
        .map_err(|e| format!("reading s3://{bucket}/{key}: {}", error_chain(&e)))?;
    let body = out.body.collect().await.map_err(|e| e.to_string())?;
    Ok(body.into_bytes().to_vec())
}

/// The object an `s3::` URL names.
pub async fn s3_file(url: &str) -> Result<Vec<u8>, String> {
    let s = parse(url)?;
    get(&client(&s).await?, &s.bucket, &s.key, s.version.as_deref()).await
}

/// Every object under an `s3::` URL's key, written under `dest`.
pub async fn s3_dir(url: &str, dest: &Path) -> Result<(), String> {
    let s = parse(url)?;
    let c = client(&s).await?;
    let mut keys = Vec::new();
    let mut token = None;
    loop {
        let page = c
            .list_objects_v2()
            .bucket(&s.bucket)
            .prefix(&s.key)
            .set_continuation_token(token)
            .send()
            .await
            .map_err(|e| format!("listing s3://{}/{}: {}", s.bucket, s.key, error_chain(&e)))?;
        keys.extend(
            page.contents()
                .iter()
                .filter_map(|o| o.key().map(str::to_string)),
        );
        token = page.next_continuation_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    let mut objects = Vec::new();
    for k in keys.into_iter().filter(|k| !k.ends_with('/')) {
        let bytes = get(&c, &s.bucket, &k, None).await?;
        objects.push((k[s.key.len()..].to_string(), bytes));
    }
    write_objects(dest, objects)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_region_bucket_and_key() {
        let s = parse("https://s3-eu-west-1.amazonaws.com/corp-modules/vpc.zip").unwrap();
        assert_eq!(
            (s.region.as_str(), s.bucket.as_str(), s.key.as_str()),
            ("eu-west-1", "corp-modules", "vpc.zip")
        );
        let s = parse("https://s3.amazonaws.com/b/k/x").unwrap();
        assert_eq!((s.region.as_str(), s.key.as_str()), ("us-east-1", "k/x"));
        let s = parse("https://b.s3.eu-west-2.amazonaws.com/m/x.tgz").unwrap();
        assert_eq!((s.region.as_str(), s.bucket.as_str()), ("eu-west-2", "b"));
        let s = parse("http://127.0.0.1:5000/b/m?region=eu-west-1&aws_access_key_id=a&aws_access_key_secret=s").unwrap();
        assert_eq!(s.endpoint.as_deref(), Some("http://127.0.0.1:5000"));
        assert_eq!(s.region, "eu-west-1");
        assert_eq!(s.keys, Some(("a".into(), "s".into(), None)));
        assert!(parse("http://127.0.0.1:5000/bucketonly").is_err());
    }
}
