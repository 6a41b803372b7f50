output "cloud" {
  description = "The cloud the service runs on: aws, azure or gcp."
  value       = portable_bucket.assets.cloud
}

output "instance_ids" {
  description = "The portable instances' IDs, in index order."
  value       = portable_instance.this[*].id
}

output "instance_types" {
  description = "The size chosen on the bound cloud for each instance (t3.medium, e2-standard-2, Standard_B2s, ...)."
  value       = portable_instance.this[*].instance_type
}

output "zones" {
  description = "The zone of each instance."
  value       = portable_instance.this[*].zone
}

output "private_ips" {
  description = "The instances' private IP addresses."
  value       = portable_instance.this[*].private_ip
}

output "public_ips" {
  description = "The instances' public IP addresses (empty strings when public_ip is false)."
  value       = portable_instance.this[*].public_ip_address
}

output "firewall_id" {
  description = "The service's firewall (allowed_ports from allowed_cidr_blocks)."
  value       = portable_firewall.service.id
}

output "bucket_name" {
  description = "The assets bucket's name."
  value       = portable_bucket.assets.name
}

output "bucket_url" {
  description = "The assets bucket's URL (s3://, gs:// or the blob container's https URL)."
  value       = portable_bucket.assets.url
}
