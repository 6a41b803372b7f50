output "vpc_id" {
  value = google_compute_network.main.id
}

output "subnet_ids" {
  value = google_compute_subnetwork.public[*].id
}

output "instance_ids" {
  value = google_compute_instance.web[*].id
}

output "private_ips" {
  value = google_compute_instance.web[*].network_interface[0].network_ip
}

output "public_ip" {
  description = "The Elastic IP in front of the first instance."
  value       = google_compute_address.web.address
}

output "bucket" {
  value = google_storage_bucket.assets.name
}
