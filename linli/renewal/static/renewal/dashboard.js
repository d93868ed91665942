/* Renovation dashboard: ECharts charts and a Leaflet map from the figures the page carries
 * (json_script "renewal-charts"); labels come translated from the server. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("renewal-charts").textContent);
  var L10N = JSON.parse(document.getElementById("renewal-labels").textContent);
  var RED = "#c8102e", BLUE = "#2f6fb3", GREEN = "#2e9d52", GOLD = "#d4a017", GREY = "#9aa4ae";
  var STAGE_COLOURS = { surveyed: GREY, planned: BLUE, started: GOLD, completed: GREEN, accepted: "#116b8c" };
  var charts = [];

  function chart(id, option) {
    var el = document.getElementById(id);
    if (!el || typeof echarts === "undefined") return;
    var c = echarts.init(el, null, { renderer: "canvas" });
    c.setOption(option);
    charts.push(c);
  }

  var font = { fontFamily: getComputedStyle(document.body).fontFamily };
  var narrow = window.innerWidth < 700;
  // Years with projects only: alley cohorts of later years have no estates to chart.
  var years = data.years.filter(function (y) { return y.projects > 0; });
  var grid = { left: 48, right: 48, top: 40, bottom: 40, containLabel: true };

  chart("chart-districts", {
    textStyle: font, grid: grid, tooltip: { trigger: "axis" },
    legend: { top: 0, data: [L10N.started, L10N.completed] },
    xAxis: { type: "category", data: data.districts.map(function (d) { return d.name; }), axisLabel: { interval: 0, rotate: narrow ? 40 : 0 } },
    yAxis: { type: "value", name: L10N.estates },
    series: [
      { name: L10N.started, type: "bar", data: data.districts.map(function (d) { return d.estates_started; }), itemStyle: { color: RED }, label: { show: true, position: "top" } },
      { name: L10N.completed, type: "bar", data: data.districts.map(function (d) { return d.estates_completed; }), itemStyle: { color: GREEN }, label: { show: true, position: "top" } }
    ]
  });

  chart("chart-stages", {
    textStyle: font, tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
    legend: { bottom: 0 },
    series: [{
      type: "pie", radius: ["38%", "66%"], center: ["50%", "45%"],
      label: { show: !narrow, formatter: "{b}\n{c}" },
      data: data.stages.filter(function (s) { return s.estates > 0; }).map(function (s) {
        return { name: s.label, value: s.estates, itemStyle: { color: STAGE_COLOURS[s.stage] } };
      })
    }]
  });

  chart("chart-years", {
    textStyle: font, grid: grid, tooltip: { trigger: "axis" },
    legend: { top: 0, data: [L10N.started, L10N.completed, L10N.investment] },
    xAxis: { type: "category", data: years.map(function (y) { return String(y.year); }) },
    yAxis: [{ type: "value", name: L10N.estates }, { type: "value", name: L10N.investment, splitLine: { show: false } }],
    series: [
      { name: L10N.started, type: "bar", data: years.map(function (y) { return y.estates_started; }), itemStyle: { color: RED } },
      { name: L10N.completed, type: "bar", data: years.map(function (y) { return y.estates_completed; }), itemStyle: { color: GREEN } },
      { name: L10N.investment, type: "line", yAxisIndex: 1, smooth: true, itemStyle: { color: BLUE },
        data: years.map(function (y) { return y.projects ? Math.round(y.investment_yuan / 1e6) / 100 : null; }) }
    ]
  });

  function drawMap() {
    var el = document.getElementById("renewal-map");
    if (!el || typeof L === "undefined") return;
    var cfg = document.getElementById("renewal-map-config").dataset;
    var map = L.map(el, { preferCanvas: true, attributionControl: true });
    if (cfg.tileUrl) {
      L.tileLayer(cfg.tileUrl, { subdomains: "1234", maxZoom: 18, attribution: cfg.tileAttribution }).addTo(map);
    }
    var layer = L.featureGroup().addTo(map);
    data.points.forEach(function (p) {
      L.circleMarker([p.lat, p.lng], {
        radius: 6, weight: 1, color: "#fff", fillColor: STAGE_COLOURS[p.stage] || GREY, fillOpacity: 0.9
      }).bindTooltip(p.name + " · " + L10N.project + " " + p.project).addTo(layer);
    });
    if (data.points.length) {
      map.fitBounds(layer.getBounds(), { padding: [20, 20], maxZoom: 15 });
    } else {
      map.setView([35.75, 114.3], 11);
      el.insertAdjacentHTML("beforeend", '<p class="muted" style="position:absolute;z-index:500;left:1rem;top:.5rem">' + L10N.no_data + "</p>");
    }
  }
  drawMap();

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
