//! The HTML plan report and the drawn graph, through the real binary and a real browser.

#[path = "common/browser.rs"]
mod browser;
mod common;

use common::Work;

/// `n` terraform_data resources in chains of 10, half of them in a module called twice.
fn stack(n: usize) -> Vec<(String, String)> {
    let chain = |prefix: &str, count: usize| {
        let mut s = String::new();
        for i in 0..count {
            let input = match i % 10 {
                0 => format!("\"{prefix}{i}\""),
                _ => format!("terraform_data.r{}.output", i - 1),
            };
            s.push_str(&format!(
                "resource \"terraform_data\" \"r{i}\" {{\n  input = {input}\n}}\n"
            ));
        }
        s
    };
    let root = n / 2;
    let per_module = (n - root) / 2;
    let mut main = chain("root", root);
    main.push_str("module \"a\" {\n  source = \"./m\"\n}\nmodule \"b\" {\n  source = \"./m\"\n}\n");
    vec![
        ("main.tf".into(), main),
        ("m/main.tf".into(), chain("mod", per_module)),
    ]
}

fn work(n: usize) -> Work {
    let files = stack(n);
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    Work::new(&refs)
}

fn count(hay: &str, needle: &str) -> usize {
    hay.matches(needle).count()
}

#[test]
fn plan_html_is_a_self_contained_page_of_the_plan() {
    let w = work(40);
    let r = w.run(&["plan", "-html=report.html", "-no-color"]).expect(0);
    let page = std::fs::read_to_string(w.path().join("report.html")).unwrap();
    assert!(r
        .stdout()
        .contains("Plan: 40 to add, 0 to change, 0 to destroy."));
    assert!(page.contains("Plan: 40 to add, 0 to change, 0 to destroy."));
    // Nothing is fetched: no external scripts, styles, images or fonts.
    for external in [
        "<script src",
        "<link",
        "<img",
        "url(http",
        "@import",
        "src=\"http",
    ] {
        assert!(!page.contains(external), "{external} in the page");
    }
    // 20 root resources in 2 chains; 10 in a chain in the module, called twice. Folded,
    // each call is one node.
    assert!(page.contains(r#"<svg id="graph-full" class="graph""#));
    let drawn: Vec<&str> = page
        .split("data-nodes=")
        .skip(1)
        .map(|x| &x[..22])
        .collect();
    assert!(
        page.contains(r#"data-nodes="40" data-edges="36""#),
        "full graph: {drawn:?}"
    );
    assert!(
        page.contains(r#"data-nodes="22" data-edges="18""#),
        "folded graph"
    );
    assert_eq!(count(&page, r#"<div class="res a-create""#), 40);
    assert!(page.contains(r#"data-name="module.a.terraform_data.r3""#));
    assert!(page.contains("module.b.terraform_data.r9 will be created"));
    assert!(page.contains("2 resources of no cloud") || page.contains("40 resources of no cloud"));
}

#[test]
fn show_html_draws_a_saved_plan_as_plan_html_does() {
    let w = work(20);
    w.run(&["plan", "-out=tfplan", "-html=direct.html"])
        .expect(0);
    let r = w.run(&["show", "-html", "tfplan"]).expect(0);
    let direct = std::fs::read_to_string(w.path().join("direct.html")).unwrap();
    // The page says when it was made; nothing else may differ but the title.
    let strip = |s: &str| -> String {
        let at = s.find(" · generated ").expect("a generated line");
        let end = at + s[at..].find("</p>").expect("its end");
        format!("{}{}", &s[..at], &s[end..])
    };
    let (shown, direct) = (strip(&r.stdout()), strip(&direct));
    // The title names where the plan came from; everything after the header is the same.
    let body = |s: &str| s[s.find("<section id=\"graph-section\"").unwrap()..].to_string();
    assert_eq!(body(&shown), body(&direct));
    let no_plan = w.run(&["show", "-html"]).expect(1);
    assert!(
        no_plan.stderr().contains("A plan file is required"),
        "{}",
        no_plan.stderr()
    );
}

#[test]
fn graph_keeps_dot_and_draws_svg_and_html() {
    let w = work(20);
    let dot = w.run(&["graph"]).expect(0).stdout();
    assert!(dot.starts_with("digraph G {"), "{dot}");
    assert!(
        dot.contains("\"terraform_data.r1\" -> \"terraform_data.r0\";"),
        "{dot}"
    );
    let svg = w.run(&["graph", "-format=svg"]).expect(0).stdout();
    assert!(svg.starts_with("<svg id=\"graph\""), "{svg}");
    assert!(
        svg.contains("<style>") && svg.contains(r#"data-nodes="20" data-edges="17""#),
        "{svg}"
    );
    let html = w.run(&["graph", "-format=html"]).expect(0).stdout();
    assert!(
        html.starts_with("<!DOCTYPE html>") && html.contains("<svg"),
        "{html}"
    );
    let bad = w.run(&["graph", "-format=png"]).expect(1);
    assert!(bad.stderr().contains("png"), "{}", bad.stderr());
}

#[test]
fn a_500_resource_report_renders_in_chromium_without_errors() {
    let w = work(500);
    w.run(&["plan", "-html=report.html"]).expect(0);
    let page = w.path().join("report.html");
    let (dom, took) = browser::dump_dom(&page);
    assert_eq!(
        browser::root_attr(&dom, "data-errors").as_deref(),
        Some("0"),
        "{:?}",
        browser::root_attr(&dom, "data-error-text")
    );
    assert_eq!(browser::root_attr(&dom, "data-ready").as_deref(), Some("1"));
    assert!(took.as_secs_f64() < 20.0, "loading took {took:?}");
    // A link to one change opens it with Terraform's text, coloured by symbol.
    let (linked, _) = browser::dump_dom_at(&page, "#resource=module.b.terraform_data.r7");
    let opened = &linked[linked
        .find(r#"data-name="module.b.terraform_data.r7""#)
        .unwrap()..];
    let opened = &opened[..opened.find("</pre>").expect("its text is shown")];
    assert!(opened.contains(r#"<span class="l-add">"#), "{opened}");
    assert!(
        opened.contains("+ input ") && opened.contains("(known after apply)"),
        "{opened}"
    );
    assert!(
        opened.contains("resource \"terraform_data\" \"r7\""),
        "{opened}"
    );
    let (searched, _) = browser::dump_dom_at(&page, "#search=module.a.");
    assert_eq!(count(&searched, "res a-create hidden-by-search"), 500 - 125);
    // More than 150 resource nodes: the graph opens with modules folded.
    assert!(
        dom.contains(r#"class="view hidden" id="view-full""#),
        "full view hidden"
    );
    let regions: serde_json::Value =
        serde_json::from_str(&browser::root_attr(&dom, "data-regions").unwrap()).unwrap();
    let shot = browser::screenshot(&page, 1280, 2400);
    for section in ["graph", "cost", "diff"] {
        let r = &regions[section];
        let (x, y, width, height) = (
            r["x"].as_u64(),
            r["y"].as_u64(),
            r["w"].as_u64(),
            r["h"].as_u64(),
        );
        let (x, y, width, height) = (
            x.unwrap() as u32,
            y.unwrap() as u32,
            width.unwrap() as u32,
            height.unwrap() as u32,
        );
        assert!(width > 100 && height > 50, "{section}: {r}");
        assert!(y < shot.height, "{section} below the screenshot: {r}");
        let colours = shot.colours_in(x, y, width, height.min(300));
        assert!(
            colours > 8,
            "{section} looks blank ({colours} colours): {r}"
        );
    }
}
