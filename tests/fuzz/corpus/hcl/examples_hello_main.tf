# A configuration that runs offline: builtin providers only.
terraform {
  required_providers {
    random = {
      source = "hashicorp/random"
    }
    local = {
      source = "hashicorp/local"
    }
  }
}

variable "greeting" {
  type        = string
  default     = "Hello"
  description = "How the greeting starts."
}

resource "random_pet" "name" {
  length    = 2
  separator = "-"
}

resource "local_file" "greeting" {
  filename = "${path.module}/out/greeting.txt"
  content = templatefile("${path.module}/greeting.tftpl", {
    greeting = var.greeting
    name     = random_pet.name.id
  })
  file_permission = "0644"
}

output "pet_name" {
  value = random_pet.name.id
}

output "greeting_file" {
  value = local_file.greeting.filename
}
