# A root module calling a local child module twice with for_each.
module "pet" {
  source   = "./modules/pet"
  for_each = toset(["alpha", "beta"])
  prefix   = each.key
}

output "pets" {
  value = { for k, m in module.pet : k => m.name }
}
