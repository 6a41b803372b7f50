//! The images a portable instance may ask for, and what each is called on each cloud: an AMI
//! lookup (publisher account + name pattern, newest first) on AWS, an image family on
//! Compute Engine, a marketplace image reference on Azure.

/// A cloud-neutral OS image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Image {
    /// Ubuntu 22.04 LTS (Jammy).
    Ubuntu2204,
    /// Ubuntu 24.04 LTS (Noble).
    Ubuntu2404,
    /// Debian 12 (Bookworm).
    Debian12,
}

/// An AMI lookup: the publisher's account and the name pattern of its images.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AmiLookup {
    /// The publisher's AWS account (`099720109477`: Canonical; `136693071363`: Debian).
    pub owner: &'static str,
    /// The `name` filter (`*` wildcards), newest match wins.
    pub name: String,
    /// The `architecture` filter (`x86_64`, `arm64`).
    pub architecture: &'static str,
}

/// An Azure Marketplace image reference (version `latest`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarketplaceImage {
    /// Publisher (`Canonical`).
    pub publisher: &'static str,
    /// Offer (`0001-com-ubuntu-server-jammy`).
    pub offer: &'static str,
    /// SKU (`22_04-lts-gen2`).
    pub sku: &'static str,
}

const CANONICAL: &str = "099720109477";
const DEBIAN: &str = "136693071363";

impl Image {
    /// Every image, in the order errors list them.
    pub const ALL: [Image; 3] = [Image::Ubuntu2204, Image::Ubuntu2404, Image::Debian12];

    /// The portable name (`ubuntu-22.04`).
    pub fn name(self) -> &'static str {
        match self {
            Image::Ubuntu2204 => "ubuntu-22.04",
            Image::Ubuntu2404 => "ubuntu-24.04",
            Image::Debian12 => "debian-12",
        }
    }

    /// The image a portable name names.
    pub fn parse(name: &str) -> Option<Image> {
        Image::ALL.into_iter().find(|i| i.name() == name)
    }

    /// How to find it on AWS for `arch` (`x86_64` or `arm64`).
    pub fn ami(self, arch: &str) -> AmiLookup {
        let (deb, architecture) = match arch {
            "arm64" => ("arm64", "arm64"),
            _ => ("amd64", "x86_64"),
        };
        let (owner, name) = match self {
            Image::Ubuntu2204 => (
                CANONICAL,
                format!("ubuntu/images/hvm-ssd*/ubuntu-jammy-22.04-{deb}-server-*"),
            ),
            Image::Ubuntu2404 => (
                CANONICAL,
                format!("ubuntu/images/hvm-ssd*/ubuntu-noble-24.04-{deb}-server-*"),
            ),
            Image::Debian12 => (DEBIAN, format!("debian-12-{deb}-*")),
        };
        AmiLookup {
            owner,
            name,
            architecture,
        }
    }

    /// The Compute Engine image family for `arch`, as a boot disk's `image` takes it.
    pub fn gce_family(self, arch: &str) -> &'static str {
        let arm = arch == "arm64";
        match (self, arm) {
            (Image::Ubuntu2204, false) => {
                "projects/ubuntu-os-cloud/global/images/family/ubuntu-2204-lts"
            }
            (Image::Ubuntu2204, true) => {
                "projects/ubuntu-os-cloud/global/images/family/ubuntu-2204-lts-arm64"
            }
            (Image::Ubuntu2404, false) => {
                "projects/ubuntu-os-cloud/global/images/family/ubuntu-2404-lts-amd64"
            }
            (Image::Ubuntu2404, true) => {
                "projects/ubuntu-os-cloud/global/images/family/ubuntu-2404-lts-arm64"
            }
            (Image::Debian12, false) => "projects/debian-cloud/global/images/family/debian-12",
            (Image::Debian12, true) => "projects/debian-cloud/global/images/family/debian-12-arm64",
        }
    }

    /// The Azure Marketplace image for `arch`.
    pub fn azure(self, arch: &str) -> MarketplaceImage {
        let arm = arch == "arm64";
        let (publisher, offer, sku) = match (self, arm) {
            (Image::Ubuntu2204, false) => (
                "Canonical",
                "0001-com-ubuntu-server-jammy",
                "22_04-lts-gen2",
            ),
            (Image::Ubuntu2204, true) => (
                "Canonical",
                "0001-com-ubuntu-server-jammy",
                "22_04-lts-arm64",
            ),
            (Image::Ubuntu2404, false) => ("Canonical", "ubuntu-24_04-lts", "server"),
            (Image::Ubuntu2404, true) => ("Canonical", "ubuntu-24_04-lts", "server-arm64"),
            (Image::Debian12, false) => ("Debian", "debian-12", "12-gen2"),
            (Image::Debian12, true) => ("Debian", "debian-12", "12-arm64"),
        };
        MarketplaceImage {
            publisher,
            offer,
            sku,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_image_has_a_name_on_every_cloud_for_both_architectures() {
        for image in Image::ALL {
            assert_eq!(Image::parse(image.name()), Some(image));
            for arch in ["x86_64", "arm64"] {
                let ami = image.ami(arch);
                assert_eq!(ami.architecture, arch);
                assert!(ami.owner == CANONICAL || ami.owner == DEBIAN);
                let family = image.gce_family(arch);
                assert!(family.starts_with("projects/") && family.contains("/family/"));
                assert_eq!(family.ends_with("arm64"), arch == "arm64", "{family}");
                let az = image.azure(arch);
                assert_eq!(az.sku.contains("arm64"), arch == "arm64", "{az:?}");
            }
        }
        assert_eq!(Image::parse("windows-2022"), None);
    }

    #[test]
    fn the_table_names_the_publishers_images() {
        let jammy = Image::Ubuntu2204.ami("x86_64");
        assert_eq!(jammy.owner, "099720109477");
        assert_eq!(
            jammy.name,
            "ubuntu/images/hvm-ssd*/ubuntu-jammy-22.04-amd64-server-*"
        );
        assert_eq!(Image::Debian12.ami("arm64").name, "debian-12-arm64-*");
        assert_eq!(
            Image::Ubuntu2204.gce_family("x86_64"),
            "projects/ubuntu-os-cloud/global/images/family/ubuntu-2204-lts"
        );
        assert_eq!(
            Image::Ubuntu2204.azure("x86_64"),
            MarketplaceImage {
                publisher: "Canonical",
                offer: "0001-com-ubuntu-server-jammy",
                sku: "22_04-lts-gen2"
            }
        );
    }
}
