//! `autostack translate`: golden outputs for every direction between the three web examples
//! (and to the portable types), the list of what was not translated and its exit status,
//! `fmt -check` on the output, and errors on bad input (file:line:col, exit 1).

mod common;

use common::Work;
use std::path::{Path, PathBuf};

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name)
}

/// A work directory holding a copy of `examples/<src>` under its own name.
fn with_example(src: &str) -> Work {
    let work = Work::new(&[]);
    copy_dir(&example(src), &work.path().join(src));
    work
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read example") {
        let p = e.expect("entry").path();
        if p.is_file() {
            std::fs::copy(&p, to.join(p.file_name().expect("name"))).expect("copy");
        }
    }
}

fn tf_files(dir: &Path) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = std::fs::read_dir(dir)
        .expect("output dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "tf"))
        .map(|p| {
            let name = p.file_name().expect("name").to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).expect("read"))
        })
        .collect();
    v.sort();
    v
}

/// Every direction: (source example, target, expected exit status).
const DIRECTIONS: &[(&str, &str, i32)] = &[
    ("aws-web", "gcp", 0),
    ("aws-web", "azure", 4),
    ("aws-web", "portable", 4),
    ("gcp-web", "aws", 4),
    ("gcp-web", "azure", 4),
    ("gcp-web", "portable", 4),
    ("azure-web", "aws", 4),
    ("azure-web", "gcp", 4),
    ("azure-web", "portable", 4),
];

/// The output of every direction equals its golden copy (`UPDATE_GOLDEN=1` rewrites them),
/// is already canonical (`fmt -check`), and the exit status says whether all was translated.
#[test]
fn every_direction_matches_its_golden_output() {
    let golden_root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/translate");
    for (src, to, code) in DIRECTIONS {
        let work = with_example(src);
        let run = work
            .run(&["translate", &format!("-to={to}"), src])
            .expect(*code);
        let out = work.path().join(format!("{src}-{to}"));
        assert!(
            run.stdout().contains(&format!("to {to} in")),
            "{}",
            run.stdout()
        );
        let got = tf_files(&out);
        assert!(got.len() >= 3, "{src} → {to}: {got:?}");
        let golden = golden_root.join(format!("{src}-to-{to}"));
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            let _ = std::fs::remove_dir_all(&golden);
            std::fs::create_dir_all(&golden).expect("mkdir golden");
            for (name, text) in &got {
                std::fs::write(golden.join(name), text).expect("write golden");
            }
        }
        assert_eq!(
            got,
            tf_files(&golden),
            "{src} → {to} differs from {}",
            golden.display()
        );
        work.run(&["fmt", "-check", "-recursive", &format!("{src}-{to}")])
            .expect(0);
        // Files the configuration reads (file("deployer.pub")) travel with it.
        for other in std::fs::read_dir(example(src)).expect("example").flatten() {
            let name = other.file_name();
            if !name.to_string_lossy().ends_with(".tf") {
                assert!(out.join(&name).exists(), "{name:?} not copied");
            }
        }
    }
}

#[test]
fn aws_to_gcp_maps_sizes_regions_references_and_variables() {
    let work = with_example("aws-web");
    work.run(&["translate", "-to=gcp", "-out=out", "aws-web"])
        .expect(0);
    let main = std::fs::read_to_string(work.path().join("out/main.tf")).expect("main.tf");
    let vars = std::fs::read_to_string(work.path().join("out/variables.tf")).expect("variables.tf");
    let outputs = std::fs::read_to_string(work.path().join("out/outputs.tf")).expect("outputs.tf");
    for want in [
        // The cost engine's equivalents rule, shown on the resource.
        "# aws_instance.web (t3.micro: 2 vCPU, 1 GiB) → e2-micro: cheapest burstable type with ≥2 vCPU, ≥1 GiB, x86_64 in us-east1 (paired with us-east-1)",
        "region: us-east1 (paired with us-east-1)".trim_start_matches("region: "),
        "subnetwork = google_compute_subnetwork.public[count.index].id",
        "disk     = google_compute_disk.data[count.index].id",
        "instance = google_compute_instance.web[count.index].id",
        "zone  = google_compute_instance.web[count.index].zone",
        "nat_ip = count.index == 0 ? google_compute_address.web.address : null",
        "# aws_internet_gateway.gw → (nothing): not written: a GCP network routes to the internet by itself",
        "target_tags = [\n    \"admin\"\n  ]",
        "data \"google_compute_image\" \"ubuntu_22_04\"",
        "variable \"project\"",
    ] {
        assert!(main.contains(want), "missing {want:?} in\n{main}");
    }
    assert!(vars.contains("default     = \"us-east1\""), "{vars}");
    assert!(vars.contains("default = \"e2-micro\""), "{vars}");
    assert!(
        outputs.contains("google_compute_instance.web[*].network_interface[0].network_ip"),
        "{outputs}"
    );
    let code = |t: &str| {
        t.lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .collect::<Vec<_>>()
            .join("\n")
    };
    for text in [&main, &outputs] {
        assert!(
            !code(text).contains("aws_"),
            "a reference was left in AWS terms:\n{text}"
        );
    }
}

