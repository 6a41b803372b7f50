//! Tags and labels: key/value pairs on cloud objects, merged with the provider block's
//! defaults under per-cloud attribute names.
//!
//! - hashicorp/aws: `tags` (configured) and `tags_all` (the provider's `default_tags`
//!   overridden by `tags`, less `ignore_tags`); reads leave default-valued tags out of `tags`.
//! - azurerm: `tags` only; the provider has no default tags.
//! - google: `labels` (configured; reads keep only configured keys), `terraform_labels` (the
//!   provider's `default_labels` overridden by `labels`) and `effective_labels` (every label
//!   on the object: those set by other clients stay, those Terraform stops managing go).

use crate::attrs::{get, map_value, string_map};
use crate::schema::{Attribute, Block};
use autostack_value::{Type, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Which attributes of a resource hold its tags or labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LabelNames {
    /// The configured map (`tags`, `labels`).
    pub own: &'static str,
    /// The configured map merged over the provider's defaults (`tags_all`,
    /// `terraform_labels`); `None` when the cloud has no defaults.
    pub managed: Option<&'static str>,
    /// Every label on the object, managed or not (`effective_labels`).
    pub effective: Option<&'static str>,
}

/// hashicorp/aws: `tags` and `tags_all`.
pub const AWS_TAGS: LabelNames = LabelNames {
    own: "tags",
    managed: Some("tags_all"),
    effective: None,
};

/// azurerm: `tags`.
pub const AZURERM_TAGS: LabelNames = LabelNames {
    own: "tags",
    managed: None,
    effective: None,
};

/// google: `labels`, `terraform_labels` and `effective_labels`.
pub const GOOGLE_LABELS: LabelNames = LabelNames {
    own: "labels",
    managed: Some("terraform_labels"),
    effective: Some("effective_labels"),
};

impl LabelNames {
    /// Adds the attributes to a resource schema block. The AWS managed map is optional and
    /// computed as hashicorp/aws declares `tags_all`; google's are computed only.
    pub fn attrs(&self, b: Block) -> Block {
        let map = || Type::map(Type::String);
        let own = Attribute::optional(map())
            .describe("A mapping of tags (labels) assigned to the object.");
        let mut b = b.attr(self.own, own);
        if let Some(m) = self.managed {
            let a = match self.effective {
                None => Attribute::optional_computed(map()),
                Some(_) => Attribute::computed(map()),
            };
            b = b.attr(
                m,
                a.describe("configured labels merged over the provider's defaults"),
            );
        }
        if let Some(e) = self.effective {
            b = b.attr(
                e,
                Attribute::computed(map()).describe("every label on the object"),
            );
        }
        b
    }
}

/// Keys a configuration does not manage (hashicorp/aws's `ignore_tags { keys, key_prefixes }`):
/// left out of the tag maps when read and when planned, so tags other tools put on an object
/// never show as a diff.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IgnoreTags {
    /// Exact keys to ignore.
    pub keys: BTreeSet<String>,
    /// Key prefixes to ignore.
    pub key_prefixes: Vec<String>,
}

impl IgnoreTags {
    /// True when the key is ignored.
    pub fn ignores(&self, key: &str) -> bool {
        self.keys.contains(key)
            || self
                .key_prefixes
                .iter()
                .any(|p| key.starts_with(p.as_str()))
    }

    /// `tags` without the ignored keys.
    pub fn strip(&self, mut tags: BTreeMap<String, String>) -> BTreeMap<String, String> {
        if !self.keys.is_empty() || !self.key_prefixes.is_empty() {
            tags.retain(|k, _| !self.ignores(k));
        }
        tags
    }
}

/// google's attribution label (`goog-terraform-provisioned = "true"`, provider argument
/// `add_terraform_attribution_label`, on by default since 6.0): merged into the managed labels
/// of objects being created, or of every object with strategy `PROACTIVE`; an object that
/// already carries it keeps it managed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribution {
    /// The label key.
    pub key: String,
    /// The label value.
    pub value: String,
    /// Added to existing objects too (`PROACTIVE`), not only to new ones (`CREATION_ONLY`).
    pub proactive: bool,
}

