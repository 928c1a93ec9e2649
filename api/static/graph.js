// Investigator neighbourhood: a small cytoscape graph coloured by risk; click a node to expand it.
(function () {
  "use strict";
  function colour(r) {
    if (r === null || r === undefined || r === "") return "#adb5bd";
    r = Number(r);
    return r >= 0.6 ? "#d9480f" : r >= 0.3 ? "#f59f00" : "#2f9e44";
  }
  async function associatesOf(id) {
    const url = "/entities/" + encodeURIComponent(id) + "/associates?depth=1&with_risk=true&limit=50";
    const resp = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    return resp.ok ? (await resp.json()).items : [];
  }
  function listItem(a) {
    const li = document.createElement("li");
    const step = a.path[a.path.length - 1];
    const role = step.rel.toLowerCase() + (step.share_pct ? " " + step.share_pct + "%" : "");
    li.className = "associate";
    li.dataset.id = a.id;
    li.textContent = (a.name || a.id) + " · " + a.type + " · " + role + (a.risk != null ? " · risk " + a.risk.toFixed(2) : "");
    return li;
  }
  function init() {
    const el = document.getElementById("graph");
    if (!el || el.dataset.ready) return;
    el.dataset.ready = "1";
    const cy = cytoscape({
      container: el,
      elements: [{ data: { id: el.dataset.id, label: el.dataset.name || el.dataset.id, risk: el.dataset.risk,
                           type: el.dataset.type } }],
      style: [
        { selector: "node", style: { "background-color": (n) => colour(n.data("risk")), label: "data(label)",
          "font-size": 9, "text-valign": "bottom", "text-margin-y": 3, width: 18, height: 18,
          "text-max-width": 90, "text-wrap": "ellipsis" } },
        { selector: "node[type = 'person']", style: { shape: "ellipse" } },
        { selector: "node[type = 'firm']", style: { shape: "round-rectangle" } },
        { selector: "node[type = 'address'], node[type = 'phone']", style: { shape: "diamond", width: 12, height: 12 } },
        { selector: "node.expanded", style: { "border-width": 2, "border-color": "#1c7ed6" } },
        { selector: "edge", style: { width: 1.2, "line-color": "#ced4da", "target-arrow-shape": "triangle",
          "target-arrow-color": "#ced4da", "curve-style": "bezier", label: "data(label)", "font-size": 7,
          color: "#868e96" } },
      ],
      layout: { name: "preset" },
      wheelSensitivity: 0.3,
    });
    window.credgraphCy = cy;
    const expanded = new Set();
    async function expand(id, isRoot) {
      if (expanded.has(id)) return;
      expanded.add(id);
      const items = await associatesOf(id);
      const list = document.getElementById("associates");
      for (const a of items) {
        if (!cy.getElementById(a.id).length) {
          cy.add({ data: { id: a.id, label: a.name || a.id, risk: a.risk, type: a.type } });
        }
        const s = a.path[a.path.length - 1];
        const eid = s.src + "|" + s.rel + "|" + s.dst;
        if (!cy.getElementById(eid).length && cy.getElementById(s.src).length && cy.getElementById(s.dst).length) {
          cy.add({ data: { id: eid, source: s.src, target: s.dst,
                           label: s.rel.toLowerCase() + (s.share_pct ? " " + s.share_pct + "%" : "") } });
        }
        if (isRoot && list) list.appendChild(listItem(a));
      }
      cy.getElementById(id).addClass("expanded");
      cy.layout({ name: "cose", animate: false, randomize: false, nodeRepulsion: () => 8000, idealEdgeLength: () => 70 }).run();
      el.dataset.expanded = String(expanded.size);
      el.dataset.nodes = String(cy.nodes().length);
    }
    cy.on("tap", "node", (evt) => expand(evt.target.id(), false));
    expand(el.dataset.id, true);
  }
  document.addEventListener("DOMContentLoaded", init);
  document.addEventListener("htmx:afterSettle", init);
})();
