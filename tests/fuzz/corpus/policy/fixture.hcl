budget "total" {
  monthly_usd = 100
}

budget "team-web" {
  monthly_usd = 10
  tags        = { team = "web" }
}

policy "guardrails" {
  deny_gpu                  = true
  max_vcpu                  = 2
  allowed_regions           = ["us-east-1", "eastus", "us-central1"]
  required_tags             = ["team"]
  allowed_instance_families = ["t3", "e2", "B*"]
}
