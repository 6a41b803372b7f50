//! Copying a bucket's objects from one cloud to another: the data step of a migration,
//! between the create of the new bucket and the delete of the old one.
//!
//! Objects are streamed chunk by chunk (an object in flight costs a chunk or two of memory,
//! never the whole object), at most `parallel` at once. The MD5 of the bytes read is computed
//! on the fly and checked against the MD5 the source lists and the one the destination reports
//! after the write (when the destination reports none, the sizes are compared). A copy is
//! resumable: an object already at the destination with the same size and MD5 is skipped, so
//! a copy killed part-way finishes where it stopped.

use autostack_lang::{Diagnostic, Diagnostics};
use autostack_provider_sdk::objects::{ObjectInfo, ObjectReader, ObjectStore};
use futures::stream::{self, StreamExt};
use md5::{Digest, Md5};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// How far a copy has got.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CopyProgress {
    /// Objects finished (copied or skipped).
    pub objects_done: usize,
    /// Objects in the source.
    pub objects_total: usize,
    /// Bytes finished (copied, or skipped as already there).
    pub bytes_done: u64,
    /// Bytes in the source.
    pub bytes_total: u64,
}

/// What a finished copy did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CopyStats {
    /// Objects written to the destination.
    pub copied: usize,
    /// Objects already at the destination with the same size and MD5.
    pub skipped: usize,
    /// Bytes written.
    pub bytes: u64,
}

/// Receives progress as objects finish (and as large objects stream).
pub type OnProgress<'a> = &'a (dyn Fn(CopyProgress) + Send + Sync);

/// Copies every object of `src` to `dst` (see the module documentation).
pub async fn copy_objects(
    src: Arc<dyn ObjectStore>,
    dst: Arc<dyn ObjectStore>,
    parallel: usize,
    on_progress: OnProgress<'_>,
) -> Result<CopyStats, Diagnostics> {
    let (listed, present) = futures::join!(src.list(), dst.list());
    let (listed, present) = (listed?, present?);
    let present: HashMap<String, ObjectInfo> =
        present.into_iter().map(|o| (o.key.clone(), o)).collect();
    let tally = Tally {
        total: CopyProgress {
            objects_total: listed.len(),
            bytes_total: listed.iter().map(|o| o.size).sum(),
            ..CopyProgress::default()
        },
        objects: AtomicUsize::new(0),
        bytes: Arc::new(AtomicU64::new(0)),
        on_progress,
    };
    on_progress(tally.now());
    let jobs = listed.into_iter().map(|info| {
        let there = present.get(&info.key).cloned();
        copy_one(&*src, &*dst, info, there, &tally)
    });
    let results: Vec<Result<Option<u64>, Diagnostic>> = stream::iter(jobs)
        .buffer_unordered(parallel.max(1))
        .collect()
        .await;
    let mut stats = CopyStats::default();
    let mut diags = Diagnostics::new();
    for r in results {
        match r {
            Ok(Some(bytes)) => {
                stats.copied += 1;
                stats.bytes += bytes;
            }
            Ok(None) => stats.skipped += 1,
            Err(d) => diags.push(d),
        }
    }
    match diags.has_errors() {
        true => Err(diags),
        false => Ok(stats),
    }
}

/// Shared counters of one copy.
struct Tally<'a> {
    total: CopyProgress,
    objects: AtomicUsize,
    bytes: Arc<AtomicU64>,
    on_progress: OnProgress<'a>,
}

impl Tally<'_> {
    fn now(&self) -> CopyProgress {
        CopyProgress {
            objects_done: self.objects.load(Ordering::Relaxed),
            bytes_done: self.bytes.load(Ordering::Relaxed),
            ..self.total
        }
    }

    fn add_bytes(&self, n: u64) {
        self.bytes.fetch_add(n, Ordering::Relaxed);
    }

    fn object_done(&self) {
        self.objects.fetch_add(1, Ordering::Relaxed);
        (self.on_progress)(self.now());
    }
}

