output "cloud" {
  description = "The cloud the bucket is on: aws, azure or gcp."
  value       = portable_bucket.site.cloud
}

output "bucket_id" {
  description = "The portable bucket's ID."
  value       = portable_bucket.site.id
}

output "bucket_name" {
  description = "The bucket's name."
  value       = portable_bucket.site.name
}

output "bucket_url" {
  description = "The bucket's URL (s3://, gs:// or the blob container's https URL)."
  value       = portable_bucket.site.url
}

output "versioning" {
  description = "Whether object versions are kept."
  value       = portable_bucket.site.versioning
}
