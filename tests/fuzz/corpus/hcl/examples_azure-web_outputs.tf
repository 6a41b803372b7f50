output "resource_group_id" {
  value = azurerm_resource_group.main.id
}

output "subnet_ids" {
  value = [azurerm_subnet.web.id, azurerm_subnet.data.id]
}

output "public_ip" {
  value = azurerm_public_ip.web.ip_address
}

output "vm_id" {
  value = azurerm_linux_virtual_machine.web.id
}

output "vm_private_ip" {
  value = azurerm_linux_virtual_machine.web.private_ip_address
}

output "blob_endpoint" {
  value = azurerm_storage_account.assets.primary_blob_endpoint
}

output "tenant_id" {
  value = data.azurerm_client_config.current.tenant_id
}
