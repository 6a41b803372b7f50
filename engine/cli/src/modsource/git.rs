//! `git::` packages through the `git` command, as go-getter runs it for Terraform: the
//! `ref`, `depth` and `sshkey` parameters taken off the URL, a shallow clone of a named
//! ref when possible (else a full clone and `git checkout REF`), submodules initialized,
//! prompts disabled.

use std::path::Path;
use tokio::process::Command;

/// The parameters go-getter's git getter reads off a URL.
#[derive(Debug, Default, PartialEq)]
struct GitUrl {
    url: String,
    reference: Option<String>,
    depth: Option<u32>,
    ssh_key: Option<String>,
}

fn split(url: &str) -> Result<GitUrl, String> {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut out = GitUrl::default();
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        match k {
            "ref" => out.reference = Some(v.to_string()).filter(|r| !r.is_empty()),
            "depth" => {
                out.depth = Some(
                    v.parse()
                        .map_err(|_| format!("depth must be a number, not {v:?}"))?,
                )
            }
            "sshkey" => out.ssh_key = Some(v.to_string()),
            _ => kept.push(pair),
        }
    }
    out.url = match kept.is_empty() {
        true => base.to_string(),
        false => format!("{base}?{}", kept.join("&")),
    };
    Ok(out)
}

/// A full commit ID (a shallow `--branch` clone cannot take one).
fn is_commit_id(r: &str) -> bool {
    (r.len() == 40 || r.len() == 64) && r.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Clones `url` (a git URL with go-getter's parameters) into `dest`.
pub async fn clone(url: &str, dest: &Path) -> Result<(), String> {
    let g = split(url)?;
    let key_file = match &g.ssh_key {
        Some(k) => Some(ssh_key_file(k)?),
        None => None,
    };
    let key = key_file.as_ref().map(|f| f.path());
    let shallow = g
        .depth
        .or(g.reference.as_ref().filter(|r| !is_commit_id(r)).map(|_| 1));
    if let Some(depth) = shallow {
        let mut args = vec!["clone".to_string(), "--depth".into(), depth.to_string()];
        if let Some(r) = &g.reference {
            args.extend(["--branch".to_string(), r.clone()]);
        }
        args.extend(["--".to_string(), g.url.clone(), dest.display().to_string()]);
        let done = git(&args, None, key).await;
        // An explicit depth is the user's choice; an implied one falls back to a full clone.
        if done.is_ok() || g.depth.is_some() {
            return done.and(submodules(dest, key).await);
        }
        let _ = std::fs::remove_dir_all(dest);
    }
    let args = ["clone", "--", &g.url, &dest.display().to_string()].map(String::from);
    git(&args, None, key).await?;
    if let Some(r) = &g.reference {
        git(&["checkout".into(), r.clone()], Some(dest), key).await?;
    }
    submodules(dest, key).await
}

async fn submodules(dest: &Path, key: Option<&Path>) -> Result<(), String> {
    if !dest.join(".gitmodules").exists() {
        return Ok(());
    }
    let args = ["submodule", "update", "--init", "--recursive"].map(String::from);
    git(&args, Some(dest), key).await
}

/// The base64 `sshkey` parameter written to a private file for `ssh -i`.
fn ssh_key_file(encoded: &str) -> Result<tempfile::NamedTempFile, String> {
    use base64::Engine;
    let key = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .map_err(|_| "sshkey must be a base64-encoded private key")?;
    let file = tempfile::NamedTempFile::new().map_err(|e| e.to_string())?;
    std::fs::write(file.path(), key).map_err(|e| e.to_string())?;
    Ok(file)
}

async fn git(args: &[String], dir: Option<&Path>, key: Option<&Path>) -> Result<(), String> {
    let mut cmd = Command::new("git");
    cmd.args(args).env("GIT_TERMINAL_PROMPT", "0");
    if let Some(d) = dir {
        cmd.current_dir(d);
    }
    if let Some(k) = key {
        cmd.env("GIT_SSH_COMMAND", format!("ssh -i {}", k.display()));
    }
    let out = cmd.output().await.map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => {
            "git must be available and on the PATH to install git:: module sources".to_string()
        }
        _ => format!("running git: {e}"),
    })?;
    if out.status.success() {
        return Ok(());
    }
    let code = out.status.code().unwrap_or(-1);
    let stderr = String::from_utf8_lossy(&out.stderr);
    Err(format!("git exited with {code}: {}", stderr.trim_end()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn getter_parameters_come_off_the_url() {
        let g = split("https://h/r.git?ref=v1.0.0&depth=1&x=y").unwrap();
        assert_eq!(g.url, "https://h/r.git?x=y");
        assert_eq!(g.reference.as_deref(), Some("v1.0.0"));
        assert_eq!(g.depth, Some(1));
        assert!(split("https://h/r.git?depth=x").is_err());
        assert!(is_commit_id("0123456789abcdef0123456789abcdef01234567"));
    }
}