/// Copies one object unless it is there already; `Some(bytes)` when it was written.
async fn copy_one(
    src: &dyn ObjectStore,
    dst: &dyn ObjectStore,
    info: ObjectInfo,
    there: Option<ObjectInfo>,
    tally: &Tally<'_>,
) -> Result<Option<u64>, Diagnostic> {
    let same_size = there.as_ref().filter(|t| t.size == info.size);
    if let (Some(t), Some(want)) = (same_size, info.md5) {
        if t.md5 == Some(want) {
            tally.add_bytes(info.size);
            tally.object_done();
            return Ok(None);
        }
    }
    let fail = |what: String| {
        Diagnostic::error(
            "Object copy failed",
            format!(
                "Copying {:?} from {} to {}: {what}",
                info.key,
                src.location(),
                dst.location()
            ),
            None,
        )
    };
    let reader = src.open(&info.key).await.map_err(|d| fail(first(&d)))?;
    let digest = Arc::new(Mutex::new(Hashed::default()));
    let hashing = Hashing {
        inner: reader,
        md5: Md5::new(),
        len: 0,
        out: digest.clone(),
        bytes: tally.bytes.clone(),
    };
    let stored = dst
        .put(&info, Box::new(hashing))
        .await
        .map_err(|d| fail(first(&d)))?;
    let read = *digest.lock().unwrap_or_else(|e| e.into_inner());
    verify(&info, &stored, &read).map_err(fail)?;
    tally.object_done();
    Ok(Some(read.len))
}

/// The first diagnostic's text.
fn first(d: &Diagnostics) -> String {
    (d.iter().next()).map_or_else(String::new, |x| format!("{}: {}", x.summary, x.detail))
}

/// Checks the bytes read against what the source listed and the destination stored.
fn verify(src: &ObjectInfo, stored: &ObjectInfo, read: &Hashed) -> Result<(), String> {
    let hex = |d: &[u8; 16]| d.iter().map(|b| format!("{b:02x}")).collect::<String>();
    if read.len != src.size {
        return Err(format!(
            "read {} bytes, the source lists {}",
            read.len, src.size
        ));
    }
    if let Some(want) = src.md5.filter(|m| *m != read.md5) {
        return Err(format!(
            "the bytes read have MD5 {}, the source lists {}",
            hex(&read.md5),
            hex(&want)
        ));
    }
    match stored.md5 {
        Some(got) if got != read.md5 => Err(format!(
            "the destination stored MD5 {}, the bytes read have {}",
            hex(&got),
            hex(&read.md5)
        )),
        None if stored.size != read.len => Err(format!(
            "the destination stored {} bytes of {}",
            stored.size, read.len
        )),
        _ => Ok(()),
    }
}

/// The length and MD5 of the bytes a reader handed out.
#[derive(Debug, Clone, Copy, Default)]
struct Hashed {
    len: u64,
    md5: [u8; 16],
}

/// A reader that hashes what passes through it and counts it in the copy's progress.
struct Hashing {
    inner: Box<dyn ObjectReader>,
    md5: Md5,
    len: u64,
    out: Arc<Mutex<Hashed>>,
    bytes: Arc<AtomicU64>,
}

#[async_trait::async_trait]
impl ObjectReader for Hashing {
    async fn chunk(&mut self) -> Result<Option<Vec<u8>>, Diagnostics> {
        let next = self.inner.chunk().await?;
        match &next {
            Some(c) => {
                self.md5.update(c);
                self.len += c.len() as u64;
                self.bytes.fetch_add(c.len() as u64, Ordering::Relaxed);
            }
            None => {
                let mut out = self.out.lock().unwrap_or_else(|e| e.into_inner());
                out.len = self.len;
                out.md5 = self.md5.clone().finalize().into();
            }
        }
        Ok(next)
    }
}
