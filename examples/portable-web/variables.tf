variable "name" {
  description = "Prefix of every name (lowercase letters, digits and dashes)."
  type        = string
  default     = "portable-web"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,20}$", var.name))
    error_message = "The name must be 2 to 21 lowercase letters, digits or dashes, starting with a letter."
  }
}

variable "vcpu" {
  description = "vCPUs of the web VM; the cheapest type of the cloud with at least this many is chosen."
  type        = number
  default     = 2
}

variable "memory" {
  description = "Memory of the web VM in GiB."
  type        = number
  default     = 4
}
