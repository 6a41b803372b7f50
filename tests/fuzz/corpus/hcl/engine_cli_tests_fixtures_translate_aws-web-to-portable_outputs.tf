output "vpc_id" {
  value = portable_network.main.id
}

output "subnet_ids" {
  value = portable_subnet.public[*].id
}

output "instance_ids" {
  value = portable_instance.web[*].id
}

output "private_ips" {
  value = portable_instance.web[*].private_ip
}

output "public_ip" {
  description = "The Elastic IP in front of the first instance."
  value       = null
}

output "bucket" {
  value = portable_bucket.assets.name
}
