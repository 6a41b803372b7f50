use super::*;

fn remote(package: &str, subdir: &str) -> ModuleSource {
    ModuleSource::Remote(RemoteSource {
        package: package.into(),
        subdir: subdir.into(),
    })
}

#[test]
fn sources_parse_as_terraform_parses_them() {
    let local = |s: &str| ModuleSource::Local(s.into());
    let cases: Vec<(&str, ModuleSource)> = vec![
        ("./child", local("./child")),
        ("./nope/../child", local("./child")),
        ("./nope/../../sibling", local("../sibling")),
        (r".\nope\..\child", local("./child")),
        (
            "github.com/hashicorp/terraform-cidr-subnets//example/foo",
            remote(
                "git::https://github.com/hashicorp/terraform-cidr-subnets.git",
                "example/foo",
            ),
        ),
        (
            "github.com/org/repo?ref=v1.2.0",
            remote("git::https://github.com/org/repo.git?ref=v1.2.0", ""),
        ),
        (
            "git://example.com/code/baz.git//bleep/bloop",
            remote("git://example.com/code/baz.git", "bleep/bloop"),
        ),
        (
            "git::https://example.com/code/baz.git//bleep/bloop?otherthing=blah",
            remote(
                "git::https://example.com/code/baz.git?otherthing=blah",
                "bleep/bloop",
            ),
        ),
        (
            "git::git@example.com:code/baz.git//bleep/bloop",
            remote("git::ssh://git@example.com/code/baz.git", "bleep/bloop"),
        ),
        (
            "git@github.com:org/repo.git?ref=v1",
            remote("git::ssh://git@github.com/org/repo.git?ref=v1", ""),
        ),
        (
            "bitbucket.org/org/repo",
            remote("git::https://bitbucket.org/org/repo.git", ""),
        ),
        (
            "www.googleapis.com/storage/v1/BUCKET_NAME/PATH/TO/module.zip",
            remote(
                "gcs::https://www.googleapis.com/storage/v1/BUCKET_NAME/PATH/TO/module.zip",
                "",
            ),
        ),
        (
            "s3-eu-west-1.amazonaws.com/examplecorp-terraform-modules/vpc.zip",
            remote(
                "s3::https://s3-eu-west-1.amazonaws.com/examplecorp-terraform-modules/vpc.zip",
                "",
            ),
        ),
        (
            "bucket.s3.eu-west-1.amazonaws.com/vpc.zip",
            remote("s3::https://s3.eu-west-1.amazonaws.com/bucket/vpc.zip", ""),
        ),
        (
            "https://example.com/module?archive=tar&checksum=blah",
            remote("https://example.com/module?archive=tar&checksum=blah", ""),
        ),
        ("/tmp/foo//example", remote("file:///tmp/foo", "example")),
        (
            "dfgdfgsd:dgfhdfghdfghdfg/dfghdfghdfg",
            remote("dfgdfgsd:dgfhdfghdfghdfg/dfghdfghdfg", ""),
        ),
        (
            "git::file:///srv/repo//sub?ref=v1.0.0",
            remote("git::file:///srv/repo?ref=v1.0.0", "sub"),
        ),
    ];
    for (input, want) in cases {
        assert_eq!(parse_module_source(input), Ok(want), "{input}");
    }
}

#[test]
fn registry_addresses_parse_and_print_with_their_host() {
    let r = parse_module_source("terraform-aws-modules/vpc/aws").unwrap();
    assert_eq!(
        r.to_string(),
        "registry.terraform.io/terraform-aws-modules/vpc/aws"
    );
    let r = parse_module_source("Example.com:1234/HashiCorp/Consul/aws//modules/x").unwrap();
    assert_eq!(
        r.to_string(),
        "example.com:1234/HashiCorp/Consul/aws//modules/x"
    );
    let ModuleSource::Registry(reg) = r else {
        panic!("not a registry address")
    };
    assert_eq!(reg.module_path(), "HashiCorp/Consul/aws");
    assert_eq!(reg.subdir, "modules/x");
    let from = RemoteSource {
        package: "git::https://x/y.git?ref=v1".into(),
        subdir: "a".into(),
    };
    let joined = ModuleSource::Remote(from.with_registry_subdir(&reg));
    assert_eq!(
        joined.to_string(),
        "git::https://x/y.git//a/modules/x?ref=v1"
    );
}

#[test]
fn remote_sources_print_with_the_subdir_before_the_query() {
    let s = parse_module_source("git::https://example.com/x.git//modules/a?ref=v2").unwrap();
    assert_eq!(
        s.to_string(),
        "git::https://example.com/x.git//modules/a?ref=v2"
    );
}

#[test]
fn bad_sources_are_refused_with_terraforms_words() {
    let err = |s: &str| parse_module_source(s).unwrap_err().to_string();
    assert_eq!(
        err("boop/bloop"),
        "AutoStack cannot detect a supported external module source type for boop/bloop"
    );
    assert_eq!(
        err("/tmp/foo//example/../../invalid"),
        "subdirectory path \"../invalid\" leads outside of the module package"
    );
    assert_eq!(
        parse_registry_source("hashicorp/subnets/cidr//../nope")
            .unwrap_err()
            .to_string(),
        "subdirectory path \"../nope\" leads outside of the module package"
    );
    assert!(parse_registry_source("github.com/a/b/c").is_err());
    assert!(parse_registry_source("---.com/HashiCorp/Consul/aws").is_err());
    assert!(err("github.com/onlyowner").contains("GitHub URLs should be"));
}

#[test]
fn paths_clean_as_go_cleans_them() {
    assert_eq!(clean_path("a/./b/../c/"), "a/c");
    assert_eq!(clean_path("../../x"), "../../x");
    assert_eq!(clean_path("/../x"), "/x");
    assert_eq!(clean_path(""), ".");
    assert_eq!(
        split_package_subdir("git::https://h/r.git//sub?ref=v1"),
        ("git::https://h/r.git?ref=v1".to_string(), "sub".to_string())
    );
    assert_eq!(
        split_package_subdir("git::file:///r?ref=v1//sub"),
        ("git::file:///r?ref=v1//sub".to_string(), String::new())
    );
}
