//! The `provider "azurerm"` block against the ARM double: the client-secret token flow
//! (a wrong secret is refused by the token endpoint, named), the required subscription,
//! environments, resource provider registration (and opting out of it), two subscriptions
//! through two blocks (aliases), and the data sources.

mod support;

use autostack_provider_sdk::attrs::with_attr;
use autostack_provider_sdk::testkit;
use autostack_value::Value;
use support::*;

#[tokio::test]
async fn a_wrong_secret_is_refused_by_the_token_endpoint() {
    let b = with_attr(
        &provider_block(&arm_url()),
        "client_secret",
        s("not-the-secret"),
    );
    let err = configured(b).await.err().expect("refused").to_string();
    assert!(err.contains("AADSTS7000215"), "{err}");
    assert!(
        !err.contains("not-the-secret"),
        "the secret is never printed: {err}"
    );
}

#[tokio::test]
async fn subscription_id_is_required_and_environments_are_checked() {
    if std::env::var("ARM_SUBSCRIPTION_ID").is_ok() {
        return;
    }
    let b = with_attr(
        &provider_block(&arm_url()),
        "subscription_id",
        Value::Null(autostack_value::Type::String),
    );
    let err = configured(b).await.err().expect("refused").to_string();
    assert!(
        err.contains("`subscription_id` is a required provider property"),
        "{err}"
    );
    let mut b = with_attr(&provider_block(&arm_url()), "environment", s("german"));
    b = with_attr(
        &b,
        "metadata_host",
        Value::Null(autostack_value::Type::String),
    );
    let err = configured(b).await.err().expect("refused").to_string();
    assert!(
        err.contains("unable to find environment \"german\""),
        "{err}"
    );
}

#[tokio::test]
async fn unregistered_resource_providers_are_registered_unless_opted_out() {
    let d = Double::start(&[]);
    let (status, _) = arm(&d.url, "POST", &format!("/subscriptions/{SUBSCRIPTION}/providers/Microsoft.Compute/unregister?api-version=2021-04-01"), "");
    assert_eq!(status, 200);
    d.clear();
    let none = with_attr(
        &provider_block(&d.url),
        "resource_provider_registrations",
        s("none"),
    );
    configured(none).await.expect("configure");
    assert_eq!(
        d.count("GET", "/providers/"),
        0,
        "no registration check with \"none\""
    );
    let skip = with_attr(
        &provider_block(&d.url),
        "skip_provider_registration",
        Value::bool(true),
    );
    configured(skip).await.expect("configure");
    assert_eq!(d.count("GET", "/providers/"), 0);
    provider_at(&d.url).await;
    assert_eq!(d.count("POST", "/providers/Microsoft.Compute/register"), 1);
    assert_eq!(
        d.count("POST", "/register"),
        1,
        "only what was not registered"
    );
    provider_at(&d.url).await;
    assert_eq!(d.count("POST", "/register"), 1, "registered once");
}

#[tokio::test]
async fn two_blocks_reach_two_subscriptions() {
    let other = "44444444-4444-4444-4444-444444444444";
    let a = provider().await;
    let b = configured(with_attr(
        &provider_block(&arm_url()),
        "subscription_id",
        s(other),
    ))
    .await
    .expect("configure");
    let name = unique("rg-two-");
    let ga = group(a.as_ref(), &name).await;
    let gb = group(b.as_ref(), &name).await;
    assert!(text(&ga, "id").starts_with(&format!("/subscriptions/{SUBSCRIPTION}/")));
    assert!(text(&gb, "id").starts_with(&format!("/subscriptions/{other}/")));
    destroy(a.as_ref(), "azurerm_resource_group", &ga).await;
    let read = testkit::read(b.as_ref(), "azurerm_resource_group", &gb)
        .await
        .expect("read");
    assert!(
        read.is_some(),
        "the other subscription's group is untouched"
    );
    destroy(b.as_ref(), "azurerm_resource_group", &gb).await;
}

