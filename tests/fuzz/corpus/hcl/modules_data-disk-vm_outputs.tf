output "cloud" {
  description = "The cloud the VM runs on: aws, azure or gcp."
  value       = portable_instance.vm.cloud
}

output "instance_id" {
  description = "The portable instance's ID."
  value       = portable_instance.vm.id
}

output "instance_type" {
  description = "The size chosen on the bound cloud for the VM."
  value       = portable_instance.vm.instance_type
}

output "zone" {
  description = "The zone the VM and its data disk are in."
  value       = portable_instance.vm.zone
}

output "private_ip" {
  description = "The VM's private IP address."
  value       = portable_instance.vm.private_ip
}

output "public_ip" {
  description = "The VM's public IP address (an empty string when public_ip is false)."
  value       = portable_instance.vm.public_ip_address
}

output "data_disk_id" {
  description = "The portable data disk's ID."
  value       = portable_disk.data.id
}

output "data_disk_type" {
  description = "The concrete disk type its class chose on the bound cloud (gp3, pd-ssd, Premium_LRS, ...)."
  value       = portable_disk.data.disk_type
}
