//! The data sources `google_compute_zones`, `google_client_config` and `google_project`
//! (`google_compute_image` lives with image references in [`crate::image`]).

use crate::prelude::*;
use autostack_provider_sdk::attrs::map_value;
use autostack_provider_sdk::{ActionExt, DataSource, ResourceSchema};

/// The `google_compute_zones` data source: the zones of a region (one filtered list).
pub struct DataComputeZones;

#[async_trait]
impl DataSource<GcpClient> for DataComputeZones {
    fn name(&self) -> &'static str {
        "google_compute_zones"
    }

    fn schema(&self) -> ResourceSchema {
        let block = attributes! {
            "region": optional(Type::String) => "The region (default: the provider's).",
            "project": optional_computed(Type::String) => "The project.",
            "status": optional(Type::String) => "UP or DOWN.",
            "names": computed(Type::list(Type::String)) => "The zones' names.",
            "id": computed(Type::String) => "projects/{project}/regions/{region}.",
        };
        ResourceSchema { version: 0, block }
    }

    async fn read(&self, c: &GcpClient, config: &Value) -> Result<Value, Diagnostics> {
        let project = c.project_of(config).to_string();
        let region = nonempty_str(config, "region")
            .unwrap_or(&c.region)
            .to_string();
        let mut filter = format!("region eq \".*/regions/{region}\"");
        if let Some(status) = nonempty_str(config, "status") {
            filter.push_str(&format!(" AND status eq \"{status}\""));
        }
        let zones: Result<Vec<Json>, GcpError> = list_all!(
            c,
            c.compute
                .zones
                .list()
                .set_project(&project)
                .set_filter(filter.as_str()),
            "zones"
        );
        let mut names: Vec<String> = zones
            .or_diags("listing zones")?
            .iter()
            .map(|z| s(z, "name").to_string())
            .collect();
        names.sort();
        Ok(Obj::from(config)
            .str("project", project.as_str())
            .str("region", region.as_str())
            .set("names", string_list(names))
            .str("id", format!("projects/{project}/regions/{region}"))
            .finish())
    }
}

/// The `google_client_config` data source: the provider's project, region, zone, default
/// labels and a current access token.
pub struct DataClientConfig;

#[async_trait]
impl DataSource<GcpClient> for DataClientConfig {
    fn name(&self) -> &'static str {
        "google_client_config"
    }

    fn schema(&self) -> ResourceSchema {
        let block = attributes! {
            "project": computed(Type::String) => "The provider's project.",
            "region": computed(Type::String) => "The provider's region.",
            "zone": computed(Type::String) => "The provider's zone.",
            "access_token": computed(Type::String).sensitive() => "An OAuth 2.0 access token of the provider's credentials.",
            "default_labels": computed(Type::map(Type::String)) => "The provider's default labels.",
            "id": computed(Type::String) => "projects/{project}/regions/{region}/zones/{zone}.",
        };
        ResourceSchema { version: 0, block }
    }

    async fn read(&self, c: &GcpClient, config: &Value) -> Result<Value, Diagnostics> {
        let token = c.tokens.access_token().await.map_err(|e| {
            autostack_provider_sdk::attrs::error("Error retrieving an access token", e.to_string())
        })?;
        Ok(Obj::from(config)
            .str("project", c.project.as_str())
            .str("region", c.region.as_str())
            .str("zone", c.zone.as_str())
            .set("access_token", Value::string(token).sensitive())
            .set("default_labels", map_value(&c.labels.defaults))
            .str(
                "id",
                format!(
                    "projects/{}/regions/{}/zones/{}",
                    c.project, c.region, c.zone
                ),
            )
            .finish())
    }
}

/// The `google_project` data source, read from Resource Manager (`v1/projects/{id}`).
pub struct DataProject;

#[async_trait]
impl DataSource<GcpClient> for DataProject {
    fn name(&self) -> &'static str {
        "google_project"
    }

    fn schema(&self) -> ResourceSchema {
        let map = || Type::map(Type::String);
        let block = attributes! {
            "project_id": optional_computed(Type::String) => "The project (default: the provider's).",
            "name": computed(Type::String) => "The display name.",
            "number": computed(Type::String) => "The project number.",
            "org_id": computed(Type::String) => "The parent organization.",
            "folder_id": computed(Type::String) => "The parent folder.",
            "billing_account": computed(Type::String) => "The billing account.",
            "auto_create_network": computed(Type::Bool) => "Whether the default network was created.",
            "deletion_policy": computed(Type::String) => "The resource's deletion policy.",
            "labels": computed(map()) => "Labels.",
            "terraform_labels": computed(map()) => "Labels (data sources report all).",
            "effective_labels": computed(map()) => "Labels.",
            "tags": computed(map()) => "Resource Manager tags.",
            "id": computed(Type::String) => "projects/{project_id}.",
        };
        ResourceSchema { version: 0, block }
    }

    async fn read(&self, c: &GcpClient, config: &Value) -> Result<Value, Diagnostics> {
        let id = nonempty_str(config, "project_id")
            .unwrap_or(&c.project)
            .to_string();
        let url = format!(
            "{}projects/{}",
            c.json.resource_manager,
            crate::jsonapi::escape(&id)
        );
        let p = c
            .json
            .get(&url)
            .await
            .or_diags("reading project")?
            .ok_or_else(|| {
                autostack_provider_sdk::attrs::error(
                    "Error reading project",
                    format!("project {id:?} not found or not accessible"),
                )
            })?;
        let parent = &p["parent"];
        let of_type = |t: &str| {
            if s(parent, "type") == t {
                s(parent, "id")
            } else {
                ""
            }
        };
        let labels = map_value(&crate::wire::string_map(&p["labels"]));
        Ok(Obj::from(config)
            .str("project_id", id.as_str())
            .set("name", string(&p, "name"))
            .str(
                "number",
                p["projectNumber"]
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| p["projectNumber"].to_string()),
            )
            .str("org_id", of_type("organization"))
            .str("folder_id", of_type("folder"))
            .str("billing_account", "")
            .bool("auto_create_network", true)
            .str("deletion_policy", "PREVENT")
            .set("labels", labels.clone())
            .set("terraform_labels", labels.clone())
            .set("effective_labels", labels)
            .set("tags", Value::Null(Type::map(Type::String)))
            .str("id", format!("projects/{id}"))
            .finish())
    }
}