#[tokio::test]
async fn data_sources_read_the_client_the_subscription_and_a_group() {
    let p = provider().await;
    let cfg = data_config(p.as_ref(), "azurerm_client_config", vec![]);
    let me = testkit::read_data(p.as_ref(), "azurerm_client_config", &cfg)
        .await
        .expect("client config");
    assert_eq!(text(&me, "client_id"), CLIENT_ID);
    assert_eq!(text(&me, "tenant_id"), TENANT);
    assert_eq!(text(&me, "subscription_id"), SUBSCRIPTION);
    assert_eq!(
        text(&me, "object_id").len(),
        36,
        "the principal's object ID from the token: {me:?}"
    );
    let cfg = data_config(p.as_ref(), "azurerm_subscription", vec![]);
    let sub = testkit::read_data(p.as_ref(), "azurerm_subscription", &cfg)
        .await
        .expect("subscription");
    assert_eq!(text(&sub, "id"), format!("/subscriptions/{SUBSCRIPTION}"));
    assert_eq!(text(&sub, "state"), "Enabled");
    let name = unique("rg-data-");
    let g = create(
        p.as_ref(),
        "azurerm_resource_group",
        vec![
            ("name", s(&name)),
            ("location", s("West Europe")),
            ("tags", tags(&[("a", "b")])),
        ],
    )
    .await;
    let cfg = data_config(
        p.as_ref(),
        "azurerm_resource_group",
        vec![("name", s(&name))],
    );
    let read = testkit::read_data(p.as_ref(), "azurerm_resource_group", &cfg)
        .await
        .expect("group");
    assert_eq!(text(&read, "id"), text(&g, "id"));
    assert_eq!(text(&read, "location"), "westeurope");
    let missing = data_config(
        p.as_ref(),
        "azurerm_resource_group",
        vec![("name", s("no-such-group"))],
    );
    let err = testkit::read_data(p.as_ref(), "azurerm_resource_group", &missing)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("was not found"), "{err}");
    destroy(p.as_ref(), "azurerm_resource_group", &g).await;
}

#[tokio::test]
async fn a_group_with_resources_is_kept_unless_features_allow() {
    let p = provider().await;
    let name = unique("rg-keep-");
    let g = group(p.as_ref(), &name).await;
    create(
        p.as_ref(),
        "azurerm_public_ip",
        vec![
            ("name", s("ip")),
            ("resource_group_name", s(&name)),
            ("location", s("westeurope")),
            ("allocation_method", s("Static")),
        ],
    )
    .await;
    let err = testkit::apply(p.as_ref(), "azurerm_resource_group", Some(&g), None)
        .await
        .unwrap_err();
    let text = err.diags.to_string();
    assert!(
        text.contains("the Resource Group still contains Resources"),
        "{text}"
    );
    assert!(text.contains("publicIPAddresses/ip"), "{text}");
    let knob = block(vec![(
        "prevent_deletion_if_contains_resources",
        Value::bool(false),
    )]);
    let b = with_attr(
        &provider_block(&arm_url()),
        "features",
        block(vec![("resource_group", knob)]),
    );
    let lax = configured(b).await.expect("configure");
    destroy(lax.as_ref(), "azurerm_resource_group", &g).await;
    assert!(testkit::read(p.as_ref(), "azurerm_resource_group", &g)
        .await
        .expect("read")
        .is_none());
}

#[test]
fn every_attribute_of_every_schema_is_documented() {
    fn check(path: &str, b: &autostack_provider_sdk::Block, missing: &mut Vec<String>) {
        for (name, a) in &b.attributes {
            if a.description.is_empty() {
                missing.push(format!("{path}.{name}"));
            }
        }
        for (name, nb) in &b.blocks {
            check(&format!("{path}.{name}"), &nb.block, missing);
        }
    }
    let p = autostack_provider_azure::provider();
    let schema = autostack_provider_sdk::Provider::schema(&p);
    let mut missing = Vec::new();
    check("provider", &schema.provider, &mut missing);
    for (name, r) in schema.resources.iter().chain(&schema.data_sources) {
        check(name, &r.block, &mut missing);
    }
    assert!(missing.is_empty(), "undocumented: {missing:?}");
    // azurerm's 14 types (the 12, the NIC/NSG association, the route table portable
    // subnets record their zone on) and the 6 portable ones.
    let azurerm = schema
        .resources
        .keys()
        .filter(|n| n.starts_with("azurerm_"));
    assert_eq!(azurerm.count(), 14);
    let portable = schema
        .resources
        .keys()
        .filter(|n| n.starts_with("portable_"));
    assert_eq!(portable.count(), 6);
    assert_eq!(schema.resources.len(), 20);
    assert_eq!(schema.data_sources.len(), 3);
}
