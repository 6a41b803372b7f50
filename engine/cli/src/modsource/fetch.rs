//! Fetching a module package into its directory under `.terraform/modules`, as Terraform's
//! go-getter client does: the getter is the forced one (`git::`) or the URL's scheme; an
//! archive (by `archive=` or file suffix) is downloaded and unpacked; an `http(s)` URL that
//! is not an archive is asked (`?terraform-get=1`) for the real address in `X-Terraform-Get`
//! or a `<meta name="terraform-get">` tag; `file` URLs are linked; a package fetched earlier
//! in the same run is copied rather than fetched again.

use super::{archive, cloud, git};
use autostack_lang::config::module_source::{parse_remote_source, split_forced_getter, url_scheme};
use reqwest::Url;
use std::collections::HashMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;

/// How many `X-Terraform-Get` redirections one fetch follows (Terraform's limit).
const MAX_REDIRECTS: usize = 10;

/// Fetches packages, remembering where each one went.
#[derive(Default)]
pub struct Fetcher {
    http: reqwest::Client,
    done: HashMap<String, PathBuf>,
}

type Fetch<'a> = Pin<Box<dyn Future<Output = Result<(), String>> + 'a>>;

impl Fetcher {
    /// Puts package `package` (no subdirectory) in the new directory `dest`.
    pub async fn fetch(&mut self, package: &str, dest: &Path) -> Result<(), String> {
        if let Some(prev) = self.done.get(package) {
            return copy_dir(prev, dest);
        }
        let shown = split_forced_getter(package).1;
        self.get(package.to_string(), dest.to_path_buf(), 0)
            .await
            .map_err(|e| format!("error downloading '{shown}': {e}"))?;
        self.done.insert(package.to_string(), dest.to_path_buf());
        Ok(())
    }

    fn get(&self, package: String, dest: PathBuf, depth: usize) -> Fetch<'_> {
        Box::pin(async move {
            let (forced, url) = split_forced_getter(&package);
            let getter = forced
                .or_else(|| url_scheme(url))
                .unwrap_or("")
                .to_ascii_lowercase();
            let (format, url) = match getter.as_str() {
                "git" => (None, url.to_string()),
                _ => archive::detect(url),
            };
            if let Some(format) = format {
                let bytes = self.download(&getter, &url).await?;
                return archive::unpack(&format, &bytes, &dest);
            }
            match getter.as_str() {
                "git" => git::clone(&url, &dest).await,
                "http" | "https" => self.terraform_get(&url, &dest, depth).await,
                "file" => link(&file_path(&url)?, &dest),
                "s3" => cloud::s3_dir(&url, &dest).await,
                "gcs" => cloud::gcs_dir(&url, &dest).await,
                "hg" => {
                    Err("Mercurial (hg::) module sources are not supported by AutoStack".into())
                }
                other => Err(format!("download not supported for scheme '{other}'")),
            }
        })
    }

    /// The bytes of one file behind a package URL.
    async fn download(&self, getter: &str, url: &str) -> Result<Vec<u8>, String> {
        match getter {
            "http" | "https" => {
                let resp = self.http.get(url).send().await.map_err(|e| chain(&e))?;
                if !resp.status().is_success() {
                    return Err(format!("bad response code: {}", resp.status().as_u16()));
                }
                Ok(resp.bytes().await.map_err(|e| chain(&e))?.to_vec())
            }
            "file" => {
                let p = file_path(url)?;
                std::fs::read(&p).map_err(|e| format!("{}: {e}", p.display()))
            }
            "s3" => cloud::s3_file(url).await,
            "gcs" => cloud::gcs_file(url).await,
            other => Err(format!("download not supported for scheme '{other}'")),
        }
    }

    /// go-getter's HTTP getter in directory mode.
    async fn terraform_get(&self, url: &str, dest: &Path, depth: usize) -> Result<(), String> {
        if depth >= MAX_REDIRECTS {
            return Err(format!("too many X-Terraform-Get redirects at {url}"));
        }
        let mut u = Url::parse(url).map_err(|e| format!("invalid URL {url:?}: {e}"))?;
        u.query_pairs_mut().append_pair("terraform-get", "1");
        let resp = self
            .http
            .get(u.clone())
            .send()
            .await
            .map_err(|e| chain(&e))?;
        if !resp.status().is_success() {
            return Err(format!("bad response code: {}", resp.status().as_u16()));
        }
        let header = resp
            .headers()
            .get("X-Terraform-Get")
            .and_then(|h| h.to_str().ok())
            .map(str::to_string);
        let body = resp.text().await.unwrap_or_default();
        let source = header
            .or_else(|| meta_terraform_get(&body))
            .ok_or("no source URL was returned")?;
        let source = match ["/", "./", "../"].iter().any(|p| source.starts_with(p)) {
            true => u.join(&source).map_err(|e| e.to_string())?.to_string(),
            false => source,
        };
        let remote = parse_remote_source(&source).map_err(|e| e.to_string())?;
        if remote.subdir.is_empty() {
            return self
                .get(remote.package, dest.to_path_buf(), depth + 1)
                .await;
        }
        // The package goes to a scratch directory; only its subdirectory is kept.
        let scratch = tempfile::tempdir().map_err(|e| e.to_string())?;
        let whole = scratch.path().join("package");
        self.get(remote.package, whole.clone(), depth + 1).await?;
        copy_dir(&whole.join(&remote.subdir), dest)
    }
}

