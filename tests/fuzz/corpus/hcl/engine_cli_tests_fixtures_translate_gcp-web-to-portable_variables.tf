variable "project" {
  description = "The Google Cloud project."
  type        = string
  default     = "autostack-web"
}

variable "region" {
  type    = string
  default = "us-central1"
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

variable "machine_type" {
  type    = string
  default = "e2-small"
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
