output "resource_group_id" {
  value = null
}

output "subnet_ids" {
  value = [
    google_compute_subnetwork.web.id,
    google_compute_subnetwork.data.id
  ]
}

output "public_ip" {
  value = google_compute_address.web.address
}

output "vm_id" {
  value = google_compute_instance.web.id
}

output "vm_private_ip" {
  value = google_compute_instance.web.network_interface[0].network_ip
}

output "blob_endpoint" {
  value = null
}

output "tenant_id" {
  value = null
}
