//! The objects of a bucket, seen the same way on every cloud: what a migration copies when a
//! bucket-like resource (`portable_bucket`) moves from one cloud to another.
//!
//! Contract: [`ObjectStore::list`] names every object with its size and, where the cloud
//! keeps one, the MD5 of its content; [`ObjectStore::open`] streams one object in chunks
//! (a reader holds at most one chunk, so copying a large object costs a chunk of memory, not
//! the object); [`ObjectStore::put`] stores a stream under a key and returns the object as
//! the destination now lists it, so the copier checks the checksum on both sides.

use async_trait::async_trait;
use autostack_value::Diagnostics;

/// One object of a bucket, as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectInfo {
    /// The object's key (name within the bucket).
    pub key: String,
    /// Its length in bytes.
    pub size: u64,
    /// The MD5 of its content, when the cloud reports one (S3's ETag of a single-part
    /// upload, GCS's `md5Hash`, Azure's `Content-MD5`).
    pub md5: Option<[u8; 16]>,
    /// Its media type, when set.
    pub content_type: Option<String>,
}

/// One object's content, read a chunk at a time.
#[async_trait]
pub trait ObjectReader: Send {
    /// The next chunk of the content, or `None` after the last one.
    async fn chunk(&mut self) -> Result<Option<Vec<u8>>, Diagnostics>;
}

/// The objects of one bucket on one cloud.
#[async_trait]
pub trait ObjectStore: Send + Sync {
    /// Where the bucket is, for messages (`s3://assets`, `gs://assets`, an Azure container URL).
    fn location(&self) -> String;
    /// Every object of the bucket (all pages).
    async fn list(&self) -> Result<Vec<ObjectInfo>, Diagnostics>;
    /// Opens one object for reading.
    async fn open(&self, key: &str) -> Result<Box<dyn ObjectReader>, Diagnostics>;
    /// Stores `body` (of `info.size` bytes) under `info.key` with `info.content_type`, and
    /// returns the stored object as the bucket lists it.
    async fn put(
        &self,
        info: &ObjectInfo,
        body: Box<dyn ObjectReader>,
    ) -> Result<ObjectInfo, Diagnostics>;
}

/// A reader over content already in memory (tests, small objects), in chunks of `chunk` bytes.
pub struct BytesReader {
    bytes: Vec<u8>,
    at: usize,
    chunk: usize,
}

impl BytesReader {
    /// A reader of `bytes`, handed out `chunk` bytes at a time.
    pub fn new(bytes: Vec<u8>, chunk: usize) -> BytesReader {
        BytesReader {
            bytes,
            at: 0,
            chunk: chunk.max(1),
        }
    }
}

#[async_trait]
impl ObjectReader for BytesReader {
    async fn chunk(&mut self) -> Result<Option<Vec<u8>>, Diagnostics> {
        // An offset, not split_off: handing out a chunk copies the chunk, not the rest.
        if self.at >= self.bytes.len() {
            return Ok(None);
        }
        let end = (self.at + self.chunk).min(self.bytes.len());
        let chunk = self.bytes[self.at..end].to_vec();
        self.at = end;
        Ok(Some(chunk))
    }
}

/// Reads the whole of `reader` into memory (for small objects and tests).
pub async fn read_all(reader: &mut dyn ObjectReader) -> Result<Vec<u8>, Diagnostics> {
    let mut out = Vec::new();
    while let Some(chunk) = reader.chunk().await? {
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

/// Cuts a reader's content into parts of a fixed size (multipart and block uploads): holds
/// one part plus the rest of the chunk that crossed the part's end.
pub struct Parts {
    reader: Box<dyn ObjectReader>,
    carry: Vec<u8>,
    done: bool,
}

impl Parts {
    /// The parts of `reader`'s content.
    pub fn new(reader: Box<dyn ObjectReader>) -> Parts {
        Parts {
            reader,
            carry: Vec::new(),
            done: false,
        }
    }

    /// The next `size` bytes (fewer only for the last part), or `None` after the end.
    pub async fn next_part(&mut self, size: usize) -> Result<Option<Vec<u8>>, Diagnostics> {
        while self.carry.len() < size && !self.done {
            match self.reader.chunk().await? {
                Some(c) if self.carry.is_empty() => self.carry = c,
                Some(c) => self.carry.extend_from_slice(&c),
                None => self.done = true,
            }
        }
        if self.carry.is_empty() {
            return Ok(None);
        }
        let rest = self.carry.split_off(size.min(self.carry.len()));
        Ok(Some(std::mem::replace(&mut self.carry, rest)))
    }
}

/// An MD5 written as 32 hex digits (S3's ETag, quotes allowed); `None` for anything else
/// (a multipart ETag `...-N` is no MD5 of the content).
pub fn md5_from_hex(text: &str) -> Option<[u8; 16]> {
    let t = text.trim_matches('"');
    if t.len() != 32 {
        return None;
    }
    let mut out = [0u8; 16];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(t.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

/// An MD5 in base64 (GCS's `md5Hash`, Azure's `Content-MD5`); `None` when it is not one.
pub fn md5_from_base64(text: &str) -> Option<[u8; 16]> {
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text)
        .ok()?;
    bytes.try_into().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn bytes_reader_hands_out_every_byte_once_in_order() {
        let data: Vec<u8> = (0..=255).cycle().take(1000).collect();
        for chunk in [1, 7, 256, 1000, 5000] {
            let mut r = BytesReader::new(data.clone(), chunk);
            let mut sizes = Vec::new();
            let mut out = Vec::new();
            while let Some(c) = r.chunk().await.unwrap() {
                sizes.push(c.len());
                out.extend(c);
            }
            assert_eq!(out, data, "chunk {chunk}");
            assert!(sizes.iter().all(|&s| s <= chunk && s > 0), "chunk {chunk}");
        }
        for (chunk, part) in [(1, 3), (7, 7), (5, 16), (1000, 300)] {
            let mut parts = Parts::new(Box::new(BytesReader::new(data.clone(), chunk)));
            let mut out = Vec::new();
            while let Some(p) = parts.next_part(part).await.unwrap() {
                assert!(p.len() == part || out.len() + p.len() == data.len());
                out.extend(p);
            }
            assert_eq!(out, data, "chunk {chunk} part {part}");
        }
        let mut empty = BytesReader::new(Vec::new(), 4);
        assert_eq!(read_all(&mut empty).await.unwrap(), Vec::<u8>::new());
    }

    #[test]
    fn md5_texts_are_read() {
        let want = [
            0xd4, 0x1d, 0x8c, 0xd9, 0x8f, 0x00, 0xb2, 0x04, 0xe9, 0x80, 0x09, 0x98, 0xec, 0xf8,
            0x42, 0x7e,
        ];
        assert_eq!(
            md5_from_hex("\"d41d8cd98f00b204e9800998ecf8427e\""),
            Some(want)
        );
        assert_eq!(md5_from_hex("\"d41d8cd98f00b204e9800998ecf8427e-2\""), None);
        assert_eq!(md5_from_base64("1B2M2Y8AsgTpgAmY7PhCfg=="), Some(want));
        assert_eq!(md5_from_base64("AAAA"), None);
    }
}
