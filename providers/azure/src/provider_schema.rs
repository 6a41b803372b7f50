//! The `provider "azurerm"` block of hashicorp/azurerm 4.x: every argument it accepts (so
//! configurations written for it validate unchanged), with its `ARM_*` environment variable
//! in the description. What AutoStack honours is listed in README's Azure section.

use autostack_provider_sdk::attributes;
use autostack_provider_sdk::{Block, Nesting};
use autostack_value::Type;

fn s() -> Type {
    Type::String
}

fn b() -> Type {
    Type::Bool
}

/// The provider block's schema.
pub fn schema() -> Block {
    attributes! {
        "subscription_id": optional(s()) => "The Subscription ID which should be used (ARM_SUBSCRIPTION_ID); required in 4.x.",
        "tenant_id": optional(s()) => "The Tenant ID which should be used (ARM_TENANT_ID).",
        "client_id": optional(s()) => "The Client ID which should be used (ARM_CLIENT_ID).",
        "client_id_file_path": optional(s()) => "The path to a file containing the Client ID (ARM_CLIENT_ID_FILE_PATH).",
        "client_secret": optional(s()).sensitive() => "The Client Secret for a Service Principal (ARM_CLIENT_SECRET).",
        "client_secret_file_path": optional(s()) => "The path to a file containing the Client Secret (ARM_CLIENT_SECRET_FILE_PATH).",
        "auxiliary_tenant_ids": optional(Type::list(s())) => "List of auxiliary Tenant IDs required for multi-tenancy and cross-tenant scenarios.",
        "environment": optional(s()) => "The Cloud Environment: public, usgovernment or china (ARM_ENVIRONMENT); defaults to public.",
        "metadata_host": optional(s()) => "The hostname of the Azure Metadata Service, for Azure Stack or a local double (ARM_METADATA_HOSTNAME).",
        "client_certificate": optional(s()).sensitive() => "Base64 encoded PKCS#12 certificate bundle (ARM_CLIENT_CERTIFICATE); not supported by AutoStack yet.",
        "client_certificate_path": optional(s()) => "The path to the Client Certificate (ARM_CLIENT_CERTIFICATE_PATH); not supported by AutoStack yet.",
        "client_certificate_password": optional(s()).sensitive() => "The password of the Client Certificate (ARM_CLIENT_CERTIFICATE_PASSWORD).",
        "ado_pipeline_service_connection_id": optional(s()) => "The Azure DevOps Pipeline Service Connection ID for OIDC.",
        "oidc_request_token": optional(s()).sensitive() => "The bearer token for the request to the OIDC provider (ARM_OIDC_REQUEST_TOKEN).",
        "oidc_request_url": optional(s()) => "The URL of the OIDC provider (ARM_OIDC_REQUEST_URL).",
        "oidc_token": optional(s()).sensitive() => "The OIDC ID token (ARM_OIDC_TOKEN).",
        "oidc_token_file_path": optional(s()) => "The path to a file containing an OIDC ID token (ARM_OIDC_TOKEN_FILE_PATH).",
        "use_oidc": optional(b()) => "Allow OpenID Connect to be used for authentication (ARM_USE_OIDC).",
        "use_msi": optional(b()) => "Allow Managed Service Identity to be used for authentication (ARM_USE_MSI).",
        "msi_endpoint": optional(s()) => "The path to a custom endpoint for Managed Service Identity (ARM_MSI_ENDPOINT).",
        "use_cli": optional(b()) => "Allow Azure CLI to be used for authentication (ARM_USE_CLI).",
        "use_aks_workload_identity": optional(b()) => "Allow Azure AKS Workload Identity to be used for authentication (ARM_USE_AKS_WORKLOAD_IDENTITY).",
        "partner_id": optional(s()) => "A GUID/UUID registered with Microsoft for partner resource usage attribution (ARM_PARTNER_ID).",
        "disable_correlation_request_id": optional(b()) => "Disable the x-ms-correlation-request-id header (ARM_DISABLE_CORRELATION_REQUEST_ID).",
        "disable_terraform_partner_id": optional(b()) => "Disable the Terraform Partner ID (ARM_DISABLE_TERRAFORM_PARTNER_ID).",
        "storage_use_azuread": optional(b()) => "Use Azure AD to access the Storage Data Plane APIs (ARM_STORAGE_USE_AZUREAD).",
        "skip_provider_registration": optional(b()) => "Skip registering the Resource Providers this provider uses (ARM_SKIP_PROVIDER_REGISTRATION); deprecated in 4.x.",
        "resource_provider_registrations": optional(s()) => "The set of Resource Providers to register: none, legacy, core, extended or all (ARM_RESOURCE_PROVIDER_REGISTRATIONS).",
        "resource_providers_to_register": optional(Type::list(s())) => "Additional Resource Providers to register.",
    }
    .block("features", Nesting::List, features())
    .tune("features", |nb| {
        nb.min_items = 1;
        nb.max_items = 1;
    })
}

