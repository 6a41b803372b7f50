//! go-getter's shorthand detectors, in the order Terraform runs them: `github.com/OWNER/REPO`,
//! SSH-style git (`git@host:path`), `bitbucket.org/...`, GCS and S3 object URLs without a
//! scheme, absolute file paths. A source none of them matches is a relative path written
//! without `./`.

use super::module_source::SourceError;

/// What a detector says: not its shorthand (`None`), the expansion, or an error.
type Detected = Option<Result<String, SourceError>>;

/// The `getter::URL` (possibly with `//subdir`) a shorthand stands for.
pub(super) fn detect(src: &str) -> Result<String, SourceError> {
    let detectors: [fn(&str) -> Detected; 6] = [github, ssh_git, bitbucket, gcs, s3, abs_path];
    for d in detectors {
        if let Some(r) = d(src) {
            return r;
        }
    }
    Err(SourceError::MaybeRelativePath(src.to_string()))
}

fn invalid(m: &str) -> Detected {
    Some(Err(SourceError::Invalid(m.to_string())))
}

fn github(src: &str) -> Detected {
    if !src.starts_with("github.com/") {
        return None;
    }
    let (path, query) = src.split_once('?').unwrap_or((src, ""));
    let parts: Vec<&str> = path.split('/').collect();
    if parts.len() < 3 {
        return invalid("GitHub URLs should be github.com/username/repo");
    }
    let mut url = format!("https://{}", parts[..3].join("/"));
    if !url.ends_with(".git") {
        url.push_str(".git");
    }
    if parts.len() > 3 {
        url = format!("{url}//{}", parts[3..].join("/"));
    }
    if !query.is_empty() {
        url = format!("{url}?{query}");
    }
    Some(Ok(format!("git::{url}")))
}

fn bitbucket(src: &str) -> Detected {
    if !src.starts_with("bitbucket.org/") {
        return None;
    }
    let (path, query) = src.split_once('?').unwrap_or((src, ""));
    let mut url = format!("https://{path}");
    if !url.ends_with(".git") {
        url.push_str(".git");
    }
    if !query.is_empty() {
        url = format!("{url}?{query}");
    }
    Some(Ok(format!("git::{url}")))
}

/// `[user@]host:path[?query]` with the user `git` → `git::ssh://git@host/path`, the query's
/// parameters sorted by name as Go's `url.Values.Encode` writes them.
fn ssh_git(src: &str) -> Detected {
    let (user, rest) = match src.split_once('@') {
        Some((u, r)) if !u.is_empty() && !u.contains(':') => (u, r),
        _ => ("", src),
    };
    let (host, path) = rest.split_once(':')?;
    let path = path.strip_prefix('/').unwrap_or(path);
    if host.is_empty() || path.is_empty() || host.contains('/') || user != "git" {
        return None;
    }
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let mut pairs: Vec<&str> = query.split('&').filter(|p| !p.is_empty()).collect();
    pairs.sort_by_key(|p| p.split('=').next().unwrap_or(""));
    let query = match pairs.is_empty() {
        true => String::new(),
        false => format!("?{}", pairs.join("&")),
    };
    Some(Ok(format!("git::ssh://git@{host}/{path}{query}")))
}

fn gcs(src: &str) -> Detected {
    if !src.contains("googleapis.com/") {
        return None;
    }
    let parts: Vec<&str> = src.split('/').collect();
    if parts.len() < 5 {
        return invalid("URL is not a valid GCS URL");
    }
    Some(Ok(format!(
        "gcs::https://www.googleapis.com/storage/{}/{}/{}",
        parts[2],
        parts[3],
        parts[4..].join("/")
    )))
}

fn s3(src: &str) -> Detected {
    if !src.contains(".amazonaws.com/") {
        return None;
    }
    let parts: Vec<&str> = src.split('/').collect();
    let host: Vec<&str> = parts[0].split('.').collect();
    let rest = parts[1..].join("/");
    let url = match host.len() {
        3 => format!("https://{}.amazonaws.com/{rest}", host[0]),
        4 => format!("https://{}.amazonaws.com/{}/{rest}", host[1], host[0]),
        5 if host[1] == "s3" => format!("https://s3.{}.amazonaws.com/{}/{rest}", host[2], host[0]),
        _ => return invalid("URL is not a valid S3 URL"),
    };
    Some(Ok(format!("s3::{url}")))
}

fn abs_path(src: &str) -> Detected {
    if !src.starts_with('/') {
        return None;
    }
    Some(Ok(format!("file:///{}", &src[1..])))
}
