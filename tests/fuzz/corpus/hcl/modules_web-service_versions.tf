# No required_providers on purpose: a module made only of portable_* resources binds them to
# the caller's one cloud provider (aws, azurerm or google). Listing the three clouds here
# would make the module itself name several clouds, which makes the binding ambiguous.
terraform {
  required_version = ">= 1.5.0"
}
