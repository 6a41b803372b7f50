# The four portable modules of modules/ composed into one stack: a network over two zones,
# a web tier of two instances in its public subnets with an assets bucket, a database VM
# with a data disk in a private subnet, and a versioned bucket for the static front end.
# Where it runs is the provider block in providers.tf: swap it and plan again.

module "network" {
  source = "../../modules/network"

  name       = var.name
  cidr_block = "10.60.0.0/16"
  zone_count = 2
  ingress = [
    { protocol = "tcp", ports = [22], cidr_blocks = [var.admin_cidr] },
    { protocol = "tcp", ports = [5432], cidr_blocks = ["10.60.0.0/16"] },
  ]
  tags = { stack = var.name }
}

module "web" {
  source = "../../modules/web-service"

  name           = "${var.name}-web"
  network_id     = module.network.network_id
  subnet_ids     = module.network.public_subnet_ids
  firewall_ids   = [module.network.firewall_id]
  instance_count = 2
  vcpu           = 2
  memory         = 4
  allowed_ports  = [80, 443]
  ssh_public_key = file("${path.module}/deployer.pub")
  force_destroy  = true
  tags           = { stack = var.name }
}

module "db" {
  source = "../../modules/data-disk-vm"

  name            = "${var.name}-db"
  subnet_id       = module.network.private_subnet_ids[0]
  firewall_ids    = [module.network.firewall_id]
  vcpu            = 2
  memory          = 8
  data_disk_size  = 50
  data_disk_class = "ssd"
  ssh_public_key  = file("${path.module}/deployer.pub")
  tags            = { stack = var.name }
}

module "site" {
  source = "../../modules/static-site"

  bucket_name   = "${var.name}-site"
  force_destroy = true
  tags          = { stack = var.name }
}
