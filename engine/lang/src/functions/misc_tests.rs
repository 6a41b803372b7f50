//! Encoding, crypto, IP network, date/time and path function cases; expected outputs are
//! `terraform console` v1.11's.

use crate::functions::testkit::check_table;

#[test]
fn encoding_crypto_network_time_path_functions_match_terraform() {
    check_table(&[
        ("jsonencode({b=[1,\"x\",true,null], a={\"<&>\"=\"\\u2028\"}})", "\"{\\\"a\\\":{\\\"\\\\u003c\\\\u0026\\\\u003e\\\":\\\"\\\\u2028\\\"},\\\"b\\\":[1,\\\"x\\\",true,null]}\""),
        ("jsonencode(1.5)", "\"1.5\""),
        ("jsonencode(\"a\\\"b\\\\c\\n\")", "\"\\\"a\\\\\\\"b\\\\\\\\c\\\\n\\\"\""),
        ("jsonencode(tolist([]))", "\"[]\""),
        ("jsonencode({})", "\"{}\""),
        ("jsonencode(1e21)", "\"1000000000000000000000\""),
        ("jsonencode(toset([\"b\",\"a\"]))", "\"[\\\"a\\\",\\\"b\\\"]\""),
        ("jsondecode(\"{\\\"a\\\":[1,2.5,true,null,\\\"x\\\"],\\\"b\\\":{}}\")", "{\n  \"a\" = [\n    1,\n    2.5,\n    true,\n    null,\n    \"x\",\n  ]\n  \"b\" = {}\n}"),
        ("jsondecode(\"12345678901234567890123\")", "12345678901234567890123"),
        ("jsondecode(\"[]\")", "[]"),
        ("jsondecode(\"\")", "error: Call to function \"jsondecode\" failed: EOF."),
        ("jsondecode(\"{\\\"a\\\":1} x\")", "error: Call to function \"jsondecode\" failed: extraneous data after JSON object."),
        ("base64encode(\"hello\")", "\"aGVsbG8=\""),
        ("base64encode(\"\")", "\"\""),
        ("base64encode(\"é\")", "\"w6k=\""),
        ("base64decode(\"aGVsbG8=\")", "\"hello\""),
        ("base64decode(\"aGVsbG8\")", "error: Call to function \"base64decode\" failed: failed to decode base64 data \"aGVsbG8\"."),
        ("base64decode(\"@@@@\")", "error: Call to function \"base64decode\" failed: failed to decode base64 data \"@@@@\"."),
        ("base64decode(\"/w==\")", "error: Call to function \"base64decode\" failed: the result of decoding the provided string is not valid UTF-8."),
        ("base64gzip(\"hello\")", "\"H4sIAAAAAAAA/8pIzcnJBwAAAP//AQAA//+GphA2BQAAAA==\""),
        ("urlencode(\"a b&c=d/é~\")", "\"a+b%26c%3Dd%2F%C3%A9~\""),
        ("csvdecode(\"a,b\\n1,2\\n3,4\\n\")", "tolist([\n  {\n    \"a\" = \"1\"\n    \"b\" = \"2\"\n  },\n  {\n    \"a\" = \"3\"\n    \"b\" = \"4\"\n  },\n])"),
        ("csvdecode(\"a,b\\n1\\n\")", "error: Call to function \"csvdecode\" failed: CSV parse error on line 2: wrong number of fields."),
        ("csvdecode(\"\")", "error: Call to function \"csvdecode\" failed: missing header line."),
        ("textencodebase64(\"hi\", \"UTF-16LE\")", "\"aABpAA==\""),
        ("textencodebase64(\"hi\", \"bogus\")", "error: Invalid value for \"encoding\" parameter: \"bogus\" is not a supported IANA encoding name or alias in this Terraform version."),
        ("textdecodebase64(\"aABpAA==\", \"UTF-16LE\")", "\"hi\""),
        ("yamldecode(\"a: 1\\nb: [x, true, null, 1.5]\\nc: {d: e}\\n\")", "{\n  \"a\" = 1\n  \"b\" = [\n    \"x\",\n    true,\n    null,\n    1.5,\n  ]\n  \"c\" = {\n    \"d\" = \"e\"\n  }\n}"),
        ("yamldecode(\"- 1\\n- two\\n\")", "[\n  1,\n  \"two\",\n]"),
        ("yamldecode(\"\")", "error: Call to function \"yamldecode\" failed: on line 1, column 1: missing start of document."),
        ("yamlencode({a=1, b=[\"x\", true, null], c={d=\"e\"}, e=\"multi\\nline\"})", "<<EOT\n\"a\": 1\n\"b\":\n- \"x\"\n- true\n- null\n\"c\":\n  \"d\": \"e\"\n\"e\": |-\n  multi\n  line\n\nEOT"),
        ("yamlencode(\"x\")", "<<EOT\n\"x\"\n\nEOT"),
        ("yamlencode([])", "<<EOT\n[]\n\nEOT"),
        ("md5(\"hello\")", "\"5d41402abc4b2a76b9719d911017c592\""),
        ("sha1(\"hello\")", "\"aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d\""),
        ("sha256(\"hello\")", "\"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824\""),
        ("sha512(\"hello\")", "\"9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043\""),
        ("base64sha256(\"hello\")", "\"LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=\""),
        ("base64sha512(\"hello\")", "\"m3HSJL1i83hdltRq0+o9czGb+8KJDKra4t/3JRlnPKcjI8PZm6XBHXx6zG4UuMXaDEZjR1wuXDre9G9zvN7AQw==\""),
        ("uuidv5(\"dns\", \"example.com\")", "\"cfbff0d1-9375-5685-968c-48ce8b15ae17\""),
        ("uuidv5(\"url\", \"https://x\")", "\"48d34be5-10a3-5c30-96ef-9cf9a60110f2\""),
        ("uuidv5(\"6ba7b810-9dad-11d1-80b4-00c04fd430c8\", \"a\")", "\"4f3f2898-69e3-5a0d-820a-c4e87987dbce\""),
        ("uuidv5(\"bogus\", \"a\")", "error: Call to function \"uuidv5\" failed: uuidv5() doesn't support namespace bogus (invalid UUID length: 5)."),
        ("cidrhost(\"10.12.112.0/20\", 16)", "\"10.12.112.16\""),
        ("cidrhost(\"10.12.112.0/20\", -1)", "\"10.12.127.255\""),
        ("cidrhost(\"10.12.112.0/20\", 268)", "\"10.12.113.12\""),
        ("cidrhost(\"fd00:fd12:3456:7890::/56\", 16)", "\"fd00:fd12:3456:7800::10\""),
        ("cidrhost(\"10.0.0.0/8\", 99999999)", "error: Call to function \"cidrhost\" failed: prefix of 8 does not accommodate a host numbered 99999999."),
        ("cidrnetmask(\"172.16.0.0/12\")", "\"255.240.0.0\""),
        ("cidrnetmask(\"fd00::/56\")", "error: Call to function \"cidrnetmask\" failed: IPv6 addresses cannot have a netmask: fd00::/56."),
        ("cidrsubnet(\"172.16.0.0/12\", 4, 2)", "\"172.18.0.0/16\""),
        ("cidrsubnet(\"10.1.2.0/24\", 4, 15)", "\"10.1.2.240/28\""),
        ("cidrsubnet(\"fd00:fd12:3456:7890::/56\", 16, 162)", "\"fd00:fd12:3456:7800:a200::/72\""),
        ("cidrsubnet(\"10.0.0.0/24\", 9, 1)", "error: Call to function \"cidrsubnet\" failed: insufficient address space to extend prefix of 24 by 9."),
        ("cidrsubnet(\"10.0.0.0/24\", 4, 16)", "error: Call to function \"cidrsubnet\" failed: prefix extension of 4 does not accommodate a subnet numbered 16."),
        ("cidrsubnet(\"nope\", 4, 1)", "error: Call to function \"cidrsubnet\" failed: invalid CIDR expression: invalid CIDR address: nope."),
        ("cidrsubnets(\"10.1.0.0/16\", 4, 4, 8, 4)", "tolist([\n  \"10.1.0.0/20\",\n  \"10.1.16.0/20\",\n  \"10.1.32.0/24\",\n  \"10.1.48.0/20\",\n])"),
        ("cidrsubnets(\"fd00:fd12:3456:7890::/56\", 16, 16, 16, 32)", "tolist([\n  \"fd00:fd12:3456:7800::/72\",\n  \"fd00:fd12:3456:7800:100::/72\",\n  \"fd00:fd12:3456:7800:200::/72\",\n  \"fd00:fd12:3456:7800:300::/88\",\n])"),
        ("cidrsubnets(\"10.0.0.0/30\", 1, 1, 1)", "error: Invalid value for \"newbits\" parameter: not enough remaining address space for a subnet with a prefix of 31 bits after 10.0.0.2/31."),
        ("formatdate(\"DD MMM YYYY hh:mm ZZZ\", \"2018-01-02T23:12:01Z\")", "\"02 Jan 2018 23:12 UTC\""),
        ("formatdate(\"EEEE, DD-MMM-YY hh:mm:ss ZZZ\", \"2018-01-02T23:12:01-08:00\")", "\"Tuesday, 02-Jan-18 23:12:01 -0800\""),
        ("formatdate(\"h:mm AA\", \"2018-01-02T23:12:01Z\")", "\"23:12 PM\""),
        ("formatdate(\"'Day' D, M/YY\", \"2018-01-02T23:12:01Z\")", "\"Day 2, 1/18\""),
        ("formatdate(\"YYYY\", \"nope\")", "error: Invalid value for \"time\" parameter: not a valid RFC3339 timestamp: cannot use \"nope\" as year."),
        ("formatdate(\"ZZZZZ ZZZZ Z\", \"2018-01-02T23:12:01+05:30\")", "\"+05:30 +0530 +05:30\""),
        ("formatdate(\"aa A\", \"2018-01-02T09:12:01Z\")", "error: Invalid value for \"format\" parameter: invalid date format verb \"A\": must be \"AA\"."),
        ("timeadd(\"2017-11-22T00:00:00Z\", \"10m\")", "\"2017-11-22T00:10:00Z\""),
        ("timeadd(\"2017-11-22T00:00:00Z\", \"-1h30m\")", "\"2017-11-21T22:30:00Z\""),
        ("timeadd(\"2017-11-22T00:00:00Z\", \"1.5h\")", "\"2017-11-22T01:30:00Z\""),
        ("timeadd(\"2017-11-22T00:00:00Z\", \"1d\")", "error: Call to function \"timeadd\" failed: time: unknown unit \"d\" in duration \"1d\"."),
        ("timecmp(\"2017-11-22T00:00:00Z\", \"2017-11-22T01:00:00+01:00\")", "0"),
        ("timecmp(\"2017-11-22T00:00:00Z\", \"2017-11-23T00:00:00Z\")", "-1"),
        ("timecmp(\"x\", \"2017-11-23T00:00:00Z\")", "error: Invalid value for \"timestamp_a\" parameter: not a valid RFC3339 timestamp: cannot use \"x\" as year."),
        ("basename(\"/a/b/c.txt\")", "\"c.txt\""),
        ("basename(\"\")", "\".\""),
        ("dirname(\"/a/b/c.txt\")", "\"/a/b\""),
        ("dirname(\"c.txt\")", "\".\""),
        ("dirname(\"\")", "\".\""),
        ("pathexpand(\"~/x\")", "\"/root/x\""),
        ("pathexpand(\"/abs\")", "\"/abs\""),
        ("abspath(\"/a/../b\")", "\"/b\""),
    ]);
}

