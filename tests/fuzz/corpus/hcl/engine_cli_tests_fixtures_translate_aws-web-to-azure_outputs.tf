output "vpc_id" {
  value = azurerm_virtual_network.main.id
}

output "subnet_ids" {
  value = azurerm_subnet.public[*].id
}

output "instance_ids" {
  value = azurerm_linux_virtual_machine.web[*].id
}

output "private_ips" {
  value = azurerm_linux_virtual_machine.web[*].private_ip_address
}

output "public_ip" {
  description = "The Elastic IP in front of the first instance."
  value       = azurerm_public_ip.web_2.ip_address
}

output "bucket" {
  value = azurerm_storage_container.assets.name
}
