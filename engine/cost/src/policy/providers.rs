//! `provider` blocks of `autostack.hcl`: how each provider configuration is served and how
//! hard it may be driven. They name configurations as the `.tf` files do: the block label is
//! the provider's local name and `alias` picks an aliased configuration.
//!
//! ```hcl
//! provider "aws" {
//!   concurrency = 20             # at most 20 operations of `aws` in flight
//! }
//! provider "aws" {
//!   alias          = "west"      # the configuration `aws.west`
//!   concurrency    = 4
//!   implementation = "native"    # or "plugin" (engine/cli/src/plugins.rs)
//! }
//! ```
//! A block without `alias` sets the default configuration and, for `concurrency`, each
//! aliased configuration of that provider that has no block of its own (every configuration
//! keeps its own limit).

use super::parse::{attributes, label, Ctx};
use crate::error::CostError;
use hcl_edit::expr::Expression;
use hcl_edit::structure::Block;
use hcl_edit::Span;

/// The largest `concurrency` accepted (more is no limit at all, and surely a typo).
pub const MAX_CONCURRENCY: u64 = 10_000;

/// Settings of one provider configuration.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProviderSettings {
    /// The provider's local name (block label: `aws`).
    pub name: String,
    /// The configuration's alias (`west`), `None` for the default configuration.
    pub alias: Option<String>,
    /// `implementation`: `native` or `plugin`.
    pub implementation: Option<String>,
    /// `concurrency`: most operations of this configuration in flight at once.
    pub concurrency: Option<usize>,
}

impl ProviderSettings {
    /// The configuration's address as `.tf` files write it (`aws`, `aws.west`).
    pub fn address(&self) -> String {
        match &self.alias {
            Some(a) => format!("{}.{a}", self.name),
            None => self.name.clone(),
        }
    }
}

/// Parses one `provider` block.
pub(super) fn provider(cx: &Ctx, b: &Block) -> Result<ProviderSettings, CostError> {
    let name = label(cx, b)?;
    if let Some((local, alias)) = name.split_once('.') {
        let msg = format!("invalid provider name {name:?}: name an aliased configuration with an alias argument, as in the .tf files: provider {local:?} {{ alias = {alias:?} }}");
        return Err(cx.err(b.ident.span(), msg));
    }
    if !is_name(&name) {
        let msg = format!("invalid provider name {name:?}: a provider's local name is a letter followed by letters, digits, underscores or dashes");
        return Err(cx.err(b.ident.span(), msg));
    }
    let mut s = ProviderSettings {
        name: name.clone(),
        ..ProviderSettings::default()
    };
    for (key, e) in attributes(cx, b)? {
        match key {
            "alias" => {
                let alias = literal_string(e)
                    .filter(|a| is_name(a))
                    .ok_or_else(|| cx.err(e.span(), "alias must be a name in quotes, e.g. alias = \"west\"".into()))?;
                s.alias = Some(alias);
            }
            "implementation" => match literal_string(e).as_deref() {
                Some(i @ ("native" | "plugin")) => s.implementation = Some(i.to_string()),
                _ => return Err(cx.err(e.span(), "implementation must be \"native\" or \"plugin\"".into())),
            },
            "concurrency" => s.concurrency = Some(concurrency(cx, e)?),
            other => {
                return Err(cx.err(e.span(), format!(
                    "unknown argument {other:?} in provider {name:?}: expected alias, concurrency or implementation"
                )))
            }
        }
    }
    Ok(s)
}

/// A whole number from 1 to [`MAX_CONCURRENCY`].
fn concurrency(cx: &Ctx, e: &Expression) -> Result<usize, CostError> {
    let n = match e {
        Expression::Number(n) => n.value().as_u64(),
        _ => None,
    };
    match n {
        Some(n @ 1..=MAX_CONCURRENCY) => Ok(n as usize),
        _ => Err(cx.err(
            e.span(),
            format!("concurrency must be a whole number from 1 to {MAX_CONCURRENCY}"),
        )),
    }
}

fn literal_string(e: &Expression) -> Option<String> {
    match e {
        Expression::String(s) => Some(s.value().to_string()),
        _ => None,
    }
}

/// Terraform's identifier rule for provider local names and aliases.
fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}
