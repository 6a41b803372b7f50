# NOT TRANSLATED (gcp → aws): 2 item(s); see each line, then fix by hand.
#   - gcp-web/main.tf:138:1: resource "google_storage_bucket_object" "index": google_storage_bucket_object has no translation rule (nothing written for it)
#   - gcp-web/main.tf:145:1: resource "google_storage_bucket_object" "robots": google_storage_bucket_object has no translation rule (nothing written for it)

# Translated from gcp by `autostack translate -to=aws`: region us-east-2 (nearest to us-central1, ~1090 km).
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}
provider "aws" {
  region = var.region
}

# data.google_compute_zones.available → aws_availability_zones.available: availability zones
data "aws_availability_zones" "available" {
  state = "available"
}

# data.google_compute_image.debian → (nothing): not written: the instances' images are looked up per OS family (data "aws_ami")

# google_compute_network.vpc → aws_vpc.vpc: VPC
# CIDR 10.0.0.0/16: the source network has no address space (GCP keeps it on subnetworks)
# dropped routing_mode: regional routing is the target's default
resource "aws_vpc" "vpc" {
  cidr_block           = "10.0.0.0/16"
  enable_dns_hostnames = true
  tags = {
    Name = "${var.name}-vpc"
  }
}

# google_compute_subnetwork.web → aws_subnet.web: subnet
# dropped private_ip_google_access: Google API access has no equivalent
resource "aws_subnet" "web" {
  count      = 2
  vpc_id     = aws_vpc.vpc.id
  cidr_block = var.subnet_cidrs[count.index]
  tags = {
    Name = "${var.name}-web-${count.index}"
  }
}

# google_compute_firewall.http_allow_0 → aws_vpc_security_group_ingress_rule.http_allow_0: security group ingress rule (one per port range and CIDR)
resource "aws_vpc_security_group_ingress_rule" "http_allow_0" {
  for_each          = { for p in setproduct(["80", "443"], ["0.0.0.0/0"]) : join(" ", p) => p }
  security_group_id = aws_security_group.http.id
  ip_protocol       = "tcp"
  from_port         = tonumber(split("-", each.value[0])[0])
  to_port           = tonumber(split("-", each.value[0])[length(split("-", each.value[0])) - 1])
  cidr_ipv4         = each.value[1]
}

# google_compute_firewall.http → aws_security_group.http: security group (its rules are resources of their own)
resource "aws_security_group" "http" {
  name        = "${var.name}-http"
  description = "HTTP and HTTPS from anywhere to the web tier"
  vpc_id      = aws_vpc.vpc.id
}

# google_compute_address.web → aws_eip.web: Elastic IP
resource "aws_eip" "web" {
  domain   = "vpc"
  instance = aws_instance.web.id
  tags     = merge({ env = var.env }, { Name = "${var.name}-ip" })
}

# google_compute_disk.data → aws_ebs_volume.data: EBS volume
# disk pd-balanced (balanced SSD) → gp3
resource "aws_ebs_volume" "data" {
  availability_zone = data.aws_availability_zones.available.names[0]
  size              = var.data_disk_size
  type              = "gp3"
  tags              = merge({ env = var.env }, { Name = "${var.name}-data" })
}

# google_compute_instance.web_disk_0 → aws_volume_attachment.web_disk_0: volume attachment
# device name /dev/sdf (AWS needs one; the source names none)
resource "aws_volume_attachment" "web_disk_0" {
  device_name = "/dev/sdf"
  volume_id   = aws_ebs_volume.data.id
  instance_id = aws_instance.web.id
}

# google_compute_instance.web → aws_instance.web: EC2 instance
# google_compute_instance.web (e2-small: 2 vCPU, 2 GiB) → t3a.small: smallest burstable type with ≥2 vCPU, ≥2 GiB, x86_64 in us-east-2 (nearest to us-central1, ~1090 km)
# disk pd-balanced (balanced SSD) → gp3
# dropped metadata: instance metadata other than the startup script is GCP's own
# dropped service_account: the instance's service account has no equivalent
resource "aws_instance" "web" {
  ami           = data.aws_ami.debian_12.id
  instance_type = var.machine_type
  subnet_id     = aws_subnet.web[0].id
  vpc_security_group_ids = [
    aws_security_group.http.id
  ]
  associate_public_ip_address = true
  user_data                   = "#!/bin/sh\necho hello from ${var.name} > /var/www/index.html\n"
  tags                        = merge({ env = var.env, role = "web" }, { Name = "${var.name}-web" })

  root_block_device {
    volume_size = 20
    volume_type = "gp3"
  }
}

# google_storage_bucket.assets → aws_s3_bucket.assets + aws_s3_bucket_versioning.assets: S3 bucket (+ versioning)
# dropped location: the bucket follows the target region
resource "aws_s3_bucket" "assets" {
  bucket        = "${var.name}-assets"
  force_destroy = true
}
resource "aws_s3_bucket_versioning" "assets" {
  bucket = aws_s3_bucket.assets.id

  versioning_configuration {
    status = true ? "Enabled" : "Suspended"
  }
}

# generated: the debian-12 image, looked up by family
data "aws_ami" "debian_12" {
  most_recent = true
  owners = [
    "136693071363"
  ]

  filter {
    name = "name"
    values = [
      "debian-12-amd64-*"
    ]
  }
}
