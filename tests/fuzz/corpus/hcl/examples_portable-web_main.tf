# A small web stack written once with the portable types: a network with a public subnet, a
# firewall for SSH and HTTP, a VM sized by vCPU and memory, a data disk attached to it, and a
# versioned bucket for assets. Where it runs is decided by the provider block in
# providers.tf: swap it for another cloud and `autostack plan` shows the same stack there.
#
# Against real AWS: `autostack apply`. Against the project's emulators, see README
# "Try it without a cloud account" (AWS_ENDPOINT_URL for moto, the doubles' endpoints for
# google and azurerm).

resource "portable_network" "main" {
  name       = "${var.name}-net"
  cidr_block = "10.40.0.0/16"
  tags       = { project = var.name }
}

resource "portable_subnet" "public" {
  name       = "${var.name}-public"
  network_id = portable_network.main.id
  cidr_block = "10.40.1.0/24"
  public     = true
  zone_index = 0
}

resource "portable_firewall" "web" {
  name       = "${var.name}-web"
  network_id = portable_network.main.id

  ingress {
    protocol    = "tcp"
    ports       = [22, 80, 443]
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "portable_instance" "web" {
  name           = "${var.name}-web"
  vcpu           = var.vcpu
  memory         = var.memory
  image          = "ubuntu-22.04"
  subnet_id      = portable_subnet.public.id
  firewall_ids   = [portable_firewall.web.id]
  public_ip      = true
  root_disk_size = 20
  user_data      = "#!/bin/sh\necho hello from ${var.name}\n"
  ssh_public_key = file("${path.module}/deployer.pub")
  tags           = { project = var.name, role = "web" }
}

resource "portable_disk" "data" {
  name        = "${var.name}-data"
  size        = 20
  class       = "ssd"
  instance_id = portable_instance.web.id
}

resource "portable_bucket" "assets" {
  name          = "${var.name}-assets"
  versioning    = true
  force_destroy = true
}
