# The one line that decides the cloud. Swap the block for one of the others:
#
#   provider "google" {
#     project = "my-project"
#     region  = "us-central1"
#   }
#
#   provider "azurerm" {   # no region here: ARM_LOCATION, else eastus (README, "Portable resources")
#     features {}
#   }
provider "aws" {
  region = "us-east-1"
}
