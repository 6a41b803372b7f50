# A small web stack on AWS: a VPC with two public subnets in two availability zones, an
# internet gateway and route table, a security group, two instances with data volumes, an
# Elastic IP and a versioned bucket for assets.
#
# Against real AWS: `autostack apply`. Against a moto server (as the tests do):
#   AWS_ENDPOINT_URL=http://127.0.0.1:5000 AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing \
#     autostack apply -var s3_use_path_style=true

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region            = var.region
  s3_use_path_style = var.s3_use_path_style

  default_tags {
    tags = {
      Project = "aws-web"
    }
  }
}

data "aws_availability_zones" "available" {
  state = "available"
}

data "aws_ami" "web" {
  most_recent = true
  owners      = ["amazon"]

  filter {
    name   = "name"
    values = ["amzn2-ami-hvm-*-x86_64-gp2"]
  }
}

resource "aws_vpc" "main" {
  cidr_block           = var.vpc_cidr
  enable_dns_hostnames = true

  tags = {
    Name = "${var.name}-vpc"
  }
}

resource "aws_subnet" "public" {
  count = 2

  vpc_id                  = aws_vpc.main.id
  cidr_block              = var.subnet_cidrs[count.index]
  availability_zone       = data.aws_availability_zones.available.names[count.index]
  map_public_ip_on_launch = true

  tags = {
    Name = "${var.name}-public-${count.index}"
  }
}

resource "aws_internet_gateway" "gw" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id

  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.gw.id
  }
}

resource "aws_route_table_association" "public" {
  count = 2

  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public.id
}

resource "aws_security_group" "web" {
  name        = "${var.name}-web"
  description = "HTTP in, everything out"
  vpc_id      = aws_vpc.main.id

  ingress {
    description = "HTTP"
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# Rules managed one by one live on their own group: Terraform (and AutoStack) cannot mix
# inline rules and rule resources on one security group.
resource "aws_security_group" "admin" {
  name        = "${var.name}-admin"
  description = "SSH from the admin network"
  vpc_id      = aws_vpc.main.id
}

resource "aws_vpc_security_group_ingress_rule" "ssh" {
  security_group_id = aws_security_group.admin.id
  description       = "SSH from the admin network"
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_ipv4         = var.admin_cidr
}

resource "aws_vpc_security_group_egress_rule" "https" {
  security_group_id = aws_security_group.admin.id
  description       = "HTTPS to anywhere"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_key_pair" "deployer" {
  key_name   = "${var.name}-deployer"
  public_key = file("${path.module}/deployer.pub")
}

resource "aws_instance" "web" {
  count = 2

  ami                    = data.aws_ami.web.id
  instance_type          = var.instance_type
  subnet_id              = aws_subnet.public[count.index].id
  vpc_security_group_ids = [aws_security_group.web.id, aws_security_group.admin.id]
  key_name               = aws_key_pair.deployer.key_name
  user_data              = "#!/bin/sh\necho hello from ${var.name}-${count.index}\n"

  root_block_device {
    volume_size = 8
    volume_type = "gp3"
  }

  tags = {
    Name = "${var.name}-web-${count.index}"
    Role = var.role_tag
  }
}

resource "aws_ebs_volume" "data" {
  count = 2

  availability_zone = aws_instance.web[count.index].availability_zone
  size              = 10
  type              = "gp3"

  tags = {
    Name = "${var.name}-data-${count.index}"
  }
}

resource "aws_volume_attachment" "data" {
  count = 2

  device_name = "/dev/sdf"
  volume_id   = aws_ebs_volume.data[count.index].id
  instance_id = aws_instance.web[count.index].id
}

resource "aws_eip" "web" {
  domain   = "vpc"
  instance = aws_instance.web[0].id

  depends_on = [aws_internet_gateway.gw]
}

resource "aws_s3_bucket" "assets" {
  bucket        = "${var.name}-assets"
  force_destroy = true
}

resource "aws_s3_bucket_versioning" "assets" {
  bucket = aws_s3_bucket.assets.id

  versioning_configuration {
    status = "Enabled"
  }
}
