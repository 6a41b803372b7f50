//! Modules from where users keep them, installed by `init` / `get` as Terraform installs
//! them: a module registry (service discovery replaced by the CLI configuration's `host`
//! block, as Terraform allows) served by a local HTTP server with versions and
//! constraints, a git repository made here (`git::file://…//sub?ref=v1.0.0`), zip and
//! tar.gz archives over HTTP, an `X-Terraform-Get` redirect, nested calls inside downloaded
//! modules; `.terraform/modules/modules.json` compared byte for byte with what Terraform
//! 1.15 writes for the same configuration (tests/fixtures/modules/modules.json); reuse,
//! `-upgrade`, offline re-runs and located errors.

mod common;

use common::serve::{Response, Server};
use common::Work;
use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};

/// A gzipped tarball of `files`.
pub fn tgz<N: AsRef<str>, T: AsRef<str>>(files: &[(N, T)]) -> Vec<u8> {
    let mut out = Vec::new();
    let gz = flate2::write::GzEncoder::new(&mut out, flate2::Compression::fast());
    let mut b = tar::Builder::new(gz);
    for (name, text) in files {
        let (name, text) = (name.as_ref(), text.as_ref());
        let mut h = tar::Header::new_gnu();
        h.set_size(text.len() as u64);
        h.set_mode(0o644);
        b.append_data(&mut h, name, text.as_bytes()).expect("tar");
    }
    b.into_inner().expect("tar").finish().expect("gz");
    out
}

