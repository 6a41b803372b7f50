output "cloud" {
  value = portable_instance.web.cloud
}

output "instance_type" {
  description = "The size the cost catalog's rule chose on this cloud."
  value       = portable_instance.web.instance_type
}

output "public_ip" {
  value = portable_instance.web.public_ip_address
}

output "bucket_url" {
  value = portable_bucket.assets.url
}
