//! The `provider "azurerm"` block (schema in [`crate::provider_schema`]): subscription,
//! credentials (with their `ARM_*` environment variables), the cloud environment or a
//! metadata host, resource provider registration and `features {}`, turned into a configured
//! [`AzureClient`]. Client-secret credentials go through azure_identity's token flow against
//! the environment's (or the metadata host's) login endpoint.

use crate::client::{error_chain, ArmError, AzureClient, ClientParts};
use crate::provider_schema;
use async_trait::async_trait;
use autostack_provider_sdk::attrs::{error, get, get_bool, nonempty_str};
use autostack_provider_sdk::{Block, ClientFactory, Planning};
use autostack_value::{Diagnostics, Value};
use azure_core::auth::TokenCredential;
use azure_core::{HttpClient, Method, Request, Url};
use azure_identity::ClientSecretCredential;
use serde_json::Value as Json;
use std::sync::Arc;

/// The `features {}` knobs this provider honours (azurerm 4.x defaults).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Features {
    /// `resource_group.prevent_deletion_if_contains_resources` (true).
    pub prevent_rg_deletion_with_resources: bool,
    /// `virtual_machine.delete_os_disk_on_deletion` (true).
    pub delete_os_disk_on_deletion: bool,
    /// `virtual_machine.skip_shutdown_and_force_delete` (false).
    pub skip_shutdown_and_force_delete: bool,
}

impl Default for Features {
    fn default() -> Self {
        Features {
            prevent_rg_deletion_with_resources: true,
            delete_os_disk_on_deletion: true,
            skip_shutdown_and_force_delete: false,
        }
    }
}

impl Features {
    fn read(config: &Value) -> Features {
        let first = |v: &Value, name: &str| {
            get(v, name)
                .and_then(Value::as_seq)
                .and_then(|s| s.first())
                .cloned()
        };
        let d = Features::default();
        let Some(f) = first(config, "features") else {
            return d;
        };
        let knob = |block: &str, name: &str, default: bool| {
            first(&f, block)
                .and_then(|b| get_bool(&b, name))
                .unwrap_or(default)
        };
        Features {
            prevent_rg_deletion_with_resources: knob(
                "resource_group",
                "prevent_deletion_if_contains_resources",
                d.prevent_rg_deletion_with_resources,
            ),
            delete_os_disk_on_deletion: knob(
                "virtual_machine",
                "delete_os_disk_on_deletion",
                d.delete_os_disk_on_deletion,
            ),
            skip_shutdown_and_force_delete: knob(
                "virtual_machine",
                "skip_shutdown_and_force_delete",
                d.skip_shutdown_and_force_delete,
            ),
        }
    }
}

/// The resource providers the supported types live in (registered unless told not to).
const NAMESPACES: [&str; 3] = [
    "Microsoft.Compute",
    "Microsoft.Network",
    "Microsoft.Storage",
];

/// The endpoints of one Azure cloud.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cloud {
    /// Resource Manager.
    pub resource_manager: String,
    /// The Entra ID authority host.
    pub login: String,
}

/// The endpoints of a named environment (`public`, `usgovernment`, `china`).
pub fn environment(name: &str) -> Result<Cloud, Diagnostics> {
    let (rm, login) = match name.to_ascii_lowercase().as_str() {
        "" | "public" => (
            "https://management.azure.com",
            "https://login.microsoftonline.com",
        ),
        "usgovernment" => (
            "https://management.usgovcloudapi.net",
            "https://login.microsoftonline.us",
        ),
        "china" => (
            "https://management.chinacloudapi.cn",
            "https://login.chinacloudapi.cn",
        ),
        other => {
            return Err(error(
                "building AzureRM Client",
                format!(
                "unable to find environment {other:?}: expected one of public, usgovernment, china"
            ),
            ))
        }
    };
    Ok(Cloud {
        resource_manager: rm.into(),
        login: login.into(),
    })
}

