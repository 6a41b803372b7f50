output "resource_group_id" {
  value = null
}

output "subnet_ids" {
  value = [
    portable_subnet.web.id,
    portable_subnet.data.id
  ]
}

output "public_ip" {
  value = null
}

output "vm_id" {
  value = portable_instance.web.id
}

output "vm_private_ip" {
  value = portable_instance.web.private_ip
}

output "blob_endpoint" {
  value = null
}

output "tenant_id" {
  value = null
}
