variable "project" {
  description = "The Google Cloud project."
  type        = string
  default     = "autostack-web"
}

# default was "us-central1" (gcp): azure centralus (nearest to us-central1, ~190 km)
variable "region" {
  type    = string
  default = "centralus"
}

variable "zone" {
  type    = string
  default = "us-central1-a"
}

variable "name" {
  description = "Prefix of every name (bucket names are global: make it unique)."
  type        = string
  default     = "gcp-web"
}

variable "env" {
  type    = string
  default = "dev"
}

# default was "e2-small": google_compute_instance.web (e2-small: 2 vCPU, 2 GiB) → Standard_B2s: smallest burstable type with ≥2 vCPU, ≥2 GiB, x86_64 in centralus (nearest to us-central1, ~190 km)
variable "machine_type" {
  type    = string
  default = "Standard_B2s"
}

variable "data_disk_size" {
  type    = number
  default = 10
}

variable "subnet_cidrs" {
  type = list(string)
  default = [
    "10.10.1.0/24",
    "10.10.2.0/24"
  ]
}

variable "default_labels" {
  description = "Labels on every labelled resource. fake-gcs-server keeps no bucket labels: use {} against it."
  type        = map(string)
  default = {
    project = "gcp-web"
  }
}

variable "attribution_label" {
  description = "Add goog-terraform-provisioned = true (hashicorp/google's default). Set false against fake-gcs-server."
  type        = bool
  default     = true
}