/// Builds [`AzureClient`]s from `provider "azurerm"` blocks.
pub struct AzureFactory;

#[async_trait]
impl ClientFactory for AzureFactory {
    type Client = AzureClient;

    fn config_schema(&self) -> Block {
        provider_schema::schema()
    }

    async fn configure(&self, config: &Value) -> Result<AzureClient, Diagnostics> {
        let s = Settings::read(config)?;
        let http = azure_core::new_http_client();
        let cloud = match &s.metadata_host {
            Some(host) => metadata_cloud(&http, host, &s.environment).await?,
            None => environment(&s.environment)?,
        };
        let authority = Url::parse(&cloud.login).map_err(|e| {
            error(
                "building AzureRM Client",
                format!("login endpoint {:?}: {e}", cloud.login),
            )
        })?;
        let credential: Arc<dyn TokenCredential> = Arc::new(ClientSecretCredential::new(
            http.clone(),
            authority,
            s.tenant_id.clone(),
            s.client_id.clone(),
            s.client_secret.clone(),
        ));
        let scope = format!("{}/.default", cloud.resource_manager.trim_end_matches('/'));
        let token = credential.get_token(&[scope.as_str()]).await.map_err(|e| {
            error(
                "building AzureRM Client: authenticating using the Client Secret",
                token_failure(&e),
            )
        })?;
        let mut client = AzureClient::new(ClientParts {
            http,
            credential,
            endpoint: cloud.resource_manager,
            scope,
            subscription_id: s.subscription_id,
            tenant_id: s.tenant_id,
            client_id: s.client_id,
            features: Features::read(config),
        });
        client.object_id = token_claim(token.token.secret(), "oid").unwrap_or_default();
        if s.register {
            register_providers(&client).await.map_err(|e| {
                error(
                    "Encountered an error whilst ensuring Resource Providers are registered.",
                    format!("{e}. Set resource_provider_registrations = \"none\" when the credential may not register Resource Providers."),
                )
            })?;
        }
        Ok(client)
    }

    /// azurerm is built on the legacy plugin SDK; it has no default tags.
    fn planning<'c>(&self, _client: &'c AzureClient) -> Planning<'c> {
        Planning {
            legacy: true,
            labels: None,
        }
    }
}

/// The provider block, with the `ARM_*` environment variables where the block is silent.
struct Settings {
    subscription_id: String,
    tenant_id: String,
    client_id: String,
    client_secret: String,
    environment: String,
    metadata_host: Option<String>,
    register: bool,
}

/// A setting from the block, else its environment variable; `""` counts as unset.
fn setting(config: &Value, name: &str, env: &str) -> Option<String> {
    nonempty_str(config, name)
        .map(str::to_string)
        .or_else(|| std::env::var(env).ok().filter(|v| !v.is_empty()))
}

/// A setting given directly or through a file (`client_secret_file_path`).
fn setting_or_file(config: &Value, name: &str, env: &str) -> Result<Option<String>, Diagnostics> {
    if let Some(v) = setting(config, name, env) {
        return Ok(Some(v));
    }
    let path_name = format!("{name}_file_path");
    let path_env = format!("{env}_FILE_PATH");
    match setting(config, &path_name, &path_env) {
        None => Ok(None),
        Some(p) => std::fs::read_to_string(&p)
            .map(|t| Some(t.trim().to_string()))
            .map_err(|e| {
                error(
                    "building AzureRM Client",
                    format!("reading {path_name} {p:?}: {e}"),
                )
            }),
    }
}

