//! What a cloud crate supplies to serve the portable types: a [`Binding`] (its name, region,
//! planning mode, intent-token lookup) and one [`Realize`] per portable type, the mapping of
//! a portable value to the configurations of its concrete members and of the members'
//! states back to the portable computed attributes. Everything else is the composite's.

use crate::members::Members;
use crate::schema::Kind;
use async_trait::async_trait;
use autostack_cost::Cloud;
use autostack_provider_sdk::{ClientFactory, Planning};
use autostack_value::{Diagnostics, Value};

/// The cloud provider the portable types are bound to, as the composite needs it.
#[async_trait]
pub trait Binding<C: Send + Sync>: Send + Sync {
    /// Which cloud it is.
    fn cloud(&self) -> Cloud;
    /// The region resources go to when a portable resource names none.
    fn region(&self, client: &C) -> String;
    /// How the provider plans its concrete types (see `ClientFactory::planning`).
    fn planning<'c>(&self, client: &'c C) -> Planning<'c>;
    /// The ID of the object a create marked with `token` (see `ClientFactory::find_by_token`).
    async fn find_by_token(&self, client: &C, token: &str) -> Result<Option<String>, Diagnostics>;
}

/// A [`Binding`] made of a provider's client factory (its planning mode and intent-token
/// lookup), its cloud, and how to find the default region from a client.
pub struct FactoryBinding<F: ClientFactory> {
    /// Which cloud it is.
    pub cloud: Cloud,
    /// The provider's client factory.
    pub factory: F,
    /// The region resources go to when a portable resource names none.
    pub region: fn(&F::Client) -> String,
}

#[async_trait]
impl<F: ClientFactory> Binding<F::Client> for FactoryBinding<F> {
    fn cloud(&self) -> Cloud {
        self.cloud
    }
    fn region(&self, client: &F::Client) -> String {
        (self.region)(client)
    }
    fn planning<'c>(&self, client: &'c F::Client) -> Planning<'c> {
        self.factory.planning(client)
    }
    async fn find_by_token(
        &self,
        client: &F::Client,
        token: &str,
    ) -> Result<Option<String>, Diagnostics> {
        self.factory.find_by_token(client, token).await
    }
}

/// One concrete member a portable value is made of: its role and concrete type.
pub type Role = (&'static str, &'static str);

/// How one portable type is realized on one cloud.
#[async_trait]
pub trait Realize<C: Send + Sync>: Send + Sync {
    /// The portable type.
    fn kind(&self) -> Kind;
    /// The role whose object is the portable object itself: its ID is `id` and `cloud_id`,
    /// and when it is gone the portable object is gone.
    fn main_role(&self) -> &'static str;
    /// The members of `portable` in creation order (deletion runs in reverse).
    fn members(&self, portable: &Value) -> Vec<Role>;
    /// Adds what a plan can tell about the concrete side (chosen size, image, zone) to
    /// `planned`; `prior` is the prior state on an update. The default adds nothing.
    async fn plan(
        &self,
        _client: &C,
        planned: Value,
        _prior: Option<&Value>,
    ) -> Result<Value, Diagnostics> {
        Ok(planned)
    }
    /// The computed attributes an update from `prior` to `planned` may change (an ephemeral
    /// public address when a resize stops the VM), planned as unknown. The default: none.
    fn recomputed(&self, _prior: &Value, _planned: &Value) -> Vec<&'static str> {
        Vec::new()
    }
    /// The configuration of the member playing `role` (the attributes it sets; the rest are
    /// left null), from the portable value and the members made before it.
    async fn config(
        &self,
        client: &C,
        portable: &Value,
        role: &str,
        done: &Members,
    ) -> Result<Value, Diagnostics>;
    /// The portable computed attributes the members' states give (`cloud_id` is set by the
    /// composite from the main member).
    fn outputs(&self, portable: &Value, done: &Members) -> Vec<(&'static str, Value)>;
}