#[test]
fn parse_errors_are_errors() {
    // The messages come from our JSON and YAML parsers, not Go's, so only the fact of the
    // error (and its function prefix) is pinned here.
    for expr in [
        "jsondecode(\"nope\")",
        "yamldecode(\"a: [\")",
        "jsondecode(\"[1,\")",
    ] {
        let err = crate::console::eval_line(expr).expect_err(expr);
        assert!(
            err.iter().any(|d| d.summary == "Error in function call"),
            "{expr}: {err}"
        );
    }
}

/// `yamlencode` as go-yaml emits it: "..." after a plain scalar at the root, block scalars
/// two columns in from their sequence or mapping, `|+` keeping exactly the trailing breaks.
#[test]
fn yamlencode_documents_match_terraform() {
    check_table(&[
        ("jsonencode(yamlencode(\"a\\n\\n\"))", "\"\\\"|+\\\\n  a\\\\n\\\\n\\\"\""),
        ("jsonencode(yamlencode(\"a\\n\"))", "\"\\\"|\\\\n  a\\\\n\\\"\""),
        ("jsonencode(yamlencode([\"a\\n\\n\"]))", "\"\\\"- |+\\\\n  a\\\\n\\\\n\\\"\""),
        ("jsonencode(yamlencode([\"a\\n\\n\", 1]))", "\"\\\"- |+\\\\n  a\\\\n\\\\n- 1\\\\n\\\"\""),
        ("jsonencode(yamlencode({a = \"x\\n\\n\"}))", "\"\\\"\\\\\\\"a\\\\\\\": |+\\\\n  x\\\\n\\\\n\\\"\""),
        ("jsonencode(yamlencode([1]))", "\"\\\"- 1\\\\n\\\"\""),
        ("jsonencode(yamlencode({a = null}))", "\"\\\"\\\\\\\"a\\\\\\\": null\\\\n\\\"\""),
        ("jsonencode(yamlencode(-1.5e-7))", "\"\\\"-0.00000015\\\\n...\\\\n\\\"\""),
        ("jsonencode(yamlencode(tonumber(null)))", "\"\\\"null\\\\n...\\\\n\\\"\""),
        ("jsonencode(yamlencode([[\"a\\n\"]]))", "\"\\\"- - |\\\\n    a\\\\n\\\"\""),
        ("jsonencode(yamlencode({a = [\"x\\ny\"]}))", "\"\\\"\\\\\\\"a\\\\\\\":\\\\n- |-\\\\n  x\\\\n  y\\\\n\\\"\""),
        ("jsonencode(yamlencode({a = {b = \"x\\ny\"}}))", "\"\\\"\\\\\\\"a\\\\\\\":\\\\n  \\\\\\\"b\\\\\\\": |-\\\\n    x\\\\n    y\\\\n\\\"\""),
        ("jsonencode(yamlencode([{a = \"x\\ny\"}]))", "\"\\\"- \\\\\\\"a\\\\\\\": |-\\\\n    x\\\\n    y\\\\n\\\"\""),
        ("jsonencode(yamlencode([\"x\\ny\"]))", "\"\\\"- |-\\\\n  x\\\\n  y\\\\n\\\"\""),
        ("jsonencode(yamlencode(1))", "\"\\\"1\\\\n...\\\\n\\\"\""),
        ("jsonencode(yamlencode(true))", "\"\\\"true\\\\n...\\\\n\\\"\""),
        ("jsonencode(yamlencode({a = [1, [2, [3, {b = \"x\\ny\"}]], {c = [], d = {}}], e = {f = [[]]}}))", "\"\\\"\\\\\\\"a\\\\\\\":\\\\n- 1\\\\n- - 2\\\\n  - - 3\\\\n    - \\\\\\\"b\\\\\\\": |-\\\\n        x\\\\n        y\\\\n- \\\\\\\"c\\\\\\\": []\\\\n  \\\\\\\"d\\\\\\\": {}\\\\n\\\\\\\"e\\\\\\\":\\\\n  \\\\\\\"f\\\\\\\":\\\\n  - []\\\\n\\\"\""),
        ("jsonencode(yamlencode([[[1]], [{a = [1]}]]))", "\"\\\"- - - 1\\\\n- - \\\\\\\"a\\\\\\\":\\\\n    - 1\\\\n\\\"\""),
        ("jsonencode(yamlencode({a = [\"x\\n\\n\"], b = \"y\\n\"}))", "\"\\\"\\\\\\\"a\\\\\\\":\\\\n- |+\\\\n  x\\\\n\\\\n\\\\\\\"b\\\\\\\": |\\\\n  y\\\\n\\\"\""),
        ("jsonencode(yamlencode([null, true, 1.5, \"s\"]))", "\"\\\"- null\\\\n- true\\\\n- 1.5\\\\n- \\\\\\\"s\\\\\\\"\\\\n\\\"\""),
        ("jsonencode(yamlencode(\"\"))", "\"\\\"\\\\\\\"\\\\\\\"\\\\n\\\"\""),
        ("jsonencode(yamlencode(\"a\"))", "\"\\\"\\\\\\\"a\\\\\\\"\\\\n\\\"\""),
        ("jsonencode(yamlencode([]))", "\"\\\"[]\\\\n\\\"\""),
    ]);
}