impl Settings {
    fn read(config: &Value) -> Result<Settings, Diagnostics> {
        let subscription_id = setting(config, "subscription_id", "ARM_SUBSCRIPTION_ID").ok_or_else(|| {
            error(
                "`subscription_id` is a required provider property when performing a plan/apply operation",
                "Set subscription_id in the provider block or the ARM_SUBSCRIPTION_ID environment variable.",
            )
        })?;
        let client_id = setting_or_file(config, "client_id", "ARM_CLIENT_ID")?;
        let client_secret = setting_or_file(config, "client_secret", "ARM_CLIENT_SECRET")?;
        let tenant_id = setting(config, "tenant_id", "ARM_TENANT_ID");
        let (Some(client_id), Some(client_secret), Some(tenant_id)) =
            (client_id, client_secret, tenant_id)
        else {
            return Err(error(
                "building AzureRM Client: no credentials",
                "AutoStack authenticates to Azure as a Service Principal with a Client Secret: set client_id, client_secret and tenant_id (or ARM_CLIENT_ID, ARM_CLIENT_SECRET and ARM_TENANT_ID). Azure CLI, Managed Identity, OIDC and certificate authentication are not supported yet.",
            ));
        };
        let skip = get_bool(config, "skip_provider_registration").unwrap_or_else(|| {
            std::env::var("ARM_SKIP_PROVIDER_REGISTRATION")
                .is_ok_and(|v| v.eq_ignore_ascii_case("true"))
        });
        let registrations = setting(
            config,
            "resource_provider_registrations",
            "ARM_RESOURCE_PROVIDER_REGISTRATIONS",
        )
        .unwrap_or_else(|| "legacy".into());
        const MODES: [&str; 5] = ["none", "legacy", "core", "extended", "all"];
        if !MODES.contains(&registrations.as_str()) {
            return Err(error(
                "Invalid value for resource_provider_registrations",
                format!("expected one of none, legacy, core, extended, all; got {registrations:?}"),
            ));
        }
        Ok(Settings {
            subscription_id,
            tenant_id,
            client_id,
            client_secret,
            environment: setting(config, "environment", "ARM_ENVIRONMENT")
                .unwrap_or_else(|| "public".into()),
            metadata_host: setting(config, "metadata_host", "ARM_METADATA_HOSTNAME"),
            register: !skip && registrations != "none",
        })
    }
}

/// The endpoints a metadata host publishes (`GET https://{host}/metadata/endpoints`), for the
/// environment's entry (`AzureCloud` for public) or the only one. A host given with a scheme
/// (`http://127.0.0.1:8700`, a local double) is used as it is.
async fn metadata_cloud(
    http: &Arc<dyn HttpClient>,
    host: &str,
    env: &str,
) -> Result<Cloud, Diagnostics> {
    let base = match host.contains("://") {
        true => host.trim_end_matches('/').to_string(),
        false => format!("https://{}", host.trim_end_matches('/')),
    };
    let fail = |why: String| {
        error(
            "building AzureRM Client",
            format!("retrieving metadata from {base}: {why}"),
        )
    };
    let url = Url::parse(&format!("{base}/metadata/endpoints?api-version=2022-09-01"))
        .map_err(|e| fail(e.to_string()))?;
    let resp = http
        .execute_request(&Request::new(url, Method::Get))
        .await
        .map_err(|e| fail(error_chain(&e)))?;
    let bytes = resp
        .into_body()
        .collect()
        .await
        .map_err(|e| fail(error_chain(&e)))?;
    let doc: Json = serde_json::from_slice(&bytes).map_err(|e| fail(e.to_string()))?;
    let wanted = match env.to_ascii_lowercase().as_str() {
        "usgovernment" => "AzureUSGovernment",
        "china" => "AzureChinaCloud",
        _ => "AzureCloud",
    };
    let entries: Vec<&Json> = match &doc {
        Json::Array(a) => a.iter().collect(),
        other => vec![other],
    };
    let entry = entries
        .iter()
        .find(|e| e.get("name").and_then(Json::as_str) == Some(wanted))
        .or(entries.first())
        .ok_or_else(|| fail("no environment in the document".into()))?;
    let text = |p: &str| {
        entry
            .pointer(p)
            .and_then(Json::as_str)
            .map(|s| s.trim_end_matches('/').to_string())
    };
    match (
        text("/resourceManager"),
        text("/authentication/loginEndpoint"),
    ) {
        (Some(rm), Some(login)) => Ok(Cloud {
            resource_manager: rm,
            login,
        }),
        _ => Err(fail(
            "resourceManager or authentication.loginEndpoint missing".into(),
        )),
    }
}

