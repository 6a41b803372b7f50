# A small stack for the scheduled drift check. Anything can stand here: the check reads the
# state and asks each provider what exists now. This one needs no cloud account, so the
# example (and its test) runs anywhere; delete out/hello.txt to see a drift report.

terraform {
  # In CI the state must outlive the job: keep it in a remote backend, for example
  #   backend "s3" {
  #     bucket = "my-terraform-state"
  #     key    = "prod/terraform.tfstate"
  #     region = "us-east-1"
  #   }
}

resource "local_file" "hello" {
  filename = "${path.module}/out/hello.txt"
  content  = "Hello from AutoStack\n"
}

resource "terraform_data" "release" {
  input = "v1"
}
