//! Terraform v4 state: format, journal, locking, backends.
