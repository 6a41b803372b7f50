//! Visiting configuration nodes: input variables of module instances, locals, outputs,
//! module calls (which expand into module instances) and provider configurations.

use super::expand::expansion;
use super::Walker;
use crate::addrs::{ModuleInstance, ProviderConfig};
use crate::conform::conform;
use crate::graph::ModPath;
use crate::values::{Expansion, WalkScope};
use autostack_lang::config::typeexpr::convert_to;
use autostack_lang::vars::validate_variable;
use autostack_lang::Diagnostic;

impl Walker<'_> {
    pub(super) fn visit_var(&mut self, path: &ModPath, name: &str) {
        let Some((call_name, parent)) = path.split_last() else {
            return;
        };
        let Some(module) = self.ctx.module(path) else {
            return;
        };
        let Some(var) = module.module.variables.get(name) else {
            return;
        };
        let Some(call) = self
            .ctx
            .module(parent)
            .and_then(|p| p.module.module_calls.get(call_name))
        else {
            return;
        };
        for inst in self.instances(&path.to_vec()) {
            let Some((parent_inst, (_, key))) = inst.split_last() else {
                continue;
            };
            let input = call.inputs.get(name);
            let value = match input {
                Some(e) => {
                    let each_value = key.as_ref().and_then(|k| {
                        self.values
                            .calls
                            .get(&parent_inst)
                            .and_then(|c| c.get(call_name))
                            .and_then(|x| x.each_value(k))
                    });
                    let scope = WalkScope {
                        key: key.clone(),
                        each_value,
                        ..WalkScope::module(&self.values, &parent_inst)
                    };
                    let mut ev = self.evaluator(&scope);
                    match ev.eval(e) {
                        Ok(v) => match convert_to(&v, &var.ty) {
                            Ok(v) => v,
                            Err(err) => {
                                self.diags.push(Diagnostic::error("Invalid value for input variable", format!("The given value is not suitable for module.{call_name}.var.{name} declared at {}: {err}.", autostack_lang::config::short_range(&var.range)), Some(e.range.clone())));
                                continue;
                            }
                        },
                        Err(d) => {
                            self.diags.extend(d);
                            continue;
                        }
                    }
                }
                None => {
                    match &var.default {
                        Some(d) => d.clone(),
                        None => {
                            self.diags.push(Diagnostic::error("Missing required argument", format!("The argument {name:?} is required, but no definition was found."), Some(call.missing_input_range.clone())));
                            continue;
                        }
                    }
                }
            };
            let value = if var.sensitive {
                value.sensitive()
            } else {
                value
            };
            let vars = self.values.vars.entry(inst).or_default();
            vars.insert(name.to_string(), value);
            if !var.validations.is_empty() {
                let known = std::sync::Arc::new(vars.clone());
                let at = input.map(|e| e.range.clone());
                self.diags.extend(validate_variable(
                    var,
                    &known,
                    &self.ctx.functions,
                    &module.module.dir,
                    at,
                ));
            }
        }
    }

    pub(super) fn visit_local(&mut self, path: &ModPath, name: &str) {
        let Some(l) = self
            .ctx
            .module(path)
            .and_then(|m| m.module.locals.get(name))
        else {
            return;
        };
        for inst in self.instances(path) {
            let scope = WalkScope::module(&self.values, &inst);
            let mut ev = self.evaluator(&scope);
            let v = match ev.eval(&l.expr) {
                Ok(v) => v,
                Err(d) => {
                    self.diags.extend(d);
                    continue;
                }
            };
            self.values
                .locals
                .entry(inst)
                .or_default()
                .insert(name.to_string(), v);
        }
    }

    pub(super) fn visit_output(&mut self, path: &ModPath, name: &str) {
        let Some(o) = self
            .ctx
            .module(path)
            .and_then(|m| m.module.outputs.get(name))
        else {
            return;
        };
        for inst in self.instances(path) {
            let scope = WalkScope::module(&self.values, &inst);
            let mut ev = self.evaluator(&scope);
            let v = match ev.eval(&o.expr) {
                Ok(v) => v,
                Err(d) => {
                    self.diags.extend(d);
                    continue;
                }
            };
            if !o.preconditions.is_empty() {
                let scope = WalkScope::module(&self.values, &inst);
                let mut ev = self.evaluator(&scope);
                let pre = crate::conditions::check_rules(
                    &mut ev,
                    &o.preconditions,
                    "Module output value precondition failed",
                    autostack_lang::Severity::Error,
                );
                if pre.has_errors() {
                    self.diags.extend(pre);
                    continue;
                }
            }
            if inst.is_root() && !o.sensitive && v.is_sensitive_deep() {
                self.diags.push(Diagnostic::error(
                    "Output refers to sensitive values",
                    "To reduce the risk of accidentally exporting sensitive data that was intended to be only internal, AutoStack requires that any root module output containing sensitive data be explicitly marked as sensitive, to confirm your intent.\n\nIf you do intend to export this data, annotate the output value as sensitive by adding the following argument:\n    sensitive = true",
                    Some(o.range.clone()),
                ));
                continue;
            }
            let v = if o.sensitive { v.sensitive() } else { v };
            self.values
                .outputs
                .entry(inst)
                .or_default()
                .insert(name.to_string(), v);
        }
    }

    pub(super) fn visit_call(&mut self, path: &ModPath, name: &str) {
        let Some(call) = self
            .ctx
            .module(path)
            .and_then(|m| m.module.module_calls.get(name))
        else {
            return;
        };
        let mut children = Vec::new();
        for inst in self.instances(path) {
            let scope = WalkScope::module(&self.values, &inst);
            let mut ev = self.evaluator(&scope);
            let exp = match expansion(&mut ev, call.count.as_ref(), call.for_each.as_ref()) {
                Ok(x) => x,
                Err(d) => {
                    self.diags.extend(d);
                    Expansion::Count(0)
                }
            };
            children.extend(exp.keys().into_iter().map(|k| inst.child(name, k)));
            self.values
                .calls
                .entry(inst)
                .or_default()
                .insert(name.to_string(), exp);
        }
        let mut child_path = path.clone();
        child_path.push(name.to_string());
        self.module_instances.insert(child_path, children);
    }

    pub(crate) async fn visit_provider(&mut self, addr: &ProviderConfig) {
        if self.ctx.provider(addr).await.is_some() {
            return;
        }
        let mut provider = match self.ctx.instantiate(addr) {
            Ok(p) => p,
            Err(d) => return self.diags.extend(d),
        };
        let cfg = self
            .ctx
            .tree
            .module
            .providers
            .iter()
            .find(|p| p.name == addr.local && p.alias == addr.alias);
        let root = ModuleInstance::root();
        let scope = WalkScope::module(&self.values, &root);
        let mut ev = self.evaluator(&scope);
        let schema = provider.schema().provider.clone();
        let value = match cfg {
            Some(c) => ev
                .eval_body(&c.config)
                .and_then(|v| conform(&schema, Some(&c.config), &v)),
            None => Ok(schema.empty_value()),
        };
        let value = match value {
            Ok(v) => v,
            Err(d) => return self.diags.extend(d),
        };
        let req = autostack_provider_sdk::ConfigureRequest::new(value);
        if let Err(d) = provider.configure(req).await {
            // Providers see values, not files: point their errors at the provider block's
            // body, as Terraform does (its `{`).
            let at = cfg.map(|c| c.config.missing_item_range());
            for mut x in d {
                if x.subject.is_none() {
                    x.subject = at.clone();
                }
                self.diags.push(x);
            }
            return;
        }
        self.ctx
            .providers
            .lock()
            .await
            .insert(addr.clone(), std::sync::Arc::from(provider));
    }
}
