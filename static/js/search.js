/*
 * ERSI Practices: search enhancements. Plain ES2020, no dependencies, progressive enhancement:
 * every feature below also works without this file (forms submit, links load pages). If anything
 * fails here, the page simply keeps working the ordinary way.
 *
 * 1. The search page (/search/, marked [data-search-page]): filter changes, sort links, pagination
 *    and the search form fetch the same URL the form would load, and the page swaps in the new
 *    regions (#search-errors, #search-facets, #search-results, and the text of the live region
 *    #search-summary) and pushes the URL onto the history.
 * 2. Suggestions while typing on any input[name=q][data-suggest]: the WAI-ARIA 1.2 combobox
 *    pattern (editable combobox with list autocomplete), fed by /api/search/suggest/.
 */
(() => {
    "use strict";

    if (!("fetch" in window) || !("DOMParser" in window) || !("URLSearchParams" in window)) {
        return;
    }

    const SEARCH_DELAY = 250; // ms between the last filter change and the fetch
    const SUGGEST_DELAY = 200; // ms between the last keystroke and the suggestions fetch
    const SUGGEST_MIN_LENGTH = 2;
    const SUGGEST_URL = "/api/search/suggest/";
    const WIDE = "(min-width: 60em)"; // keep in step with the .search-layout media query
    // Words from Django's JavaScript catalogue (/jsi18n/, loaded before this file); English without it.
    const gettext = window.gettext || ((text) => text);
    const ngettext = window.ngettext || ((singular, plural, count) => (count === 1 ? singular : plural));
    const interpolate = window.interpolate || ((format, values) => format.replace("%s", values[0]));
    const TYPE_LABELS = {
        practice: gettext("Practice"),
        theme: gettext("Theme"),
        target_group: gettext("Target group"),
        partner: gettext("Partner"),
    };

    /* ---------------------------------------------------------------- search page */

    function initSearchPage(root) {
        const form = document.getElementById("search-form");
        const errors = document.getElementById("search-errors");
        const facets = document.getElementById("search-facets");
        const results = document.getElementById("search-results");
        const summary = document.getElementById("search-summary");
        if (!form || !errors || !facets || !results || !summary) {
            return;
        }

        const openFiltersOnWideScreens = () => {
            const panel = document.getElementById("search-filters");
            if (panel && window.matchMedia && window.matchMedia(WIDE).matches) {
                panel.open = true;
            }
        };
        openFiltersOnWideScreens();

        // The error summary takes focus when the page loads with errors (as GOV.UK does).
        const errorSummary = document.getElementById("error-summary");
        if (errorSummary && document.activeElement === document.body) {
            errorSummary.focus();
        }

        let controller = null;
        let timer = 0;
        let currentKey = location.pathname + location.search;
        history.replaceState({ ersiSearch: true }, "", location.href);

        /** The URL the form would load, without its empty fields. */
        function formUrl() {
            const params = new URLSearchParams();
            for (const [name, value] of new FormData(form)) {
                if (typeof value === "string" && value.trim() !== "") {
                    params.append(name, value);
                }
            }
            const action = new URL(form.action, location.href);
            const query = params.toString();
            return action.pathname + (query ? `?${query}` : "");
        }

        async function load(url, options = {}) {
            const { push = true, trigger = "change", focusKey = null, moveFocus = false } = options;
            window.clearTimeout(timer);
            if (controller) {
                controller.abort();
            }
            controller = new AbortController();
            const { signal } = controller;
            results.setAttribute("aria-busy", "true");
            root.classList.add("is-loading");

            let doc;
            try {
                const response = await fetch(url, {
                    signal,
                    credentials: "same-origin",
                    headers: { Accept: "text/html" },
                });
                // 400 is a page too: it carries the error summary.
                if (!response.ok && response.status !== 400) {
                    throw new Error(`HTTP ${response.status}`);
                }
                doc = new DOMParser().parseFromString(await response.text(), "text/html");
            } catch (error) {
                if (error && error.name === "AbortError") {
                    return;
                }
                window.location.assign(url); // let the browser load it the ordinary way
                return;
            } finally {
                if (!signal.aborted) {
                    results.removeAttribute("aria-busy");
                    root.classList.remove("is-loading");
                }
            }

            if (signal.aborted) {
                return;
            }
            const fresh = {
                errors: doc.getElementById("search-errors"),
                facets: doc.getElementById("search-facets"),
                results: doc.getElementById("search-results"),
                summary: doc.getElementById("search-summary"),
            };
            if (!fresh.errors || !fresh.facets || !fresh.results || !fresh.summary) {
                window.location.assign(url);
                return;
            }

            const absolute = new URL(url, location.href);
            const key = absolute.pathname + absolute.search;
            if (push && key !== currentKey) {
                history.pushState({ ersiSearch: true }, "", absolute.href);
            }
            currentKey = key;
            if (doc.title) {
                document.title = doc.title;
            }

            const hadFocusInResults = results.contains(document.activeElement);
            errors.replaceChildren(...importChildren(fresh.errors));
            updateFacets(fresh.facets, trigger === "history");
            results.replaceChildren(...importChildren(fresh.results));
            // The live region stays; only its content changes, so screen readers announce it.
            summary.replaceChildren(...importChildren(fresh.summary));

            if (trigger === "history") {
                const q = form.querySelector("input[name=q]");
                const freshQ = doc.querySelector("#search-form input[name=q]");
                if (q && freshQ) {
                    q.value = freshQ.value;
                }
            }

            const newErrorSummary = document.getElementById("error-summary");
            if (newErrorSummary && trigger === "submit") {
                newErrorSummary.focus();
            } else if (focusKey && document.querySelector(`[data-focus-key="${focusKey}"]`)) {
                document.querySelector(`[data-focus-key="${focusKey}"]`).focus();
            } else if (moveFocus || (hadFocusInResults && !results.contains(document.activeElement))) {
                // The link that had focus is gone: continue from the results heading.
                const heading = document.getElementById("search-summary-count");
                if (heading) {
                    heading.focus({ preventScroll: true });
                    heading.scrollIntoView({ block: "start" });
                }
            }
        }

        function importChildren(element) {
            return Array.from(element.childNodes, (node) => document.importNode(node, true));
        }

        /**
         * Update the filters in place (checked states, counts, dimming) so that the checkbox the
         * visitor just used keeps focus and nothing moves under the pointer. Falls back to
         * replacing the region when the set of checkboxes differs.
         */
        function updateFacets(freshFacets, fromHistory) {
            const oldBoxes = facets.querySelectorAll("input[type=checkbox]");
            const newBoxes = freshFacets.querySelectorAll("input[type=checkbox]");
            const sameBoxes =
                oldBoxes.length === newBoxes.length &&
                Array.from(newBoxes).every((box) => box.id && facets.querySelector(`#${CSS.escape(box.id)}`));

            if (!sameBoxes) {
                const focusedId = facets.contains(document.activeElement) ? document.activeElement.id : "";
                const openIds = Array.from(facets.querySelectorAll("details[open]"), (d) => d.id);
                facets.replaceChildren(...importChildren(freshFacets));
                for (const id of openIds) {
                    const details = id && document.getElementById(id);
                    if (details) {
                        details.open = true;
                    }
                }
                openFiltersOnWideScreens();
                if (focusedId && document.getElementById(focusedId)) {
                    document.getElementById(focusedId).focus({ preventScroll: true });
                }
                return;
            }

            for (const box of newBoxes) {
                const old = document.getElementById(box.id);
                old.checked = box.hasAttribute("checked");
                old.defaultChecked = old.checked;
            }
            for (const fresh of freshFacets.querySelectorAll("[data-sync]")) {
                const old = fresh.id && document.getElementById(fresh.id);
                if (old && old.innerHTML !== fresh.innerHTML) {
                    old.replaceChildren(...importChildren(fresh));
                }
            }
            for (const fresh of freshFacets.querySelectorAll("[data-sync-class]")) {
                const old = fresh.id && document.getElementById(fresh.id);
                if (old) {
                    old.className = fresh.className;
                }
            }
            // The year range: replace it unless the visitor is typing something else into it.
            const oldYears = document.getElementById("facet-years");
            const newYears = freshFacets.querySelector("#facet-years");
            if (oldYears && newYears && oldYears.outerHTML !== newYears.outerHTML) {
                const active = oldYears.contains(document.activeElement) ? document.activeElement : null;
                const freshActive = active && newYears.querySelector(`#${CSS.escape(active.id)}`);
                if (!active || fromHistory || (freshActive && freshActive.getAttribute("value") === active.value)) {
                    oldYears.replaceWith(document.importNode(newYears, true));
                    if (active && document.getElementById(active.id)) {
                        document.getElementById(active.id).focus({ preventScroll: true });
                    }
                }
            }
            // Show the values a history step selected, even when they sit under "Show all".
            for (const more of facets.querySelectorAll("details.facet__more:not([open])")) {
                if (more.querySelector("input:checked")) {
                    more.open = true;
                }
            }
        }

        function schedule() {
            window.clearTimeout(timer);
            if (controller) {
                controller.abort(); // its answer would undo the change just made
            }
            timer = window.setTimeout(() => load(formUrl(), { trigger: "change" }), SEARCH_DELAY);
        }

        // Filter changes (checkboxes, years). The controls live in #search-facets but belong to
        // the form through form="search-form", so listen on the region.
        facets.addEventListener("change", (event) => {
            const control = event.target;
            if (!(control instanceof HTMLInputElement) || control.form !== form) {
                return;
            }
            if (control.type === "number" && !control.checkValidity()) {
                control.reportValidity();
                return;
            }
            schedule();
        });

        form.addEventListener("submit", (event) => {
            if (event.defaultPrevented) {
                return;
            }
            event.preventDefault();
            load(formUrl(), { trigger: "submit" });
        });

        // Sort links, pagination, filter chips, "Clear all filters", spelling suggestions.
        root.addEventListener("click", (event) => {
            const link = event.target instanceof Element ? event.target.closest("a[data-search-link]") : null;
            if (
                !link ||
                event.defaultPrevented ||
                event.button !== 0 ||
                event.metaKey ||
                event.ctrlKey ||
                event.shiftKey ||
                event.altKey
            ) {
                return;
            }
            const target = new URL(link.href, location.href);
            if (target.origin !== location.origin) {
                return;
            }
            event.preventDefault();
            load(target.pathname + target.search, {
                trigger: "link",
                focusKey: link.dataset.focusKey || null,
                moveFocus: link.hasAttribute("data-search-scroll"),
            });
        });

        window.addEventListener("popstate", () => {
            const key = location.pathname + location.search;
            if (key === currentKey) {
                return; // only the #fragment changed (error summary links)
            }
            load(key, { push: false, trigger: "history" });
        });

        // Last, once everything above is in place: hide "Apply filters" (changes apply at once).
        root.classList.add("search-page--js");
    }

    /* ---------------------------------------------------------------- suggestions */

    let suggestCount = 0;

    function isWebUrl(value) {
        if (typeof value !== "string" || !value) {
            return false;
        }
        try {
            return ["http:", "https:"].includes(new URL(value, location.href).protocol);
        } catch {
            return false;
        }
    }

    function initSuggest(input) {
        if (input.getAttribute("role") === "combobox") {
            return; // already enhanced
        }
        suggestCount += 1;
        const endpoint = input.dataset.suggest || SUGGEST_URL;
        const listId = `${input.id || `suggest-${suggestCount}`}-suggestions`;
        const anchor = input.parentElement;
        anchor.classList.add("suggest-anchor");

        const list = document.createElement("ul");
        list.id = listId;
        list.className = "suggest";
        list.setAttribute("role", "listbox");
        list.setAttribute("aria-label", gettext("Suggestions"));
        list.hidden = true;
        input.insertAdjacentElement("afterend", list);

        const status = document.createElement("div");
        status.className = "visually-hidden";
        status.setAttribute("role", "status");
        list.insertAdjacentElement("afterend", status);

        input.setAttribute("role", "combobox");
        input.setAttribute("aria-autocomplete", "list");
        input.setAttribute("aria-expanded", "false");
        input.setAttribute("aria-controls", listId);
        input.setAttribute("autocomplete", "off");

        let options = [];
        let active = -1;
        let timer = 0;
        let controller = null;

        const isOpen = () => !list.hidden;

        function close() {
            window.clearTimeout(timer);
            if (controller) {
                controller.abort();
                controller = null;
            }
            list.hidden = true;
            input.setAttribute("aria-expanded", "false");
            input.removeAttribute("aria-activedescendant");
            setActive(-1);
            if (status.textContent) {
                status.textContent = "";
            }
        }

        function position() {
            const viewport = document.documentElement.clientWidth;
            const rect = input.getBoundingClientRect();
            const width = Math.min(Math.max(rect.width, 384), viewport - 16);
            let left = input.offsetLeft;
            const overflow = rect.left + width - (viewport - 8);
            if (overflow > 0) {
                left -= overflow;
            }
            list.style.top = `${input.offsetTop + input.offsetHeight + 2}px`;
            list.style.left = `${left}px`;
            list.style.width = `${width}px`;
        }

        function open() {
            if (!options.length) {
                return;
            }
            position();
            list.hidden = false;
            input.setAttribute("aria-expanded", "true");
        }

        function setActive(index) {
            if (options[active]) {
                options[active].setAttribute("aria-selected", "false");
                options[active].classList.remove("is-active");
            }
            active = index;
            if (options[active]) {
                const option = options[active];
                option.setAttribute("aria-selected", "true");
                option.classList.add("is-active");
                input.setAttribute("aria-activedescendant", option.id);
                option.scrollIntoView({ block: "nearest" });
            } else {
                input.removeAttribute("aria-activedescendant");
            }
        }

        function follow(index) {
            const option = options[index];
            if (option && option.dataset.url) {
                close();
                window.location.assign(option.dataset.url);
            }
        }

        function render(suggestions) {
            list.replaceChildren();
            options = [];
            active = -1;
            let previousType = null;
            suggestions.forEach((suggestion, index) => {
                const option = document.createElement("li");
                option.id = `${listId}-${index}`;
                option.className = "suggest__option";
                if (previousType !== null && suggestion.type !== previousType) {
                    option.classList.add("suggest__option--new-group");
                }
                previousType = suggestion.type;
                option.setAttribute("role", "option");
                option.setAttribute("aria-selected", "false");
                option.dataset.url = suggestion.url;

                const label = document.createElement("span");
                label.className = "suggest__label";
                label.textContent = suggestion.label;
                option.append(label);

                const typeLabel =
                    typeof suggestion.type_label === "string" && suggestion.type_label
                        ? suggestion.type_label // translated by the API, when it sends one
                        : TYPE_LABELS[suggestion.type];
                if (typeLabel) {
                    const tag = document.createElement("span");
                    tag.className = `suggest__type suggest__type--${suggestion.type}`;
                    const separator = document.createElement("span");
                    separator.className = "visually-hidden";
                    separator.textContent = ", ";
                    tag.append(separator, typeLabel);
                    option.append(" ", tag);
                }

                // Keep focus in the input when the pointer presses an option.
                option.addEventListener("mousedown", (event) => event.preventDefault());
                option.addEventListener("click", () => follow(index));
                options.push(option);
            });
            list.append(...options);
            if (options.length) {
                open();
                status.textContent = interpolate(
                    ngettext(
                        "%s suggestion. Use the up and down arrow keys to choose it.",
                        "%s suggestions. Use the up and down arrow keys to choose one.",
                        options.length,
                    ),
                    [options.length],
                );
            } else {
                close();
            }
        }

        async function fetchSuggestions(query) {
            if (controller) {
                controller.abort();
            }
            controller = new AbortController();
            try {
                const url = new URL(endpoint, location.href);
                url.searchParams.set("q", query);
                const response = await fetch(url, {
                    signal: controller.signal,
                    credentials: "same-origin",
                    headers: { Accept: "application/json" },
                });
                if (!response.ok) {
                    return;
                }
                const data = await response.json();
                if (input.value.trim() !== query || document.activeElement !== input) {
                    return; // stale: the visitor typed on or left the field
                }
                const suggestions = Array.isArray(data && data.suggestions) ? data.suggestions : [];
                render(suggestions.filter((s) => s && typeof s.label === "string" && isWebUrl(s.url)));
            } catch {
                // Network error, abort or bad JSON: no suggestions, nothing else changes.
            }
        }

        input.addEventListener("input", () => {
            window.clearTimeout(timer);
            const query = input.value.trim();
            if (query.length < SUGGEST_MIN_LENGTH) {
                close();
                return;
            }
            timer = window.setTimeout(() => fetchSuggestions(query), SUGGEST_DELAY);
        });

        input.addEventListener("keydown", (event) => {
            if (event.isComposing) {
                return;
            }
            switch (event.key) {
                case "ArrowDown":
                    if (!options.length) {
                        return;
                    }
                    event.preventDefault();
                    if (!isOpen()) {
                        open();
                        if (event.altKey) {
                            return;
                        }
                    }
                    setActive(active + 1 >= options.length ? 0 : active + 1);
                    break;
                case "ArrowUp":
                    if (!isOpen()) {
                        return;
                    }
                    event.preventDefault();
                    setActive(active <= 0 ? options.length - 1 : active - 1);
                    break;
                case "Enter":
                    if (isOpen() && active >= 0) {
                        event.preventDefault();
                        follow(active);
                    } else {
                        close(); // the form submits as usual
                    }
                    break;
                case "Escape":
                    if (isOpen()) {
                        event.preventDefault(); // keep the text (type=search would clear it)
                        close();
                    }
                    break;
                case "Tab":
                    close();
                    break;
                case "Home":
                case "End":
                case "ArrowLeft":
                case "ArrowRight":
                    setActive(-1); // back to editing the text
                    break;
                default:
                    break;
            }
        });

        input.addEventListener("blur", () => close());
        if (input.form) {
            input.form.addEventListener("submit", () => close());
        }
        window.addEventListener("pageshow", () => close());
        window.addEventListener("resize", () => {
            if (isOpen()) {
                position();
            }
        });
    }

    /* ---------------------------------------------------------------- start */

    function start() {
        try {
            const root = document.querySelector("[data-search-page]");
            if (root) {
                initSearchPage(root);
            }
        } catch (error) {
            // Leave the page as the server sent it.
            if (window.console) {
                console.error(error);
            }
        }
        for (const input of document.querySelectorAll("input[name=q][data-suggest]")) {
            try {
                initSuggest(input);
            } catch (error) {
                if (window.console) {
                    console.error(error);
                }
            }
        }
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
})();
