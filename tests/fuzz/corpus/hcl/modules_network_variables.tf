variable "name" {
  description = "Prefix of every object's name: 2 to 30 lowercase letters, digits or dashes, starting with a letter."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,28}[a-z0-9]$", var.name))
    error_message = "The name must be 2 to 30 lowercase letters, digits or dashes, starting with a letter and not ending with a dash."
  }
}

variable "cidr_block" {
  description = "The network's IPv4 address range, a network address with a prefix from /8 to /24 (e.g. 10.0.0.0/16)."
  type        = string
  default     = "10.0.0.0/16"

  validation {
    condition     = can(cidrnetmask(var.cidr_block)) && can(regex("^[0-9.]+/[0-9]+$", var.cidr_block))
    error_message = "The cidr_block must be an IPv4 CIDR block such as 10.0.0.0/16."
  }
  validation {
    condition     = !can(cidrhost(var.cidr_block, 0)) || try(cidrhost(var.cidr_block, 0) == split("/", var.cidr_block)[0], false)
    error_message = "The cidr_block must be a network address: its host bits must be zero (10.0.0.0/16, not 10.0.0.1/16)."
  }
  validation {
    condition     = !can(cidrnetmask(var.cidr_block)) || try(tonumber(split("/", var.cidr_block)[1]) >= 8 && tonumber(split("/", var.cidr_block)[1]) <= 24, false)
    error_message = "The cidr_block prefix must be from /8 to /24, so that it holds the subnets."
  }
}

variable "zone_count" {
  description = "How many zones of the region to spread over: one public and one private subnet in each (1 to 3; every cloud's regions have at least 3)."
  type        = number
  default     = 2

  validation {
    condition     = var.zone_count >= 1 && var.zone_count <= 3 && floor(var.zone_count) == var.zone_count
    error_message = "The zone_count must be a whole number from 1 to 3."
  }
}

variable "subnet_newbits" {
  description = "Bits added to the network's prefix for each subnet (8 turns a /16 into /24 subnets). The network holds 2^subnet_newbits subnets; the module uses 2 x zone_count of them."
  type        = number
  default     = 8

  validation {
    condition     = var.subnet_newbits >= 3 && var.subnet_newbits <= 16 && floor(var.subnet_newbits) == var.subnet_newbits
    error_message = "The subnet_newbits must be a whole number from 3 to 16."
  }
}

variable "ingress" {
  description = "The firewall's ingress rules: protocol (tcp, udp, icmp or all), ports, and the source CIDR blocks. The default opens SSH from inside the network only."
  type = list(object({
    protocol    = string
    ports       = list(number)
    cidr_blocks = list(string)
  }))
  default = null

  validation {
    condition     = var.ingress == null || alltrue([for r in coalesce(var.ingress, []) : contains(["tcp", "udp", "icmp", "all"], r.protocol)])
    error_message = "Each ingress rule's protocol must be one of tcp, udp, icmp or all."
  }
  validation {
    condition     = var.ingress == null || alltrue(flatten([for r in coalesce(var.ingress, []) : [for p in r.ports : p >= 0 && p <= 65535 && floor(p) == p]]))
    error_message = "Each ingress port must be a whole number from 0 to 65535."
  }
  validation {
    condition     = var.ingress == null || alltrue(flatten([for r in coalesce(var.ingress, []) : [for c in r.cidr_blocks : can(cidrnetmask(c))]]))
    error_message = "Each ingress source must be an IPv4 CIDR block such as 0.0.0.0/0 or 10.0.0.0/8."
  }
}

variable "tags" {
  description = "Tags (labels on Google Cloud) set on every object that takes them."
  type        = map(string)
  default     = {}
}
