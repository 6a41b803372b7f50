# NOT TRANSLATED (aws → portable): 2 item(s); see each line, then fix by hand.
#   - aws-web/main.tf:108:1: aws_security_group.admin: egress rules: portable_firewall has only ingress rules (egress is open)
#   - aws-web/outputs.tf:17:1: output "public_ip": the reference aws_eip.web.public_ip has no equivalent on the target (written as null)

# portable_* resources are served by the aws provider they are bound to (kept from the source)
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}
provider "aws" {
  region            = var.region
  s3_use_path_style = var.s3_use_path_style

  default_tags {
    tags = {
      Project = "aws-web"
    }
  }
}

# data.aws_availability_zones.available → (nothing): not written: portable subnets take a zone_index

# data.aws_ami.web → (nothing): not written: portable instances name an image family

# aws_vpc.main → portable_network.main: portable network
# dropped enable_dns_hostnames: DNS names are built in on the target
resource "portable_network" "main" {
  cidr_block = var.vpc_cidr
  tags = {
    Name = "${var.name}-vpc"
  }
}

# aws_subnet.public → portable_subnet.public: portable subnet
# zone → zone_index (the same position in the region's zones)
resource "portable_subnet" "public" {
  count      = 2
  network_id = portable_network.main.id
  cidr_block = var.subnet_cidrs[count.index]
  public     = true
  zone_index = count.index
}

# aws_internet_gateway.gw → (nothing): not written: the bound cloud's portable_subnet with public = true routes to the internet

# aws_route_table.public → (nothing): not written: the bound cloud's portable_subnet with public = true routes to the internet

# aws_route_table_association.public → (nothing): not written: the bound cloud's portable_subnet with public = true routes to the internet

# aws_security_group.web_ingress_0 → (nothing): folded into its portable_firewall's ingress blocks

# aws_security_group.web_egress_0 → (nothing): not written: portable firewalls leave egress open

# aws_security_group.web → portable_firewall.web: portable firewall (its ingress rules inline)
resource "portable_firewall" "web" {
  network_id = portable_network.main.id

  ingress {
    protocol = "tcp"
    ports = [
      "80"
    ]
    cidr_blocks = [
      "0.0.0.0/0"
    ]
  }
}

# aws_security_group.admin → portable_firewall.admin: portable firewall (its ingress rules inline)
resource "portable_firewall" "admin" {
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
}

# aws_vpc_security_group_ingress_rule.ssh → (nothing): folded into its portable_firewall's ingress blocks

# aws_vpc_security_group_egress_rule.https → (nothing): not written: portable firewalls leave egress open

# aws_key_pair.deployer → (nothing): not written: portable_instance has no SSH key argument

# aws_instance.web → portable_instance.web: portable instance (the bound cloud picks the cheapest type with at least this vCPU and memory)
# t3.micro (default of var.instance_type): 2 vCPU, 1 GiB, x86_64
# image: not one of ubuntu-22.04, ubuntu-24.04, debian-12; ubuntu-22.04 used
resource "portable_instance" "web" {
  count     = 2
  vcpu      = 2
  memory    = 1
  image     = "ubuntu-22.04"
  subnet_id = portable_subnet.public[count.index].id
  firewall_ids = [
    portable_firewall.web.id,
    portable_firewall.admin.id
  ]
  public_ip      = true
  root_disk_size = 8
  user_data      = "#!/bin/sh\necho hello from ${var.name}-${count.index}\n"
  tags = {
    Name = "${var.name}-web-${count.index}"
    Role = var.role_tag
  }
}

# aws_ebs_volume.data → portable_disk.data: portable disk
# disk gp3 (balanced SSD) → class ssd
# attachment aws_volume_attachment.data → instance_id
resource "portable_disk" "data" {
  count       = 2
  size        = 10
  class       = "ssd"
  instance_id = portable_instance.web[count.index].id
}

# aws_volume_attachment.data → (nothing): folded into the portable_disk's instance_id

# aws_eip.web → (nothing): folded into the instance's public_ip = true

# aws_s3_bucket.assets → portable_bucket.assets: portable bucket
resource "portable_bucket" "assets" {
  name          = "${var.name}-assets"
  versioning    = true
  force_destroy = true
}

# aws_s3_bucket_versioning.assets → (nothing): folded into the bucket