/// A zip archive of `files`.
pub fn zipped<N: AsRef<str>, T: AsRef<str>>(files: &[(N, T)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, text) in files {
        let opts = zip::write::SimpleFileOptions::default();
        w.start_file(name.as_ref(), opts).expect("zip");
        w.write_all(text.as_ref().as_bytes()).expect("zip");
    }
    w.finish().expect("zip").into_inner()
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A git repository with `sub` (calling `../inner`) tagged v1.0.0, then changed and tagged
/// v2.0.0 (so a clone of the wrong ref shows).
fn git_repo(dir: &Path) {
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::create_dir_all(dir.join("inner")).unwrap();
    let sub = "variable \"name\" {\n  default = \"x\"\n}\nmodule \"inner\" {\n  source = \"../inner\"\n}\noutput \"greeting\" {\n  value = \"hello ${var.name} ${module.inner.tag}\"\n}\n";
    std::fs::write(dir.join("sub/main.tf"), sub).unwrap();
    std::fs::write(
        dir.join("inner/main.tf"),
        "output \"tag\" {\n  value = \"v1\"\n}\n",
    )
    .unwrap();
    git(dir, &["init", "-q"]);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-qm", "one"]);
    git(dir, &["tag", "v1.0.0"]);
    std::fs::write(
        dir.join("inner/main.tf"),
        "output \"tag\" {\n  value = \"v2\"\n}\n",
    )
    .unwrap();
    git(dir, &["commit", "-qam", "two"]);
    git(dir, &["tag", "v2.0.0"]);
}

/// The registry package of `corp/net/aws` at `version`: a module with a local and a git call.
fn net_package(version: &str, repo: &Path) -> Vec<(String, String)> {
    let main = format!("module \"nested\" {{\n  source = \"./nested\"\n}}\nmodule \"app\" {{\n  source = \"git::file://{}//sub?ref=v1.0.0\"\n  name   = \"net\"\n}}\noutput \"version\" {{\n  value = \"{version}\"\n}}\noutput \"nested\" {{\n  value = module.nested.deep\n}}\noutput \"app\" {{\n  value = module.app.greeting\n}}\n", repo.display());
    vec![
        ("main.tf".into(), main),
        (
            "nested/main.tf".into(),
            "output \"deep\" {\n  value = \"deep\"\n}\n".into(),
        ),
    ]
}

/// What the registry offers, changed by tests while it runs.
#[derive(Default)]
struct Offer {
    versions: Vec<String>,
    /// Bearer tokens seen on registry calls.
    tokens: Vec<String>,
}

/// The registry and file server of a test.
struct Site {
    server: Server,
    offer: Arc<Mutex<Offer>>,
}

fn site(repo: &Path) -> Site {
    let offer = Arc::new(Mutex::new(Offer {
        versions: ["1.0.0", "1.2.0", "2.0.0", "2.1.0-beta1"]
            .map(String::from)
            .to_vec(),
        ..Offer::default()
    }));
    let (o, repo) = (offer.clone(), repo.to_path_buf());
    let server = Server::start(move |req| {
        let mut offer = o.lock().unwrap();
        if let Some(t) = req.header("authorization") {
            offer.tokens.push(t.to_string());
        }
        let path = req.path.as_str();
        let host = req.header("host").unwrap_or("").to_string();
        if path == "/v1/modules/corp/net/aws/versions" {
            let list: Vec<String> = offer
                .versions
                .iter()
                .map(|v| format!("{{\"version\":\"{v}\"}}"))
                .collect();
            return Response::new(
                200,
                format!("{{\"modules\":[{{\"versions\":[{}]}}]}}", list.join(",")),
            );
        }
        let download = path
            .strip_prefix("/v1/modules/corp/net/aws/")
            .and_then(|r| r.strip_suffix("/download"));
        if let Some(v) = download {
            // 1.0 and 1.2: 204 with a relative X-Terraform-Get; others: 200 with a JSON location.
            return match v {
                "1.0.0" | "1.2.0" => {
                    Response::new(204, "").header("X-Terraform-Get", &format!("/files/net-{v}.tgz"))
                }
                _ => Response::new(200, format!("{{\"location\":\"/files/net-{v}.zip\"}}")),
            };
        }
        let package = path
            .strip_prefix("/files/net-")
            .and_then(|r| r.split_once('.').map(|_| r));
        if let Some(file) = package {
            let v = file.trim_end_matches(".tgz").trim_end_matches(".zip");
            let files = net_package(v, &repo);
            return match file.ends_with(".zip") {
                true => Response::new(200, zipped(&files)),
                false => Response::new(200, tgz(&files)),
            };
        }
        match path {
            "/files/app.zip" => Response::new(
                200,
                zipped(&[("main.tf", "output \"kind\" {\n  value = \"zip\"\n}\n")]),
            ),
            "/files/app.tar.gz" => Response::new(
                200,
                tgz(&[("app/main.tf", "output \"kind\" {\n  value = \"tgz\"\n}\n")]),
            ),
            "/get/widget" => Response::new(200, "")
                .header("X-Terraform-Get", &format!("http://{host}/files/app.zip")),
            _ => Response::new(404, "not found"),
        }
    });
    Site { server, offer }
}

/// A working directory calling every kind of source, with its registry and repository.
struct Setup {
    work: Work,
    repo: tempfile::TempDir,
    site: Site,
    env: Vec<(String, String)>,
}

const CALLS: &str = r#"module "net" {
  source  = "registry.example.com/corp/net/aws"
  version = "~> 1.0"
}
module "app" {
  source = "git::file://{REPO}//sub?ref=v1.0.0"
  name   = "root"
}
module "zipped" {
  source = "{BASE}/files/app.zip"
}
module "tarred" {
  source = "{BASE}/files/app.tar.gz//app"
}
module "widget" {
  source = "{BASE}/get/widget"
}
module "local" {
  source = "./local"
}
output "all" {
  value = [module.net.version, module.net.nested, module.net.app, module.app.greeting, module.zipped.kind, module.tarred.kind, module.widget.kind, module.local.here]
}
"#;

impl Setup {
    fn new() -> Setup {
        let repo = tempfile::tempdir().unwrap();
        git_repo(repo.path());
        let site = site(repo.path());
        let work = Work::new(&[(
            "local/main.tf",
            "output \"here\" {\n  value = \"local\"\n}\n",
        )]);
        let rc = format!("host \"registry.example.com\" {{\n  services = {{\n    \"modules.v1\" = \"{}/v1/modules/\"\n  }}\n}}\ncredentials \"registry.example.com\" {{\n  token = \"sekret\"\n}}\n", site.server.base);
        work.write("cli.tfrc", &rc);
        let rc_path = work.path().join("cli.tfrc").display().to_string();
        let env = vec![("TF_CLI_CONFIG_FILE".to_string(), rc_path)];
        let s = Setup {
            work,
            repo,
            site,
            env,
        };
        s.work.write("main.tf", &s.fill(CALLS));
        s
    }

    /// `text` with `{REPO}` and `{BASE}` filled in.
    fn fill(&self, text: &str) -> String {
        text.replace("{REPO}", &self.repo.path().display().to_string())
            .replace("{BASE}", &self.site.server.base)
    }

