# N identical instances spread round-robin over the given subnets (one zone each), behind
# the service's own firewall, with a versioned bucket for the assets they serve.

locals {
  tags = merge(var.tags, { module = "web-service", service = var.name })
}

resource "portable_firewall" "service" {
  name       = "${var.name}-svc"
  network_id = var.network_id
  tags       = local.tags

  ingress {
    protocol    = "tcp"
    ports       = var.allowed_ports
    cidr_blocks = var.allowed_cidr_blocks
  }
}

resource "portable_instance" "this" {
  count = var.instance_count

  name           = "${var.name}-${count.index}"
  vcpu           = var.vcpu
  memory         = var.memory
  arch           = var.arch
  image          = var.image
  subnet_id      = element(var.subnet_ids, count.index)
  firewall_ids   = concat([portable_firewall.service.id], var.firewall_ids)
  public_ip      = var.public_ip
  root_disk_size = var.root_disk_size
  user_data      = var.user_data
  ssh_public_key = var.ssh_public_key
  tags           = merge(local.tags, { index = tostring(count.index) })
}

resource "portable_bucket" "assets" {
  name          = coalesce(var.bucket_name, "${var.name}-assets")
  versioning    = true
  force_destroy = var.force_destroy
  tags          = local.tags
}
