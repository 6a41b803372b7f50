//! Image references as hashicorp/google resolves them (`ResolveImage`): links and
//! `projects/...` names pass through; `family/f` and `global/images/family/f` are families of
//! the object's project; `p/x` and `x` name an image when one exists, else an image family.
//! Also the `google_compute_image` data source.

use crate::prelude::*;
use autostack_provider_sdk::{ActionExt, DataSource, ResourceSchema};

/// A reference that needs no lookup, as the API path the insert call takes.
pub fn image_ref(image: &str, project: &str) -> String {
    let rel = crate::wire::relative(image);
    if rel.starts_with("projects/") {
        return rel.to_string();
    }
    match image
        .strip_prefix("global/images/")
        .or(Some(image))
        .and_then(|i| i.strip_prefix("family/"))
    {
        Some(f) => format!("projects/{project}/global/images/family/{f}"),
        None => image.to_string(),
    }
}

/// The image or family `image` names (looked up for the `p/x` and `x` forms).
pub async fn resolve_image(c: &GcpClient, image: &str, project: &str) -> Result<String, GcpError> {
    let fixed = image_ref(image, project);
    if fixed.starts_with("projects/") {
        return Ok(fixed);
    }
    let (p, name) = match image.split_once('/') {
        Some((p, n)) => (p, n),
        None => (project, image),
    };
    let got = c
        .call(|| async {
            c.compute
                .images
                .get()
                .set_project(p)
                .set_image(name)
                .send()
                .await
                .gcp()
        })
        .await;
    match got {
        Ok(_) => Ok(format!("projects/{p}/global/images/{name}")),
        Err(e) if e.status == 404 => Ok(format!("projects/{p}/global/images/family/{name}")),
        Err(e) => Err(e),
    }
}

/// The `google_compute_image` data source.
pub struct DataComputeImage;

#[async_trait]
impl DataSource<GcpClient> for DataComputeImage {
    fn name(&self) -> &'static str {
        "google_compute_image"
    }

    fn schema(&self) -> ResourceSchema {
        let block = attributes! {
            "name": optional_computed(Type::String) => "The image's name.",
            "family": optional_computed(Type::String) => "The image family (its newest non-deprecated image).",
            "filter": optional(Type::String) => "A list filter; the answer must be one image unless most_recent.",
            "most_recent": optional(Type::Bool) => "With filter: the newest matching image.",
            "project": optional_computed(Type::String) => "The project holding the image.",
            "id": computed(Type::String) => "projects/{project}/global/images/{name}.",
            "self_link": computed(Type::String) => "The image's link.",
            "archive_size_bytes": computed(Type::Number) => "Size in Cloud Storage.",
            "creation_timestamp": computed(Type::String) => "Creation time.",
            "description": computed(Type::String) => "Description.",
            "disk_size_gb": computed(Type::Number) => "Minimum disk size.",
            "image_id": computed(Type::String) => "The unique identifier.",
            "image_encryption_key_sha256": computed(Type::String) => "Encryption key hash.",
            "label_fingerprint": computed(Type::String) => "Labels' fingerprint.",
            "labels": computed(Type::map(Type::String)) => "Labels.",
            "licenses": computed(Type::list(Type::String)) => "Licenses.",
            "source_disk": computed(Type::String) => "Source disk.",
            "source_disk_encryption_key_sha256": computed(Type::String) => "Source disk key hash.",
            "source_disk_id": computed(Type::String) => "Source disk ID.",
            "source_image_id": computed(Type::String) => "Source image ID.",
            "status": computed(Type::String) => "READY, PENDING, ...",
        };
        ResourceSchema { version: 0, block }
    }

    async fn read(&self, c: &GcpClient, config: &Value) -> Result<Value, Diagnostics> {
        let project = c.project_of(config).to_string();
        let image = self
            .find(c, config, &project)
            .await
            .or_diags("reading image")?;
        let link = s(&image, "selfLink");
        Ok(Obj::from(config)
            .str("id", crate::wire::relative(link))
            .str("self_link", link)
            .str("name", s(&image, "name"))
            .str("family", s(&image, "family"))
            .str("project", project.as_str())
            .set("archive_size_bytes", number(&image["archiveSizeBytes"]))
            .set("creation_timestamp", string(&image, "creationTimestamp"))
            .set("description", string(&image, "description"))
            .set("disk_size_gb", number(&image["diskSizeGb"]))
            .str("image_id", image["id"].as_str().unwrap_or_default())
            .set("label_fingerprint", string(&image, "labelFingerprint"))
            .set(
                "labels",
                autostack_provider_sdk::attrs::map_value(&crate::wire::string_map(
                    &image["labels"],
                )),
            )
            .set("licenses", string_list(strings(&image["licenses"])))
            .set("source_disk", string(&image, "sourceDisk"))
            .set("source_disk_id", string(&image, "sourceDiskId"))
            .set("source_image_id", string(&image, "sourceImageId"))
            .set("status", string(&image, "status"))
            .finish())
    }
}

impl DataComputeImage {
    async fn find(&self, c: &GcpClient, config: &Value, project: &str) -> Result<Json, GcpError> {
        if let Some(name) = nonempty_str(config, "name") {
            let img = c
                .call(|| async {
                    c.compute
                        .images
                        .get()
                        .set_project(project)
                        .set_image(name)
                        .send()
                        .await
                        .gcp()
                })
                .await?;
            return Ok(to_json(&img));
        }
        if let Some(family) = nonempty_str(config, "family") {
            let img = c
                .call(|| async {
                    c.compute
                        .images
                        .get_from_family()
                        .set_project(project)
                        .set_family(family)
                        .send()
                        .await
                        .gcp()
                })
                .await?;
            return Ok(to_json(&img));
        }
        let filter = nonempty_str(config, "filter").unwrap_or_default();
        let found: Result<Vec<Json>, GcpError> = list_all!(
            c,
            c.compute
                .images
                .list()
                .set_project(project)
                .set_filter(filter),
            "images"
        );
        let mut found = found?;
        found.sort_by(|a, b| s(a, "creationTimestamp").cmp(s(b, "creationTimestamp")));
        match (found.len(), get_bool(config, "most_recent").unwrap_or(false)) {
            (0, _) => Err(GcpError::local("notFound", format!("your filter has returned no results: {filter:?}"))),
            (1, _) | (_, true) => Ok(found.pop().unwrap_or_default()),
            (n, false) => Err(GcpError::local("invalid", format!("your filter has returned {n} images; use most_recent = true or a narrower filter"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::image_ref;

    #[test]
    fn fixed_references_need_no_lookup() {
        assert_eq!(
            image_ref(
                "https://www.googleapis.com/compute/v1/projects/debian-cloud/global/images/x",
                "p"
            ),
            "projects/debian-cloud/global/images/x"
        );
        assert_eq!(
            image_ref("family/debian-12", "p"),
            "projects/p/global/images/family/debian-12"
        );
        assert_eq!(
            image_ref("global/images/family/f", "p"),
            "projects/p/global/images/family/f"
        );
        assert_eq!(
            image_ref("debian-cloud/debian-12", "p"),
            "debian-cloud/debian-12"
        );
    }
}
