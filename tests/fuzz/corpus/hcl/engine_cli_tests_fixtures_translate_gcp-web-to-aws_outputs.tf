output "network_id" {
  value = aws_vpc.vpc.id
}

output "subnetwork_ids" {
  value = aws_subnet.web[*].id
}

output "instance_id" {
  value = aws_instance.web.id
}

output "public_ip" {
  value = aws_eip.web.public_ip
}

output "bucket_url" {
  value = aws_s3_bucket.assets.bucket_regional_domain_name
}

output "zones" {
  value = data.aws_availability_zones.available.names
}
