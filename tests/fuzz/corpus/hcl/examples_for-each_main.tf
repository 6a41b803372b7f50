# for_each over a map, count, and references between instances.
locals {
  teams = {
    data = { size = 3 }
    web  = { size = 2 }
  }
}

resource "terraform_data" "team" {
  for_each = local.teams
  input = {
    name = each.key
    size = each.value.size
  }
}

resource "terraform_data" "member" {
  count = sum([for t in values(local.teams) : t.size])
  input = "member-${count.index}"
}

output "team_ids" {
  value = { for k, t in terraform_data.team : k => t.id }
}

output "members" {
  value = length(terraform_data.member)
}
