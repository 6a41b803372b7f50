//! The concrete objects behind one portable instance ("members"), and how they are recorded
//! in its state: `concrete` lists each member's role, type and ID; `concrete_state` keeps
//! their full states as JSON, decoded with each concrete type's schema.

use crate::schema::concrete_entry_type;
use autostack_provider_sdk::attrs::{get, str_or_empty};
use autostack_provider_sdk::ResourceSchema;
use autostack_value::json::{from_json, to_json};
use autostack_value::{Diagnostic, Diagnostics, Type, Value};

/// One concrete object of a portable instance.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// What it is for within the portable instance (`vpc`, `route`, `vm`).
    pub role: String,
    /// Its concrete resource type (`aws_vpc`).
    pub type_name: String,
    /// Its state, as its type reads it.
    pub state: Value,
}

impl Member {
    /// The member's ID (empty when its state has none).
    pub fn id(&self) -> &str {
        str_or_empty(&self.state, "id")
    }
}

/// The members of one portable instance, in creation order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Members(pub Vec<Member>);

impl Members {
    /// The member playing `role`.
    pub fn get(&self, role: &str) -> Option<&Member> {
        self.0.iter().find(|m| m.role == role)
    }

    /// Attribute `name` of the member playing `role` (`None` when either is missing or null).
    pub fn attr(&self, role: &str, name: &str) -> Option<&Value> {
        get(&self.get(role)?.state, name)
    }

    /// String attribute `name` of the member playing `role` (empty when missing).
    pub fn str(&self, role: &str, name: &str) -> &str {
        self.attr(role, name).and_then(Value::as_str).unwrap_or("")
    }

    /// The ID of the member playing `role` (empty when missing).
    pub fn id(&self, role: &str) -> &str {
        self.get(role).map_or("", Member::id)
    }

    /// Adds a member at the end.
    pub fn push(&mut self, role: &str, type_name: &str, state: Value) {
        self.0.push(Member {
            role: role.to_string(),
            type_name: type_name.to_string(),
            state,
        });
    }

    /// The `concrete` attribute: role, type and ID of each member.
    pub fn listing(&self) -> Value {
        let entries = self.0.iter().map(|m| {
            Value::object_from([
                ("role", Value::string(m.role.as_str())),
                ("type", Value::string(m.type_name.as_str())),
                ("id", Value::string(m.id())),
            ])
        });
        Value::list(concrete_entry_type(), entries.collect())
    }

    /// The `concrete_state` attribute: every member's state as JSON.
    pub fn encode(&self) -> Value {
        let doc: Vec<serde_json::Value> = (self.0.iter())
            .map(|m| {
                serde_json::json!({
                    "role": m.role,
                    "type": m.type_name,
                    "state": to_json(&m.state),
                })
            })
            .collect();
        Value::string(serde_json::Value::Array(doc).to_string()).sensitive()
    }

    /// The members recorded in a portable state (none when it records none), each state
    /// decoded with its type's schema from `schema_of`.
    pub fn decode(
        portable: &Value,
        schema_of: impl Fn(&str) -> Option<ResourceSchema>,
    ) -> Result<Members, Diagnostics> {
        let text = match get(portable, "concrete_state").map(Value::unmarked) {
            Some(Value::String(s)) => s.to_string(),
            _ => return Ok(Members::default()),
        };
        let bad = |why: String| -> Diagnostics {
            Diagnostic::error(
                "Unreadable concrete_state",
                format!("The portable resource's record of its concrete objects cannot be read ({why}); the state was changed by hand or by another tool."),
                None,
            )
            .into()
        };
        let doc: Vec<serde_json::Value> =
            serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
        let mut out = Members::default();
        for m in doc {
            let ty = m["type"].as_str().unwrap_or_default();
            let schema = schema_of(ty).ok_or_else(|| bad(format!("unknown type {ty:?}")))?;
            let state = from_json(&m["state"], &schema.block.value_type())
                .map_err(|e| bad(format!("{ty}: {e:?}")))?;
            out.push(m["role"].as_str().unwrap_or_default(), ty, state);
        }
        Ok(out)
    }
}

/// A null of the `concrete` attribute's type.
pub fn no_listing() -> Value {
    Value::Null(Type::list(concrete_entry_type()))
}
