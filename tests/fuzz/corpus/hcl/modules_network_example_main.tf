# A /16 over two zones: 10.20.0.0/24 and 10.20.1.0/24 public, 10.20.2.0/24 and 10.20.3.0/24
# private, with SSH and HTTPS open from the office range.
module "network" {
  source = "../"

  name       = "demo"
  cidr_block = "10.20.0.0/16"
  zone_count = 2
  ingress = [
    { protocol = "tcp", ports = [22, 443], cidr_blocks = ["203.0.113.0/24"] },
  ]
  tags = { env = "demo" }
}

output "public_subnet_ids" {
  value = module.network.public_subnet_ids
}

output "zones" {
  value = module.network.zones
}
