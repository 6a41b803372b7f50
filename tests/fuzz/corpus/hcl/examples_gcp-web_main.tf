# A small web stack on Google Cloud: a custom VPC network with two subnetworks, a firewall
# rule for HTTP(S), a static external address, a VM with a boot disk and an attached data
# disk, and a bucket with the site's files.
#
# Against Google Cloud: `autostack apply -var project=MY-PROJECT`. Against the project's
# doubles (no cloud account; see README "Try it without a cloud account"):
#   GOOGLE_APPLICATION_CREDENTIALS=/tmp/gce-key.json \
#   GOOGLE_COMPUTE_CUSTOM_ENDPOINT=http://127.0.0.1:8701/compute/v1/ \
#   GOOGLE_STORAGE_CUSTOM_ENDPOINT=http://127.0.0.1:4443/storage/v1/ \
#     autostack apply -var 'default_labels={}' -var attribution_label=false

terraform {
  required_providers {
    google = {
      source  = "hashicorp/google"
      version = ">= 6.0, < 8.0"
    }
  }
}

provider "google" {
  project = var.project
  region  = var.region
  zone    = var.zone

  default_labels                  = var.default_labels
  add_terraform_attribution_label = var.attribution_label
}

data "google_compute_zones" "available" {}

data "google_compute_image" "debian" {
  family  = "debian-12"
  project = "debian-cloud"
}

resource "google_compute_network" "vpc" {
  name                    = "${var.name}-vpc"
  auto_create_subnetworks = false
  routing_mode            = "REGIONAL"
}

resource "google_compute_subnetwork" "web" {
  count = 2

  name                     = "${var.name}-web-${count.index}"
  network                  = google_compute_network.vpc.id
  ip_cidr_range            = var.subnet_cidrs[count.index]
  private_ip_google_access = true
}

resource "google_compute_firewall" "http" {
  name        = "${var.name}-http"
  network     = google_compute_network.vpc.name
  description = "HTTP and HTTPS from anywhere to the web tier"

  allow {
    protocol = "tcp"
    ports    = ["80", "443"]
  }

  source_ranges = ["0.0.0.0/0"]
  target_tags   = ["web"]
}

resource "google_compute_address" "web" {
  name = "${var.name}-ip"

  labels = {
    env = var.env
  }
}

resource "google_compute_disk" "data" {
  name = "${var.name}-data"
  type = "pd-balanced"
  zone = data.google_compute_zones.available.names[0]
  size = var.data_disk_size

  labels = {
    env = var.env
  }
}

resource "google_compute_instance" "web" {
  name                      = "${var.name}-web"
  machine_type              = var.machine_type
  zone                      = data.google_compute_zones.available.names[0]
  allow_stopping_for_update = true
  tags                      = ["web"]

  boot_disk {
    initialize_params {
      image = data.google_compute_image.debian.self_link
      size  = 20
      type  = "pd-balanced"
    }
  }

  attached_disk {
    source = google_compute_disk.data.id
  }

  network_interface {
    subnetwork = google_compute_subnetwork.web[0].id

    access_config {
      nat_ip = google_compute_address.web.address
    }
  }

  metadata = {
    enable-oslogin = "TRUE"
  }

  metadata_startup_script = "#!/bin/sh\necho hello from ${var.name} > /var/www/index.html\n"

  service_account {
    scopes = ["cloud-platform"]
  }

  labels = {
    env  = var.env
    role = "web"
  }
}

resource "google_storage_bucket" "assets" {
  name          = "${var.name}-assets"
  location      = var.region
  force_destroy = true

  versioning {
    enabled = true
  }
}

resource "google_storage_bucket_object" "index" {
  bucket       = google_storage_bucket.assets.name
  name         = "index.html"
  content      = "<h1>${var.name}</h1>\n"
  content_type = "text/html"
}

resource "google_storage_bucket_object" "robots" {
  bucket       = google_storage_bucket.assets.name
  name         = "robots.txt"
  source       = "${path.module}/robots.txt"
  content_type = "text/plain"
}
