// The report's behaviour: search, folding modules, jumping from the graph to a diff entry.
// Errors are counted on <html data-errors> and the sections' boxes written to
// <html data-regions>, so a headless browser can check the page without a driver.
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
  var nodes = Array.prototype.slice.call(document.querySelectorAll("svg.graph .node"));
  var entries = Array.prototype.slice.call(document.querySelectorAll("details.res"));

  function applySearch() {
    var q = search.value.trim().toLowerCase();
    var hits = 0;
    nodes.forEach(function (n) {
      var hit = q !== "" && n.getAttribute("data-name").toLowerCase().indexOf(q) >= 0;
      n.classList.toggle("dim", q !== "" && !hit);
      n.classList.toggle("hit", hit);
    });
    entries.forEach(function (d) {
      var hit = q === "" || d.getAttribute("data-name").toLowerCase().indexOf(q) >= 0;
      d.classList.toggle("hidden-by-search", !hit);
      if (hit && q !== "") { hits++; }
    });
    matches.textContent = q === "" ? "" : hits + " change" + (hits === 1 ? "" : "s") + " match";
  }
  if (search) { search.addEventListener("input", applySearch); }

  if (fold) {
    fold.addEventListener("click", function () {
      var folded = fold.getAttribute("data-folded") !== "true";
      fold.setAttribute("data-folded", String(folded));
      document.getElementById("view-full").classList.toggle("hidden", folded);
      document.getElementById("view-folded").classList.toggle("hidden", !folded);
      fold.textContent = folded ? "Expand modules" : "Fold modules";
    });
  }

  // Clicking a resource opens its first change in the diff.
  document.addEventListener("click", function (e) {
    var node = e.target.closest ? e.target.closest("svg.graph .node") : null;
    if (!node) { return; }
    var name = node.getAttribute("data-name");
    for (var i = 0; i < entries.length; i++) {
      var entry = entries[i].getAttribute("data-name");
      if (entry === name || entry.indexOf(name + "[") === 0 || entry.replace(/\[[^\]]*\]/g, "").indexOf(name) === 0) {
        entries[i].open = true;
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
  function regions() {
    root.setAttribute("data-regions", JSON.stringify({ graph: box("graph-section"), cost: box("cost"), diff: box("diff") }));
    root.setAttribute("data-ready", "1");
  }
  if (document.readyState === "complete") { regions(); } else { window.addEventListener("load", regions); }
})();
