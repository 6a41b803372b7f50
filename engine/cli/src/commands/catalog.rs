//! `autostack catalog update`: fetch list prices from the clouds' public price APIs into the
//! local catalog; `autostack catalog status`: what each cloud's prices date from.
//!
//! Each cloud is all-or-nothing: its rows are written to a temporary file and renamed over
//! `{cloud}.csv` only when every request of that cloud succeeded, so a failed or cut-off
//! update keeps the previous prices.

use crate::args::{CatalogCmd, CatalogStatusArgs, CatalogUpdateArgs};
use crate::prices::{self, Http};
use autostack_cost::catalog::fetch::{dedupe, fill_shapes, to_csv};
use autostack_cost::catalog::local::{self, FetchMeta};
use autostack_cost::catalog::PriceRow;
use autostack_cost::{Catalog, Cloud};
use reqwest::Url;
use std::path::{Path, PathBuf};

/// Runs `catalog update` or `catalog status`.
pub fn run(cmd: CatalogCmd, rt: &tokio::runtime::Runtime) -> u8 {
    match cmd {
        CatalogCmd::Update(a) => rt.block_on(update(&a)),
        CatalogCmd::Status(a) => status(&a),
    }
}

/// One cloud to fetch.
struct Job {
    cloud: Cloud,
    url: Url,
    regions: Vec<String>,
}

fn env_name(cloud: Cloud) -> &'static str {
    match cloud {
        Cloud::Aws => "AUTOSTACK_PRICES_AWS_URL",
        Cloud::Azure => "AUTOSTACK_PRICES_AZURE_URL",
        Cloud::Gcp => "AUTOSTACK_PRICES_GCP_URL",
    }
}

fn default_url(cloud: Cloud) -> &'static str {
    match cloud {
        Cloud::Aws => prices::aws::ENDPOINT,
        Cloud::Azure => autostack_cost::catalog::fetch::azure::ENDPOINT,
        Cloud::Gcp => autostack_cost::catalog::fetch::gcp::ENDPOINT,
    }
}

fn default_regions(cloud: Cloud) -> Vec<String> {
    let list: &[&str] = match cloud {
        Cloud::Aws => &prices::aws::DEFAULT_REGIONS,
        Cloud::Azure => &prices::azure::DEFAULT_REGIONS,
        // The SKU list covers every region in the same pages: filtering saves nothing.
        Cloud::Gcp => &[],
    };
    list.iter().map(|s| s.to_string()).collect()
}

/// The clouds and regions asked for. `-region` values go to the cloud whose region names they
/// are (with one cloud selected, all of them go to it, so new regions can be fetched too).
fn jobs(a: &CatalogUpdateArgs) -> Result<Vec<Job>, String> {
    let mut clouds = Vec::new();
    for c in &a.cloud {
        let cloud = Cloud::parse(c).ok_or_else(|| format!("-cloud={c}: use aws, azure or gcp"))?;
        if !clouds.contains(&cloud) {
            clouds.push(cloud);
        }
    }
    let explicit = !clouds.is_empty();
    if !explicit {
        clouds = Cloud::ALL.to_vec();
    }
    if a.endpoint.is_some() && clouds.len() != 1 {
        return Err("-endpoint needs exactly one -cloud".into());
    }
    let owner = |r: &str| {
        clouds
            .iter()
            .copied()
            .find(|&c| autostack_cost::regions::is_known(c, r))
    };
    if clouds.len() > 1 {
        if let Some(r) = a.region.iter().find(|r| owner(r).is_none()) {
            return Err(format!("-region={r}: not a region of {}", names(&clouds)));
        }
    }
    let mut out = Vec::new();
    for &cloud in &clouds {
        let mine: Vec<String> = (a.region.iter())
            .filter(|r| clouds.len() == 1 || owner(r) == Some(cloud))
            .cloned()
            .collect();
        // `-region` alone picks the clouds its regions belong to.
        if !a.region.is_empty() && mine.is_empty() && !explicit {
            continue;
        }
        let regions = if mine.is_empty() {
            default_regions(cloud)
        } else {
            mine
        };
        let url = prices::endpoint(a.endpoint.as_deref(), env_name(cloud), default_url(cloud))?;
        out.push(Job {
            cloud,
            url,
            regions,
        });
    }
    Ok(out)
}

