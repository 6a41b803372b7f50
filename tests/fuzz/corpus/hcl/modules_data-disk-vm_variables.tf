variable "name" {
  description = "Prefix of every object's name: 2 to 30 lowercase letters, digits or dashes, starting with a letter."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,28}[a-z0-9]$", var.name))
    error_message = "The name must be 2 to 30 lowercase letters, digits or dashes, starting with a letter and not ending with a dash."
  }
}

variable "subnet_id" {
  description = "The subnet to place the VM in (one of the network module's subnet IDs); it decides the zone, which the disk follows."
  type        = string
}

variable "firewall_ids" {
  description = "Firewalls to attach to the VM (the network module's firewall_id, for example)."
  type        = list(string)
  default     = []
}

variable "vcpu" {
  description = "vCPUs of the VM; each cloud's cheapest type with at least this many (and memory GiB) is chosen."
  type        = number
  default     = 2

  validation {
    condition     = contains([1, 2, 4, 8, 16, 32, 64], var.vcpu)
    error_message = "The vcpu must be one of 1, 2, 4, 8, 16, 32 or 64."
  }
}

variable "memory" {
  description = "Memory of the VM in GiB (0.5 to 512)."
  type        = number
  default     = 4

  validation {
    condition     = var.memory >= 0.5 && var.memory <= 512
    error_message = "The memory must be from 0.5 to 512 GiB."
  }
}

variable "arch" {
  description = "CPU architecture: x86_64 or arm64."
  type        = string
  default     = "x86_64"

  validation {
    condition     = contains(["x86_64", "arm64"], var.arch)
    error_message = "The arch must be x86_64 or arm64."
  }
}

variable "image" {
  description = "Operating system image, resolved per cloud: ubuntu-22.04, ubuntu-24.04 or debian-12."
  type        = string
  default     = "ubuntu-22.04"

  validation {
    condition     = contains(["ubuntu-22.04", "ubuntu-24.04", "debian-12"], var.image)
    error_message = "The image must be one of ubuntu-22.04, ubuntu-24.04 or debian-12."
  }
}

variable "root_disk_size" {
  description = "Boot disk size in GiB (10 to 1024)."
  type        = number
  default     = 20

  validation {
    condition     = var.root_disk_size >= 10 && var.root_disk_size <= 1024 && floor(var.root_disk_size) == var.root_disk_size
    error_message = "The root_disk_size must be a whole number of GiB from 10 to 1024."
  }
}

variable "data_disk_size" {
  description = "The data disk's size in GiB (1 to 16384)."
  type        = number
  default     = 100

  validation {
    condition     = var.data_disk_size >= 1 && var.data_disk_size <= 16384 && floor(var.data_disk_size) == var.data_disk_size
    error_message = "The data_disk_size must be a whole number of GiB from 1 to 16384."
  }
}

variable "data_disk_class" {
  description = "The data disk's class: standard (HDD), ssd or premium (provisioned SSD), mapped to each cloud's disk types."
  type        = string
  default     = "ssd"

  validation {
    condition     = contains(["standard", "ssd", "premium"], var.data_disk_class)
    error_message = "The data_disk_class must be standard, ssd or premium."
  }
}

variable "public_ip" {
  description = "Give the VM a public IP address."
  type        = bool
  default     = false
}

variable "user_data" {
  description = "A cloud-init script or cloud-config run at first boot on the VM."
  type        = string
  default     = null
}

variable "ssh_public_key" {
  description = "An OpenSSH public key for the admin user. Azure requires one; AWS and Google Cloud take it when given."
  type        = string
  default     = null

  validation {
    condition     = var.ssh_public_key == null || can(regex("^(ssh-(rsa|ed25519)|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/=]+", var.ssh_public_key))
    error_message = "The ssh_public_key must be an OpenSSH public key (ssh-ed25519 AAAA..., ssh-rsa AAAA...)."
  }
}

variable "tags" {
  description = "Tags (labels on Google Cloud) set on every object that takes them."
  type        = map(string)
  default     = {}
}
