# NOT TRANSLATED (azure → portable): 5 item(s); see each line, then fix by hand.
#   - azure-web/main.tf:33:1: data "azurerm_client_config" "current": azurerm_client_config has no translation rule (nothing written for it)
#   - azure-web/outputs.tf:1:1: output "resource_group_id": the reference azurerm_resource_group.main.id has no equivalent on the target (written as null)
#   - azure-web/outputs.tf:9:1: output "public_ip": the reference azurerm_public_ip.web.ip_address has no equivalent on the target (written as null)
#   - azure-web/outputs.tf:21:1: output "blob_endpoint": the reference azurerm_storage_account.assets.primary_blob_endpoint has no equivalent on the target (written as null)
#   - azure-web/outputs.tf:25:1: output "tenant_id": the reference to data.azurerm_client_config.current points at something not translated (written as null)

# portable_* resources are served by the azurerm provider they are bound to (kept from the source)
terraform {
  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 4.0"
    }
  }
}
provider "azurerm" {
  features {
    resource_group {
      prevent_deletion_if_contains_resources = true
    }

    virtual_machine {
      delete_os_disk_on_deletion = true
    }
  }
}

# azurerm_resource_group.main → (nothing): not written: the bound cloud creates what it needs

# azurerm_virtual_network.main → portable_network.main: portable network
resource "portable_network" "main" {
  cidr_block = var.address_space
  tags       = local.tags
}

# azurerm_subnet.web → portable_subnet.web: portable subnet
resource "portable_subnet" "web" {
  network_id = portable_network.main.id
  cidr_block = var.web_prefix
}

# azurerm_subnet.data → portable_subnet.data: portable subnet
# dropped service_endpoints: service endpoints have no equivalent
resource "portable_subnet" "data" {
  network_id = portable_network.main.id
  cidr_block = var.data_prefix
}

# azurerm_network_security_group.web → portable_firewall.web: portable firewall (its ingress rules inline)
# network: the configuration's only network, azurerm_virtual_network.main
resource "portable_firewall" "web" {
  network_id = portable_network.main.id

  ingress {
    protocol = "tcp"
    ports = [
      "22"
    ]
    cidr_blocks = [
      var.admin_cidr
    ]
  }

  ingress {
    protocol = "tcp"
    ports = [
      "80",
      "443"
    ]
    cidr_blocks = [
      "0.0.0.0/0"
    ]
  }
}

# azurerm_network_security_rule.ssh → (nothing): folded into its portable_firewall's ingress blocks
# dropped priority: priorities are renumbered

# azurerm_network_security_rule.http → (nothing): folded into its portable_firewall's ingress blocks
# dropped priority: priorities are renumbered

# azurerm_public_ip.web → (nothing): folded into the instance's public_ip = true

# azurerm_network_interface.web → (nothing): folded into the instance

# azurerm_linux_virtual_machine.web → portable_instance.web: portable instance (the bound cloud picks the cheapest type with at least this vCPU and memory)
# Standard_B1s (default of var.vm_size): 1 vCPU, 1 GiB, x86_64
resource "portable_instance" "web" {
  vcpu      = 1
  memory    = 1
  image     = "ubuntu-22.04"
  subnet_id = portable_subnet.web.id
  public_ip = true
  tags      = merge(local.tags, { Role = var.role_tag })
}

# azurerm_managed_disk.data → portable_disk.data: portable disk
# disk Standard_LRS (standard HDD) → class standard
# attachment azurerm_virtual_machine_data_disk_attachment.data → instance_id
resource "portable_disk" "data" {
  size        = var.data_disk_gb
  class       = "standard"
  instance_id = portable_instance.web.id
}

# azurerm_virtual_machine_data_disk_attachment.data → (nothing): folded into the portable_disk's instance_id

# azurerm_storage_account.assets → (nothing): not written: the bound cloud creates what it needs

# azurerm_storage_container.assets → portable_bucket.assets: portable bucket
# dropped container_access_type: buckets are private on the target
resource "portable_bucket" "assets" {
  name = "${replace("${var.name}assets", "-", "")}-assets"
}

locals {
  tags = {
    Project = "azure-web"
    Env     = var.env_tag
  }
}