/// A feature sub-block of boolean knobs.
fn knobs(names: &[&str]) -> Block {
    names.iter().fold(Block::new(), |block, n| {
        let knob = autostack_provider_sdk::Attribute::optional(Type::Bool)
            .describe("A switch of azurerm's features block (see its features-block guide).");
        block.attr(n, knob)
    })
}

/// `features { ... }`: every sub-block of azurerm 4.x, each at most once.
fn features() -> Block {
    let blocks: [(&str, &[&str]); 20] = [
        (
            "api_management",
            &["purge_soft_delete_on_destroy", "recover_soft_deleted"],
        ),
        (
            "app_configuration",
            &["purge_soft_delete_on_destroy", "recover_soft_deleted"],
        ),
        ("application_insights", &["disable_generated_rule"]),
        ("cognitive_account", &["purge_soft_delete_on_destroy"]),
        ("databricks_workspace", &["force_delete"]),
        (
            "key_vault",
            &[
                "purge_soft_delete_on_destroy",
                "purge_soft_deleted_certificates_on_destroy",
                "purge_soft_deleted_keys_on_destroy",
                "purge_soft_deleted_secrets_on_destroy",
                "purge_soft_deleted_hardware_security_modules_on_destroy",
                "purge_soft_deleted_hardware_security_module_keys_on_destroy",
                "recover_soft_deleted_certificates",
                "recover_soft_deleted_key_vaults",
                "recover_soft_deleted_keys",
                "recover_soft_deleted_secrets",
                "recover_soft_deleted_hardware_security_module_keys",
            ],
        ),
        (
            "log_analytics_workspace",
            &["permanently_delete_on_destroy"],
        ),
        (
            "machine_learning",
            &["purge_soft_deleted_workspace_on_destroy"],
        ),
        ("managed_disk", &["expand_without_downtime"]),
        (
            "netapp",
            &[
                "delete_backups_on_backup_vault_destroy",
                "prevent_volume_destruction",
            ],
        ),
        (
            "postgresql_flexible_server",
            &["restart_server_on_configuration_value_change"],
        ),
        (
            "recovery_service",
            &[
                "vm_backup_stop_protection_and_retain_data_on_destroy",
                "vm_backup_suspend_protection_and_retain_data_on_destroy",
                "purge_protected_items_from_vault_on_destroy",
            ],
        ),
        (
            "recovery_services_vaults",
            &["recover_soft_deleted_backup_protected_vm"],
        ),
        (
            "resource_group",
            &["prevent_deletion_if_contains_resources"],
        ),
        ("service_bus", &["purge_soft_delete_on_destroy"]),
        ("storage", &["data_plane_available"]),
        ("subscription", &["prevent_cancellation_on_destroy"]),
        (
            "template_deployment",
            &["delete_nested_items_during_deletion"],
        ),
        (
            "virtual_machine",
            &[
                "delete_os_disk_on_deletion",
                "detach_implicit_data_disk_on_deletion",
                "graceful_shutdown",
                "skip_shutdown_and_force_delete",
            ],
        ),
        (
            "virtual_machine_scale_set",
            &[
                "force_delete",
                "reimage_on_manual_upgrade",
                "roll_instances_when_required",
                "scale_to_zero_before_deletion",
            ],
        ),
    ];
    blocks.iter().fold(Block::new(), |f, (name, attrs)| {
        f.block(name, Nesting::List, knobs(attrs))
            .tune(name, |nb| nb.max_items = 1)
    })
}
