//! What every resource-type file of this crate uses, imported once with
//! `use crate::prelude::*;`: the SDK's resource-type contract and attribute getters, the AWS
//! client and its error type, batched reads, EC2 describe helpers and tags.

pub(crate) use crate::attrs::*;
pub(crate) use crate::batch::read_by_id;
pub(crate) use crate::client::{done_if_gone, ActionExt, AwsClient, AwsError, AwsResultExt};
pub(crate) use crate::ec2type::{Applied, Change, Described, Ec2Describe, Ec2Kind, Updated};
pub(crate) use crate::ec2util::{custom_filters, describe_filtered, filter, keyed, with_filters};
pub(crate) use crate::tags::{
    create_tag_spec, tag_attrs, tag_map, tag_spec, tag_state, update_ec2_tags,
};
pub(crate) use async_trait::async_trait;
pub(crate) use autostack_provider_sdk::errors::settle;
pub(crate) use autostack_provider_sdk::reads::read_each_by_id;
pub(crate) use autostack_provider_sdk::registry::ValueRead;
pub(crate) use autostack_provider_sdk::retry::retry;
pub(crate) use autostack_provider_sdk::{
    ApplyError, Attribute, Block, ChangeCtx, CloudError, DataSource, Nesting, PathStep, PlanCtx,
    PlanResponse, ResourceSchema, ResourceType,
};
pub(crate) use autostack_value::make_set;
pub(crate) use autostack_value::{Diagnostics, Type, Value};
