//! Decoding one configuration file from its text, without the filesystem (the fuzz targets
//! and tools that hold a file in memory).

use super::decode::decode_file;
use super::Module;
use crate::diag::{Diagnostics, SourceFile};
use crate::syntax::parse_file;

/// Parses and decodes `file` (native syntax) into a module of that one file.
pub fn module_from_file(file: &SourceFile) -> (Module, Diagnostics) {
    let mut diags = Diagnostics::new();
    let mut m = Module::default();
    match parse_file(file) {
        Ok(body) => decode_file(body, &mut m, &mut diags),
        Err(d) => diags.extend(d),
    }
    (m, diags)
}