/// `timeadd` prints whole seconds (Go's `time.RFC3339` truncates any fraction) and parses
/// durations as Go's `time.ParseDuration`, float-scaled fractions and overflow included.
#[test]
fn timeadd_sub_second_durations_match_terraform() {
    check_table(&[
        ("timeadd(\"2024-01-01T00:00:00Z\", \"1.5s\")", "\"2024-01-01T00:00:01Z\""),
        ("timeadd(\"2024-01-01T00:00:00Z\", \"500ms\")", "\"2024-01-01T00:00:00Z\""),
        ("timeadd(\"2024-01-01T00:00:00Z\", \"1us\")", "\"2024-01-01T00:00:00Z\""),
        ("timeadd(\"2024-01-01T00:00:00Z\", \"1ns\")", "\"2024-01-01T00:00:00Z\""),
        ("timeadd(\"2024-01-01T00:00:00.5Z\", \"0.25s\")", "\"2024-01-01T00:00:00Z\""),
        ("timeadd(\"2024-01-01T00:00:00Z\", \"-1.5s\")", "\"2023-12-31T23:59:58Z\""),
        ("timeadd(\"2024-01-01T00:00:00.123456789Z\", \"1h\")", "\"2024-01-01T01:00:00Z\""),
        ("timeadd(\"2024-01-01T00:00:00Z\", \"1.000000001s\")", "\"2024-01-01T00:00:01Z\""),
        ("timeadd(\"2024-01-01T00:00:00Z\", \"1h1.5m\")", "\"2024-01-01T01:01:30Z\""),
        ("timeadd(\"2024-01-01T00:00:00+02:00\", \"1.5s\")", "\"2024-01-01T00:00:01+02:00\""),
        ("timeadd(\"2024-01-01T00:00:00Z\", \"0.9999999999s\")", "\"2024-01-01T00:00:00Z\""),
        ("timeadd(\"2024-01-01T00:00:00Z\", \"0.99999999999999999999999s\")", "\"2024-01-01T00:00:01Z\""),
        ("timeadd(\"2024-01-01T00:00:00Z\", \"1.5h\")", "\"2024-01-01T01:30:00Z\""),
        ("timeadd(\"2024-01-01T00:00:00Z\", \".5m\")", "\"2024-01-01T00:00:30Z\""),
        ("timeadd(\"2024-01-01T00:00:00Z\", \"1.m\")", "\"2024-01-01T00:01:00Z\""),
        ("timeadd(\"2024-01-01T00:00:00Z\", \".s\")", "error: Call to function \"timeadd\" failed: time: invalid duration \".s\"."),
        ("timeadd(\"2024-01-01T00:00:00Z\", \"1\")", "error: Call to function \"timeadd\" failed: time: missing unit in duration \"1\"."),
        ("timeadd(\"2024-01-01T00:00:00Z\", \"1d\")", "error: Call to function \"timeadd\" failed: time: unknown unit \"d\" in duration \"1d\"."),
        ("timeadd(\"2024-01-01T00:00:00Z\", \"9999999999999999999ns\")", "error: Call to function \"timeadd\" failed: time: invalid duration \"9999999999999999999ns\"."),
        ("timeadd(\"2024-01-01T00:00:00Z\", \"2562047h\")", "\"2316-04-11T23:00:00Z\""),
        ("timeadd(\"2024-01-01T00:00:00Z\", \"-2562047h\")", "\"1731-09-22T01:00:00Z\""),
        ("timeadd(\"2024-01-01T00:00:00Z\", \"+1s\")", "\"2024-01-01T00:00:01Z\""),
        ("timeadd(\"2024-01-01T00:00:00Z\", \"-0\")", "\"2024-01-01T00:00:00Z\""),
        ("timeadd(\"2024-01-01T00:00:00Z\", \"\")", "error: Call to function \"timeadd\" failed: time: invalid duration \"\"."),
        ("timeadd(\"2024-01-01T00:00:00Z\", \"1µs\")", "\"2024-01-01T00:00:00Z\""),
        ("timeadd(\"2024-01-01T00:00:00+00:00\", \"1s\")", "\"2024-01-01T00:00:01Z\""),
        ("timeadd(\"2024-01-01T00:00:00.999Z\", \"0s\")", "\"2024-01-01T00:00:00Z\""),
        ("timeadd(\"2024-01-01T00:00:00Z\", \"-0.5s\")", "\"2023-12-31T23:59:59Z\""),
    ]);
}