    fn run(&self, args: &[&str]) -> common::Run {
        let env: Vec<(&str, &str)> = self
            .env
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        self.work.run_env(args, &env)
    }

    fn ok(&self, args: &[&str]) -> String {
        let r = self.run(args);
        assert_eq!(r.code(), 0, "{args:?}\n{}{}", r.stdout(), r.stderr());
        r.stdout()
    }

    fn fails(&self, args: &[&str]) -> String {
        let r = self.run(args);
        assert_eq!(
            r.code(),
            1,
            "{args:?} should fail\n{}{}",
            r.stdout(),
            r.stderr()
        );
        r.stderr()
    }

    fn manifest(&self) -> String {
        std::fs::read_to_string(self.work.path().join(".terraform/modules/modules.json")).unwrap()
    }

    fn output(&self) -> serde_json::Value {
        self.ok(&["apply", "-auto-approve"]);
        let out = self.ok(&["output", "-json", "all"]);
        serde_json::from_str(&out).unwrap()
    }
}

fn golden() -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/modules/modules.json");
    std::fs::read_to_string(p).unwrap().trim_end().to_string()
}

#[test]
fn every_kind_of_source_is_installed_as_terraform_lays_it_out() {
    let s = Setup::new();
    let out = s.ok(&["init"]);
    assert!(out.starts_with("Initializing modules...\n"), "{out}");
    assert!(out.contains("Downloading registry.example.com/corp/net/aws 1.2.0 for net...\n- net in .terraform/modules/net\n"), "{out}");
    assert!(out.contains(&s.fill("Downloading git::file://{REPO}?ref=v1.0.0 for app...\n- app in .terraform/modules/app/sub\n")), "{out}");
    assert!(
        out.contains("- net.app in .terraform/modules/net.app/sub\n"),
        "{out}"
    );
    assert!(
        out.contains("- net.nested in .terraform/modules/net/nested\n"),
        "{out}"
    );
    assert_eq!(s.manifest(), s.fill(&golden()));
    let tokens = s.site.offer.lock().unwrap().tokens.clone();
    assert!(
        !tokens.is_empty() && tokens.iter().all(|t| t == "Bearer sekret"),
        "{tokens:?}"
    );
    let want = [
        "1.2.0",
        "deep",
        "hello net v1",
        "hello root v1",
        "zip",
        "tgz",
        "zip",
        "local",
    ];
    assert_eq!(s.output(), serde_json::json!(want));

    // Installed modules are kept: `get` and `init` fetch nothing again.
    let fetched = s.site.server.paths().len();
    assert!(!s.ok(&["get"]).contains("Downloading"));
    assert_eq!(s.site.server.paths().len(), fetched);
    // Offline, with the repository gone, everything still runs from .terraform/modules.
    s.site.server.stop();
    std::fs::remove_dir_all(s.repo.path()).unwrap();
    let again = s.ok(&["init"]);
    assert!(!again.contains("Downloading"), "{again}");
    assert!(s.ok(&["plan"]).contains("No changes"));
    assert_eq!(s.manifest(), s.fill(&golden()));
}

#[test]
fn upgrade_re_resolves_versions_and_constraints_are_checked_when_loading() {
    let s = Setup::new();
    s.ok(&["init"]);
    s.site.offer.lock().unwrap().versions.push("1.3.0".into());
    assert!(!s.ok(&["init"]).contains("Downloading registry"));
    assert!(s.manifest().contains("\"Version\":\"1.2.0\""));
    let up = s.ok(&["init", "-upgrade"]);
    assert!(up.starts_with("Upgrading modules...\n"), "{up}");
    assert!(
        up.contains("Downloading registry.example.com/corp/net/aws 1.3.0 for net..."),
        "{up}"
    );
    assert_eq!(s.output()[0], "1.3.0"); // a zip from a JSON `location`
    assert!(s
        .ok(&["get", "-update"])
        .contains("Downloading git::file://"));

    s.work
        .write("main.tf", &s.fill(&CALLS.replace("~> 1.0", "~> 2.0")));
    let err = s.fails(&["plan"]);
    assert!(
        err.contains("Module version requirements have changed"),
        "{err}"
    );
    assert!(
        err.contains("installed version (1.3.0) is no longer acceptable"),
        "{err}"
    );
    assert!(err.contains("main.tf line 2"), "{err}");
    let out = s.ok(&["init"]);
    assert!(out.contains("aws 2.0.0 for net"), "{out}"); // 2.1.0-beta1 is not chosen
}

