//! `autostack import ADDR ID`.

use super::run::{self, Output};
use crate::args::ImportArgs;
use autostack_core::addrs::parse_instance;
use autostack_core::graph::provider_addr;
use autostack_core::state::InstanceObject;
use autostack_lang::Diagnostic;

/// Imports an existing object into the state at a configured resource address.
pub async fn run(a: &ImportArgs) -> u8 {
    let out = Output::new(false, a.common.no_color);
    let s = match run::open(&a.common, &out, "OperationTypeImport").await {
        Ok(s) => s,
        Err(code) => return code,
    };
    let fail = |summary: &str, detail: String| {
        out.diags(&Diagnostic::error(summary, detail, None).into(), &s.sources);
        1
    };
    let addr = match parse_instance(&a.address) {
        Ok(x) => x,
        Err(e) => return fail("Invalid address", e.0),
    };
    let path = addr.resource.module.path();
    let Some(r) = s
        .ctx
        .module(&path)
        .and_then(|m| m.module.resources.get(&addr.resource.local()))
    else {
        return fail("Configuration for import target does not exist", format!("The configuration does not contain a resource block for {}. Before importing this resource, please create its configuration in the root module. For example:\n\nresource {:?} {:?} {{\n  # (resource arguments)\n}}", addr.resource, addr.resource.ty, addr.resource.name));
    };
    if s.state.instances.contains_key(&addr) {
        return fail("Resource already managed by AutoStack", format!("AutoStack is already managing a remote object for {addr}. To import to this address you must first remove the existing object from the state."));
    }
    // Configure providers by walking a plan of nothing but the provider nodes.
    let opts = autostack_core::plan::PlanOptions {
        targets: vec![format!("{}", addr.resource)],
        skip_refresh: true,
        ..Default::default()
    };
    let paddr = provider_addr(&s.ctx.tree, &path, r);
    let _ = autostack_core::plan::plan(&s.ctx, &s.state, &opts).await;
    let Some(provider) = s.ctx.provider(&paddr).await else {
        return fail(
            "Provider not configured",
            format!("The provider {paddr:?} could not be configured."),
        );
    };
    println!("{addr}: Importing from ID {:?}...", a.id);
    let req = autostack_provider_sdk::ImportRequest::new(&addr.resource.ty, &a.id);
    let imported = match provider.import(req).await {
        Ok(v) => v,
        Err(d) => {
            out.diags(&d, &s.sources);
            return 1;
        }
    };
    println!(
        "{addr}: Import prepared!\n  Prepared {} for import",
        addr.resource.ty
    );
    println!("{addr}: Refreshing state... [id={}]", a.id);
    let read = autostack_provider_sdk::read_one(provider.as_ref(), &addr.resource.ty, imported);
    let (value, private) = match read.await {
        Ok(Some(o)) => (o.state, o.private),
        Ok(None) => return fail("Cannot import non-existent remote object", format!("While attempting to import an existing object to {addr:?}, the provider detected that no object exists with the given id. Only pre-existing objects can be imported; check that the id is correct and that it is associated with the provider's configured region or endpoint, or use \"autostack apply\" to create a new remote object for this resource.")),
        Err(d) => {
            out.diags(&d, &s.sources);
            return 1;
        }
    };
    let mut st = s.state.clone();
    st.instances.insert(
        addr.clone(),
        InstanceObject {
            value,
            provider: s.ctx.state_provider_name(&paddr),
            schema_version: 0,
            dependencies: Default::default(),
            tainted: false,
            private: private.to_state(),
            create_before_destroy: false,
        },
    );
    if let Err(d) = s.backend.persist(&mut st, &s.schemas).await {
        out.diags(&d, &s.sources);
        return 1;
    }
    println!("\nImport successful!\n\nThe resources that were imported are shown above. These resources are now in\nyour AutoStack state and will henceforth be managed by AutoStack.");
    0
}
