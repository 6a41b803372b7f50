# A versioned bucket for a static site's files: upload the built site into it and serve it
# through the cloud's CDN or static-website feature.

resource "portable_bucket" "site" {
  name          = var.bucket_name
  versioning    = var.versioning
  force_destroy = var.force_destroy
  tags          = merge(var.tags, { module = "static-site" })
}
