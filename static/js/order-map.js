/* Linli work-order map: an order's point and its grid outline (order page), or a place
 * picker (我要报事). Config comes from the page as JSON (workorders/_order_map.html).
 *
 * Points and outlines are stored in WGS84. When the tiles are GCJ-02 (Chinese providers),
 * everything is drawn shifted to GCJ-02 like the territory map does, so a tap on the map is
 * a GCJ-02 point and is sent with crs=gcj02; the browser's own position is WGS84 and is sent
 * with crs=wgs84. The server converts. Outlines and the marker are drawn by us, so the map
 * still works when no tile server is reachable. */
(function () {
  "use strict";

  var wgs84ToGcj02 = window.LinliGeo.wgs84ToGcj02;  // static/js/geo.js

  function identity(lng, lat) { return [lng, lat]; }

  function mapCoords(coords, fn) {
    if (typeof coords[0] === "number") return fn(coords[0], coords[1]);
    return coords.map(function (c) { return mapCoords(c, fn); });
  }

  function shifted(geometry, fn) {
    return { type: geometry.type, coordinates: mapCoords(geometry.coordinates, fn) };
  }

  var HOME = { color: "#c8102e", weight: 2, fillColor: "#c8102e", fillOpacity: 0.08 };
  var OTHER = { color: "#8c959f", weight: 1.5, dashArray: "4 4", fillOpacity: 0.03 };
  var FOUND = { color: "#0b5cad", weight: 3, fillColor: "#0b5cad", fillOpacity: 0.12 };

  function pin(latlng) {
    return L.marker(latlng, {
      icon: L.divIcon({ className: "order-pin", html: "<span></span>", iconSize: [28, 28], iconAnchor: [14, 28] }),
      keyboard: false,
    });
  }

  function initMap(el) {
    if (!window.L || el.dataset.ready) return;
    el.dataset.ready = "1";
    var cfg = JSON.parse(document.getElementById(el.dataset.orderMap).textContent);
    var project = cfg.crs === "gcj02" ? wgs84ToGcj02 : identity;
    var map = L.map(el, { zoomSnap: 0.5, scrollWheelZoom: false, tap: true });
    map.attributionControl.setPrefix(false);
    if (cfg.tiles) {
      L.tileLayer(cfg.tiles, { subdomains: cfg.subdomains || "abc", attribution: cfg.attribution, maxZoom: 19 }).addTo(map);
    }
    var outlines = L.featureGroup().addTo(map);
    var focus = null;
    (cfg.features || []).forEach(function (f) {
      if (!f.geometry) return;
      var home = !cfg.pick || (f.properties && f.properties.home);
      var layer = L.geoJSON({ type: "Feature", geometry: shifted(f.geometry, project), properties: f.properties }, {
        style: function () { return home ? HOME : OTHER; },
        interactive: !cfg.pick,
      }).addTo(outlines);
      if (f.properties && f.properties.name) {
        var name = document.createElement("span");
        name.textContent = f.properties.name;
        if (cfg.pick) {
          // Named at the top edge, so the name never hides the pin a tap puts in the middle.
          var b = layer.getBounds();
          L.tooltip({ permanent: true, direction: "bottom", className: "map-label", offset: [0, 2] })
            .setLatLng([b.getNorth(), b.getCenter().lng]).setContent(name).addTo(map);
        } else {
          layer.bindTooltip(name, { sticky: true, className: "map-label" });
        }
      }
      if (home) focus = layer;
    });
    var found = null;
    var marker = null;

    function place(latlng) {
      if (marker) marker.setLatLng(latlng);
      else marker = pin(latlng).addTo(map);
    }

    if (cfg.marker) {
      var at = cfg.marker.crs === "gcj02" && cfg.crs === "gcj02"
        ? [Number(cfg.marker.lng), Number(cfg.marker.lat)]
        : project(Number(cfg.marker.lng), Number(cfg.marker.lat));
      place([at[1], at[0]]);
      if (focus && !cfg.pick) {
        // The order's page: its whole grid, with the point in it.
        map.fitBounds(focus.getBounds().extend([at[1], at[0]]), { padding: [16, 16], maxZoom: 17 });
      } else {
        map.setView([at[1], at[0]], 17);
      }
    } else if (focus) {
      map.fitBounds(focus.getBounds(), { padding: [16, 16], maxZoom: 17 });
    } else if (outlines.getLayers().length) {
      map.fitBounds(outlines.getBounds(), { padding: [16, 16], maxZoom: 17 });
    } else {
      map.setView([35.75, 114.3], 12);
    }
    el.dataset.features = String(outlines.getLayers().length);
    if (!cfg.pick) return;

    // Picking: a tap (in the map's CRS) or the browser's position (WGS84) sets the place.
    var form = document.getElementById(el.dataset.form);
    var lng = form.elements.lng, lat = form.elements.lat, crs = form.elements.crs;

    function setPlace(latlng, pointLng, pointLat, pointCrs) {
      place(latlng);
      lng.value = pointLng.toFixed(7);
      lat.value = pointLat.toFixed(7);
      crs.value = pointCrs;
      el.dataset.placed = "1";
      document.body.dispatchEvent(new CustomEvent("linli:place", { bubbles: true }));
    }

    map.on("click", function (e) {
      setPlace(e.latlng, e.latlng.lng, e.latlng.lat, cfg.crs === "gcj02" ? "gcj02" : "wgs84");
    });

    var locate = document.querySelector("[data-locate]");
    var status = document.querySelector("[data-locate-status]");
    if (locate) {
      if (!navigator.geolocation) locate.hidden = true;
      locate.addEventListener("click", function () {
        status.textContent = locate.dataset.busy;
        navigator.geolocation.getCurrentPosition(function (pos) {
          var p = pos.coords;
          var at = project(p.longitude, p.latitude);
          var latlng = L.latLng(at[1], at[0]);
          setPlace(latlng, p.longitude, p.latitude, "wgs84");
          map.setView(latlng, 17);
          status.textContent = "";
        }, function () {
          status.textContent = locate.dataset.failed;
        }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
      });
    }

    // The place check (HTMX) sends the outline of the grid it found: draw it.
    document.body.addEventListener("htmx:afterSwap", function () {
      var nearby = document.querySelector(".nearby");
      if (nearby && nearby.scrollIntoView) nearby.scrollIntoView({ behavior: "smooth", block: "nearest" });
      var data = document.getElementById("found-grid");
      if (found) { found.remove(); found = null; }
      if (!data) return;
      var f = JSON.parse(data.textContent);
      if (!f || !f.geometry) return;
      found = L.geoJSON({ type: "Feature", geometry: shifted(f.geometry, project) }, {
        style: function () { return FOUND; }, interactive: false,
      }).addTo(map);
    });
  }

  function initAll() {
    document.querySelectorAll("[data-order-map]").forEach(initMap);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", initAll);
  else initAll();
})();
