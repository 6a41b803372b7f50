//! The local catalog `autostack catalog update` writes (one `{cloud}.csv` per cloud, in the
//! embedded files' format, plus `{cloud}.fetched.json`), and the effective catalog: embedded
//! rows overlaid by local ones (same cloud/service/sku/region → the local row wins).

use super::{parse, Catalog, Cloud, PriceRow, EMBEDDED_COPY_DATE};
use crate::error::CostError;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The environment variable that overrides the local catalog directory.
pub const DIR_ENV: &str = "AUTOSTACK_CATALOG_DIR";

/// The local catalog directory: `$AUTOSTACK_CATALOG_DIR`, else `$XDG_CACHE_HOME/autostack/catalog`,
/// else `$HOME/.cache/autostack/catalog`; `None` when none of them is set.
pub fn local_dir() -> Option<PathBuf> {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(d) = env(DIR_ENV) {
        return Some(d);
    }
    let cache = env("XDG_CACHE_HOME").or_else(|| env("HOME").map(|h| h.join(".cache")))?;
    Some(cache.join("autostack").join("catalog"))
}

/// A cloud's local price file in `dir`.
pub fn csv_path(dir: &Path, cloud: Cloud) -> PathBuf {
    dir.join(format!("{cloud}.csv"))
}

/// The record of a cloud's last successful fetch in `dir`.
pub fn meta_path(dir: &Path, cloud: Cloud) -> PathBuf {
    dir.join(format!("{cloud}.fetched.json"))
}

/// What `catalog update` records beside a cloud's file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FetchMeta {
    /// When the fetch finished (RFC 3339, UTC).
    pub fetched_at: String,
    /// The API endpoint read.
    pub endpoint: String,
    /// The regions asked for.
    pub regions: Vec<String>,
    /// Rows written.
    pub rows: usize,
}

/// One cloud's local file, read and checked.
#[derive(Debug, Clone)]
pub struct LocalFile {
    /// The cloud.
    pub cloud: Cloud,
    /// The file.
    pub path: PathBuf,
    /// Its rows.
    pub rows: Vec<PriceRow>,
    /// When it was fetched (`YYYY-MM-DD`): from the fetch record, else the file's mtime.
    pub fetched: String,
    /// The fetch record, if present and readable.
    pub meta: Option<FetchMeta>,
}

/// Reads each cloud's local file present in `dir`. A broken file is skipped with a warning
/// (the embedded prices still apply), never fatal.
pub fn read_local(dir: &Path) -> (Vec<LocalFile>, Vec<String>) {
    let mut files = Vec::new();
    let mut warnings = Vec::new();
    for cloud in Cloud::ALL {
        let path = csv_path(dir, cloud);
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let name = path.display().to_string();
        match parse::parse_csv(&name, &text) {
            Ok(rows) if rows.iter().all(|r| r.cloud == cloud) => {
                let meta = std::fs::read_to_string(meta_path(dir, cloud))
                    .ok()
                    .and_then(|t| serde_json::from_str::<FetchMeta>(&t).ok());
                let fetched = meta
                    .as_ref()
                    .and_then(|m| super::fetch::date_of(&m.fetched_at))
                    .or_else(|| mtime_date(&path))
                    .unwrap_or_default();
                files.push(LocalFile {
                    cloud,
                    path,
                    rows,
                    fetched,
                    meta,
                });
            }
            Ok(_) => warnings.push(format!("{name}: rows of another cloud; file ignored")),
            Err(e) => warnings.push(format!("{e}; file ignored")),
        }
    }
    (files, warnings)
}

fn mtime_date(path: &Path) -> Option<String> {
    let t = std::fs::metadata(path).ok()?.modified().ok()?;
    let t: chrono::DateTime<chrono::Utc> = t.into();
    Some(t.format("%Y-%m-%d").to_string())
}

struct Effective {
    catalog: Option<Catalog>,
    warnings: Vec<String>,
}

fn effective_cell() -> &'static Effective {
    static CELL: OnceLock<Effective> = OnceLock::new();
    CELL.get_or_init(|| {
        let Some(dir) = local_dir() else {
            return Effective {
                catalog: None,
                warnings: Vec::new(),
            };
        };
        let (files, mut warnings) = read_local(&dir);
        // The embedded rows are parsed without building the embedded catalog's own indexes:
        // only the overlaid catalog is indexed.
        let overlaid = if files.is_empty() {
            Ok(None)
        } else {
            embedded_rows().and_then(|rows| overlay_rows(rows.into_iter(), &files))
        };
        let catalog = match overlaid {
            Ok(c) => c,
            Err(e) => {
                warnings.push(format!("{e}; local catalog ignored"));
                None
            }
        };
        Effective { catalog, warnings }
    })
}

