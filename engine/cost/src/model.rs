//! The cloud-neutral input: resource changes shaped like Terraform's JSON plan format.
//!
//! The engine builds a [`PlanInput`] with [`PlanInput::new`], [`PlanInput::provider`] and
//! [`PlanInput::push`]; `autostack cost -plan-json FILE` builds one with
//! [`crate::plan_json::parse_plan_json`]. Either way the estimator sees the same model.

use serde_json::Value;
use std::collections::BTreeMap;

/// What a plan does to one resource instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    /// Nothing changes.
    NoOp,
    /// A new object.
    Create,
    /// A data source read (never priced).
    Read,
    /// In-place update.
    Update,
    /// Replacement (delete-then-create or create-then-delete).
    Replace,
    /// Destroy.
    Delete,
    /// Move to another cloud (portable resources).
    Migrate,
    /// Removed from state without destroying (Terraform `forget`).
    Forget,
}

impl Action {
    /// Parses Terraform's `change.actions` list (`["delete","create"]` is a replacement).
    pub fn from_terraform(actions: &[&str]) -> Option<Action> {
        Some(match actions {
            ["no-op"] => Action::NoOp,
            ["create"] => Action::Create,
            ["read"] => Action::Read,
            ["update"] => Action::Update,
            ["delete", "create"] | ["create", "delete"] => Action::Replace,
            ["delete"] => Action::Delete,
            ["migrate"] => Action::Migrate,
            ["forget"] => Action::Forget,
            _ => return None,
        })
    }

    /// The report spelling: `no-op`, `create`, `read`, `update`, `replace`, `delete`, `migrate`, `forget`.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::NoOp => "no-op",
            Action::Create => "create",
            Action::Read => "read",
            Action::Update => "update",
            Action::Replace => "replace",
            Action::Delete => "delete",
            Action::Migrate => "migrate",
            Action::Forget => "forget",
        }
    }

    /// Parses the report spelling.
    pub fn parse(s: &str) -> Option<Action> {
        [
            Action::NoOp,
            Action::Create,
            Action::Read,
            Action::Update,
            Action::Replace,
            Action::Delete,
            Action::Migrate,
            Action::Forget,
        ]
        .into_iter()
        .find(|a| a.as_str() == s)
    }

    /// Whether the object exists before the change (and so has a "before" cost).
    pub fn has_before(self) -> bool {
        !matches!(self, Action::Create | Action::Read)
    }

    /// Whether the object exists after the change (and so has an "after" cost).
    pub fn has_after(self) -> bool {
        !matches!(self, Action::Delete | Action::Read | Action::Forget)
    }
}

/// Whether a resource is managed or a data source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A `resource` block.
    Managed,
    /// A `data` block (never priced).
    Data,
}

/// One resource instance's change, as in Terraform's `resource_changes[]`.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceChange {
    /// Full instance address (`module.net.aws_instance.web[0]`).
    pub address: String,
    /// Managed or data.
    pub mode: Mode,
    /// Resource type (`aws_instance`).
    pub type_name: String,
    /// Resource name (`web`).
    pub name: String,
    /// `count` index (number) or `for_each` key (string), if any.
    pub index: Option<Value>,
    /// Module instance address (`module.net`), `None` in the root module.
    pub module_address: Option<String>,
    /// Provider source address (`registry.terraform.io/hashicorp/aws`).
    pub provider_name: String,
    /// The provider configuration key this resource uses (`aws`, `aws.west`), when known.
    pub provider_config_key: Option<String>,
    /// What happens.
    pub action: Action,
    /// Prior object (null for create).
    pub before: Value,
    /// Planned object (null for delete); unknown attributes are absent or null.
    pub after: Value,
    /// Mirror of `after` with `true` where a value is unknown until apply.
    pub after_unknown: Value,
}

