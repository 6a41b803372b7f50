variable "bucket_name" {
  description = "The site bucket's name: 3 to 63 lowercase letters, digits or dashes, globally unique."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$", var.bucket_name))
    error_message = "The bucket_name must be 3 to 63 lowercase letters, digits or dashes, starting and ending with a letter or digit."
  }
  validation {
    condition     = !can(regex("--", var.bucket_name))
    error_message = "The bucket_name must not hold two dashes in a row (Azure storage refuses them)."
  }
}

variable "versioning" {
  description = "Keep every version of every object, so a bad deploy can be rolled back."
  type        = bool
  default     = true
}

variable "force_destroy" {
  description = "Let destroy delete the bucket with its objects (and their versions)."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags (labels on Google Cloud) set on the bucket."
  type        = map(string)
  default     = {}
}
