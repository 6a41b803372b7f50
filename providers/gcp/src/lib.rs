//! The Google Cloud provider.
#![deny(missing_docs)]
