/*
 * ERSI Practices: the map at /map/ (templates/maps/map.html). Plain ES2020 over the vendored
 * Leaflet and Leaflet.markercluster; progressive enhancement: without this file (or when it
 * fails) the page keeps its list and filters, and the status line says so.
 *
 * Draws the GeoJSON of #practice-map[data-source] (maps/geojson.py): partners as squares in their
 * own layer, practices as circles clustered (dashed ring: approximate place), the network's events
 * as diamonds in two layers, upcoming (shown) and past (off at first; hollow). Popups are built with
 * textContent (no HTML from the data). Each list item gets a "Show on the map" button.
 */
(() => {
    "use strict";

    const EUROPE = [[34, -12], [66, 35]];
    const MAX_FIT_ZOOM = 9;
    const WIDE = "(min-width: 60em)"; // keep in step with the .search-layout media query

    function format(template, values) {
        const lang = document.documentElement.lang || undefined;
        return template.replace(/%\((\w+)\)s/g, (match, key) => {
            if (!(key in values)) {
                return match;
            }
            const value = values[key];
            return typeof value === "number" ? value.toLocaleString(lang) : String(value);
        });
    }

    function element(tag, className, text) {
        const node = document.createElement(tag);
        if (className) {
            node.className = className;
        }
        if (text) {
            node.textContent = text;
        }
        return node;
    }

    function popupContent(properties, text) {
        const box = element("div", "map-popup");
        const title = element("p", "map-popup__title");
        const link = element("a", "", properties.title);
        link.href = properties.url;
        title.append(link);
        box.append(title);
        if (properties.kind === "event") {
            const meta = [properties.event_type, properties.when, properties.place, properties.partner];
            box.append(element("p", "map-popup__meta", meta.filter(Boolean).join(" · ")));
            return box;
        }
        const kind = properties.kind === "partner" ? text.partner : text.practice;
        const meta = [kind, properties.kind === "practice" ? properties.partner : "", properties.place];
        box.append(element("p", "map-popup__meta", meta.filter(Boolean).join(" · ")));
        if (properties.kind === "partner") {
            box.append(element("p", "map-popup__note", format(text.partner_practices, {count: properties.practices})));
        }
        if (properties.approximate) {
            const note = properties.precision === "region" ? text.approximate_region : text.approximate_country;
            box.append(element("p", "map-popup__note", note));
        }
        return box;
    }

    function eventMarker(feature, latlng, text) {
        // Events: diamonds, not clustered; a past event is hollow (static/css/map.css).
        const p = feature.properties;
        // Leaflet moves the icon with a transform: the diamond is the inner span, turned.
        const icon = L.divIcon({
            className: "map-event",
            html: `<span class="map-marker map-marker--event${p.upcoming ? "" : " map-marker--past"}"></span>`,
            iconSize: [20, 20],
            iconAnchor: [-2, 22], // beside its place, above and right: a group there stays readable
            popupAnchor: [12, -20],
        });
        const marker = L.marker(latlng, {
            icon,
            title: `${text.event}: ${p.title} (${p.when})`,
            keyboard: true,
            riseOnHover: true,
            zIndexOffset: 500,
        });
        marker.bindPopup(() => popupContent(p, text), {maxWidth: 280});
        return marker;
    }

    function markerFor(feature, latlng, text) {
        const p = feature.properties;
        if (p.kind === "event") {
            return eventMarker(feature, latlng, text);
        }
        const partner = p.kind === "partner";
        const icon = partner
            ? L.divIcon({
                className: "map-pin",
                html: '<span class="map-marker map-marker--partner"></span>',
                iconSize: [26, 28],
                iconAnchor: [13, 27], // the pin's tip
                popupAnchor: [0, -24],
            })
            : L.divIcon({
                className: `map-marker map-marker--practice${p.approximate ? " map-marker--approximate" : ""}`,
                iconSize: [18, 18],
                html: "",
            });
        const label = `${partner ? text.partner : text.practice}: ${p.title}${p.approximate ? ` (${text.approximate_short})` : ""}`;
        const marker = L.marker(latlng, {
            icon,
            title: label, // the accessible name of the focusable marker (role=button)
            keyboard: true,
            riseOnHover: true,
            zIndexOffset: partner ? -1000 : 0, // under the groups at the same place, whose count stays readable
        });
        marker.bindPopup(() => popupContent(p, text), {maxWidth: 280});
        return marker;
    }

    function clusterIcon(cluster, text) {
        const count = cluster.getChildCount();
        const size = count < 10 ? 32 : count < 100 ? 38 : 46;
        const label = element("span", "visually-hidden", format(text.cluster, {count})).outerHTML;
        const html = `<span aria-hidden="true">${count.toLocaleString(document.documentElement.lang || undefined)}</span>${label}`;
        return L.divIcon({html, className: "map-cluster", iconSize: [size, size]});
    }

    function draw(root, data, text, status) {
        const map = L.map(root, {zoomSnap: 0.5, worldCopyJump: true});
        map.fitBounds(EUROPE);
        L.tileLayer(root.dataset.tiles, {attribution: root.dataset.attribution, maxZoom: 18}).addTo(map);

        const partners = L.layerGroup();
        const practices = L.markerClusterGroup({
            chunkedLoading: true,
            showCoverageOnHover: false,
            maxClusterRadius: 50,
            iconCreateFunction: (cluster) => clusterIcon(cluster, text),
        });
        const upcomingEvents = L.layerGroup();
        const pastEvents = L.layerGroup(); // in the layer control, off at first
        const byId = new Map();
        const bounds = L.latLngBounds([]);
        let partnerCount = 0;
        let eventCount = 0;
        for (const feature of data.features) {
            const [lon, lat] = feature.geometry.coordinates;
            const marker = markerFor(feature, L.latLng(lat, lon), text);
            if (feature.properties.kind === "event") {
                (feature.properties.upcoming ? upcomingEvents : pastEvents).addLayer(marker);
                eventCount += 1;
            } else if (feature.properties.kind === "partner") {
                partners.addLayer(marker);
                partnerCount += 1;
            } else {
                practices.addLayer(marker);
                byId.set(String(feature.properties.id), marker);
                bounds.extend(marker.getLatLng());
            }
        }
        partners.addTo(map);
        practices.addTo(map);
        upcomingEvents.addTo(map);
        const layers = {[text.practices]: practices, [text.partners]: partners};
        if (eventCount) {
            layers[text.upcoming_events] = upcomingEvents;
            layers[text.past_events] = pastEvents;
        }
        L.control.layers(null, layers, {collapsed: false}).addTo(map);
        if (bounds.isValid()) {
            map.fitBounds(bounds, {padding: [24, 24], maxZoom: MAX_FIT_ZOOM});
        }

        const info = data.practices || {};
        const lines = [format(text.loaded, {practices: info.shown || 0, partners: partnerCount})];
        if (info.truncated) {
            lines.push(format(text.truncated, {shown: info.shown}));
        }
        if (info.unplaced) {
            lines.push(format(text.unplaced, {count: info.unplaced}));
        }
        if (eventCount) {
            lines.push(format(text.events_loaded, {count: eventCount}));
        }
        status.textContent = lines.join(" ");
        root.dataset.ready = "true"; // for tests and styles: markers are on the map
        addShowButtons(map, root, practices, byId, text);
    }

    function addShowButtons(map, root, practices, byId, text) {
        for (const item of document.querySelectorAll(".map-list__item[data-practice-id]")) {
            const marker = byId.get(item.dataset.practiceId);
            if (!marker) {
                continue;
            }
            const title = item.querySelector(".map-list__title");
            const button = element("button", "button button--small button--secondary map-list__show", text.show_on_map);
            button.type = "button";
            button.setAttribute("aria-label", `${text.show_on_map}: ${title ? title.textContent.trim() : ""}`);
            button.addEventListener("click", () => {
                root.scrollIntoView({block: "nearest", behavior: "smooth"});
                practices.zoomToShowLayer(marker, () => {
                    marker.openPopup();
                    const link = marker.getPopup().getElement()?.querySelector("a[href]:not(.leaflet-popup-close-button)");
                    if (link) {
                        link.focus({preventScroll: true});
                    }
                });
            });
            item.append(button);
        }
    }

    function openFiltersOnWideScreens() {
        // As on /search/: the filters are a sidebar on wide screens; CSS opens it where it can.
        const filters = document.getElementById("search-filters");
        if (filters && window.matchMedia(WIDE).matches && !CSS.supports("selector(::details-content)")) {
            filters.open = true;
        }
    }

    async function start() {
        openFiltersOnWideScreens();
        const root = document.getElementById("practice-map");
        const status = document.getElementById("map-status");
        const textNode = document.getElementById("map-text");
        if (!root || !status || !textNode) {
            return;
        }
        const text = JSON.parse(textNode.textContent);
        if (!window.L || !L.markerClusterGroup || !("fetch" in window)) {
            status.textContent = text.failed;
            return;
        }
        status.textContent = text.loading;
        root.hidden = false;
        const legend = document.querySelector(".map-legend");
        try {
            const response = await fetch(root.dataset.source, {headers: {Accept: "application/geo+json"}});
            if (!response.ok) {
                throw new Error(`HTTP ${response.status}`);
            }
            draw(root, await response.json(), text, status);
            if (legend) {
                legend.hidden = false;
            }
        } catch (error) {
            root.hidden = true;
            status.textContent = text.failed;
            if (window.console) {
                console.error(error);
            }
        }
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
})();
