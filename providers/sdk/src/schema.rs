//! Schemas: what arguments and nested blocks a provider, resource type or data source takes.

use autostack_value::{Type, Value};
use std::collections::BTreeMap;

/// One attribute of a block.
#[derive(Debug, Clone, PartialEq)]
pub struct Attribute {
    /// The attribute's type.
    pub ty: Type,
    /// Must be set in configuration.
    pub required: bool,
    /// May be set in configuration.
    pub optional: bool,
    /// Set by the provider when not configured (or always, when neither required nor optional).
    pub computed: bool,
    /// Never shown in plans or logs.
    pub sensitive: bool,
    /// A change to this attribute forces the resource to be replaced.
    pub force_new: bool,
    /// One-line description.
    pub description: &'static str,
    /// Value planned when the configuration leaves the attribute unset.
    pub default: Option<Value>,
}

impl Attribute {
    fn base(ty: Type) -> Attribute {
        Attribute {
            ty,
            required: false,
            optional: false,
            computed: false,
            sensitive: false,
            force_new: false,
            description: "",
            default: None,
        }
    }

    /// A required argument.
    pub fn required(ty: Type) -> Attribute {
        Attribute {
            required: true,
            ..Attribute::base(ty)
        }
    }

    /// An optional argument.
    pub fn optional(ty: Type) -> Attribute {
        Attribute {
            optional: true,
            ..Attribute::base(ty)
        }
    }

    /// An optional argument the provider fills in when unset.
    pub fn optional_computed(ty: Type) -> Attribute {
        Attribute {
            optional: true,
            computed: true,
            ..Attribute::base(ty)
        }
    }

    /// A read-only attribute set by the provider.
    pub fn computed(ty: Type) -> Attribute {
        Attribute {
            computed: true,
            ..Attribute::base(ty)
        }
    }

    /// Marks the attribute as forcing replacement when it changes.
    pub fn force_new(mut self) -> Attribute {
        self.force_new = true;
        self
    }

    /// Marks the attribute sensitive.
    pub fn sensitive(mut self) -> Attribute {
        self.sensitive = true;
        self
    }

    /// Sets the default used when the configuration leaves the attribute unset.
    pub fn default(mut self, v: impl Into<Value>) -> Attribute {
        self.default = Some(v.into());
        self
    }

    /// Sets the description.
    pub fn describe(mut self, d: &'static str) -> Attribute {
        self.description = d;
        self
    }
}

/// How a nested block repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nesting {
    /// At most one block; the attribute is an object (or null).
    Single,
    /// An ordered list of blocks.
    List,
    /// An unordered set of blocks.
    Set,
}

/// A nested block type.
#[derive(Debug, Clone, PartialEq)]
pub struct NestedBlock {
    /// How it repeats.
    pub nesting: Nesting,
    /// Its contents.
    pub block: Block,
    /// Minimum number of blocks.
    pub min_items: usize,
    /// Maximum number of blocks (0 = unlimited).
    pub max_items: usize,
    /// Changing anything inside forces replacement.
    pub force_new: bool,
    /// Optional and computed ("attributes as blocks"): when the configuration has no such
    /// blocks, the prior ones are kept (or left to the provider on create).
    pub computed: bool,
}

/// The contents of a block: attributes and nested block types.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Block {
    /// Attributes by name.
    pub attributes: BTreeMap<String, Attribute>,
    /// Nested block types by name.
    pub blocks: BTreeMap<String, NestedBlock>,
}

impl Block {
    /// An empty block.
    pub fn new() -> Block {
        Block::default()
    }

    /// Adds an attribute.
    pub fn attr(mut self, name: &str, a: Attribute) -> Block {
        self.attributes.insert(name.to_string(), a);
        self
    }

    /// Adds a nested block type.
    pub fn block(mut self, name: &str, nesting: Nesting, block: Block) -> Block {
        self.blocks.insert(
            name.to_string(),
            NestedBlock {
                nesting,
                block,
                min_items: 0,
                max_items: 0,
                force_new: false,
                computed: false,
            },
        );
        self
    }

    /// Adjusts the limits and flags of nested block type `name`.
    pub fn tune(mut self, name: &str, f: impl FnOnce(&mut NestedBlock)) -> Block {
        if let Some(nb) = self.blocks.get_mut(name) {
            f(nb);
        }
        self
    }

    /// The object type of values conforming to this block.
    pub fn value_type(&self) -> Type {
        let mut attrs: BTreeMap<String, Type> = self
            .attributes
            .iter()
            .map(|(k, a)| (k.clone(), a.ty.clone()))
            .collect();
        for (k, b) in &self.blocks {
            let t = b.block.value_type();
            attrs.insert(
                k.clone(),
                match b.nesting {
                    Nesting::Single => t,
                    Nesting::List => Type::list(t),
                    Nesting::Set => Type::set(t),
                },
            );
        }
        Type::Object(attrs)
    }

    /// A null value of every attribute and an empty collection for every nested block.
    pub fn empty_value(&self) -> Value {
        let mut m = autostack_value::ValueMap::new();
        for (k, a) in &self.attributes {
            m.insert(k.clone(), Value::Null(a.ty.clone()));
        }
        for (k, b) in &self.blocks {
            let t = b.block.value_type();
            m.insert(
                k.clone(),
                match b.nesting {
                    Nesting::Single => Value::Null(t),
                    Nesting::List => Value::list(t, Vec::new()),
                    Nesting::Set => autostack_value::make_set(t, Vec::new()),
                },
            );
        }
        Value::object(m)
    }
}

/// The schema of one resource type or data source.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceSchema {
    /// Schema version stored in state (`schema_version`).
    pub version: u64,
    /// The resource's block.
    pub block: Block,
}

/// Everything a provider offers.
#[derive(Debug, Clone, Default)]
pub struct ProviderSchema {
    /// The provider block's own arguments.
    pub provider: Block,
    /// Managed resource types.
    pub resources: BTreeMap<String, ResourceSchema>,
    /// Data sources.
    pub data_sources: BTreeMap<String, ResourceSchema>,
    /// Provider-defined functions (`provider::NAME::FUNC`), by name.
    pub functions: BTreeMap<String, autostack_value::function::FunctionSignature>,
    /// The provider moves state between resource types (Terraform's `MoveResourceState`
    /// server capability), so `moved` blocks may change a resource's type to one of its own.
    pub move_resource_state: bool,
}

/// A block's attributes, one per line: `"name": kind(Type) .modifier()* => "description"`,
/// where `kind` is `required`, `optional`, `optional_computed` or `computed` and modifiers
/// are [`Attribute`]'s (`force_new()`, `sensitive()`, `default(v)`). Nested blocks chain on
/// the result with [`Block::block`].
///
/// ```
/// use autostack_provider_sdk::attributes;
/// use autostack_value::Type;
/// let block = attributes! {
///     "length": required(Type::Number).force_new() => "How many characters.",
///     "result": computed(Type::String).sensitive() => "The generated text.",
/// };
/// assert_eq!(block.attributes.len(), 2);
/// ```
#[macro_export]
macro_rules! attributes {
    ($($name:literal : $kind:ident($ty:expr) $(.$modifier:ident($($arg:expr),*))* => $doc:literal),* $(,)?) => {
        $crate::schema::Block::new()
            $(.attr($name, $crate::schema::Attribute::$kind($ty)$(.$modifier($($arg),*))*.describe($doc)))*
    };
}
