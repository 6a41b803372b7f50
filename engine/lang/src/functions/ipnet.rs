//! Built-in functions (category in the file name).

use super::Functions;

pub(super) fn register(_f: &mut Functions) {}