impl ResourceChange {
    /// A managed resource change; name, module and index are derived from the address.
    pub fn new(address: &str, type_name: &str, action: Action) -> ResourceChange {
        let (module, local) = split_module(address);
        let rest = local
            .strip_prefix(type_name)
            .and_then(|r| r.strip_prefix('.'))
            .unwrap_or(local);
        let (name, index) = match rest.find('[') {
            Some(i) => (&rest[..i], parse_index(&rest[i..])),
            None => (rest, None),
        };
        ResourceChange {
            address: address.to_string(),
            mode: Mode::Managed,
            type_name: type_name.to_string(),
            name: name.to_string(),
            index,
            module_address: module.map(str::to_string),
            provider_name: default_provider_source(type_name),
            provider_config_key: None,
            action,
            before: Value::Null,
            after: Value::Null,
            after_unknown: Value::Null,
        }
    }

    /// Sets the prior object.
    pub fn before(mut self, v: Value) -> Self {
        self.before = v;
        self
    }

    /// Sets the planned object.
    pub fn after(mut self, v: Value) -> Self {
        self.after = v;
        self
    }

    /// Sets the unknown-value mirror of the planned object.
    pub fn after_unknown(mut self, v: Value) -> Self {
        self.after_unknown = v;
        self
    }

    /// Sets the provider source address and configuration key (`aws.west`).
    pub fn provider(mut self, provider_name: &str, config_key: Option<&str>) -> Self {
        self.provider_name = provider_name.to_string();
        self.provider_config_key = config_key.map(str::to_string);
        self
    }

    /// The address without its instance key: `aws_instance.web[0]` → `aws_instance.web`.
    pub fn base_address(&self) -> &str {
        match self.address.rfind('[') {
            Some(i) if self.address.ends_with(']') && !self.address[i..].contains('.') => {
                &self.address[..i]
            }
            _ => &self.address,
        }
    }

    /// The provider's local name: the last segment of the source address (`aws`).
    pub fn provider_short_name(&self) -> &str {
        self.provider_name
            .rsplit('/')
            .next()
            .unwrap_or(&self.provider_name)
    }
}

fn split_module(address: &str) -> (Option<&str>, &str) {
    // The resource part starts after the last `module.NAME[KEY].` prefix.
    let mut module_end = 0;
    let mut rest = address;
    while let Some(after) = rest.strip_prefix("module.") {
        let Some(dot) = next_dot(after) else { break };
        module_end += "module.".len() + dot + 1;
        rest = &after[dot + 1..];
    }
    if module_end == 0 {
        (None, address)
    } else {
        (Some(&address[..module_end - 1]), rest)
    }
}

fn next_dot(s: &str) -> Option<usize> {
    let mut depth = 0;
    let mut in_str = false;
    for (i, c) in s.char_indices() {
        match c {
            '"' => in_str = !in_str,
            '[' if !in_str => depth += 1,
            ']' if !in_str => depth -= 1,
            '.' if !in_str && depth == 0 => return Some(i),
            _ => {}
        }
    }
    None
}

fn parse_index(s: &str) -> Option<Value> {
    let inner = s.strip_prefix('[')?.strip_suffix(']')?;
    if let Ok(n) = inner.parse::<u64>() {
        return Some(Value::from(n));
    }
    serde_json::from_str::<String>(inner)
        .ok()
        .map(Value::String)
}

fn default_provider_source(type_name: &str) -> String {
    let local = type_name.split('_').next().unwrap_or(type_name);
    format!("registry.terraform.io/hashicorp/{local}")
}

/// A provider setting that may be known at plan time or depend on something unknown.
#[derive(Debug, Clone, PartialEq)]
pub enum Setting {
    /// Known value.
    Known(String),
    /// Not known at plan time; the string says what it depends on (`var.region`).
    Unknown(String),
}