fn names(clouds: &[Cloud]) -> String {
    clouds
        .iter()
        .map(|c| c.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

async fn fetch(
    job: &Job,
    http: &Http,
    key: Option<&str>,
    dir: &Path,
) -> Result<Vec<PriceRow>, String> {
    match job.cloud {
        Cloud::Aws => prices::aws::fetch(http, &job.url, &job.regions, dir).await,
        Cloud::Azure => prices::azure::fetch(http, &job.url, &job.regions).await,
        Cloud::Gcp => {
            let key =
                key.ok_or("the Cloud Billing API needs a key: -api-key or GOOGLE_BILLING_API_KEY")?;
            prices::gcp::fetch(http, &job.url, key, &job.regions).await
        }
    }
}

async fn update(a: &CatalogUpdateArgs) -> u8 {
    let Some(dir) = local::local_dir() else {
        eprintln!(
            "Error: no catalog directory: set HOME, XDG_CACHE_HOME or {}",
            local::DIR_ENV
        );
        return 1;
    };
    let (jobs, http) = match (jobs(a), Http::new()) {
        (Ok(j), Ok(h)) => (j, h),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("Error: {e}");
            return 1;
        }
    };
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("Error: {}: {e}", dir.display());
        return 1;
    }
    let key = a
        .api_key
        .clone()
        .or_else(|| std::env::var("GOOGLE_BILLING_API_KEY").ok());
    let key = key.filter(|k| !k.is_empty());
    // The clouds are independent: fetch them at the same time.
    let tasks: Vec<_> = jobs
        .into_iter()
        .map(|job| {
            let (http, key, dir) = (http.clone(), key.clone(), dir.clone());
            tokio::spawn(async move {
                let got = fetch(&job, &http, key.as_deref(), &dir).await;
                (job, got)
            })
        })
        .collect();
    let mut failed = Vec::new();
    for task in tasks {
        let (job, got) = match task.await {
            Ok(r) => r,
            Err(e) => {
                eprintln!("Error: a fetch task failed: {e}");
                return 1;
            }
        };
        match got.and_then(|rows| save(&dir, &job, rows)) {
            Ok(msg) => println!("{msg}"),
            Err(e) => {
                eprintln!(
                    "Error: {}: {e}; the previous {} prices are kept",
                    job.cloud, job.cloud
                );
                failed.push(job.cloud);
            }
        }
    }
    if failed.is_empty() {
        0
    } else {
        eprintln!(
            "\n{} of the clouds failed: {}",
            failed.len(),
            names(&failed)
        );
        1
    }
}

/// Writes a cloud's rows (temp file, then rename) and its fetch record; a summary line.
fn save(dir: &Path, job: &Job, rows: Vec<PriceRow>) -> Result<String, String> {
    let mut rows = dedupe(rows);
    if rows.is_empty() {
        return Err("the responses held no prices".into());
    }
    fill_shapes(&mut rows, Catalog::embedded());
    let csv = local::csv_path(dir, job.cloud);
    write_atomic(&csv, to_csv(&rows).as_bytes())?;
    let meta = FetchMeta {
        fetched_at: chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        endpoint: job.url.to_string(),
        regions: job.regions.clone(),
        rows: rows.len(),
    };
    let json = serde_json::to_string_pretty(&serde_json::json!(meta)).unwrap_or_default();
    write_atomic(&local::meta_path(dir, job.cloud), json.as_bytes())?;
    let oldest = rows.iter().map(|r| r.as_of.as_str()).min().unwrap_or("");
    let newest = rows.iter().map(|r| r.as_of.as_str()).max().unwrap_or("");
    Ok(format!(
        "{}: {} prices (effective {oldest} to {newest}) written to {}",
        job.cloud,
        rows.len(),
        csv.display()
    ))
}

fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let tmp: PathBuf = path.with_file_name(format!(".{name}.tmp"));
    let io = |e: std::io::Error| format!("{}: {e}", path.display());
    let mut f = std::fs::File::create(&tmp).map_err(io)?;
    std::io::Write::write_all(&mut f, bytes).map_err(io)?;
    f.sync_all().map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)
}

fn status(a: &CatalogStatusArgs) -> u8 {
    let dir = local::local_dir();
    let (files, warnings) = dir.as_deref().map(local::read_local).unwrap_or_default();
    let overlaid = match Catalog::overlay(Catalog::embedded(), &files) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("Error: {e}");
            return 1;
        }
    };
    let catalog = overlaid.as_ref().unwrap_or_else(|| Catalog::embedded());
    let clouds = local::status(catalog, &files);
    if a.json {
        let doc = serde_json::json!({
            "dir": dir.map(|d| d.display().to_string()),
            "catalog": catalog.name(),
            "clouds": clouds,
            "warnings": warnings,
        });
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        return 0;
    }
    match &dir {
        Some(d) => println!("Local catalog: {}", d.display()),
        None => println!("Local catalog: none (HOME is not set)"),
    }
    println!("Prices: {}\n", catalog.name());
    println!(
        "{:<6} {:<17} {:>6} {:>6}  {:<10}  {:<10}  fetched",
        "cloud", "source", "rows", "local", "oldest", "newest"
    );
    for c in &clouds {
        let fetched = c.fetched_at.as_deref().unwrap_or("-");
        println!(
            "{:<6} {:<17} {:>6} {:>6}  {:<10}  {:<10}  {fetched}",
            c.cloud.as_str(),
            c.source,
            c.rows,
            c.local_rows,
            c.oldest,
            c.newest
        );
    }
    for w in &warnings {
        eprintln!("Warning: {w}");
    }
    0
}
