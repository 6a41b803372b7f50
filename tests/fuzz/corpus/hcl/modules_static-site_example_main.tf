# A versioned bucket for a static site.
module "site" {
  source = "../"

  bucket_name   = "demo-static-site-2026"
  force_destroy = true
  tags          = { env = "demo" }
}

output "bucket_url" {
  value = module.site.bucket_url
}
