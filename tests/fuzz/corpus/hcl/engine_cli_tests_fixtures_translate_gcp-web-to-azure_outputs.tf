output "network_id" {
  value = azurerm_virtual_network.vpc.id
}

output "subnetwork_ids" {
  value = azurerm_subnet.web[*].id
}

output "instance_id" {
  value = azurerm_linux_virtual_machine.web.id
}

output "public_ip" {
  value = azurerm_public_ip.web.ip_address
}

output "bucket_url" {
  value = azurerm_storage_account.assets.primary_blob_endpoint
}

output "zones" {
  value = null
}
