output "vpc_id" {
  value = aws_vpc.main.id
}

output "subnet_ids" {
  value = aws_subnet.public[*].id
}

output "instance_ids" {
  value = aws_instance.web[*].id
}

output "private_ips" {
  value = aws_instance.web[*].private_ip
}

output "public_ip" {
  description = "The Elastic IP in front of the first instance."
  value       = aws_eip.web.public_ip
}

output "bucket" {
  value = aws_s3_bucket.assets.bucket
}
