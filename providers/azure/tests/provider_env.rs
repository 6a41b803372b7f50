//! The `ARM_*` environment variables stand in for the provider block's arguments (a test
//! binary of its own: it sets process environment).

mod support;

use autostack_value::Value;
use support::*;

#[tokio::test]
async fn arm_environment_variables_configure_the_provider() {
    let url = arm_url();
    for (k, v) in [
        ("ARM_SUBSCRIPTION_ID", SUBSCRIPTION),
        ("ARM_TENANT_ID", TENANT),
        ("ARM_CLIENT_ID", CLIENT_ID),
        ("ARM_CLIENT_SECRET", CLIENT_SECRET),
        ("ARM_METADATA_HOSTNAME", url.as_str()),
    ] {
        // SAFETY: the only test of this binary; nothing else reads the environment meanwhile.
        unsafe { std::env::set_var(k, v) };
    }
    let features = Value::tuple(vec![Value::object_from(Vec::<(&str, Value)>::new())]);
    let p = configured(Value::object_from([("features", features)]))
        .await
        .expect("configure from ARM_*");
    let g = group(p.as_ref(), &unique("rg-env-")).await;
    assert!(text(&g, "id").starts_with(&format!(
        "/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-env-"
    )));
    destroy(p.as_ref(), "azurerm_resource_group", &g).await;
}