/// One provider block's tagging: the attribute names, the defaults and the ignored keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Labels {
    /// The attribute names.
    pub names: LabelNames,
    /// The provider's defaults (`default_tags`, `default_labels`).
    pub defaults: BTreeMap<String, String>,
    /// Keys left alone.
    pub ignore: IgnoreTags,
    /// google's attribution label, when the provider adds it.
    pub attribution: Option<Attribution>,
}

impl Labels {
    /// Tagging with `names` and no defaults.
    pub fn new(names: LabelNames) -> Labels {
        Labels {
            names,
            defaults: BTreeMap::new(),
            ignore: IgnoreTags::default(),
            attribution: None,
        }
    }

    /// The configured map over the defaults, less the ignored keys; unknown while the
    /// configured map is.
    pub fn managed(&self, own: Option<&Value>) -> Value {
        self.managed_with(own, None)
    }

    /// [`Labels::managed`] with `attribution` merged between the defaults and `own`.
    fn managed_with(&self, own: Option<&Value>, attribution: Option<&Attribution>) -> Value {
        match own {
            Some(t) if !t.is_wholly_known() => Value::Unknown(Type::map(Type::String)),
            t => {
                let mut all = self.defaults.clone();
                if let Some(a) = attribution {
                    all.insert(a.key.clone(), a.value.clone());
                }
                all.extend(t.map(string_map).unwrap_or_default());
                map_value(&self.ignore.strip(all))
            }
        }
    }

    /// The attribution label when a plan over `prior` adds it (google's rule: on create, on
    /// every plan when proactive, and while the object carries it).
    fn attribution_for(&self, prior: Option<&Value>) -> Option<&Attribution> {
        let a = self.attribution.as_ref()?;
        let carried = || {
            let e = self.names.effective?;
            prior
                .and_then(|p| get(p, e))
                .map(|m| string_map(m).contains_key(&a.key))
        };
        (prior.is_none() || a.proactive || carried() == Some(true)).then_some(a)
    }

    /// Sets the computed maps of a planned object from its proposed configuration (only for
    /// schemas that have them: `planned` must hold the attributes).
    pub fn plan(&self, prior: Option<&Value>, proposed: &Value, planned: Value) -> Value {
        let (Some(name), Some(m)) = (self.names.managed, planned.as_entries()) else {
            return planned;
        };
        if !m.contains_key(name) {
            return planned;
        }
        let mut m = m.clone();
        let managed = self.managed_with(get(proposed, self.names.own), self.attribution_for(prior));
        if let Some(e) = self.names.effective {
            let old = prior.and_then(|p| get(p, name)).map(string_map);
            let on_object = prior.and_then(|p| get(p, e)).map(string_map);
            m.insert(
                e.into(),
                effective(&managed, old, on_object.unwrap_or_default()),
            );
        }
        m.insert(name.into(), managed);
        Value::object(m)
    }

    /// The labels to write to the cloud for a planned object.
    pub fn to_write(&self, planned: &Value) -> BTreeMap<String, String> {
        let name = self.names.effective.or(self.names.managed);
        get(planned, name.unwrap_or(self.names.own))
            .map(string_map)
            .unwrap_or_default()
    }

    /// The state attributes for the labels the cloud reports on an object whose prior state
    /// (or planned value) is `prior`.
    pub fn state(
        &self,
        prior: &Value,
        actual: BTreeMap<String, String>,
    ) -> Vec<(&'static str, Value)> {
        let actual = self.ignore.strip(actual);
        let configured = get(prior, self.names.own).map(string_map);
        let keep = |k: &String, v: &String| match (self.names.effective, &configured) {
            (None, _) if self.names.managed.is_none() => true,
            // aws: default tags with their default value are not the resource's own.
            (None, c) => {
                c.as_ref().is_some_and(|c| c.contains_key(k)) || self.defaults.get(k) != Some(v)
            }
            // google: `labels` holds only the configured keys.
            (Some(_), c) => c.as_ref().is_some_and(|c| c.contains_key(k)),
        };
        let own: BTreeMap<String, String> = actual
            .iter()
            .filter(|(k, v)| keep(k, v))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let own_value = match own.is_empty() && configured.is_none() {
            true => Value::Null(Type::map(Type::String)),
            false => map_value(&own),
        };
        let mut out = vec![(self.names.own, own_value)];
        match (self.names.managed, self.names.effective) {
            (Some(m), None) => out.push((m, map_value(&actual))),
            (Some(m), Some(e)) => {
                let attributed = |k: &String| {
                    self.attribution.as_ref().is_some_and(|a| &a.key == k)
                        && get(prior, m).is_some_and(|p| string_map(p).contains_key(k))
                };
                let managed = actual
                    .iter()
                    .filter(|(k, _)| {
                        own.contains_key(*k) || self.defaults.contains_key(*k) || attributed(k)
                    })
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                out.push((m, map_value(&managed)));
                out.push((e, map_value(&actual)));
            }
            _ => {}
        }
        out
    }
}

