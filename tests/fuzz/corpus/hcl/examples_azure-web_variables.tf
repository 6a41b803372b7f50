variable "name" {
  description = "Prefix of every name (letters and digits: the storage account name is derived from it)."
  type        = string
  default     = "azweb"
}

variable "location" {
  description = "The Azure region."
  type        = string
  default     = "westeurope"
}

variable "address_space" {
  type    = string
  default = "10.30.0.0/16"
}

variable "web_prefix" {
  type    = string
  default = "10.30.1.0/24"
}

variable "data_prefix" {
  type    = string
  default = "10.30.2.0/24"
}

variable "admin_cidr" {
  description = "Where SSH may come from."
  type        = string
  default     = "10.0.0.0/8"
}

variable "admin_username" {
  type    = string
  default = "azureuser"
}

variable "vm_size" {
  type    = string
  default = "Standard_B1s"
}

variable "data_disk_gb" {
  type    = number
  default = 32
}

variable "env_tag" {
  type    = string
  default = "dev"
}

variable "role_tag" {
  type    = string
  default = "web"
}
