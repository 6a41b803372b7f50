// The report's behaviour: search, folding modules, jumping from the graph to a diff entry,
// and showing a resource's diff text when it is opened. Errors are counted on
// <html data-errors>, the sections' boxes written to <html data-regions> and the load time
// to <html data-load-ms>, so a headless browser can check the page without a driver.
(function () {
  "use strict";
  var root = document.documentElement;
  var errors = [];
  function fail(msg) { errors.push(String(msg)); root.setAttribute("data-errors", String(errors.length)); root.setAttribute("data-error-text", errors.join("\n")); }
  window.addEventListener("error", function (e) { fail(e.message); });
  window.addEventListener("unhandledrejection", function (e) { fail(e.reason); });
  root.setAttribute("data-errors", "0");

  var search = document.getElementById("search");
  var fold = document.getElementById("fold");
  var matches = document.getElementById("matches");
  var entries = Array.prototype.slice.call(document.querySelectorAll("#diff .res"));
  var texts = null;

  // A view kept in a <template> is put in the page the first time it is shown.
  function show(view, visible) {
    var tpl = view.querySelector("template");
    if (visible && tpl) { view.replaceChild(tpl.content.cloneNode(true), tpl); }
    view.classList.toggle("hidden", !visible);
  }

  function applySearch() {
    var q = search.value.trim().toLowerCase();
    var hits = 0;
    document.querySelectorAll("svg.graph .node").forEach(function (n) {
      var hit = q !== "" && n.getAttribute("data-name").toLowerCase().indexOf(q) >= 0;
      n.classList.toggle("dim", q !== "" && !hit);
      n.classList.toggle("hit", hit);
    });
    entries.forEach(function (d) {
      var hit = q === "" || d.getAttribute("data-name").toLowerCase().indexOf(q) >= 0;
      d.classList.toggle("hidden-by-search", !hit);
      var pre = d.nextElementSibling;
      if (pre && pre.tagName === "PRE") { pre.classList.toggle("hidden-by-search", !hit); }
      if (hit && q !== "") { hits++; }
    });
    matches.textContent = q === "" ? "" : hits + " change" + (hits === 1 ? "" : "s") + " match";
  }
  if (search) { search.addEventListener("input", applySearch); }

  if (fold) {
    fold.addEventListener("click", function () {
      var folded = fold.getAttribute("data-folded") !== "true";
      fold.setAttribute("data-folded", String(folded));
      show(document.getElementById("view-full"), !folded);
      show(document.getElementById("view-folded"), folded);
      fold.textContent = folded ? "Expand modules" : "Fold modules";
      if (search.value) { applySearch(); }
    });
  }

  // Terraform's colours by a line's leading symbol.
  var LINE = { "+": "l-add", "-": "l-del", "~": "l-upd", "-/+": "l-rep", "+/-": "l-rep", "<=": "l-read", "#": "l-note" };
  function fill(row) {
    if (row.nextElementSibling && row.nextElementSibling.tagName === "PRE") { return; }
    if (texts === null) { texts = JSON.parse(document.getElementById("diff-texts").textContent); }
    var pre = document.createElement("pre");
    (texts[Number(row.getAttribute("data-text"))] || "").split("\n").forEach(function (line) {
      var cls = LINE[line.trim().split(" ")[0]];
      var part = cls ? document.createElement("span") : document.createTextNode(line);
      if (cls) { part.className = cls; part.textContent = line; }
      pre.appendChild(part);
      pre.appendChild(document.createTextNode("\n"));
    });
    row.parentNode.insertBefore(pre, row.nextSibling);
  }
  function toggle(row, open) {
    var next = row.nextElementSibling;
    var shown = next && next.tagName === "PRE" && !next.hidden;
    if (open === undefined) { open = !shown; }
    if (open) { fill(row); row.nextElementSibling.hidden = false; } else if (next && next.tagName === "PRE") { next.hidden = true; }
    row.classList.toggle("open", open);
  }
  var diff = document.getElementById("diff");
  if (diff) {
    diff.addEventListener("click", function (e) {
      var row = e.target.closest ? e.target.closest(".res") : null;
      if (row) { toggle(row); }
    });
    diff.addEventListener("keydown", function (e) {
      var row = e.target.closest ? e.target.closest(".res") : null;
      if (row && (e.key === "Enter" || e.key === " ")) { e.preventDefault(); toggle(row); }
    });
  }

  // A node's full name and its instances' actions, as a tooltip made when first hovered.
  document.addEventListener("mouseover", function (e) {
    var node = e.target.closest ? e.target.closest("svg.graph .node") : null;
    if (!node || node.querySelector("title")) { return; }
    var title = document.createElementNS("http://www.w3.org/2000/svg", "title");
    title.textContent = node.getAttribute("data-name") + "\n" + (node.getAttribute("data-actions") || "");
    node.insertBefore(title, node.firstChild);
  });

  // Clicking a resource opens its first change in the diff.
  document.addEventListener("click", function (e) {
    var node = e.target.closest ? e.target.closest("svg.graph .node") : null;
    if (!node) { return; }
    var name = node.getAttribute("data-name");
    for (var i = 0; i < entries.length; i++) {
      var entry = entries[i].getAttribute("data-name");
      if (entry === name || entry.replace(/\[[^\]]*\]/g, "").indexOf(name) === 0) {
        toggle(entries[i], true);
        entries[i].scrollIntoView({ block: "center" });
        return;
      }
    }
  });

  function box(id) {
    var el = document.getElementById(id);
    if (!el) { return null; }
    var r = el.getBoundingClientRect();
    return { x: Math.round(r.left + window.scrollX), y: Math.round(r.top + window.scrollY), w: Math.round(r.width), h: Math.round(r.height) };
  }
  // Links into the report: #search=TEXT filters it, #resource=ADDRESS opens that change.
  function follow(hash) {
    var m = /^#(search|resource)=(.*)$/.exec(hash);
    if (!m) { return; }
    var value = decodeURIComponent(m[2]);
    if (m[1] === "search") { search.value = value; applySearch(); return; }
    entries.forEach(function (row) {
      if (row.getAttribute("data-name") === value) { toggle(row, true); row.scrollIntoView({ block: "center" }); }
    });
  }
  window.addEventListener("hashchange", function () { follow(location.hash); });

  function loaded() {
    follow(location.hash);
    root.setAttribute("data-regions", JSON.stringify({ graph: box("graph-section"), cost: box("cost"), diff: box("diff") }));
    root.setAttribute("data-load-ms", String(Math.round(performance.now())));
    root.setAttribute("data-ready", "1");
  }
  if (document.readyState === "complete") { loaded(); } else { window.addEventListener("load", loaded); }
})();
