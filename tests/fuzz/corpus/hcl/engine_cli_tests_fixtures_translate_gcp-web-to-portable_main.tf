# NOT TRANSLATED (gcp → portable): 4 item(s); see each line, then fix by hand.
#   - gcp-web/main.tf:138:1: resource "google_storage_bucket_object" "index": google_storage_bucket_object has no translation rule (nothing written for it)
#   - gcp-web/main.tf:145:1: resource "google_storage_bucket_object" "robots": google_storage_bucket_object has no translation rule (nothing written for it)
#   - gcp-web/outputs.tf:13:1: output "public_ip": the reference google_compute_address.web.address has no equivalent on the target (written as null)
#   - gcp-web/outputs.tf:21:1: output "zones": the reference data.google_compute_zones.available.names has no equivalent on the target (written as null)

# portable_* resources are served by the google provider they are bound to (kept from the source)
terraform {
  required_providers {
    google = {
      source  = "hashicorp/google"
      version = ">= 6.0, < 8.0"
    }
  }
}
provider "google" {
  project                         = var.project
  region                          = var.region
  zone                            = var.zone
  default_labels                  = var.default_labels
  add_terraform_attribution_label = var.attribution_label
}

# data.google_compute_zones.available → (nothing): not written: portable subnets take a zone_index

# data.google_compute_image.debian → (nothing): not written: portable instances name an image family

# google_compute_network.vpc → portable_network.vpc: portable network
# dropped routing_mode: regional routing is the target's default
resource "portable_network" "vpc" {}

# google_compute_subnetwork.web → portable_subnet.web: portable subnet
# dropped private_ip_google_access: Google API access has no equivalent
resource "portable_subnet" "web" {
  count      = 2
  network_id = portable_network.vpc.id
  cidr_block = var.subnet_cidrs[count.index]
}

# google_compute_firewall.http_allow_0 → (nothing): folded into its portable_firewall's ingress blocks

# google_compute_firewall.http → portable_firewall.http: portable firewall (its ingress rules inline)
resource "portable_firewall" "http" {
  network_id = portable_network.vpc.id

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

# google_compute_address.web → (nothing): folded into the instance's public_ip = true

# google_compute_disk.data → portable_disk.data: portable disk
# disk pd-balanced (balanced SSD) → class ssd
# attachment google_compute_instance.web_disk_0 → instance_id
resource "portable_disk" "data" {
  size        = var.data_disk_size
  class       = "ssd"
  instance_id = portable_instance.web.id
}

# google_compute_instance.web_disk_0 → (nothing): folded into the portable_disk's instance_id

# google_compute_instance.web → portable_instance.web: portable instance (the bound cloud picks the cheapest type with at least this vCPU and memory)
# e2-small (default of var.machine_type): 2 vCPU, 2 GiB, x86_64
# dropped metadata: instance metadata other than the startup script is GCP's own
# dropped service_account: the instance's service account has no equivalent
resource "portable_instance" "web" {
  vcpu      = 2
  memory    = 2
  image     = "debian-12"
  subnet_id = portable_subnet.web[0].id
  firewall_ids = [
    portable_firewall.http.id
  ]
  public_ip      = true
  root_disk_size = 20
  user_data      = "#!/bin/sh\necho hello from ${var.name} > /var/www/index.html\n"
  tags = {
    env  = var.env
    role = "web"
  }
}

# google_storage_bucket.assets → portable_bucket.assets: portable bucket
# dropped location: the bucket follows the target region
resource "portable_bucket" "assets" {
  name          = "${var.name}-assets"
  versioning    = true
  force_destroy = true
}
