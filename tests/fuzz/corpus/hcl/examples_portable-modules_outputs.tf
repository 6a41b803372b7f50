output "cloud" {
  description = "The cloud the stack runs on."
  value       = module.network.cloud
}

output "web_instance_types" {
  description = "The size each web instance got on this cloud."
  value       = module.web.instance_types
}

output "web_public_ips" {
  description = "The web instances' public addresses."
  value       = module.web.public_ips
}

output "db_private_ip" {
  description = "The database VM's private address."
  value       = module.db.private_ip
}

output "assets_bucket_url" {
  description = "The web tier's assets bucket."
  value       = module.web.bucket_url
}

output "site_bucket_url" {
  description = "The static front end's bucket."
  value       = module.site.bucket_url
}
