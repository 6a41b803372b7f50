# Three 2 vCPU / 4 GiB Ubuntu instances over the two public subnets of a network, HTTP and
# HTTPS open to the world, and a versioned bucket for the assets.
module "network" {
  source = "../../network"

  name       = "shop"
  cidr_block = "10.30.0.0/16"
  zone_count = 2
}

module "web" {
  source = "../"

  name           = "shop-web"
  network_id     = module.network.network_id
  subnet_ids     = module.network.public_subnet_ids
  firewall_ids   = [module.network.firewall_id]
  instance_count = 3
  vcpu           = 2
  memory         = 4
  image          = "ubuntu-22.04"
  allowed_ports  = [80, 443]
  ssh_public_key = file("${path.module}/deployer.pub")
  force_destroy  = true
  tags           = { env = "demo" }
}

output "instance_types" {
  value = module.web.instance_types
}

output "bucket_url" {
  value = module.web.bucket_url
}
