//! Headless Chromium (Debian's `chromium`, which the test command installs) as a test tool:
//! the DOM after scripts ran, and screenshots checked for content where the page says its
//! sections are.

#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

/// The browser binary: `AUTOSTACK_CHROMIUM`, else `chromium` on PATH.
pub fn chromium() -> String {
    std::env::var("AUTOSTACK_CHROMIUM").unwrap_or_else(|_| "chromium".into())
}

fn headless(extra: &[&str], page: &Path) -> std::process::Output {
    headless_url(extra, &format!("file://{}", page.display()))
}

fn headless_url(extra: &[&str], url: &str) -> std::process::Output {
    Command::new(chromium())
        .args([
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            "--allow-file-access-from-files",
        ])
        .args(extra)
        .arg(url)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "{}: {e}; the test command installs Debian's chromium",
                chromium()
            )
        })
}

/// The DOM of `page` once its scripts ran, and how long loading it took.
pub fn dump_dom(page: &Path) -> (String, std::time::Duration) {
    dump_dom_at(page, "")
}

/// The DOM of `page` opened at a fragment (`#search=...`), once its scripts ran.
pub fn dump_dom_at(page: &Path, fragment: &str) -> (String, std::time::Duration) {
    let start = std::time::Instant::now();
    let url = format!("file://{}{fragment}", page.display());
    let out = headless_url(&["--virtual-time-budget=5000", "--dump-dom"], &url);
    let took = start.elapsed();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (String::from_utf8_lossy(&out.stdout).into_owned(), took)
}

/// A screenshot of `page` at `width`×`height`: RGB rows.
pub fn screenshot(page: &Path, width: u32, height: u32) -> Image {
    let file = page.with_extension("png");
    let size = format!("--window-size={width},{height}");
    let shot = format!("--screenshot={}", file.display());
    let out = headless(&["--virtual-time-budget=5000", &size, &shot], page);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(&file).expect("screenshot written"),
    ));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("a frame");
    let channels = info.color_type.samples();
    Image {
        width: info.width,
        height: info.height,
        channels,
        pixels: buf[..info.buffer_size()].to_vec(),
    }
}

/// A decoded screenshot.
pub struct Image {
    /// Pixels across.
    pub width: u32,
    /// Pixels down.
    pub height: u32,
    channels: usize,
    pixels: Vec<u8>,
}

impl Image {
    /// How many distinct colours the rectangle holds (clipped to the image): 1 means blank.
    pub fn colours_in(&self, x: u32, y: u32, w: u32, h: u32) -> usize {
        let mut seen = std::collections::HashSet::new();
        for row in y..(y + h).min(self.height) {
            for col in x..(x + w).min(self.width) {
                let i = (row as usize * self.width as usize + col as usize) * self.channels;
                seen.insert(self.pixels[i..i + 3].to_vec());
            }
        }
        seen.len()
    }
}

/// The value of attribute `name` on the `<html>` element of a dumped DOM (unescaped).
pub fn root_attr(dom: &str, name: &str) -> Option<String> {
    let start = dom.find("<html")?;
    let tag = &dom[start..start + dom[start..].find('>')?];
    let key = format!(" {name}=\"");
    let at = tag.find(&key)? + key.len();
    let value = &tag[at..at + tag[at..].find('"')?];
    Some(
        value
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&"),
    )
}
