//! `autostack fmt`: canonical formatting of `.tf` source, as Terraform's `fmt` does it.
