variable "names" {
  type    = list(string)
  default = ["a", "b", "c"]
}
variable "cfg" {
  type = object({ n = number, tags = map(string), on = optional(bool, true) })
  default = { n = 3, tags = { team = "x" } }
}
locals {
  upper   = [for n in var.names : upper(n) if n != "b"]
  byname  = { for i, n in var.names : n => i... }
  tmpl    = "%{ for n in var.names }${n}-%{ endfor }${var.cfg.n > 2 ? "big" : "small"}"
  heredoc = <<-EOT
    hello ${join(",", var.names)}
    %{ if var.cfg.on }on%{ else }off%{ endif }
  EOT
  nums    = [for x in range(5) : pow(x, 2) * 1.5]
  cidr    = cidrsubnet("10.0.0.0/16", 8, 3)
  hosts   = [cidrhost("10.0.0.0/24", 5), cidrnetmask("172.16.0.0/12")]
  enc     = base64encode(jsonencode({ a = [1, 2, { b = null }] }))
  dec     = jsondecode(base64decode(local.enc))
  yaml    = yamldecode("a: [1, 2]\nb: {c: true}\n")
  fmt     = format("%-5s|%05.2f|%t|%q", "x", 3.14159, true, "q")
  split   = split(",", "a,b,,c")
  regex   = regexall("[a-z]+([0-9]*)", "abc12 def ghi3")
  merged  = merge(var.cfg.tags, { env = "prod" }, { for k in ["z"] : k => "v" })
  flat    = flatten([[1, [2]], [], [[3]]])
  setp    = setproduct(["a", "b"], [1, 2])
  zipm    = zipmap(["a", "b"], [1, 2])
  tried   = try(local.missing, can(regex("^x", "y")), "fallback")
  sens    = sensitive("secret")
  ns      = nonsensitive(sensitive(1))
  splat   = [{ a = 1 }, { a = 2 }][*].a
  idx     = element(var.names, 7)
  lookup  = lookup({ a = 1 }, "b", 0)
  sum     = sum([1, 2.5, -3])
  dt      = formatdate("YYYY-MM-DD hh:mm", "2024-01-02T03:04:05Z")
  ta      = timeadd("2024-01-02T03:04:05Z", "36h")
  h       = [md5("x"), sha256("x"), sha512("x"), base64sha256("x")]
  conv    = tonumber("0x1F") + parseint("ff", 16)
  strs    = [trimspace("  x "), title("ab cd"), substr("hello", 1, 3), strrev("abc"), replace("a-b", "/-/", "_")]
  coll    = [distinct([1, 1, 2]), reverse([1, 2]), sort(["b", "a"]), slice([1, 2, 3], 1, 2), chunklist([1, 2, 3], 2)]
  keys    = [keys({ b = 1, a = 2 }), values({ a = 1 }), contains([1], 1), index(["a"], "a"), length("héllo")]
  uni     = [coalesce("", "x"), coalescelist([], [1]), compact(["", "a"]), alltrue([true]), anytrue([false]), one([1])]
  typed   = tolist(toset(["b", "a"]))
  mp      = tomap({ a = 1, b = "2" })
  obj     = { "quoted key" = 1, (local.cidr) = 2 }
}
output "o" {
  value     = [local.upper, local.byname, local.tmpl, local.nums, local.dec, local.yaml]
  sensitive = false
}
