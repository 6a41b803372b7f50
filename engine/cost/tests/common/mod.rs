//! Helpers shared by the integration tests.
#![allow(dead_code)]

use autostack_cost::report::ResourceCost;
use autostack_cost::{
    Action, Catalog, Estimator, PlanInput, ProviderConfig, Report, ResourceChange, Usage,
};
use serde_json::Value;

/// An input with aws (us-east-1), google (us-central1) and azurerm providers.
pub fn input(changes: Vec<ResourceChange>) -> PlanInput {
    let mut p = PlanInput::new()
        .provider("aws", ProviderConfig::new("aws").region("us-east-1"))
        .provider(
            "google",
            ProviderConfig::new("google").region("us-central1"),
        )
        .provider("azurerm", ProviderConfig::new("azurerm"));
    for c in changes {
        p.push(c);
    }
    p
}

/// A create of `address` with planned values `after` and nothing unknown.
pub fn create(address: &str, type_name: &str, after: Value) -> ResourceChange {
    ResourceChange::new(address, type_name, Action::Create).after(after)
}

/// Estimates with the embedded catalog.
pub fn estimate(input: &PlanInput) -> Report {
    Estimator::new(Catalog::embedded()).estimate(input)
}

/// Estimates with the embedded catalog and a usage file text.
pub fn estimate_with_usage(input: &PlanInput, usage_yaml: &str) -> Report {
    let usage = Usage::parse("usage.yml", usage_yaml).expect("usage parses");
    Estimator::new(Catalog::embedded())
        .with_usage(usage)
        .estimate(input)
}

/// Prices a single resource change.
pub fn one(change: ResourceChange) -> ResourceCost {
    let r = estimate(&input(vec![change]));
    r.resources.into_iter().next().expect("one resource")
}

/// Asserts two dollar amounts are equal to 1e-6.
pub fn assert_usd(got: Option<f64>, want: f64, what: &str) {
    let g = got.unwrap_or_else(|| panic!("{what}: no amount"));
    assert!((g - want).abs() < 1e-6, "{what}: got {g}, want {want}");
}
