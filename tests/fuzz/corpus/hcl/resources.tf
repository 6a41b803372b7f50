terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.0" }
  }
  backend "local" { path = "x.tfstate" }
}
provider "aws" {
  region = "us-east-1"
  alias  = "east"
}
resource "aws_instance" "web" {
  for_each = toset(["a", "b"])
  provider = aws.east
  ami      = "ami-1"
  tags     = { Name = each.key }
  dynamic "ebs_block_device" {
    for_each = [10, 20]
    content { volume_size = ebs_block_device.value }
  }
  lifecycle {
    create_before_destroy = true
    ignore_changes        = [tags]
    precondition {
      condition     = length(each.key) > 0
      error_message = "empty"
    }
  }
  depends_on = [terraform_data.x]
}
resource "terraform_data" "x" {
  count = 2
  input = count.index
}
data "aws_ami" "u" { most_recent = true }
module "m" {
  source = "./m"
  n      = 1
}
moved {
  from = terraform_data.y
  to   = terraform_data.x[0]
}
import {
  to = terraform_data.x[1]
  id = "i-1"
}
check "c" {
  assert {
    condition     = 1 == 1
    error_message = "no"
  }
}
