//! Planning a move between clouds: a portable instance (`portable_*`) whose recorded object
//! is on a provider of another type than the one its configuration now binds plans as
//! [`Action::Migrate`]. The old object is read and later deleted through its own provider,
//! configured from its provider block (the block with the alias its state records) or, when
//! the configuration no longer has one, with an empty block as Terraform configures a provider
//! only state names; when that fails the error says that the old cloud's block must stay
//! until the move is applied.
//!
//! A move already begun (the old object deposed by an earlier, interrupted apply) plans as
//! a migrate again, which resumes it: the new side is created if it is not yet, its data
//! copied (objects already there are skipped), the old side deleted.

use super::resource::with_addr;
use super::run::Planner;
use super::{Action, Migration, ResourceChange};
use crate::addrs::{is_portable, AbsProviderConfig, InstanceAddr, ProviderSource};
use crate::state::InstanceObject;
use autostack_lang::config::Resource;
use autostack_lang::{Diagnostic, Value};
use autostack_provider_sdk::{Instance, Private, ReadRequest};

/// True when an instance of `resource_type` recorded under provider `from` and configured
/// on provider `to` moves between clouds: only the portable types do, and only between
/// providers of different types (another alias of the same provider is an ordinary rebinding).
pub fn is_migration(resource_type: &str, from: &ProviderSource, to: &ProviderSource) -> bool {
    is_portable(resource_type) && from != to
}

/// The cloud a provider source stands for, as the portable types' `cloud` attribute names it
/// (`aws`, `azure`, `gcp`); other providers by their type.
pub fn cloud_name(source: &ProviderSource) -> &str {
    match source.ty.as_str() {
        "azurerm" => "azure",
        "google" => "gcp",
        other => other,
    }
}

/// What a move does with the data of an instance of `resource_type`, as plans and applies
/// say it: bucket objects are copied; disk contents (and a VM's root disk) are not.
pub fn data_note(resource_type: &str) -> &'static str {
    match resource_type {
        "portable_bucket" => "bucket objects are copied (MD5 checksums verified)",
        "portable_disk" => "disk contents are NOT copied (no snapshot path between clouds): the new disk starts empty",
        "portable_instance" => "the root disk is created from the image on the new cloud: its contents are NOT copied",
        _ => "no data to copy",
    }
}

/// The source a state's provider string records (`None` when it does not parse).
pub(crate) fn recorded_source(recorded: &str) -> Option<ProviderSource> {
    recorded.parse::<AbsProviderConfig>().ok().map(|a| a.source)
}

/// True when an object of `resource_type` recorded under the state provider string
/// `recorded` moves to `to` ([`is_migration`]). Only a portable type's string is parsed: the
/// check runs for every object a plan refreshes.
pub(crate) fn recorded_elsewhere(resource_type: &str, recorded: &str, to: &ProviderSource) -> bool {
    is_portable(resource_type)
        && recorded_source(recorded).is_some_and(|r| is_migration(resource_type, &r, to))
}

/// The old object of a move: its state, its deposed key and whether it is already deposed.
pub(crate) struct OldSide {
    obj: InstanceObject,
    key: String,
    pub resumed: bool,
}