/// The `content` of `<meta name="terraform-get" content="...">` in an HTML page.
fn meta_terraform_get(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let at = lower.find("name=\"terraform-get\"")?;
    let tag_start = lower[..at].rfind('<')?;
    let tag_end = at + lower[at..].find('>')?;
    let tag = &html[tag_start..tag_end];
    let c = tag.to_ascii_lowercase().find("content=\"")? + "content=\"".len();
    let end = tag[c..].find('"')?;
    Some(tag[c..c + end].replace("&amp;", "&"))
}

fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    super::registry::error_chain(e)
}

/// The local path of a `file://` URL.
fn file_path(url: &str) -> Result<PathBuf, String> {
    let u = Url::parse(url).map_err(|e| format!("invalid file URL {url:?}: {e}"))?;
    u.to_file_path()
        .map_err(|_| format!("invalid file URL {url:?}"))
}

/// go-getter's file getter: `dest` becomes a link to the directory `src`.
fn link(src: &Path, dest: &Path) -> Result<(), String> {
    let meta = std::fs::metadata(src).map_err(|e| format!("source path error: {e}"))?;
    if !meta.is_dir() {
        return Err("source path must be a directory".into());
    }
    if let Some(parent) = dest.parent() {
        std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
    }
    #[cfg(unix)]
    return std::os::unix::fs::symlink(src, dest).map_err(|e| e.to_string());
    #[cfg(not(unix))]
    return copy_dir(src, dest);
}

/// Copies the directory tree `src` to `dest` (links copied as links).
pub fn copy_dir(src: &Path, dest: &Path) -> Result<(), String> {
    let io = |p: &Path, e: std::io::Error| format!("{}: {e}", p.display());
    std::fs::create_dir_all(dest).map_err(|e| io(dest, e))?;
    for entry in std::fs::read_dir(src).map_err(|e| io(src, e))? {
        let entry = entry.map_err(|e| io(src, e))?;
        let from = entry.path();
        let to = dest.join(entry.file_name());
        let ty = entry.file_type().map_err(|e| io(&from, e))?;
        if ty.is_dir() {
            copy_dir(&from, &to)?;
        } else if ty.is_symlink() {
            let target = std::fs::read_link(&from).map_err(|e| io(&from, e))?;
            #[cfg(unix)]
            std::os::unix::fs::symlink(target, &to).map_err(|e| io(&to, e))?;
            #[cfg(not(unix))]
            std::fs::copy(from.parent().unwrap_or(src).join(target), &to)
                .map_err(|e| io(&to, e))?;
        } else {
            std::fs::copy(&from, &to).map_err(|e| io(&from, e))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_tags_name_the_package() {
        let html = r#"<html><head><meta name="terraform-get" content="git::https://h/r.git?ref=v1&amp;depth=1"></head></html>"#;
        assert_eq!(
            meta_terraform_get(html).as_deref(),
            Some("git::https://h/r.git?ref=v1&depth=1")
        );
        assert_eq!(meta_terraform_get("<html></html>"), None);
    }
}
