output "network_id" {
  value = google_compute_network.vpc.id
}

output "subnetwork_ids" {
  value = google_compute_subnetwork.web[*].id
}

output "instance_id" {
  value = google_compute_instance.web.id
}

output "public_ip" {
  value = google_compute_address.web.address
}

output "bucket_url" {
  value = google_storage_bucket.assets.url
}

output "zones" {
  value = data.google_compute_zones.available.names
}
