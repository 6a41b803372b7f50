# One VM with a separate data disk attached: the disk outlives a replaced VM (a new image
# or size), so data stays on the disk class chosen for it.

locals {
  tags = merge(var.tags, { module = "data-disk-vm", vm = var.name })
}

resource "portable_instance" "vm" {
  name           = var.name
  vcpu           = var.vcpu
  memory         = var.memory
  arch           = var.arch
  image          = var.image
  subnet_id      = var.subnet_id
  firewall_ids   = var.firewall_ids
  public_ip      = var.public_ip
  root_disk_size = var.root_disk_size
  user_data      = var.user_data
  ssh_public_key = var.ssh_public_key
  tags           = local.tags
}

resource "portable_disk" "data" {
  name        = "${var.name}-data"
  size        = var.data_disk_size
  class       = var.data_disk_class
  instance_id = portable_instance.vm.id
  tags        = local.tags
}
