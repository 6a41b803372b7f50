//! The requests and responses of the provider contract. Each operation takes one struct, built
//! with a constructor for the fields every caller has and `with_*` methods for the rest, so a
//! field can be added without touching every provider and every call site. Structs are
//! `#[non_exhaustive]`: providers read fields, only this module builds them.

use crate::private::Private;
use crate::provider::AttrPath;
use autostack_value::Value;

/// The `provider` block's configuration (credentials, region, endpoints, ...).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ConfigureRequest {
    /// The block's value, conformed to the provider schema.
    pub config: Value,
}

impl ConfigureRequest {
    /// A request to configure with `config`.
    pub fn new(config: Value) -> ConfigureRequest {
        ConfigureRequest { config }
    }
}

/// A resource configuration to check beyond its schema (Terraform's `ValidateResourceConfig`).
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct ValidateRequest<'a> {
    /// The resource type.
    pub type_name: &'a str,
    /// The instance's evaluated configuration (values unknown until apply stay unknown).
    pub config: &'a Value,
}

impl<'a> ValidateRequest<'a> {
    /// A request to validate `config` of `type_name`.
    pub fn new(type_name: &'a str, config: &'a Value) -> ValidateRequest<'a> {
        ValidateRequest { type_name, config }
    }
}

/// An object as the state holds it: its value and the provider's private data.
#[derive(Debug, Clone, PartialEq)]
pub struct Instance {
    /// The object's state value.
    pub state: Value,
    /// The provider's private data for it.
    pub private: Private,
}

impl Instance {
    /// An object without private data.
    pub fn new(state: Value) -> Instance {
        Instance {
            state,
            private: Private::default(),
        }
    }

    /// The object with `private` as its private data.
    pub fn with_private(mut self, private: Private) -> Instance {
        self.private = private;
        self
    }
}

/// Planning one instance (Terraform's `PlanResourceChange`).
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct PlanRequest<'a> {
    /// The resource type.
    pub type_name: &'a str,
    /// The configuration as written (before `ignore_changes`).
    pub config: &'a Value,
    /// The proposed new state: the configuration with ignored attributes kept at their prior
    /// values; what the provider plans from.
    pub proposed: &'a Value,
    /// The prior state; `None` for a create.
    pub prior: Option<&'a Value>,
    /// The prior object's private data.
    pub prior_private: &'a Private,
}

/// Private data for requests that carry none.
static NO_PRIVATE: Private = Private::empty();

impl<'a> PlanRequest<'a> {
    /// A plan of `proposed` (also taken as the configuration) over `prior`.
    pub fn new(type_name: &'a str, prior: Option<&'a Value>, proposed: &'a Value) -> Self {
        PlanRequest {
            type_name,
            config: proposed,
            proposed,
            prior,
            prior_private: &NO_PRIVATE,
        }
    }

    /// The request with the configuration as written.
    pub fn with_config(mut self, config: &'a Value) -> Self {
        self.config = config;
        self
    }

    /// The request with the prior object's private data.
    pub fn with_private(mut self, private: &'a Private) -> Self {
        self.prior_private = private;
        self
    }
}

/// The result of planning one instance.
#[derive(Debug, Clone)]
pub struct PlanResponse {
    /// The planned new state; unknown where only apply can tell.
    pub planned: Value,
    /// Attribute paths whose change forces replacement.
    pub requires_replace: Vec<AttrPath>,
    /// The private data apply will receive.
    pub planned_private: Private,
}

impl PlanResponse {
    /// A plan of `planned` with no forced replacement and no private data.
    pub fn new(planned: Value) -> PlanResponse {
        PlanResponse {
            planned,
            requires_replace: Vec::new(),
            planned_private: Private::default(),
        }
    }
}

/// Making a planned change real (Terraform's `ApplyResourceChange`): `prior` is `None` for a
/// create, `planned` is `None` for a delete.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct ApplyRequest<'a> {
    /// The resource type.
    pub type_name: &'a str,
    /// The configuration (null for a delete); values a plan does not keep (hashed or
    /// write-only arguments) are read from it.
    pub config: &'a Value,
    /// The prior state.
    pub prior: Option<&'a Value>,
    /// The planned new state.
    pub planned: Option<&'a Value>,
    /// The planned private data (the prior object's, for a delete).
    pub private: &'a Private,
    /// For a create: the token journaled with the create's intent before the call. The
    /// provider makes the create idempotent with it where the API allows and leaves on the
    /// object what `recover` needs to find it. `None`: the provider makes one up.
    pub token: Option<&'a str>,
}

