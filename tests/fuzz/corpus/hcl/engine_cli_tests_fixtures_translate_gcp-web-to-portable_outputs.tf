output "network_id" {
  value = portable_network.vpc.id
}

output "subnetwork_ids" {
  value = portable_subnet.web[*].id
}

output "instance_id" {
  value = portable_instance.web.id
}

output "public_ip" {
  value = null
}

output "bucket_url" {
  value = portable_bucket.assets.url
}

output "zones" {
  value = null
}