/// A provider configuration (`configuration.provider_config.<key>` in the JSON plan).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProviderConfig {
    /// Local name (`aws`).
    pub name: String,
    /// Alias, if any.
    pub alias: Option<String>,
    /// `region` argument.
    pub region: Option<Setting>,
    /// `zone` argument (google).
    pub zone: Option<Setting>,
}

impl ProviderConfig {
    /// A configuration for provider `name` with no settings.
    pub fn new(name: &str) -> ProviderConfig {
        ProviderConfig {
            name: name.to_string(),
            ..ProviderConfig::default()
        }
    }

    /// Sets a known region.
    pub fn region(mut self, region: &str) -> Self {
        self.region = Some(Setting::Known(region.to_string()));
        self
    }
}

/// Everything the estimator needs: resource changes plus provider configurations.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PlanInput {
    /// Resource instance changes (each count/for_each instance separately).
    pub resource_changes: Vec<ResourceChange>,
    /// Provider configurations keyed like Terraform's `provider_config` (`aws`, `aws.west`, `module.m:aws`).
    pub provider_configs: BTreeMap<String, ProviderConfig>,
}

impl PlanInput {
    /// An empty input.
    pub fn new() -> PlanInput {
        PlanInput::default()
    }

    /// Adds a provider configuration under `key`.
    pub fn provider(mut self, key: &str, config: ProviderConfig) -> Self {
        self.provider_configs.insert(key.to_string(), config);
        self
    }

    /// Adds a resource change.
    pub fn push(&mut self, change: ResourceChange) {
        self.resource_changes.push(change);
    }

    /// Adds a resource change (builder form).
    pub fn with(mut self, change: ResourceChange) -> Self {
        self.resource_changes.push(change);
        self
    }

    /// The provider configuration a resource uses: its config key, else the module-less key,
    /// else the default (unaliased) configuration of its provider.
    pub fn provider_for(&self, rc: &ResourceChange) -> Option<&ProviderConfig> {
        if let Some(key) = &rc.provider_config_key {
            if let Some(c) = self.provider_configs.get(key) {
                return Some(c);
            }
            if let Some((_, local)) = key.rsplit_once(':') {
                if let Some(c) = self.provider_configs.get(local) {
                    return Some(c);
                }
            }
        }
        let name = rc.provider_short_name();
        self.provider_configs.get(name).or_else(|| {
            self.provider_configs
                .values()
                .find(|c| c.name == name && c.alias.is_none())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        #[rustfmt::skip]
        let cases = [
            ("aws_instance.web", None, "web", None),
            ("aws_instance.web[0]", None, "web", Some(Value::from(0))),
            ("module.net.aws_instance.web[\"a\"]", Some("module.net"), "web", Some(Value::from("a"))),
            ("module.a[\"x.y\"].module.b.aws_instance.web", Some("module.a[\"x.y\"].module.b"), "web", None),
        ];
        for (addr, module, name, index) in cases {
            let rc = ResourceChange::new(addr, "aws_instance", Action::Create);
            assert_eq!(rc.module_address.as_deref(), module, "{addr}");
            assert_eq!(rc.name, name, "{addr}");
            assert_eq!(rc.index, index, "{addr}");
        }
        let rc = ResourceChange::new("aws_instance.web[3]", "aws_instance", Action::Create);
        assert_eq!(rc.base_address(), "aws_instance.web");
        assert_eq!(rc.provider_short_name(), "aws");
    }

    #[test]
    fn actions() {
        assert_eq!(
            Action::from_terraform(&["delete", "create"]),
            Some(Action::Replace)
        );
        assert_eq!(
            Action::from_terraform(&["create", "delete"]),
            Some(Action::Replace)
        );
        assert_eq!(Action::from_terraform(&["explode"]), None);
        assert_eq!(Action::parse("no-op"), Some(Action::NoOp));
        assert!(!Action::Create.has_before() && Action::Create.has_after());
        assert!(Action::Delete.has_before() && !Action::Delete.has_after());
    }
}
