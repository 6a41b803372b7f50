# The cloud the module runs on: its portable resources bind to this one provider. Swap it
# for provider "google" { project = "my-project"
#                         region  = "us-central1" }
# or provider "azurerm" { features {} }.
provider "aws" {
  region = "us-east-1"
}