/// What cannot be translated is listed on stderr and at the top of the first file, with
/// locations, and the exit status is 4; the references to it become null.
#[test]
fn untranslated_items_are_listed_with_locations_and_exit_4() {
    let work = with_example("gcp-web");
    let run = work.run(&["translate", "-to=aws", "gcp-web"]).expect(4);
    let err = run.stderr();
    assert!(
        err.contains("Warning: 2 item(s) could not be translated"),
        "{err}"
    );
    assert!(
        err.contains("gcp-web/main.tf:138:1: resource \"google_storage_bucket_object\" \"index\": google_storage_bucket_object has no translation rule"),
        "{err}"
    );
    let main = std::fs::read_to_string(work.path().join("gcp-web-aws/main.tf")).expect("main");
    assert!(
        main.starts_with("# NOT TRANSLATED (gcp → aws): 2 item(s)"),
        "{main}"
    );
    assert!(
        main.contains(
            "#   - gcp-web/main.tf:145:1: resource \"google_storage_bucket_object\" \"robots\""
        ),
        "{main}"
    );

    let work = with_example("azure-web");
    let run = work.run(&["translate", "-to=gcp", "azure-web"]).expect(4);
    assert!(
        run.stderr().contains("azure-web/outputs.tf:25:1: output \"tenant_id\": the reference to data.azurerm_client_config.current points at something not translated (written as null)"),
        "{}",
        run.stderr()
    );
    let outputs =
        std::fs::read_to_string(work.path().join("azure-web-gcp/outputs.tf")).expect("outputs");
    assert!(
        outputs.contains("output \"tenant_id\" {\n  value = null\n}"),
        "{outputs}"
    );
}

/// Portable output: the schema's types and arguments, bound to the source's provider.
#[test]
fn portable_output_has_the_portable_shape() {
    let work = with_example("aws-web");
    work.run(&["translate", "-to=portable", "-out=p", "aws-web"])
        .expect(4);
    let main = std::fs::read_to_string(work.path().join("p/main.tf")).expect("main");
    for want in [
        "resource \"portable_network\" \"main\" {\n  cidr_block = var.vpc_cidr",
        "resource \"portable_subnet\" \"public\" {\n  count      = 2\n  network_id = portable_network.main.id",
        "zone_index = count.index",
        "resource \"portable_firewall\" \"web\"",
        "ingress {\n    protocol = \"tcp\"\n    ports = [\n      \"80\"\n    ]",
        "resource \"portable_instance\" \"web\"",
        "vcpu      = 2\n  memory    = 1\n  image     = \"ubuntu-22.04\"",
        "firewall_ids = [\n    portable_firewall.web.id,\n    portable_firewall.admin.id\n  ]",
        "public_ip      = true",
        "resource \"portable_disk\" \"data\"",
        "class       = \"ssd\"\n  instance_id = portable_instance.web[count.index].id",
        "resource \"portable_bucket\" \"assets\" {\n  name          = \"${var.name}-assets\"\n  versioning    = true",
        "provider \"aws\" {",
    ] {
        assert!(main.contains(want), "missing {want:?} in\n{main}");
    }
    work.run(&["fmt", "-check", "p"]).expect(0);
}

/// The output directory is not overwritten without -force; `-out=-` prints.
#[test]
fn output_directory_rules() {
    let work = with_example("aws-web");
    work.run(&["translate", "-to=gcp", "aws-web"]).expect(0);
    let again = work.run(&["translate", "-to=gcp", "aws-web"]).expect(1);
    assert!(
        again.stderr().contains("Output directory not empty"),
        "{}",
        again.stderr()
    );
    assert!(again.stderr().contains("-force"), "{}", again.stderr());
    work.run(&["translate", "-to=gcp", "-force", "aws-web"])
        .expect(0);
    let printed = work
        .run(&["translate", "-to=gcp", "-out=-", "aws-web"])
        .expect(0);
    assert!(
        printed.stdout().contains("# ---- main.tf ----"),
        "{}",
        printed.stdout()
    );
    assert!(printed
        .stdout()
        .contains("resource \"google_compute_network\" \"main\""));
}

#[test]
fn bad_input_is_an_error_with_its_location() {
    let work = Work::new(&[(
        "bad/main.tf",
        "resource \"aws_vpc\" \"x\" {\n  cidr_block = \n}\n",
    )]);
    let run = work
        .run(&["translate", "-to=gcp", "-no-color", "bad"])
        .expect(1);
    assert!(
        run.stderr().contains("bad/main.tf line 2"),
        "{}",
        run.stderr()
    );
    assert!(!work.path().join("bad-gcp").exists());

    let work = Work::new(&[(
        "mixed/main.tf",
        "resource \"aws_vpc\" \"a\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n\nresource \"google_compute_network\" \"b\" {\n  name = \"b\"\n}\n",
    )]);
    let run = work
        .run(&["translate", "-to=azure", "-no-color", "mixed"])
        .expect(1);
    assert!(run.stderr().contains("Mixed clouds"), "{}", run.stderr());
    assert!(
        run.stderr().contains("mixed/main.tf line 5"),
        "{}",
        run.stderr()
    );

    let work = with_example("aws-web");
    let run = work
        .run(&["translate", "-to=aws", "-no-color", "aws-web"])
        .expect(1);
    assert!(
        run.stderr().contains("already written for aws"),
        "{}",
        run.stderr()
    );
    let run = work
        .run(&["translate", "-to=oracle", "-no-color", "aws-web"])
        .expect(1);
    assert!(
        run.stderr().contains("use aws, azure, gcp or portable"),
        "{}",
        run.stderr()
    );

    let work = Work::new(&[("empty/main.tf", "variable \"x\" {}\n")]);
    let run = work
        .run(&["translate", "-to=gcp", "-no-color", "empty"])
        .expect(1);
    assert!(
        run.stderr().contains("Nothing to translate"),
        "{}",
        run.stderr()
    );
}
