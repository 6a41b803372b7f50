# A 2 vCPU / 8 GiB database VM in a private subnet with a 100 GiB SSD data disk.
module "network" {
  source = "../../network"

  name       = "db"
  cidr_block = "10.40.0.0/16"
  zone_count = 1
}

module "db" {
  source = "../"

  name            = "db-primary"
  subnet_id       = module.network.private_subnet_ids[0]
  firewall_ids    = [module.network.firewall_id]
  vcpu            = 2
  memory          = 8
  image           = "ubuntu-22.04"
  data_disk_size  = 100
  data_disk_class = "ssd"
  ssh_public_key  = file("${path.module}/deployer.pub")
  tags            = { env = "demo" }
}

output "instance_type" {
  value = module.db.instance_type
}

output "data_disk_type" {
  value = module.db.data_disk_type
}
