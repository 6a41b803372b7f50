# A network spread over `zone_count` zones: in each zone a public subnet (routed to the
# internet) and a private one, carved from `cidr_block` in order (public first, then
# private), and one firewall for the instances placed in it.

locals {
  # SSH from inside the network when the caller sets no rules.
  ingress = var.ingress != null ? var.ingress : [
    { protocol = "tcp", ports = [22], cidr_blocks = [var.cidr_block] },
  ]
  tags = merge(var.tags, { module = "network" })
}

resource "portable_network" "this" {
  name       = "${var.name}-net"
  cidr_block = var.cidr_block
  tags       = local.tags
}

resource "portable_subnet" "public" {
  count = var.zone_count

  name       = "${var.name}-public-${count.index}"
  network_id = portable_network.this.id
  cidr_block = cidrsubnet(var.cidr_block, var.subnet_newbits, count.index)
  public     = true
  zone_index = count.index
  tags       = local.tags
}

resource "portable_subnet" "private" {
  count = var.zone_count

  name       = "${var.name}-private-${count.index}"
  network_id = portable_network.this.id
  cidr_block = cidrsubnet(var.cidr_block, var.subnet_newbits, var.zone_count + count.index)
  public     = false
  zone_index = count.index
  tags       = local.tags
}

resource "portable_firewall" "this" {
  name       = "${var.name}-fw"
  network_id = portable_network.this.id
  tags       = local.tags

  dynamic "ingress" {
    for_each = local.ingress
    content {
      protocol    = ingress.value.protocol
      ports       = ingress.value.ports
      cidr_blocks = ingress.value.cidr_blocks
    }
  }
}