impl Catalog {
    /// The catalog plans are priced with: the embedded one overlaid by the local catalog
    /// ([`local_dir`]), read once per process; just the embedded one when there is no local file.
    pub fn effective() -> &'static Catalog {
        effective_cell()
            .catalog
            .as_ref()
            .unwrap_or_else(|| Catalog::embedded())
    }

    /// Why local files were ignored by [`Catalog::effective`] (empty when all were fine).
    pub fn effective_warnings() -> &'static [String] {
        &effective_cell().warnings
    }

    /// `base` overlaid by the rows of `files` (a local row replaces the base row of the same
    /// cloud/service/sku/region; rows only local are added); `None` when `files` is empty.
    pub fn overlay(base: &Catalog, files: &[LocalFile]) -> Result<Option<Catalog>, CostError> {
        overlay_rows(base.rows.iter().cloned(), files)
    }
}

/// The rows of the embedded files, parsed but not indexed.
fn embedded_rows() -> Result<Vec<PriceRow>, CostError> {
    let mut rows = Vec::new();
    for (file, text) in super::EMBEDDED {
        rows.extend(parse::parse_csv(file, text)?);
    }
    Ok(rows)
}

type Key<'a> = (Cloud, &'a str, &'a str, &'a str);

fn key(r: &PriceRow) -> Key<'_> {
    (r.cloud, &r.service, &r.sku, &r.region)
}

/// `base` rows overlaid by the rows of `files`, indexed; `None` when `files` is empty.
fn overlay_rows(
    base: impl Iterator<Item = PriceRow>,
    files: &[LocalFile],
) -> Result<Option<Catalog>, CostError> {
    if files.is_empty() {
        return Ok(None);
    }
    let local: HashSet<Key> = files.iter().flat_map(|f| &f.rows).map(key).collect();
    let rows: Vec<PriceRow> = base
        .filter(|r| !local.contains(&key(r)))
        .chain(files.iter().flat_map(|f| f.rows.iter().cloned()))
        .collect();
    let fetched: Vec<String> = files
        .iter()
        .map(|f| format!("{} fetched {}", f.cloud, f.fetched))
        .collect();
    let name = format!(
        "local ({}) + embedded (copied {EMBEDDED_COPY_DATE})",
        fetched.join(", ")
    );
    let specs = parse::parse_gcp_specs(super::GCP_SPECS);
    Catalog::build(&name, rows, specs).map(Some)
}

/// What one cloud's prices date from, for `autostack catalog status`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CloudStatus {
    /// The cloud.
    pub cloud: Cloud,
    /// `embedded`, or `local + embedded` when a local file overlays it.
    pub source: String,
    /// Rows priced for this cloud in the effective catalog.
    pub rows: usize,
    /// Of those, rows from the local file.
    pub local_rows: usize,
    /// The oldest `as_of` among the cloud's rows.
    pub oldest: String,
    /// The newest `as_of` among the cloud's rows.
    pub newest: String,
    /// The local file, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// When the local file was fetched (RFC 3339, or a date from its mtime).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fetched_at: Option<String>,
    /// Regions the local file was fetched for.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<String>,
}

/// Per-cloud status of `catalog` given the local `files` it was built from.
pub fn status(catalog: &Catalog, files: &[LocalFile]) -> Vec<CloudStatus> {
    Cloud::ALL
        .iter()
        .map(|&cloud| {
            let rows: Vec<&PriceRow> = catalog.rows.iter().filter(|r| r.cloud == cloud).collect();
            let date = |f: fn(&&PriceRow, &&PriceRow) -> std::cmp::Ordering| {
                rows.iter()
                    .copied()
                    .min_by(f)
                    .map(|r| r.as_of.clone())
                    .unwrap_or_default()
            };
            let local = files.iter().find(|f| f.cloud == cloud);
            CloudStatus {
                cloud,
                source: if local.is_some() {
                    "local + embedded"
                } else {
                    "embedded"
                }
                .to_string(),
                rows: rows.len(),
                local_rows: local.map_or(0, |f| f.rows.len()),
                oldest: date(|a, b| a.as_of.cmp(&b.as_of)),
                newest: date(|a, b| b.as_of.cmp(&a.as_of)),
                file: local.map(|f| f.path.display().to_string()),
                fetched_at: local.map(|f| {
                    f.meta
                        .as_ref()
                        .map_or(f.fetched.clone(), |m| m.fetched_at.clone())
                }),
                regions: local
                    .and_then(|f| f.meta.as_ref())
                    .map_or_else(Vec::new, |m| m.regions.clone()),
            }
        })
        .collect()
}