/// Why a token request failed: Entra ID's `error_description` (`AADSTS7000215: Invalid client
/// secret provided...`) when the answer carried one (azure_identity keeps it only in the
/// error's debug form), else the error chain.
fn token_failure(e: &azure_core::Error) -> String {
    let debug = format!("{e:?}");
    let described = debug
        .split_once("error_description: Some(\"")
        .and_then(|(_, rest)| {
            let end = rest.find("\")")?;
            Some(rest[..end].replace("\\\"", "\"").replace("\\r\\n", " "))
        });
    match described {
        Some(d) => format!("{}: {d}", error_chain(e)),
        None => error_chain(e),
    }
}

/// A claim of a JWT access token (`oid`, `tid`), read without verifying it (only to report
/// who the credential is, as `azurerm_client_config` does).
pub fn token_claim(token: &str, claim: &str) -> Option<String> {
    use base64::Engine as _;
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let doc: Json = serde_json::from_slice(&bytes).ok()?;
    doc.get(claim)?.as_str().map(str::to_string)
}

/// Registers the namespaces the supported types live in, when not yet registered (reading
/// them also proves the credential may call Resource Manager).
async fn register_providers(c: &AzureClient) -> Result<(), ArmError> {
    let checks = NAMESPACES.iter().map(|ns| ensure_registered(c, ns));
    futures::future::try_join_all(checks).await.map(|_| ())
}

/// Registers one namespace unless it is registered, and waits until it is. Each namespace is
/// read on its own (all at once): one round trip, where listing every provider pages.
async fn ensure_registered(c: &AzureClient, ns: &str) -> Result<(), ArmError> {
    const API: &str = "2021-04-01";
    let path = format!("/subscriptions/{}/providers/{ns}", c.subscription_id);
    let registered = || async {
        let p = c.get(&path, API).await?.unwrap_or(Json::Null);
        Ok::<bool, ArmError>(
            p.get("registrationState").and_then(Json::as_str) == Some("Registered"),
        )
    };
    if registered().await? {
        return Ok(());
    }
    c.send(Method::Post, &c.url(&format!("{path}/register"), API), None)
        .await?;
    autostack_provider_sdk::retry::wait_until(c.wait, &format!("{ns} to be registered"), registered)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environments_name_their_endpoints() {
        assert_eq!(
            environment("public").unwrap().resource_manager,
            "https://management.azure.com"
        );
        assert_eq!(
            environment("China").unwrap().login,
            "https://login.chinacloudapi.cn"
        );
        assert!(environment("german").is_err());
    }

    #[test]
    fn features_default_as_azurerm_4() {
        let f = Features::read(&Value::object_from([(
            "features",
            Value::tuple(vec![Value::object_from([(
                "virtual_machine",
                Value::tuple(vec![Value::object_from([(
                    "delete_os_disk_on_deletion",
                    Value::bool(false),
                )])]),
            )])]),
        )]));
        assert!(f.prevent_rg_deletion_with_resources);
        assert!(!f.delete_os_disk_on_deletion);
        assert_eq!(
            Features::read(&Value::object_from([("x", Value::bool(true))])),
            Features::default()
        );
    }

    #[test]
    fn token_claims_are_read_from_the_payload() {
        use base64::Engine as _;
        let payload =
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(br#"{"oid":"abc","tid":"t"}"#);
        assert_eq!(
            token_claim(&format!("h.{payload}.sig"), "oid").as_deref(),
            Some("abc")
        );
        assert_eq!(token_claim("garbage", "oid"), None);
    }
}
