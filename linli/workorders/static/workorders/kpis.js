/* Work-order KPI pages: ECharts charts from the page's JSON, and a Leaflet map of the
 * region's grids (or child regions) shaded by open orders, outlined red where orders are
 * overdue. Polygons come from the territory's map.geojson; they show without tiles. */
(function () {
  "use strict";

  var gcj = window.LinliGeo.wgs84ToGcj02;  // static/js/geo.js
  function mapCoords(c, fn) { return typeof c[0] === "number" ? fn(c[0], c[1]) : c.map(function (x) { return mapCoords(x, fn); }); }
  function text(v) { var s = document.createElement("span"); s.textContent = v == null ? "" : String(v); return s.innerHTML; }
  function json(id) { var el = document.getElementById(id); return el ? JSON.parse(el.textContent) : null; }

  var RED = "#c8102e", BLUE = "#0b5cad", GREY = "#8a8f98";

  function chart(el, option) {
    var c = echarts.init(el);
    c.setOption(option);
    window.addEventListener("resize", function () { c.resize(); });
    el.dataset.ready = "1";
  }

  function drawCharts() {
    var data = json("kpi-charts"), labels = json("kpi-labels") || {};
    if (!data || !window.echarts) return;
    var empty = { title: { text: labels.no_data, left: "center", top: "middle", textStyle: { color: GREY, fontSize: 14 } } };
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var key = el.dataset.chart, rows = data[key] || [];
      if (!rows.length) { chart(el, empty); return; }
      if (key === "trend") {
        var x = rows.map(function (r) { return r.bucket; });
        chart(el, {
          tooltip: { trigger: "axis" }, legend: { bottom: 0 }, grid: { left: 48, right: 16, top: 16, bottom: 48 },
          xAxis: { type: "category", data: x }, yAxis: { type: "value", minInterval: 1 },
          series: [["reported", BLUE], ["closed", "#2e7d32"], ["overdue", RED]].map(function (s) {
            return { name: labels[s[0]], type: "line", smooth: true, color: s[1], data: rows.map(function (r) { return r[s[0]] || 0; }) };
          }),
        });
      } else if (key === "majors") {
        var sorted = rows.slice().sort(function (a, b) { return a.value - b.value; });
        chart(el, {
          tooltip: {}, grid: { left: 140, right: 24, top: 8, bottom: 24 },
          xAxis: { type: "value", minInterval: 1 },
          yAxis: { type: "category", data: sorted.map(function (r) { return r.name; }) },
          series: [{ type: "bar", color: RED, data: sorted.map(function (r) { return r.value; }) }],
        });
      } else {
        chart(el, {
          tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
          series: [{ type: "pie", radius: ["35%", "65%"], data: rows, label: { formatter: "{b}\n{c}" } }],
        });
      }
    });
  }

  function shade(open, max) {
    if (!open) return 0.05;
    return 0.15 + 0.6 * Math.sqrt(open / Math.max(max, 1));
  }

  function drawMap() {
    var el = document.querySelector("[data-kpi-map]");
    if (!el || !window.L) return;
    var cfg = json(el.dataset.kpiMap);
    var project = cfg.crs === "gcj02" ? gcj : function (lng, lat) { return [lng, lat]; };
    var map = L.map(el, { zoomSnap: 0.25, scrollWheelZoom: false });
    map.attributionControl.setPrefix(false);
    if (cfg.tiles) L.tileLayer(cfg.tiles, { subdomains: cfg.subdomains || "abc", attribution: cfg.attribution, maxZoom: 18 }).addTo(map);
    var counts = cfg.counts || {}, max = 0;
    Object.keys(counts).forEach(function (k) { max = Math.max(max, counts[k].open); });
    fetch(cfg.source, { headers: { Accept: "application/geo+json, application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { features: [] }; })
      .catch(function () { return { features: [] }; })
      .then(function (data) {
        var shapes = L.featureGroup().addTo(map), n = 0;
        var few = (data.features || []).length <= 60;
        (data.features || []).forEach(function (f) {
          if (!f.geometry || f.geometry.type === "Point") return;
          var p = f.properties || {}, c = counts[p.code] || { open: 0, overdue: 0 };
          var g = { type: f.geometry.type, coordinates: mapCoords(f.geometry.coordinates, project) };
          L.geoJSON({ type: "Feature", geometry: g, properties: p }, {
            style: function () {
              return { color: c.overdue ? RED : BLUE, weight: c.overdue ? 3 : 1, fillColor: c.overdue ? RED : BLUE, fillOpacity: shade(c.open, max) };
            },
            onEachFeature: function (_f, layer) {
              // Names on the map (while they fit); the figures on a tap, which phones have.
              layer.bindPopup("<strong>" + text(p.name) + "</strong><br>" + text(el.dataset.labelOpen) + " " + c.open + "<br>" + text(el.dataset.labelOverdue) + " " + c.overdue);
              if (p.name) layer.bindTooltip(text(p.name), { permanent: few, direction: "center", className: "map-label" });
            },
          }).addTo(shapes);
          n += 1;
        });
        var b = shapes.getBounds();
        map.on("zoomend", function () { window.LinliGeo.fitLabels(map, shapes); });
        if (b.isValid()) {
          map.fitBounds(b, { padding: [16, 16], maxZoom: 17 });
          window.LinliGeo.fitLabels(map, shapes);
        } else {
          map.setView([35.75, 114.3], 11);
          var note = document.createElement("p");
          note.className = "map-empty";
          note.textContent = el.dataset.emptyText;
          el.appendChild(note);
        }
        el.dataset.features = String(n);
      });
  }

  function init() { drawCharts(); drawMap(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
