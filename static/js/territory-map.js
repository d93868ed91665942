/* Linli territory map: grid polygons with their names, and points (estates), on a Leaflet
 * map. Config comes from the page (territory/_map.html). Geometry is stored in WGS84; when
 * the tiles are GCJ-02 (Chinese providers) it is shifted to match. Everything but the tiles
 * is drawn by us, so the map still reads when no tile server is reachable. */
(function () {
  "use strict";

  var wgs84ToGcj02 = window.LinliGeo.wgs84ToGcj02;  // static/js/geo.js

  function identity(lng, lat) {
    return [lng, lat];
  }

  // Apply fn to every [lng, lat] position of a GeoJSON coordinates array, at any depth.
  function mapCoords(coords, fn) {
    if (typeof coords[0] === "number") return fn(coords[0], coords[1]);
    return coords.map(function (c) { return mapCoords(c, fn); });
  }

  function shiftGeometry(geometry, fn) {
    if (!geometry) return null;
    if (geometry.type === "GeometryCollection") {
      return { type: geometry.type, geometries: geometry.geometries.map(function (g) { return shiftGeometry(g, fn); }) };
    }
    return { type: geometry.type, coordinates: mapCoords(geometry.coordinates, fn) };
  }

  function text(value) {
    var span = document.createElement("span");
    span.textContent = value == null ? "" : String(value);
    return span.innerHTML;
  }

  // "桂鹤社区第1网格" takes less room as "桂鹤社区" over "第1网格".
  function twoLines(name) {
    var m = /^(.{2,}?(?:社区|居委会|村委会|村))(.+)$/.exec(name);
    return m ? text(m[1]) + "<br>" + text(m[2]) : text(name);
  }

  function fetchCollection(url) {
    return fetch(url, { headers: { Accept: "application/geo+json, application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { return data && Array.isArray(data.features) ? data.features : []; })
      .catch(function () { return []; });
  }

  function popupHtml(props, cfg, labels) {
    var rows = [];
    if (props.households != null) rows.push(labels.households + " " + text(props.households));
    if (props.population != null) rows.push(labels.population + " " + text(props.population));
    var workers = props.workers;
    if (Array.isArray(workers)) workers = workers.map(function (w) { return w && w.name ? w.name : w; }).join("、");
    if (workers) rows.push(labels.workers + " " + text(workers));
    var title = text(props.name || props.code || "");
    if (props.code) {
      title = '<a href="' + cfg.region_url.replace("__code__", encodeURIComponent(props.code)) + '">' + title + "</a>";
    }
    return "<strong>" + title + "</strong>" + (rows.length ? "<br>" + rows.join("<br>") : "");
  }

  var fitLabels = window.LinliGeo.fitLabels;

  function initMap(el) {
    if (!window.L || el.dataset.ready) return;
    el.dataset.ready = "1";
    var cfg = JSON.parse(document.getElementById(el.dataset.linliMap).textContent);
    var labels = {
      households: el.dataset.labelHouseholds,
      population: el.dataset.labelPopulation,
      workers: el.dataset.labelWorkers,
    };
    var project = cfg.crs === "gcj02" ? wgs84ToGcj02 : identity;
    var map = L.map(el, { zoomSnap: 0.25, scrollWheelZoom: false });
    map.attributionControl.setPrefix(false);
    if (cfg.tiles) {
      L.tileLayer(cfg.tiles, { subdomains: cfg.subdomains || "abc", attribution: cfg.attribution, maxZoom: 18 }).addTo(map);
    }
    var shapes = L.featureGroup().addTo(map);
    var dots = L.featureGroup().addTo(map);

    Promise.all(cfg.sources.map(fetchCollection)).then(function (lists) {
      var features = [].concat.apply(cfg.features || [], lists);
      // Names stay on the map while they fit; a lone grid with points on it is named by
      // the page already, and its label would cover the points.
      var permanent = features.length <= 60 && !(features.length === 1 && cfg.points.length);
      features.forEach(function (feature) {
        var geometry = shiftGeometry(feature.geometry, project);
        if (!geometry) return;
        var props = feature.properties || {};
        var isPoint = geometry.type === "Point" || geometry.type === "MultiPoint";
        L.geoJSON({ type: "Feature", geometry: geometry, properties: props }, {
          style: function () { return { color: "#c8102e", weight: 2, fillColor: "#c8102e", fillOpacity: 0.1 }; },
          pointToLayer: function (_f, latlng) {
            return L.circleMarker(latlng, { radius: 6, color: "#0b5cad", weight: 2, fillColor: "#fff", fillOpacity: 1 });
          },
          onEachFeature: function (_f, layer) {
            layer.bindPopup(popupHtml(props, cfg, labels));
            if (props.name) {
              layer.bindTooltip(isPoint ? text(props.name) : twoLines(props.name), {
                permanent: permanent,
                direction: isPoint ? "top" : "center",
                className: "map-label",
              });
            }
          },
        }).addTo(isPoint ? dots : shapes);
      });

      var fewPoints = cfg.points.length <= 60;
      cfg.points.forEach(function (p) {
        var at = project(p.lng, p.lat);
        var marker = L.circleMarker([at[1], at[0]], { radius: 6, color: "#0b5cad", weight: 2, fillColor: "#fff", fillOpacity: 1 });
        marker.bindTooltip(text(p.name), { permanent: fewPoints, direction: "right", offset: [6, 0], className: "map-label map-label-point" });
        if (p.url) marker.on("click", function () { window.location.href = p.url; });
        marker.addTo(dots);
      });

      map.on("zoomend", function () { fitLabels(map, shapes); });
      var bounds = shapes.getBounds();
      if (dots.getLayers().length) bounds = bounds.isValid() ? bounds.extend(dots.getBounds()) : dots.getBounds();
      if (bounds.isValid()) {
        map.fitBounds(bounds, { padding: [20, 20], maxZoom: 17 });
        fitLabels(map, shapes);
      } else {
        map.setView([35.75, 114.3], 11);
        var note = document.createElement("p");
        note.className = "map-empty";
        note.textContent = el.dataset.emptyText;
        el.appendChild(note);
      }
      el.dataset.features = String(features.length + cfg.points.length);
    });
  }

  function initAll() {
    document.querySelectorAll("[data-linli-map]").forEach(initMap);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", initAll);
  else initAll();
})();