impl Planner<'_> {
    /// The old object `addr` moves from when its configuration binds `to`: a deposed object
    /// on another provider type (a move begun before), else its `current` object when it is.
    pub(crate) fn old_side(
        &self,
        addr: &InstanceAddr,
        current: Option<&InstanceObject>,
        to: &ProviderSource,
    ) -> Option<OldSide> {
        let foreign = |o: &InstanceObject| recorded_elsewhere(&addr.resource.ty, &o.provider, to);
        if let Some((key, obj)) = self.w.prior.deposed_of(addr).find(|(_, o)| foreign(o)) {
            return Some(OldSide {
                obj: obj.clone(),
                key: key.clone(),
                resumed: true,
            });
        }
        let current = current.filter(|o| foreign(o))?;
        Some(OldSide {
            obj: current.clone(),
            key: new_deposed_key(),
            resumed: false,
        })
    }

    /// Plans the move of `addr` from `old` to the provider the configuration binds: the new
    /// side planned as a create (or, resumed, against the object already made), the old side
    /// refreshed through its own provider. `None` after an error, or when the old object is
    /// gone already (the instance then plans as usual).
    pub(crate) async fn plan_migrate(
        &mut self,
        addr: &InstanceAddr,
        r: &Resource,
        planned: (Value, Option<String>),
        old: OldSide,
        to: &ProviderSource,
    ) -> Option<ResourceChange> {
        let mut c = ResourceChange::new(addr.clone(), Action::NoOp, None, None);
        self.use_state_provider(&mut c, &old.obj.provider);
        let from = c.provider.clone();
        self.w.visit_provider(&from).await;
        let Some(provider) = self.w.ctx.provider(&from).await else {
            self.w
                .diags
                .push(old_provider_missing(addr, r, &c.provider_source, to));
            return None;
        };
        let current = Instance::new(old.obj.value.clone())
            .with_private(Private::from_state(old.obj.private.as_deref()).unwrap_or_default());
        let value = match self.opts.skip_refresh {
            true => Some(old.obj.value.clone()),
            false => {
                let req = ReadRequest::new(&addr.resource.ty, vec![current]);
                match provider.read_many(req).await.pop() {
                    Some(Ok(found)) => found.map(|i| i.state),
                    Some(Err(d)) => {
                        d.into_iter()
                            .for_each(|x| self.w.diags.push(with_addr(self.w.ctx, x, addr)));
                        return None;
                    }
                    None => Some(old.obj.value.clone()),
                }
            }
        };
        let Some(value) = value else {
            // The old object is gone: nothing to move, and nothing left to delete.
            match old.resumed {
                true => self.w.prior.deposed.remove(&(addr.clone(), old.key)),
                false => self.w.prior.instances.remove(addr),
            };
            return None;
        };
        let created = old.resumed && self.w.prior.instances.contains_key(addr);
        let mut change = ResourceChange::new(addr.clone(), Action::Migrate, Some(value), None);
        change.after = Some(planned.0);
        change.planned_private = planned.1;
        change.create_before_destroy = true;
        change.migration = Some(Box::new(Migration {
            from,
            from_source: std::sync::Arc::unwrap_or_clone(c.provider_source),
            deposed_key: old.key,
            resumed: old.resumed,
            created,
        }));
        Some(change)
    }

    /// Deletes of deposed objects that no move claims (every one in destroy mode; those of
    /// resources no longer portable or no longer configured), through their own providers.
    pub(crate) async fn plan_deposed(&mut self) {
        let claimed = |c: &ResourceChange, key: &str| {
            c.migration.as_ref().is_some_and(|m| m.deposed_key == key)
        };
        let left: Vec<((InstanceAddr, String), InstanceObject)> = (self.w.prior.deposed.iter())
            .filter(|((a, k), _)| !self.changes.get(a).is_some_and(|c| claimed(c, k)))
            .map(|(k, o)| (k.clone(), o.clone()))
            .collect();
        for ((addr, key), obj) in left {
            let mut c =
                ResourceChange::new(addr.clone(), Action::Delete, Some(obj.value.clone()), None);
            self.use_state_provider(&mut c, &obj.provider);
            self.w.visit_provider(&c.provider).await;
            c.deposed = Some(key);
            c.dependencies = obj.dependencies.clone();
            c.schema_version = obj.schema_version;
            self.deposed_changes.push(c);
        }
    }
}

/// A key for a deposed object: eight hex digits, as Terraform's.
fn new_deposed_key() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..8].to_string()
}

/// The old cloud's provider could not be configured: say that its block must stay until the
/// move is applied, at the resource.
fn old_provider_missing(
    addr: &InstanceAddr,
    r: &Resource,
    from: &ProviderSource,
    to: &ProviderSource,
) -> Diagnostic {
    Diagnostic::error(
        "Provider configuration needed for a migration",
        format!(
            "{addr} moves from {} to {}: its {} objects are read, copied from and then deleted through provider {:?}, which could not be configured (see the error above). Keep the old cloud's provider block in the configuration until the move is applied (with two cloud providers, name the new one on the resource with provider = ...); remove it afterwards.",
            cloud_name(from),
            cloud_name(to),
            cloud_name(from),
            from.short(),
        ),
        Some(r.range.clone()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_portable_types_migrate_and_only_across_provider_types() {
        let aws = ProviderSource::implied_by("aws");
        let google = ProviderSource::implied_by("google");
        assert!(is_migration("portable_bucket", &aws, &google));
        assert!(!is_migration("portable_bucket", &aws, &aws));
        assert!(!is_migration("aws_s3_bucket", &aws, &google));
        assert_eq!(cloud_name(&google), "gcp");
        assert_eq!(cloud_name(&ProviderSource::implied_by("azurerm")), "azure");
        assert_eq!(cloud_name(&aws), "aws");
        assert_eq!(new_deposed_key().len(), 8);
    }

    #[test]
    fn an_object_is_recorded_elsewhere_only_for_a_portable_type_on_another_provider() {
        let google = ProviderSource::implied_by("google");
        let on_aws = r#"provider["registry.terraform.io/hashicorp/aws"]"#;
        let on_google = r#"provider["registry.terraform.io/hashicorp/google"]"#;
        assert!(recorded_elsewhere("portable_bucket", on_aws, &google));
        assert!(!recorded_elsewhere("portable_bucket", on_google, &google));
        assert!(!recorded_elsewhere("aws_s3_bucket", on_aws, &google));
        // What does not parse as a provider is no move (as before: the parse decided).
        assert!(!recorded_elsewhere("portable_bucket", "", &google));
        assert!(!recorded_elsewhere("portable_bucket", "garbage", &google));
    }
}
