variable "name" {
  description = "Prefix of every name (lowercase letters, digits and dashes)."
  type        = string
  default     = "shop"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,20}$", var.name))
    error_message = "The name must be 2 to 21 lowercase letters, digits or dashes, starting with a letter."
  }
}

variable "admin_cidr" {
  description = "The range SSH is open from."
  type        = string
  default     = "203.0.113.0/24"

  validation {
    condition     = can(cidrnetmask(var.admin_cidr))
    error_message = "The admin_cidr must be an IPv4 CIDR block such as 203.0.113.0/24."
  }
}
