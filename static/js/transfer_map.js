/*
 * ERSI Practices: the small map of where a practice was transferred
 * (templates/transfers/components/lineage.html). Progressive enhancement over the vendored
 * Leaflet: the page already lists the places; this draws #transfer-map from its data attributes
 * (no inline script, CSP).
 */
(() => {
    "use strict";

    function start() {
        const root = document.getElementById("transfer-map");
        if (!root || !window.L) {
            return;
        }
        let points;
        try {
            points = JSON.parse(root.dataset.points || "[]");
        } catch (error) {
            return;
        }
        points = points.filter((p) => Number.isFinite(p.lat) && Number.isFinite(p.lon));
        if (points.length === 0) {
            return;
        }
        root.hidden = false;
        const map = L.map(root, {scrollWheelZoom: false});
        L.tileLayer(root.dataset.tiles, {attribution: root.dataset.attribution, maxZoom: 18}).addTo(map);
        const bounds = [];
        for (const point of points) {
            const kind = point.origin ? "practice" : "partner";
            const icon = L.divIcon({
                className: "map-transfer",
                html: `<span class="map-marker map-marker--${kind}"></span>`,
                iconSize: [18, 18],
            });
            L.marker([point.lat, point.lon], {icon, title: point.label, keyboard: false}).addTo(map);
            bounds.push([point.lat, point.lon]);
        }
        if (bounds.length === 1) {
            map.setView(bounds[0], 6);
        } else {
            map.fitBounds(bounds, {padding: [24, 24], maxZoom: 7});
        }
        root.dataset.ready = "true"; // for tests and styles
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
})();