/// google's `effective_labels` after a plan: the labels on the object, with the new managed
/// ones set and the ones Terraform stops managing removed.
fn effective(
    managed: &Value,
    old_managed: Option<BTreeMap<String, String>>,
    mut on_object: BTreeMap<String, String>,
) -> Value {
    if !managed.is_wholly_known() {
        return Value::Unknown(Type::map(Type::String));
    }
    let new = string_map(managed);
    for k in old_managed.unwrap_or_default().keys() {
        if !new.contains_key(k) {
            on_object.remove(k);
        }
    }
    on_object.extend(new);
    map_value(&on_object)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> Value {
        map_value(
            &pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    fn owned(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        string_map(&map(pairs))
    }

    fn object(names: LabelNames, own: Value) -> Value {
        let mut m = BTreeMap::from([(names.own.to_string(), own)]);
        for n in [names.managed, names.effective].into_iter().flatten() {
            m.insert(n.to_string(), Value::Unknown(Type::map(Type::String)));
        }
        Value::object(m.into())
    }

    fn attr_of(pairs: &[(&'static str, Value)], name: &str) -> Value {
        pairs.iter().find(|(k, _)| *k == name).unwrap().1.clone()
    }

    #[test]
    fn aws_tags_all_merges_default_tags_under_tags() {
        let mut l = Labels::new(AWS_TAGS);
        l.defaults = owned(&[("env", "prod"), ("team", "core")]);
        l.ignore.key_prefixes.push("aws:".into());
        let cfg = object(AWS_TAGS, map(&[("team", "web"), ("aws:x", "1")]));
        let planned = l.plan(None, &cfg, cfg.clone());
        let all = get(&planned, "tags_all").unwrap().clone();
        assert_eq!(string_map(&all), owned(&[("env", "prod"), ("team", "web")]));
        // Read back: a default tag with its default value is not the resource's own.
        let actual = owned(&[("env", "prod"), ("team", "web"), ("aws:x", "1"), ("x", "y")]);
        let st = l.state(&cfg, actual);
        assert_eq!(
            string_map(&attr_of(&st, "tags")),
            owned(&[("team", "web"), ("x", "y")])
        );
        assert_eq!(string_map(&attr_of(&st, "tags_all")).len(), 3);
        // Unknown configured tags make tags_all unknown.
        let unknown = object(AWS_TAGS, Value::Unknown(Type::map(Type::String)));
        let planned = l.plan(None, &unknown, unknown.clone());
        assert!(get(&planned, "tags_all").unwrap().is_unknown());
        assert_eq!(l.to_write(&l.plan(None, &cfg, cfg.clone())).len(), 2);
    }

    #[test]
    fn azurerm_tags_are_just_the_configured_map() {
        let l = Labels::new(AZURERM_TAGS);
        let cfg = object(AZURERM_TAGS, map(&[("env", "dev")]));
        assert_eq!(l.plan(None, &cfg, cfg.clone()), cfg);
        assert_eq!(l.to_write(&cfg), owned(&[("env", "dev")]));
        let st = l.state(&cfg, owned(&[("env", "dev"), ("other", "x")]));
        assert_eq!(st.len(), 1);
        assert_eq!(string_map(&attr_of(&st, "tags")).len(), 2);
        let none = object(AZURERM_TAGS, Value::Null(Type::map(Type::String)));
        assert!(attr_of(&l.state(&none, BTreeMap::new()), "tags").is_null());
    }

    #[test]
    fn google_labels_merge_default_labels_and_keep_foreign_effective_ones() {
        let mut l = Labels::new(GOOGLE_LABELS);
        l.defaults = owned(&[("env", "prod")]);
        let cfg = object(GOOGLE_LABELS, map(&[("app", "web"), ("env", "dev")]));
        let created = l.plan(None, &cfg, cfg.clone());
        let tl = owned(&[("app", "web"), ("env", "dev")]);
        assert_eq!(string_map(get(&created, "terraform_labels").unwrap()), tl);
        assert_eq!(string_map(get(&created, "effective_labels").unwrap()), tl);
        // Another client added `gke`; the configuration drops `app`.
        let prior = Value::object_from([
            ("labels", map(&[("app", "web"), ("env", "dev")])),
            ("terraform_labels", map(&[("app", "web"), ("env", "dev")])),
            (
                "effective_labels",
                map(&[("app", "web"), ("env", "dev"), ("gke", "1")]),
            ),
        ]);
        let cfg = object(GOOGLE_LABELS, Value::Null(Type::map(Type::String)));
        let planned = l.plan(Some(&prior), &cfg, cfg.clone());
        let tl = get(&planned, "terraform_labels").unwrap();
        assert_eq!(string_map(tl), owned(&[("env", "prod")]));
        let eff = get(&planned, "effective_labels").unwrap();
        assert_eq!(string_map(eff), owned(&[("env", "prod"), ("gke", "1")]));
        assert_eq!(
            l.to_write(&planned),
            owned(&[("env", "prod"), ("gke", "1")])
        );
        // Read back: `labels` keeps only configured keys, terraform_labels adds defaults.
        let actual = owned(&[("app", "web"), ("env", "dev"), ("gke", "1")]);
        let st = l.state(&prior, actual);
        assert_eq!(
            string_map(&attr_of(&st, "labels")),
            owned(&[("app", "web"), ("env", "dev")])
        );
        assert_eq!(string_map(&attr_of(&st, "terraform_labels")).len(), 2);
        assert_eq!(string_map(&attr_of(&st, "effective_labels")).len(), 3);
    }

    #[test]
    fn google_attribution_is_added_on_create_and_kept_while_carried() {
        let mut l = Labels::new(GOOGLE_LABELS);
        l.attribution = Some(Attribution {
            key: "goog-terraform-provisioned".into(),
            value: "true".into(),
            proactive: false,
        });
        let cfg = object(GOOGLE_LABELS, map(&[("app", "web")]));
        let created = l.plan(None, &cfg, cfg.clone());
        let want = owned(&[("app", "web"), ("goog-terraform-provisioned", "true")]);
        assert_eq!(string_map(get(&created, "terraform_labels").unwrap()), want);
        assert_eq!(string_map(get(&created, "effective_labels").unwrap()), want);
        let st = l.state(&created, want.clone());
        assert_eq!(string_map(&attr_of(&st, "terraform_labels")), want);
        assert_eq!(
            string_map(&attr_of(&st, "labels")),
            owned(&[("app", "web")])
        );
        // An object created without it (imported, or before 6.0) does not get it.
        let prior = Value::object_from([
            ("labels", map(&[("app", "web")])),
            ("terraform_labels", map(&[("app", "web")])),
            ("effective_labels", map(&[("app", "web")])),
        ]);
        let planned = l.plan(Some(&prior), &cfg, cfg.clone());
        assert_eq!(
            string_map(get(&planned, "terraform_labels").unwrap()),
            owned(&[("app", "web")])
        );
    }

    #[test]
    fn schemas_get_each_clouds_attributes() {
        let names = |n: LabelNames| -> Vec<String> {
            n.attrs(Block::new()).attributes.keys().cloned().collect()
        };
        assert_eq!(names(AWS_TAGS), ["tags", "tags_all"]);
        assert_eq!(names(AZURERM_TAGS), ["tags"]);
        assert_eq!(
            names(GOOGLE_LABELS),
            ["effective_labels", "labels", "terraform_labels"]
        );
    }
}
