//! Plan-time choices every cloud makes the same way: the instance size (the cost engine's
//! equivalents rule over the effective price catalog) and the disk type of a class. A
//! choice made once is kept while its inputs are unchanged, so a newer catalog never
//! plans a change by itself.

use autostack_cost::sizing::{disk_type, size_for};
use autostack_cost::{Catalog, Cloud};
use autostack_provider_sdk::attrs::{get, get_str, Obj};
use autostack_provider_sdk::same;
use autostack_value::{Diagnostic, Diagnostics, Value};

/// True when `prior` is given and has the same values as `planned` for every one of `inputs`.
pub fn unchanged(prior: Option<&Value>, planned: &Value, inputs: &[&str]) -> bool {
    prior.is_some_and(|p| {
        inputs.iter().all(|a| match (get(p, a), get(planned, a)) {
            (Some(x), Some(y)) => same(x, y),
            (None, None) => true,
            _ => false,
        })
    })
}

/// The prior values of `outputs` when `inputs` are unchanged (`None`: choose again).
pub fn kept(
    prior: Option<&Value>,
    planned: &Value,
    inputs: &[&str],
    outputs: &[&'static str],
) -> Option<Vec<(&'static str, Value)>> {
    if !unchanged(prior, planned, inputs) {
        return None;
    }
    let p = prior?;
    outputs
        .iter()
        .map(|o| Some((*o, get(p, o)?.clone())))
        .collect()
}

fn number(v: &Value, name: &str) -> Option<f64> {
    Some(get(v, name)?.as_number()?.to_f64())
}

/// `planned` (a portable instance) with `instance_type` and `size_rule` chosen on `cloud`
/// in its region; left unknown while vCPU or memory are.
pub fn plan_size(
    cloud: Cloud,
    planned: Value,
    prior: Option<&Value>,
) -> Result<Value, Diagnostics> {
    let inputs = ["vcpu", "memory", "arch", "region"];
    if let Some(keep) = kept(prior, &planned, &inputs, &["instance_type", "size_rule"]) {
        return Ok(Obj::from(&planned).set_all(keep).into_value());
    }
    let (Some(vcpu), Some(memory)) = (number(&planned, "vcpu"), number(&planned, "memory")) else {
        return Ok(planned);
    };
    let arch = get_str(&planned, "arch").unwrap_or("x86_64");
    let region = get_str(&planned, "region").unwrap_or_default();
    let sized = size_for(Catalog::effective(), cloud, region, vcpu, memory, arch)
        .map_err(|why| Diagnostics::from(Diagnostic::error("No instance type fits", why, None)))?;
    Ok(Obj::from(&planned)
        .str("instance_type", &sized.sku)
        .str("size_rule", format!("{} → {}", sized.rule, sized.sku))
        .into_value())
}

/// What a change of `instance_type` between `prior` and `planned` makes unknown again: a
/// new size stops and starts the VM, which gives it a new ephemeral public address.
pub fn recomputed_on_resize(prior: &Value, planned: &Value) -> Vec<&'static str> {
    match get_str(prior, "instance_type") == get_str(planned, "instance_type") {
        true => Vec::new(),
        false => vec!["public_ip_address"],
    }
}

/// `planned` (a portable disk) with `disk_type` for its class on `cloud`.
pub fn plan_disk_type(cloud: Cloud, planned: Value) -> Value {
    let class = get_str(&planned, "class").unwrap_or("ssd");
    match disk_type(cloud, class, false) {
        Some(t) => Obj::from(&planned).str("disk_type", t).into_value(),
        None => planned,
    }
}
