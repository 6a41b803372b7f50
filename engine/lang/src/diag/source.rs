//! Source files kept for excerpts, and byte-offset to line:column translation.

use super::{Pos, Range};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// One loaded source file with a line index.
#[derive(Debug)]
pub struct SourceFile {
    /// The file name as shown to users.
    pub name: Arc<str>,
    /// The whole text.
    pub text: Arc<str>,
    /// Byte offset of the start of each line.
    line_starts: Vec<usize>,
    /// Whether the text is all ASCII, so that columns are byte counts.
    ascii: bool,
    /// Top-level blocks (sorted by start), registered by the parser for excerpt headers.
    blocks: std::sync::OnceLock<Vec<BlockHeader>>,
}

/// A top-level block's byte span and its header as diagnostics show it (`resource "a" "b"`).
#[derive(Debug, Clone)]
pub struct BlockHeader {
    /// Bytes covered by the whole block.
    pub span: std::ops::Range<usize>,
    /// `type "label" "label"`.
    pub header: String,
}

impl SourceFile {
    /// Indexes `text` under `name`.
    pub fn new(name: impl Into<Arc<str>>, text: impl Into<Arc<str>>) -> Self {
        let text: Arc<str> = text.into();
        let mut line_starts =
            Vec::with_capacity(memchr::memchr_iter(b'\n', text.as_bytes()).count() + 1);
        line_starts.push(0);
        line_starts.extend(memchr_newlines(text.as_bytes()));
        SourceFile {
            name: name.into(),
            ascii: text.is_ascii(),
            text,
            line_starts,
            blocks: Default::default(),
        }
    }

    /// Records the file's top-level blocks (once; later calls are ignored).
    pub fn set_blocks(&self, mut blocks: Vec<BlockHeader>) {
        blocks.sort_by_key(|b| b.span.start);
        let _ = self.blocks.set(blocks);
    }

    /// The top-level blocks, when the parser registered them.
    pub fn blocks(&self) -> Option<&[BlockHeader]> {
        self.blocks.get().map(Vec::as_slice)
    }

    /// The position of byte offset `byte` (clamped to the text).
    pub fn pos(&self, byte: usize) -> Pos {
        self.pos_near(byte, &mut 0)
    }

    /// Like [`SourceFile::pos`], but first tries line index `hint` and the lines after it
    /// (which is where a front-to-back walk finds the next offset), updating it.
    pub(crate) fn pos_near(&self, byte: usize, hint: &mut usize) -> Pos {
        let byte = byte.min(self.text.len());
        let ls = &self.line_starts;
        let fits = |i: usize| {
            ls.get(i).is_some_and(|&s| s <= byte) && ls.get(i + 1).is_none_or(|&s| s > byte)
        };
        let line = if fits(*hint) {
            *hint
        } else if fits(*hint + 1) {
            *hint + 1
        } else {
            ls.partition_point(|&s| s <= byte) - 1
        };
        *hint = line;
        let start = ls[line];
        // Columns count characters; counting non-continuation bytes is the same and fast.
        let column = if self.ascii {
            byte - start
        } else {
            self.text.as_bytes()[start..byte]
                .iter()
                .filter(|b| (**b & 0xC0) != 0x80)
                .count()
        };
        Pos {
            line: line as u32 + 1,
            column: column as u32 + 1,
            byte,
        }
    }

    /// The range covering bytes `start..end`.
    pub fn range(&self, span: std::ops::Range<usize>) -> Range {
        self.range_near(span, &mut 0)
    }

    /// Like [`SourceFile::range`], with a line hint as for [`SourceFile::pos_near`].
    pub(crate) fn range_near(&self, span: std::ops::Range<usize>, hint: &mut usize) -> Range {
        let start = self.pos_near(span.start, hint);
        let mut end_hint = *hint;
        Range {
            filename: self.name.clone(),
            start,
            end: self.pos_near(span.end, &mut end_hint),
        }
    }

    /// The text of 1-based line `line`, without its line ending.
    pub fn line_text(&self, line: u32) -> Option<&str> {
        let i = (line as usize).checked_sub(1)?;
        let start = *self.line_starts.get(i)?;
        let end = self
            .line_starts
            .get(i + 1)
            .copied()
            .unwrap_or(self.text.len());
        let s = self.text.get(start..end)?;
        Some(s.trim_end_matches(['\n', '\r']))
    }
}

fn memchr_newlines(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    memchr::memchr_iter(b'\n', bytes).map(|i| i + 1)
}

/// All source files seen in a run, so diagnostics can show excerpts.
#[derive(Debug, Default, Clone)]
pub struct Sources {
    files: Arc<RwLock<HashMap<Arc<str>, Arc<SourceFile>>>>,
}

impl Sources {
    /// An empty set of sources.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) a file and returns its index.
    pub fn add(&self, name: impl Into<Arc<str>>, text: impl Into<Arc<str>>) -> Arc<SourceFile> {
        let file = Arc::new(SourceFile::new(name, text));
        let mut files = self.files.write().unwrap_or_else(|e| e.into_inner());
        files.insert(file.name.clone(), file.clone());
        file
    }

    /// Looks a file up by name.
    pub fn get(&self, name: &str) -> Option<Arc<SourceFile>> {
        let files = self.files.read().unwrap_or_else(|e| e.into_inner());
        files.get(name).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_not_bytes() {
        let f = SourceFile::new("a.tf", "ab\n\u{e9}x = 1\n");
        assert_eq!(
            f.pos(0),
            Pos {
                line: 1,
                column: 1,
                byte: 0
            }
        );
        assert_eq!(
            f.pos(3),
            Pos {
                line: 2,
                column: 1,
                byte: 3
            }
        );
        assert_eq!(
            f.pos(5),
            Pos {
                line: 2,
                column: 2,
                byte: 5
            }
        );
        assert_eq!(f.line_text(2), Some("\u{e9}x = 1"));
        assert_eq!(f.line_text(9), None);
        let ascii = SourceFile::new("b.tf", "ab\ncd = 1\n");
        assert_eq!((ascii.pos(6).line, ascii.pos(6).column), (2, 4));
        assert_eq!(ascii.range(1..4).end, ascii.pos(4));
    }
}