#[test]
fn bad_sources_and_missing_modules_are_located_errors() {
    let s = Setup::new();
    let cases = [
        (
            "source = \"boop/bloop\"",
            "Invalid module source address",
            "use \"./boop/bloop\" instead",
        ),
        (
            "source = \"registry.example.com/corp/net/aws\"\n  version = \">= 5.0\"",
            "Unresolvable module version constraint",
            "The newest available version is 2.0.0.",
        ),
        (
            "source = \"registry.example.com/corp/gone/aws\"",
            "Module not found",
            "cannot be found in the module registry at registry.example.com",
        ),
        (
            "source = \"git::file://{REPO}//sub?ref=v9\"",
            "Failed to download module",
            "git exited with",
        ),
        (
            "source = \"git::file://{REPO}//sub?ref=v1.0.0\"\n  version = \"1.0.0\"",
            "Invalid version constraint",
            "because it doesn't come from a module registry",
        ),
        (
            "source = \"git::file://{REPO}//nowhere?ref=v1.0.0\"",
            "Failed to expand subdir globs",
            "subdir \"nowhere\" not found",
        ),
    ];
    for (body, summary, detail) in cases {
        s.work.write(
            "main.tf",
            &s.fill(&format!("\nmodule \"m\" {{\n  {body}\n}}\n")),
        );
        let err = s.fails(&["init"]);
        let flat = err.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            flat.contains(summary) && flat.contains(detail),
            "{body}:\n{err}"
        );
        assert!(err.contains("main.tf line"), "{body}: not located:\n{err}");
    }
    s.work.write(
        "main.tf",
        &s.fill("module \"m\" {\n  source = \"{BASE}/files/app.zip\"\n}\n"),
    );
    let err = s.fails(&["plan"]);
    assert!(
        err.contains("Module not installed") && err.contains("autostack init"),
        "{err}"
    );
    assert!(err.contains("main.tf line 1"), "{err}");
    assert!(!s
        .work
        .path()
        .join(".terraform/modules/modules.json")
        .exists());
}

#[cfg(any(feature = "s3", feature = "gcs"))]
#[path = "../../../state/tests/support/mod.rs"]
mod support;

/// Installs `main` in a new directory with `env`; the `all` output after apply.
#[cfg(any(feature = "s3", feature = "gcs"))]
fn install_and_read(main: &str, env: &[(&str, &str)]) -> (serde_json::Value, String) {
    let w = Work::new(&[("main.tf", main)]);
    for args in [&["init"][..], &["apply", "-auto-approve"]] {
        let r = w.run_env(args, env);
        assert_eq!(r.code(), 0, "{args:?}\n{}{}", r.stdout(), r.stderr());
    }
    let out = w.run_env(&["output", "-json", "all"], env).stdout();
    let manifest =
        std::fs::read_to_string(w.path().join(".terraform/modules/modules.json")).unwrap();
    (serde_json::from_str(&out).unwrap(), manifest)
}

#[cfg(feature = "s3")]
#[test]
fn s3_sources_come_from_an_archive_or_a_prefix() {
    use support::moto::{create_bucket, http, moto_url, unique};
    let url = moto_url();
    let bucket = unique("mods");
    create_bucket(&url, &bucket);
    let put = |key: &str, body: &[u8]| {
        let (status, _) = http(&url, "PUT", &format!("/{bucket}/{key}"), &[], body);
        assert_eq!(status, 200, "put {key}");
    };
    put(
        "archives/app.tgz",
        &tgz(&[("main.tf", "output \"kind\" {\n  value = \"s3-tgz\"\n}\n")]),
    );
    put("tree/main.tf", b"module \"sub\" {\n  source = \"./sub\"\n}\noutput \"kind\" {\n  value = module.sub.kind\n}\n");
    put(
        "tree/sub/main.tf",
        b"output \"kind\" {\n  value = \"s3-tree\"\n}\n",
    );
    let main = format!("module \"a\" {{\n  source = \"s3::{url}/{bucket}/archives/app.tgz\"\n}}\nmodule \"t\" {{\n  source = \"s3::{url}/{bucket}/tree\"\n}}\noutput \"all\" {{\n  value = [module.a.kind, module.t.kind]\n}}\n");
    let env = [
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ];
    let (all, manifest) = install_and_read(&main, &env);
    assert_eq!(all, serde_json::json!(["s3-tgz", "s3-tree"]));
    assert!(manifest.contains(&format!("{{\"Key\":\"t\",\"Source\":\"s3::{url}/{bucket}/tree\",\"Dir\":\".terraform/modules/t\"}}")), "{manifest}");
    assert!(
        manifest.contains(
            "{\"Key\":\"t.sub\",\"Source\":\"./sub\",\"Dir\":\".terraform/modules/t/sub\"}"
        ),
        "{manifest}"
    );
}

