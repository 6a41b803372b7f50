variable "name" {
  description = "Prefix of every name."
  type        = string
  default     = "aws-web"
}

# default was "us-east-1" (aws): gcp us-east1 (paired with us-east-1)
variable "region" {
  description = "The AWS region."
  type        = string
  default     = "us-east1"
}

variable "s3_use_path_style" {
  description = "Address buckets by path (needed by S3 emulators such as moto)."
  type        = bool
  default     = false
}

variable "vpc_cidr" {
  type    = string
  default = "10.20.0.0/16"
}

variable "subnet_cidrs" {
  type = list(string)
  default = [
    "10.20.1.0/24",
    "10.20.2.0/24"
  ]
}

variable "admin_cidr" {
  description = "Where SSH may come from."
  type        = string
  default     = "192.0.2.0/24"
}

# default was "t3.micro": aws_instance.web (t3.micro: 2 vCPU, 1 GiB) → e2-micro: smallest burstable type with ≥2 vCPU, ≥1 GiB, x86_64 in us-east1 (paired with us-east-1); the catalog prices only 21 gcp types there
variable "instance_type" {
  type    = string
  default = "e2-micro"
}

variable "role_tag" {
  type    = string
  default = "web"
}