static NULL_CONFIG: Value = Value::Null(autostack_value::Type::Dynamic);

impl<'a> ApplyRequest<'a> {
    /// A change from `prior` to `planned` (the configuration is taken to be `planned`).
    pub fn new(type_name: &'a str, prior: Option<&'a Value>, planned: Option<&'a Value>) -> Self {
        ApplyRequest {
            type_name,
            config: planned.unwrap_or(&NULL_CONFIG),
            prior,
            planned,
            private: &NO_PRIVATE,
            token: None,
        }
    }

    /// The request with the configuration.
    pub fn with_config(mut self, config: &'a Value) -> Self {
        self.config = config;
        self
    }

    /// The request with the planned private data.
    pub fn with_private(mut self, private: &'a Private) -> Self {
        self.private = private;
        self
    }

    /// The request with the create's intent token.
    pub fn with_token(mut self, token: &'a str) -> Self {
        self.token = Some(token);
        self
    }
}

/// The outcome of a successful apply.
#[derive(Debug, Clone)]
pub struct ApplyResponse {
    /// The new state; `None` after a delete.
    pub new_state: Option<Value>,
    /// The private data to record with it.
    pub private: Private,
}

/// Reading the current state of objects of one type (refresh): one call for many objects,
/// so clouds can batch their describe calls.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ReadRequest<'a> {
    /// The resource type.
    pub type_name: &'a str,
    /// The objects as the state holds them.
    pub current: Vec<Instance>,
}

impl<'a> ReadRequest<'a> {
    /// A read of `current` objects of `type_name`.
    pub fn new(type_name: &'a str, current: Vec<Instance>) -> ReadRequest<'a> {
        ReadRequest { type_name, current }
    }
}

/// One object's read: its current state (`None` when it no longer exists) or why not.
pub type ReadResult = Result<Option<Instance>, autostack_value::Diagnostics>;

/// After a crash: finding what an interrupted create made.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct RecoverRequest<'a> {
    /// The resource type.
    pub type_name: &'a str,
    /// The planned state the create was given.
    pub planned: &'a Value,
    /// The create's intent token.
    pub token: &'a str,
}

impl<'a> RecoverRequest<'a> {
    /// A lookup of what a create of `planned` with `token` made.
    pub fn new(type_name: &'a str, planned: &'a Value, token: &'a str) -> Self {
        RecoverRequest {
            type_name,
            planned,
            token,
        }
    }
}

/// Reading an existing object by its cloud ID (`terraform import`, `import` blocks).
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct ImportRequest<'a> {
    /// The resource type.
    pub type_name: &'a str,
    /// The cloud ID.
    pub id: &'a str,
}

impl<'a> ImportRequest<'a> {
    /// An import of `id` as a `type_name`.
    pub fn new(type_name: &'a str, id: &'a str) -> ImportRequest<'a> {
        ImportRequest { type_name, id }
    }
}

/// Reading a data source.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct ReadDataRequest<'a> {
    /// The data source type.
    pub type_name: &'a str,
    /// Its configuration.
    pub config: &'a Value,
}

impl<'a> ReadDataRequest<'a> {
    /// A read of data source `type_name` with `config`.
    pub fn new(type_name: &'a str, config: &'a Value) -> ReadDataRequest<'a> {
        ReadDataRequest { type_name, config }
    }
}

/// Taking over an object recorded as another resource type (Terraform's
/// `MoveResourceState`), for a `moved` block whose `to` has a different type: the object's
/// state as the source type recorded it, to be returned as the target type's.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct MoveStateRequest<'a> {
    /// The source's provider address (`registry.terraform.io/hashicorp/aws`).
    pub source_provider: &'a str,
    /// The source's resource type.
    pub source_type: &'a str,
    /// The schema version the source's state was recorded with.
    pub source_version: u64,
    /// The source's attributes as the state file holds them (JSON).
    pub source_json: &'a str,
    /// The source's private data.
    pub source_private: &'a Private,
    /// The resource type the object becomes.
    pub target_type: &'a str,
}

impl<'a> MoveStateRequest<'a> {
    /// A move of a `source_type` object (recorded by `source_provider` as `source_json`, at
    /// `source_version`) to `target_type`.
    pub fn new(
        source_provider: &'a str,
        source_type: &'a str,
        source_version: u64,
        source_json: &'a str,
        source_private: &'a Private,
        target_type: &'a str,
    ) -> MoveStateRequest<'a> {
        MoveStateRequest {
            source_provider,
            source_type,
            source_version,
            source_json,
            source_private,
            target_type,
        }
    }
}
