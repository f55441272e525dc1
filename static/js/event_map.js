/*
 * ERSI Practices: the small map of an event's place (templates/events/event_page.html).
 * Progressive enhancement over the vendored Leaflet: the page already names the place and links
 * to OpenStreetMap; this draws #event-map from its data attributes (no inline script, CSP).
 */
(() => {
    "use strict";

    function start() {
        const root = document.getElementById("event-map");
        if (!root || !window.L) {
            return;
        }
        const lat = Number.parseFloat(root.dataset.lat);
        const lon = Number.parseFloat(root.dataset.lon);
        if (!Number.isFinite(lat) || !Number.isFinite(lon)) {
            return;
        }
        root.hidden = false;
        const map = L.map(root, {scrollWheelZoom: false}).setView([lat, lon], 15);
        L.tileLayer(root.dataset.tiles, {attribution: root.dataset.attribution, maxZoom: 18}).addTo(map);
        // Leaflet moves the icon with a transform: the diamond is the inner span, turned.
        const icon = L.divIcon({
            className: "map-event",
            html: '<span class="map-marker map-marker--event"></span>',
            iconSize: [20, 20],
        });
        L.marker([lat, lon], {icon, title: root.dataset.label, keyboard: false}).addTo(map);
        root.dataset.ready = "true"; // for tests and styles
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
})();
