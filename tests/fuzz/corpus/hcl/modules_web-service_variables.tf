variable "name" {
  description = "Prefix of every object's name: 2 to 30 lowercase letters, digits or dashes, starting with a letter."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,28}[a-z0-9]$", var.name))
    error_message = "The name must be 2 to 30 lowercase letters, digits or dashes, starting with a letter and not ending with a dash."
  }
}

variable "network_id" {
  description = "The portable network to open the service's ports on (the network module's network_id)."
  type        = string
}

variable "subnet_ids" {
  description = "Subnets to spread the instances over, one zone each (the network module's public_subnet_ids); instance i goes to subnet i mod length."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 1
    error_message = "Give at least one subnet ID."
  }
}

variable "firewall_ids" {
  description = "More firewalls to attach to every instance (the network module's firewall_id, for example), besides the service's own."
  type        = list(string)
  default     = []
}

variable "instance_count" {
  description = "How many instances to run (1 to 20), spread round-robin over the subnets' zones."
  type        = number
  default     = 2

  validation {
    condition     = var.instance_count >= 1 && var.instance_count <= 20 && floor(var.instance_count) == var.instance_count
    error_message = "The instance_count must be a whole number from 1 to 20."
  }
}

variable "vcpu" {
  description = "vCPUs per instance; each cloud's cheapest type with at least this many (and memory GiB) is chosen."
  type        = number
  default     = 2

  validation {
    condition     = contains([1, 2, 4, 8, 16, 32, 64], var.vcpu)
    error_message = "The vcpu must be one of 1, 2, 4, 8, 16, 32 or 64."
  }
}

variable "memory" {
  description = "Memory per instance in GiB (0.5 to 512)."
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

variable "allowed_ports" {
  description = "TCP ports the service's firewall opens to allowed_cidr_blocks."
  type        = list(number)
  default     = [80, 443]

  validation {
    condition     = length(var.allowed_ports) >= 1 && alltrue([for p in var.allowed_ports : p >= 1 && p <= 65535 && floor(p) == p])
    error_message = "Give at least one port; each a whole number from 1 to 65535."
  }
}

variable "allowed_cidr_blocks" {
  description = "Source ranges allowed to reach allowed_ports."
  type        = list(string)
  default     = ["0.0.0.0/0"]

  validation {
    condition     = length(var.allowed_cidr_blocks) >= 1 && alltrue([for c in var.allowed_cidr_blocks : can(cidrnetmask(c))])
    error_message = "Give at least one source; each an IPv4 CIDR block such as 0.0.0.0/0."
  }
}

variable "public_ip" {
  description = "Give each instance a public IP address."
  type        = bool
  default     = true
}

variable "user_data" {
  description = "A cloud-init script or cloud-config run at first boot on every instance."
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

variable "bucket_name" {
  description = "Name of the assets bucket: 3 to 63 lowercase letters, digits or dashes, globally unique. Default: NAME-assets."
  type        = string
  default     = null

  validation {
    condition     = var.bucket_name == null || can(regex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$", var.bucket_name))
    error_message = "The bucket_name must be 3 to 63 lowercase letters, digits or dashes, starting and ending with a letter or digit."
  }
}

variable "force_destroy" {
  description = "Let destroy delete the assets bucket with its objects."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags (labels on Google Cloud) set on every object that takes them."
  type        = map(string)
  default     = {}
}
