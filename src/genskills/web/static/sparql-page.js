/*
 * genskills: the SPARQL query page (/query).
 *
 * Drives the vendored YASGUI bundle (static/yasgui/, see VENDORED.md there) so that the page
 * talks to its own server only: every option below that could make the browser fetch
 * something from elsewhere (vocabulary autocompletion, a CORS proxy, a catalogue of public
 * endpoints, a link shortener, a stale endpoint remembered in localStorage or given in the
 * URL) is turned off or pinned to the endpoint named by the page.
 *
 * Contract with the template: #canned-queries is a JSON array of {name, title, query};
 * #examples receives one <button data-query-name> per query; #yasgui carries data-endpoint
 * (a path on this origin) and data-lang ("fr" or "en"). No inline script and no eval here,
 * for a Content-Security-Policy without 'unsafe-inline' / 'unsafe-eval' for scripts.
 */
(function () {
    "use strict";

    var TEXT = {
        fr: {
            tabName: "Requête",
            endpointLabel: "Point d'accès SPARQL (fixe)",
            running: "Requête en cours…",
            failed: "La requête a échoué : le message est affiché sous l'éditeur.",
            results: function (n) { return n + (n > 1 ? " résultats" : " résultat"); },
            done: "Réponse reçue.",
            editorLabel: "Éditeur de requête SPARQL",
            editorScroll: "Texte de la requête (défilement)",
            pageSize: "Lignes par page"
        },
        en: {
            tabName: "Query",
            endpointLabel: "SPARQL endpoint (fixed)",
            running: "Running the query…",
            failed: "The query failed: the message is shown below the editor.",
            results: function (n) { return n + (n === 1 ? " result" : " results"); },
            done: "Response received.",
            editorLabel: "SPARQL query editor",
            editorScroll: "Query text (scrolls)",
            pageSize: "Rows per page"
        }
    };

    // Autocompleters that work offline: query variables, and prefixes from the list compiled
    // into the bundle. "property" and "class" ask lov.linkeddata.es for every keystroke.
    var OFFLINE_AUTOCOMPLETERS = ["variables", "prefixes"];

    function readQueries() {
        var el = document.getElementById("canned-queries");
        if (!el) {
            return [];
        }
        try {
            var data = JSON.parse(el.textContent);
            return Array.isArray(data) ? data.filter(function (q) {
                return q && typeof q.query === "string" && typeof q.name === "string";
            }) : [];
        } catch (err) {
            console.error("sparql-page: #canned-queries is not valid JSON", err);
            return [];
        }
    }

    // A fresh request configuration for one tab: our endpoint, the SPARQL 1.1 protocol as a
    // form POST (query=...), and no extra headers, arguments or graphs.
    function requestConfigFor(endpoint) {
        return {
            endpoint: endpoint,
            method: "POST",
            acceptHeaderSelect: "application/sparql-results+json,*/*;q=0.9",
            acceptHeaderGraph: "text/turtle,*/*;q=0.9",
            namedGraphs: [],
            defaultGraphs: [],
            args: [],
            headers: {},
            withCredentials: false
        };
    }

    function yasguiConfig(endpoint, text, initialQuery, fromUrl) {
        return {
            // Keep the keyboard focus where the page puts it rather than in the editor.
            autofocus: false,
            tabName: text.tabName,
            requestConfig: requestConfigFor(endpoint),
            // New tabs take requestConfig above, not a copy of the current tab's endpoint.
            copyEndpointOnNewTab: false,
            // No proxy: a proxy would receive every query (and CORS probes would be sent).
            corsProxy: undefined,
            // The endpoint field suggests our endpoint only (the default lists DBpedia and
            // Wikidata); the field is also made read-only below.
            endpointCatalogueOptions: {
                getData: function () { return [{ endpoint: endpoint }]; },
                keys: []
            },
            endpointInfo: undefined,
            // null: no tab, query, endpoint history or result is read from or written to
            // localStorage, so a state left by another YASGUI on this origin (another
            // endpoint, older queries) cannot override the page's configuration.
            persistenceId: null,
            // A shared link (#query=...&endpoint=...) may set the query, the tab name and the
            // result view, never where the query goes: its request settings are replaced.
            populateFromUrl: fromUrl ? function (tab) {
                tab.requestConfig = requestConfigFor(endpoint);
                return tab;
            } : false,
            // Shown in the result table instead of full IRIs (with the query's own PREFIXes).
            // Plain strings: nothing is fetched from them.
            yasr: {
                prefixes: {
                    gsk: "https://w3id.org/genskills/ontology#",
                    gskd: "https://w3id.org/genskills/id/",
                    rdf: "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
                    rdfs: "http://www.w3.org/2000/01/rdf-schema#",
                    skos: "http://www.w3.org/2004/02/skos/core#",
                    xsd: "http://www.w3.org/2001/XMLSchema#"
                }
            },
            yasqe: {
                value: initialQuery,
                // Never fetch the prefix list (prefix.cc): use the one in the bundle.
                prefixCcApi: null,
                // No short-link service (it would post the query to a third party).
                createShortLink: undefined
            }
        };
    }

    function makeYasgui(root, endpoint, text, initialQuery) {
        var Yasgui = window.Yasgui;
        // Yasgui merges its config into its defaults with lodash's merge, which merges arrays
        // index by index: a shorter "autocompleters" list would not remove the online ones,
        // so the defaults themselves are set (this page has a single editor).
        Yasgui.defaults.yasqe.autocompleters = OFFLINE_AUTOCOMPLETERS.slice();
        Yasgui.Yasqe.defaults.autocompleters = OFFLINE_AUTOCOMPLETERS.slice();
        try {
            return new Yasgui(root, yasguiConfig(endpoint, text, initialQuery, true));
        } catch (err) {
            // A malformed shared link (bad JSON in outputSettings) throws while the tab is
            // built: start again without reading the URL.
            console.warn("sparql-page: ignoring the YASGUI state in the URL", err);
            while (root.firstChild) {
                root.removeChild(root.firstChild);
            }
            return new Yasgui(root, yasguiConfig(endpoint, text, initialQuery, false));
        }
    }

    // The endpoint is the page's: make its field read-only and give it a label (YASGUI's
    // input has none), and hide its "clear" button (sparql-page.css). Tabs are drawn when
    // first shown, so this runs again after every tab event.
    function lockEndpointFields(root, text) {
        var inputs = root.querySelectorAll(".controlbar input.autocomplete");
        for (var i = 0; i < inputs.length; i++) {
            inputs[i].readOnly = true;
            inputs[i].setAttribute("aria-label", text.endpointLabel);
        }
    }

    function addStatus(root) {
        var status = document.createElement("p");
        status.className = "sparql-status visually-hidden";
        status.setAttribute("role", "status");
        status.setAttribute("aria-live", "polite");
        root.parentNode.insertBefore(status, root);
        return status;
    }

    function describeResponse(tab, text) {
        var yasr = tab && tab.getYasr();
        var results = yasr && yasr.results;
        if (!results) {
            return text.done;
        }
        if (results.hasError && results.hasError()) {
            return text.failed;
        }
        var bindings = results.getBindings && results.getBindings();
        return bindings ? text.results(bindings.length) : text.done;
    }

    function addExampleButtons(container, queries, yasgui) {
        if (!container) {
            return;
        }
        queries.forEach(function (q) {
            var button = document.createElement("button");
            button.type = "button";
            button.className = "sparql-example";
            button.setAttribute("data-query-name", q.name);
            button.textContent = q.title || q.name;
            button.addEventListener("click", function () {
                var tab = yasgui.getTab();
                if (!tab) {
                    return;
                }
                // The tab's name is also the name of the downloaded CSV file.
                tab.setName(q.title || q.name);
                tab.setQuery(q.query);
                tab.query().catch(function () {
                    // YASR shows the error itself; nothing else to do here.
                });
            });
            container.appendChild(button);
        });
    }

    // Names for YASGUI's unlabelled controls (axe-core "label", "select-name" and
    // "scrollable-region-focusable"), applied again whenever YASGUI redraws a part.
    function labelControls(root, text) {
        root.querySelectorAll(".CodeMirror textarea:not([aria-label])").forEach(function (area) {
            area.setAttribute("aria-label", text.editorLabel);
        });
        root.querySelectorAll(".CodeMirror-scroll").forEach(function (scroll) {
            if (scroll.getAttribute("tabindex") !== "0") {
                scroll.setAttribute("tabindex", "0");
                scroll.setAttribute("aria-label", text.editorScroll);
            }
        });
        root.querySelectorAll("select.tableSizer:not([aria-label])").forEach(function (select) {
            select.setAttribute("aria-label", text.pageSize);
        });
    }

    function init() {
        var root = document.getElementById("yasgui");
        if (!root || typeof window.Yasgui !== "function") {
            return;
        }
        var lang = root.getAttribute("data-lang") === "en" ? "en" : "fr";
        var text = TEXT[lang];
        // Absolute URL on this origin: YASGUI builds URL objects from it (GET, share links).
        var endpoint = new URL(root.getAttribute("data-endpoint") || "/sparql", document.baseURI).href;
        var queries = readQueries();
        var initialQuery = queries.length ? queries[0].query : "SELECT * WHERE {\n  ?s ?p ?o\n}\nLIMIT 10";

        var status = addStatus(root);
        var yasgui = makeYasgui(root, endpoint, text, initialQuery);
        var relock = function () {
            window.setTimeout(function () { lockEndpointFields(root, text); }, 0);
        };
        lockEndpointFields(root, text);
        // The endpoint field opens its list of endpoints on focus; with one fixed endpoint
        // that list only hid the editor's first line after a keyboard user tabbed past it.
        root.addEventListener("focusin", function (event) {
            if (event.target.matches && event.target.matches(".controlbar input.autocomplete")) {
                event.stopPropagation();
            }
        }, true);
        yasgui.on("tabAdd", relock);
        yasgui.on("tabSelect", relock);
        yasgui.on("tabChange", relock);
        yasgui.on("query", function () {
            status.textContent = text.running;
        });
        yasgui.on("queryResponse", function (instance, tab) {
            // Yasgui emits this before YASR has parsed the response: read it a turn later.
            window.setTimeout(function () {
                status.textContent = describeResponse(tab, text);
            }, 0);
        });

        addExampleButtons(document.getElementById("examples"), queries, yasgui);
        labelControls(root, text);
        var pending = false;
        new MutationObserver(function () {
            if (!pending) {
                pending = true;
                window.setTimeout(function () { pending = false; labelControls(root, text); }, 0);
            }
        }).observe(root, {childList: true, subtree: true});
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", init);
    } else {
        init();
    }
}());
