# Budgets, policies and provider settings.
budget "forecast" {
  amount   = 250.5
  forecast = true
}
policy "p" {
  allowed_regions = []
  required_tags   = ["team", "env"]
}
provider "aws" {
  concurrency = 20
}
provider "aws" {
  alias          = "west"
  concurrency    = 4
  implementation = "native"
}
provider "google" {
  implementation = "plugin"
}
