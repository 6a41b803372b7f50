output "network_id" {
  description = "The portable network's ID, for portable_subnet and portable_firewall network_id."
  value       = portable_network.this.id
}

output "cloud" {
  description = "The cloud the network runs on: aws, azure or gcp."
  value       = portable_network.this.cloud
}

output "cloud_id" {
  description = "The ID of the concrete network (VPC ID, VNet ID or GCE network link)."
  value       = portable_network.this.cloud_id
}

output "cidr_block" {
  description = "The network's address range."
  value       = var.cidr_block
}

output "public_subnet_ids" {
  description = "The public subnets' IDs, one per zone in zone order."
  value       = portable_subnet.public[*].id
}

output "private_subnet_ids" {
  description = "The private subnets' IDs, one per zone in zone order."
  value       = portable_subnet.private[*].id
}

output "public_subnet_cidr_blocks" {
  description = "The public subnets' address ranges, in zone order."
  value       = portable_subnet.public[*].cidr_block
}

output "private_subnet_cidr_blocks" {
  description = "The private subnets' address ranges, in zone order."
  value       = portable_subnet.private[*].cidr_block
}

output "zones" {
  description = "The zones the subnets are in, in zone order (the cloud's names for them)."
  value       = portable_subnet.public[*].zone
}

output "firewall_id" {
  description = "The network firewall's ID, for portable_instance firewall_ids."
  value       = portable_firewall.this.id
}
