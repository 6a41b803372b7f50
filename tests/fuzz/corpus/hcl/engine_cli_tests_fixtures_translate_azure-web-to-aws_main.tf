# NOT TRANSLATED (azure → aws): 4 item(s); see each line, then fix by hand.
#   - azure-web/main.tf:33:1: data "azurerm_client_config" "current": azurerm_client_config has no translation rule (nothing written for it)
#   - azure-web/outputs.tf:1:1: output "resource_group_id": the reference azurerm_resource_group.main.id has no equivalent on the target (written as null)
#   - azure-web/outputs.tf:21:1: output "blob_endpoint": the reference azurerm_storage_account.assets.primary_blob_endpoint has no equivalent on the target (written as null)
#   - azure-web/outputs.tf:25:1: output "tenant_id": the reference to data.azurerm_client_config.current points at something not translated (written as null)

# Translated from azure by `autostack translate -to=aws`: region eu-west-2 (nearest to westeurope, ~360 km).
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}
provider "aws" {
  region = var.location
}

# azurerm_resource_group.main → (nothing): not written: AWS has no resource groups

# azurerm_virtual_network.main → aws_vpc.main: VPC
resource "aws_vpc" "main" {
  cidr_block           = var.address_space
  enable_dns_hostnames = true
  tags                 = merge(local.tags, { Name = "${var.name}-vnet" })
}

# azurerm_subnet.web → aws_subnet.web: subnet
resource "aws_subnet" "web" {
  vpc_id     = aws_vpc.main.id
  cidr_block = var.web_prefix
  tags = {
    Name = "web"
  }
}

# azurerm_subnet.data → aws_subnet.data: subnet
# dropped service_endpoints: service endpoints have no equivalent
resource "aws_subnet" "data" {
  vpc_id     = aws_vpc.main.id
  cidr_block = var.data_prefix
  tags = {
    Name = "data"
  }
}

# azurerm_network_security_group.web → aws_security_group.web: security group (its rules are resources of their own)
# network: the configuration's only network, azurerm_virtual_network.main
resource "aws_security_group" "web" {
  name   = "${var.name}-web-nsg"
  vpc_id = aws_vpc.main.id
  tags   = local.tags
}

# azurerm_network_security_rule.ssh → aws_vpc_security_group_ingress_rule.ssh: security group ingress rule (one per port range and CIDR)
# dropped priority: priorities are renumbered
resource "aws_vpc_security_group_ingress_rule" "ssh" {
  security_group_id = aws_security_group.web.id
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_ipv4         = var.admin_cidr
}

# azurerm_network_security_rule.http → aws_vpc_security_group_ingress_rule.http: security group ingress rule (one per port range and CIDR)
# dropped priority: priorities are renumbered
resource "aws_vpc_security_group_ingress_rule" "http" {
  for_each          = { for p in setproduct(["80", "443"], ["0.0.0.0/0"]) : join(" ", p) => p }
  security_group_id = aws_security_group.web.id
  ip_protocol       = "tcp"
  from_port         = tonumber(split("-", each.value[0])[0])
  to_port           = tonumber(split("-", each.value[0])[length(split("-", each.value[0])) - 1])
  cidr_ipv4         = each.value[1]
}

# azurerm_public_ip.web → aws_eip.web: Elastic IP
resource "aws_eip" "web" {
  domain   = "vpc"
  instance = aws_instance.web.id
  tags     = merge(local.tags, { Name = "${var.name}-pip" })
}

# azurerm_network_interface.web → (nothing): folded into the instance (subnet, address)

# azurerm_linux_virtual_machine.web → aws_instance.web: EC2 instance
# azurerm_linux_virtual_machine.web (Standard_B1s: 1 vCPU, 1 GiB) → t2.micro: smallest burstable type with ≥1 vCPU, ≥1 GiB, x86_64 in eu-west-2 (nearest to westeurope, ~360 km)
# disk Standard_LRS (standard HDD) → standard
resource "aws_instance" "web" {
  ami                         = data.aws_ami.ubuntu_22_04.id
  instance_type               = var.vm_size
  subnet_id                   = aws_subnet.web.id
  associate_public_ip_address = true
  tags                        = merge(merge(local.tags, { Role = var.role_tag }), { Name = "${var.name}-vm" })

  root_block_device {
    volume_type = "standard"
  }
}

# azurerm_managed_disk.data → aws_ebs_volume.data: EBS volume
# availability zone: that of azurerm_linux_virtual_machine.web
# disk Standard_LRS (standard HDD) → st1
resource "aws_ebs_volume" "data" {
  availability_zone = aws_instance.web.availability_zone
  size              = var.data_disk_gb
  type              = "st1"
  tags              = merge(local.tags, { Name = "${var.name}-data" })
}

# azurerm_virtual_machine_data_disk_attachment.data → aws_volume_attachment.data: volume attachment
# device name /dev/sdf (AWS needs one; the source names none)
resource "aws_volume_attachment" "data" {
  device_name = "/dev/sdf"
  volume_id   = aws_ebs_volume.data.id
  instance_id = aws_instance.web.id
}

# azurerm_storage_account.assets → (nothing): not written: S3 buckets need no storage account

# azurerm_storage_container.assets → aws_s3_bucket.assets: S3 bucket (+ versioning)
# dropped container_access_type: buckets are private on the target
resource "aws_s3_bucket" "assets" {
  bucket = "${replace("${var.name}assets", "-", "")}-assets"
}

locals {
  tags = {
    Project = "azure-web"
    Env     = var.env_tag
  }
}

# generated: the ubuntu-22.04 image, looked up by family
data "aws_ami" "ubuntu_22_04" {
  most_recent = true
  owners = [
    "099720109477"
  ]

  filter {
    name = "name"
    values = [
      "ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-*"
    ]
  }
}
