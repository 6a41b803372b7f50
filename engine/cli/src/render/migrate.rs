//! The human plan's account of a move between clouds: `~> migrate aws → gcp`, the concrete
//! types on both sides, the monthly cost before and after (the cost engine prices each side's
//! concrete type in its own region), and what happens to the data.

use autostack_core::plan::{cloud_name, data_note, ResourceChange};
use autostack_cost::{Catalog, Estimator, PlanInput, ProviderConfig};
use autostack_lang::Value;

/// The comment lines under a migrate change's header.
pub fn migrate_comment(c: &ResourceChange) -> String {
    let Some(m) = &c.migration else {
        return String::new();
    };
    let (from, to) = (cloud_name(&m.from_source), cloud_name(&c.provider_source));
    let side = |v: Option<&Value>| {
        let ty = attr(v, "concrete_type").unwrap_or_else(|| "(concrete type)".into());
        match attr(v, "instance_type") {
            Some(size) => format!("{ty} {size}"),
            None => ty,
        }
    };
    let mut out = format!(
        "\n  #   {} → {}",
        side(c.before.as_ref()),
        side(c.after.as_ref())
    );
    let (before, after) = (side_cost(c.before.as_ref()), side_cost(c.after.as_ref()));
    if before.is_some() || after.is_some() {
        let usd = |x: Option<f64>| x.map_or_else(|| "unpriced".into(), |v| format!("${v:.2}"));
        out.push_str(&format!(
            "\n  #   monthly cost: {} ({from}) → {} ({to})",
            usd(before),
            usd(after)
        ));
    }
    out.push_str(&format!("\n  #   data: {}", data_note(&c.addr.resource.ty)));
    if m.resumed {
        out.push_str("\n  #   (resuming a move an earlier apply began)");
    }
    out
}

/// The header of a migrate change.
pub fn migrate_header(c: &ResourceChange) -> String {
    match &c.migration {
        Some(m) => format!(
            "# {} will migrate: ~> migrate {} → {}",
            c.addr,
            cloud_name(&m.from_source),
            cloud_name(&c.provider_source)
        ),
        None => format!("# {} will migrate", c.addr),
    }
}

fn attr(v: Option<&Value>, k: &str) -> Option<String> {
    let e = v?.as_entries()?;
    e.get(k)?
        .as_str()
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// The attribute that holds a concrete compute type's size.
fn size_attr(concrete: &str) -> Option<&'static str> {
    match concrete {
        "aws_instance" => Some("instance_type"),
        "google_compute_instance" => Some("machine_type"),
        "azurerm_linux_virtual_machine" | "azurerm_windows_virtual_machine" => Some("size"),
        _ => None,
    }
}

/// The monthly cost of one side of a move: its concrete compute type at its size, in its
/// region (`None` when the side has no priced size).
pub(crate) fn side_cost(v: Option<&Value>) -> Option<f64> {
    let concrete = attr(v, "concrete_type")?;
    let size = attr(v, "instance_type")?;
    let region = attr(v, "region")?;
    let key = autostack_core::addrs::implied_local_name(&concrete).to_string();
    let mut after = serde_json::Map::new();
    after.insert(size_attr(&concrete)?.into(), serde_json::json!(size));
    let source = format!("registry.terraform.io/hashicorp/{key}");
    let rc = autostack_cost::ResourceChange::new(
        &format!("{concrete}.side"),
        &concrete,
        autostack_cost::Action::Create,
    )
    .after(serde_json::Value::Object(after))
    .provider(&source, Some(&key));
    let input = PlanInput::new().provider(&key, ProviderConfig::new(&key).region(&region));
    let cost = Estimator::new(Catalog::effective()).resource(&input, &rc)?;
    cost.monthly_cost.after
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::plan::{render_change, summary_line};
    use crate::render::style::Style;
    use autostack_core::addrs::parse_instance;
    use autostack_core::plan::{Action, Migration, Plan, PlanMode};
    use autostack_lang::Type;
    use autostack_provider_sdk::{Attribute, Block};

    fn side(cloud: &str, concrete: &str, size: &str, region: &str) -> Value {
        Value::object_from([
            ("id", Value::string(format!("{cloud}-web"))),
            ("cloud", Value::string(cloud)),
            ("concrete_type", Value::string(concrete)),
            ("instance_type", Value::string(size)),
            ("region", Value::string(region)),
        ])
    }

    fn moving() -> ResourceChange {
        let mut c = ResourceChange {
            addr: parse_instance("portable_instance.web").unwrap(),
            prev_addr: None,
            provider: "google".parse().unwrap(),
            provider_source: std::sync::Arc::new("hashicorp/google".parse().unwrap()),
            action: Action::Migrate,
            reason: None,
            before: Some(side("aws", "aws_instance", "t3.medium", "us-east-1")),
            after: Some(side(
                "gcp",
                "google_compute_instance",
                "e2-medium",
                "us-central1",
            )),
            requires_replace: Vec::new(),
            dependencies: Default::default(),
            create_before_destroy: true,
            importing: None,
            schema_version: 0,
            planned_private: None,
            migration: None,
            deposed: None,
        };
        c.migration = Some(Box::new(Migration {
            from: "aws".parse().unwrap(),
            from_source: "hashicorp/aws".parse().unwrap(),
            deposed_key: "0badf00d".into(),
            resumed: false,
            created: false,
        }));
        c
    }

    #[test]
    fn a_move_shows_both_clouds_concrete_types_costs_and_data() {
        let schema = Block::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("cloud", Attribute::computed(Type::String))
            .attr("concrete_type", Attribute::computed(Type::String))
            .attr("instance_type", Attribute::computed(Type::String))
            .attr("region", Attribute::computed(Type::String));
        let out = render_change(&moving(), &Style { color: false }, &|_| {
            Some(schema.clone())
        });
        let head: Vec<&str> = out.lines().take(5).collect();
        assert_eq!(
            head[0],
            "  # portable_instance.web will migrate: ~> migrate aws → gcp"
        );
        assert_eq!(
            head[1],
            "  #   aws_instance t3.medium → google_compute_instance e2-medium"
        );
        assert!(
            head[2].starts_with("  #   monthly cost: $") && head[2].contains(" (aws) → $"),
            "{out}"
        );
        assert!(head[2].ends_with(" (gcp)"), "{out}");
        assert!(
            head[3].contains("root disk") && head[3].contains("NOT copied"),
            "{out}"
        );
        assert_eq!(head[4], " ~> resource \"portable_instance\" \"web\" {");
        assert!(
            out.contains("~ cloud         = \"aws\" -> \"gcp\""),
            "{out}"
        );
    }

    #[test]
    fn the_summary_counts_moves_after_terraforms_counts() {
        let plan = Plan {
            mode: PlanMode::Normal,
            changes: vec![Box::new(moving()), Box::new(moving())],
            drift: Vec::new(),
            outputs: Default::default(),
            prior: Default::default(),
            base_serial: 0,
            base_lineage: String::new(),
            variables: Default::default(),
            warnings: Default::default(),
            function_results: Vec::new(),
        };
        let line = summary_line(&plan, &Style { color: false });
        assert_eq!(
            line,
            "Plan: 0 to add, 0 to change, 0 to destroy, 2 to migrate."
        );
        // Terraform's own prefix reads unchanged: the clause comes after its three counts.
        let counts: Vec<&str> = line.split(", ").take(3).collect();
        assert_eq!(counts, ["Plan: 0 to add", "0 to change", "0 to destroy"]);
    }
}
