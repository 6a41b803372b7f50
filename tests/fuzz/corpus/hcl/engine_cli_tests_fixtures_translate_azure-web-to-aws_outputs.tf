output "resource_group_id" {
  value = null
}

output "subnet_ids" {
  value = [
    aws_subnet.web.id,
    aws_subnet.data.id
  ]
}

output "public_ip" {
  value = aws_eip.web.public_ip
}

output "vm_id" {
  value = aws_instance.web.id
}

output "vm_private_ip" {
  value = aws_instance.web.private_ip
}

output "blob_endpoint" {
  value = null
}

output "tenant_id" {
  value = null
}
