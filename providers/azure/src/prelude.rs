//! What every resource-type file of this crate uses, imported once with
//! `use crate::prelude::*;`: the SDK's resource-type contract and attribute getters, the ARM
//! client and its errors, JSON access, and the azurerm tag names.

pub(crate) use crate::client::{ArmError, AzureClient};
pub(crate) use crate::json::*;
pub(crate) use async_trait::async_trait;
pub(crate) use autostack_provider_sdk::attrs::{
    get, get_blocks, get_bool, get_int, get_str, get_strings, import_seed, nonempty_str,
    str_or_empty, string_map, string_set, with_attr, Obj,
};
pub(crate) use autostack_provider_sdk::labels::{Labels, AZURERM_TAGS};
pub(crate) use autostack_provider_sdk::legacy::settle_zero_values;
pub(crate) use autostack_provider_sdk::registry::ValueRead;
pub(crate) use autostack_provider_sdk::{
    differs, ActionExt, ApplyError, Attribute, Block, ChangeCtx, CloudError, DataSource, Nesting,
    PlanCtx, PlanResponse, ResourceSchema, ResourceType,
};
pub(crate) use autostack_value::make_set;
pub(crate) use autostack_value::{Diagnostics, Type, Value};
pub(crate) use serde_json::{json, Value as Json};
