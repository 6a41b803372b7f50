terraform {
  required_providers {
    random = {
      source = "hashicorp/random"
    }
  }
}

variable "prefix" {
  type = string
}

resource "random_pet" "this" {
  prefix = var.prefix
  length = 1
}

output "name" {
  value = random_pet.this.id
}