#[cfg(feature = "gcs")]
#[test]
fn gcs_sources_come_from_an_archive_or_a_prefix() {
    let base = support::fake_gcs_url();
    let bucket = support::unique("mods");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let client = reqwest::Client::new();
    let create = client
        .post(format!("{base}/storage/v1/b?project=test"))
        .body(format!("{{\"name\":\"{bucket}\"}}"));
    assert!(rt.block_on(create.send()).unwrap().status().is_success());
    let put = |name: &str, body: Vec<u8>| {
        let req = client
            .post(format!(
                "{base}/upload/storage/v1/b/{bucket}/o?uploadType=media&name={name}"
            ))
            .body(body);
        assert!(
            rt.block_on(req.send()).unwrap().status().is_success(),
            "upload {name}"
        );
    };
    put(
        "archives/app.zip",
        zipped(&[("main.tf", "output \"kind\" {\n  value = \"gcs-zip\"\n}\n")]),
    );
    put(
        "tree/main.tf",
        b"output \"kind\" {\n  value = \"gcs-tree\"\n}\n".to_vec(),
    );
    let src = |p: &str| format!("gcs::https://www.googleapis.com/storage/v1/{bucket}/{p}");
    let main = format!("module \"a\" {{\n  source = \"{}\"\n}}\nmodule \"t\" {{\n  source = \"{}\"\n}}\noutput \"all\" {{\n  value = [module.a.kind, module.t.kind]\n}}\n", src("archives/app.zip"), src("tree"));
    let (all, manifest) = install_and_read(&main, &[("STORAGE_EMULATOR_HOST", &base)]);
    assert_eq!(all, serde_json::json!(["gcs-zip", "gcs-tree"]));
    assert!(
        manifest.contains(&format!("\"Source\":\"{}\"", src("tree"))),
        "{manifest}"
    );
}

/// The portable module library used as its README says: from a git tag, validated with the
/// AWS provider (the library's `modules/` committed to a repository made here).
#[cfg(feature = "aws")]
#[test]
fn the_module_library_installs_from_a_git_tag() {
    let repo = tempfile::tempdir().unwrap();
    let library = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../modules/network");
    let dest = repo.path().join("modules/network");
    std::fs::create_dir_all(&dest).unwrap();
    for f in ["main.tf", "outputs.tf", "variables.tf", "versions.tf"] {
        std::fs::copy(library.join(f), dest.join(f)).unwrap();
    }
    git(repo.path(), &["init", "-q"]);
    git(repo.path(), &["add", "-A"]);
    git(repo.path(), &["commit", "-qm", "library"]);
    git(repo.path(), &["tag", "v0.4.0"]);
    let main = format!("provider \"aws\" {{\n  region = \"us-east-1\"\n}}\nmodule \"network\" {{\n  source     = \"git::file://{}//modules/network?ref=v0.4.0\"\n  name       = \"shop\"\n  cidr_block = \"10.20.0.0/16\"\n  zone_count = 2\n}}\noutput \"zones\" {{\n  value = module.network.zones\n}}\n", repo.path().display());
    let w = Work::new(&[("main.tf", &main)]);
    let init = w.run(&["init", "-backend=false"]);
    assert_eq!(init.code(), 0, "{}{}", init.stdout(), init.stderr());
    assert!(init
        .stdout()
        .contains("- network in .terraform/modules/network/modules/network\n"));
    let v = w.run(&["validate"]);
    assert_eq!(v.code(), 0, "{}{}", v.stdout(), v.stderr());
}
