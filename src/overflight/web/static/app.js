// overflight web map: plain JavaScript over the HTTP API, MapLibre GL JS for the map.
// Everything it loads comes from this server: the basemap is the shipped state polygons,
// drawn as fill and line layers (no tiles, no glyphs, no sprites); labels are HTML.
"use strict";

(function () {
  const DEG = Math.PI / 180;
  const $ = (id) => document.getElementById(id);
  const narrow = window.matchMedia("(max-width: 700px)");

  // ---- what the user asked for; mirrored in the URL so that a view can be shared --------
  const state = {
    origin: "",
    destination: "",
    deny: new Set(),
    allow: new Set(),
    scenario: "",
    aircraft: "",
    globe: false,
    wind: false, // the wind layer shown
    options: {}, // key -> text, for OPTIONS below
  };

  // Request options beyond places, denials, scenario and aircraft: one entry each, bound to
  // the input with that id in index.html. `key` is the page URL's name, `param` the API's;
  // `to` lists the API calls that take it. A new option is one entry here and one row there.
  const OPTIONS = [
    { key: "margin", param: "margin_nm", to: ["route", "chokepoints", "timeline"] },
    { key: "date", param: "date", to: ["route", "compare", "chokepoints", "scenario"], scenario: true },
    { key: "airline", param: "airline", to: ["route", "timeline"], upper: true },
    { key: "operator", param: "operator", to: ["route", "compare", "chokepoints", "scenario", "timeline"], scenario: true, upper: true },
    { key: "category", param: "category", to: ["route", "compare", "chokepoints", "scenario", "timeline"], scenario: true },
    { key: "fl", param: "flight_level", to: ["route"] },
    { key: "month", param: "month", to: ["route"], wind: true },
  ];

  function addOptions(q, call) {
    for (const o of OPTIONS) if (o.to.includes(call) && state.options[o.key]) q.set(o.param, state.options[o.key]);
    return q;
  }

  // Colours of the map, in one place: the layers and the legend read them from here.
  const COLOURS = {
    route: "#d9480f",
    direct: "#495057",
    deniedByYou: "#e03131",
    deniedOther: "#f4a4a4",
    opened: "#b2f2bb",
    crossed: "#ffe8a3",
    land: "#f7f5ef",
    origin: "#2b8a3e",
    destination: "#d9480f",
    stop: "#f59f00",
    advisory: "#e8590c",
    caution: "#f2c94c",
    wind: "#364fc7",
  };
  let scenarioDenied = new Set(); // what the chosen scenario closes for this flight
  let registryDenied = new Set(); // what the registry refused the last flight planned
  let features = new Map(); // code -> {name, sovereign}
  let plan = null; // the last route drawn
  let pickRole = null; // "origin" | "destination" while picking on the map
  // What is on the map, for tests and checks: coordinates of the lines, features of the layers.
  const drawn = { route: [], direct: [], advisories: [], wind: [] };

  function readUrl() {
    const q = new URLSearchParams(location.search);
    const codes = (key) => new Set((q.get(key) || "").split(",").map((c) => c.trim().toUpperCase()).filter(Boolean));
    state.origin = q.get("from") || "";
    state.destination = q.get("to") || "";
    state.deny = codes("deny");
    state.allow = codes("allow");
    state.scenario = q.get("scenario") || "";
    state.aircraft = q.get("aircraft") || "";
    state.globe = q.get("globe") === "1";
    state.wind = q.get("wind") === "1";
    state.options = {};
    for (const o of OPTIONS) if (q.get(o.key)) state.options[o.key] = q.get(o.key);
  }

  function writeUrl() {
    const q = new URLSearchParams();
    if (state.origin) q.set("from", state.origin);
    if (state.destination) q.set("to", state.destination);
    if (state.deny.size) q.set("deny", [...state.deny].sort().join(","));
    if (state.scenario) q.set("scenario", state.scenario);
    if (state.allow.size && state.scenario) q.set("allow", [...state.allow].sort().join(","));
    if (state.aircraft) q.set("aircraft", state.aircraft);
    for (const o of OPTIONS) if (state.options[o.key]) q.set(o.key, state.options[o.key]);
    if (state.globe) q.set("globe", "1");
    if (state.wind) q.set("wind", "1");
    const search = q.toString();
    history.replaceState(null, "", search ? `?${search.replace(/%2C/g, ",")}` : location.pathname);
  }

  // ---- geometry: great circles densified on the sphere, longitudes unwrapped -------------
  function toVector([lon, lat]) {
    const c = Math.cos(lat * DEG);
    return [c * Math.cos(lon * DEG), c * Math.sin(lon * DEG), Math.sin(lat * DEG)];
  }

  function toLonLat([x, y, z]) {
    return [Math.atan2(y, x) / DEG, Math.atan2(z, Math.hypot(x, y)) / DEG];
  }

  // Points along the shorter great-circle arc from a to b, about one degree apart (slerp).
  function greatCircle(a, b) {
    const u = toVector(a);
    const v = toVector(b);
    const dot = Math.max(-1, Math.min(1, u[0] * v[0] + u[1] * v[1] + u[2] * v[2]));
    const omega = Math.acos(dot);
    if (Math.sin(omega) < 1e-9) return [a, b]; // same point, or antipodes: no single arc
    const steps = Math.max(1, Math.ceil(omega / DEG));
    const out = [];
    for (let i = 0; i <= steps; i++) {
      const t = i / steps;
      const s = Math.sin((1 - t) * omega) / Math.sin(omega);
      const r = Math.sin(t * omega) / Math.sin(omega);
      out.push(toLonLat([s * u[0] + r * v[0], s * u[1] + r * v[1], s * u[2] + r * v[2]]));
    }
    out[0] = a;
    out[out.length - 1] = b;
    return out;
  }

  // Shift each longitude by whole turns to within 180° of the one before, so that a line
  // across ±180° is drawn through it (MapLibre draws longitudes beyond ±180 on the next
  // world copy) instead of jumping back across the whole map.
  function unwrap(points) {
    let previous = null;
    return points.map(([lon, lat]) => {
      if (previous !== null) lon += 360 * Math.round((previous - lon) / 360);
      previous = lon;
      return [lon, lat];
    });
  }

  function track(waypoints) {
    const points = [];
    for (let i = 1; i < waypoints.length; i++) {
      const leg = greatCircle(waypoints[i - 1], waypoints[i]);
      points.push(...(i === 1 ? leg : leg.slice(1)));
    }
    return unwrap(points);
  }

  // The outlines of the states, less the edges along ±180° where the data cuts polygons that
  // cross the antimeridian (Russia, Fiji...): drawn, they would show a border that is not one.
  function borders(collection) {
    const seam = (a, b) => Math.abs(a[0]) === 180 && a[0] === b[0];
    const lines = [];
    for (const feature of collection.features) {
      const g = feature.geometry;
      const polygons = g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [];
      for (const ring of polygons.flat()) {
        let run = [ring[0]];
        for (let i = 1; i < ring.length; i++) {
          if (seam(ring[i - 1], ring[i])) {
            if (run.length > 1) lines.push(run);
            run = [];
          }
          run.push(ring[i]);
        }
        if (run.length > 1) lines.push(run);
      }
    }
    return { type: "Feature", properties: {}, geometry: { type: "MultiLineString", coordinates: lines } };
  }

  const line = (coordinates) => ({
    type: "FeatureCollection",
    features: coordinates.length > 1 ? [{ type: "Feature", properties: {}, geometry: { type: "LineString", coordinates } }] : [],
  });

  // ---- formatting ------------------------------------------------------------------------
  const km = (x) => Math.round(x).toLocaleString("en-US");
  function hours(h) {
    if (h === null || h === undefined) return "–";
    const minutes = Math.round(Math.abs(h) * 60);
    return `${h < 0 ? "−" : ""}${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, "0")}`;
  }
  const stateName = (code) => (features.get(code) || {}).name || code;
  const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
  // A flight-level band, {lower, upper} (as GeoJSON properties on the map: its JSON text).
  function band(b) {
    const { lower, upper } = typeof b === "string" ? JSON.parse(b) : b;
    const fl = (n) => `FL${String(n).padStart(3, "0")}`;
    return lower === 0 ? `ground–${fl(upper)}` : `${fl(lower)}–${fl(upper)}`;
  }
  const window_ = (from, to) => `${from || "…"} to ${to || "now"}`;
  // A link to a rule's or an advisory's source, opened apart from the map.
  function sourceLink(text, url, title) {
    return url ? el("a", { href: url, target: "_blank", rel: "noopener", title: title || url }, text) : el("span", { title: title || "" }, text);
  }

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value);
    }
    for (const child of children) node.append(child instanceof Node ? child : String(child));
    return node;
  }

  // ---- the API ---------------------------------------------------------------------------
  async function api(path, params, signal) {
    const url = params ? `${path}?${params.toString()}` : path;
    const answer = await fetch(url, { signal, headers: { Accept: "application/json" } });
    const body = await answer.json();
    if (!answer.ok) {
      const error = new Error(body.message || `HTTP ${answer.status}`);
      error.body = body;
      throw error;
    }
    return body;
  }

  function planParams() {
    const q = new URLSearchParams({ origin: state.origin, destination: state.destination });
    if (state.deny.size) q.set("deny", [...state.deny].join(","));
    if (state.scenario) q.set("scenario", state.scenario);
    if (state.scenario && state.allow.size) q.set("allow", [...state.allow].join(","));
    if (state.aircraft) q.set("aircraft", state.aircraft);
    return addOptions(q, "route");
  }

  // ---- the map ---------------------------------------------------------------------------
  const map = new maplibregl.Map({
    container: "map",
    style: {
      version: 8,
      sources: {
        states: { type: "geojson", data: line([]), promoteId: "code", attribution: "Boundaries © OpenStreetMap contributors (ODbL)" },
        borders: { type: "geojson", data: line([]) },
        route: { type: "geojson", data: line([]) },
        direct: { type: "geojson", data: line([]) },
        advisories: { type: "geojson", data: line([]) },
        wind: { type: "geojson", data: line([]) },
      },
      layers: [
        { id: "sea", type: "background", paint: { "background-color": "#b9d3e6" } },
        {
          id: "states-fill",
          type: "fill",
          source: "states",
          paint: {
            "fill-color": [
              "case",
              ["==", ["feature-state", "denied"], 2], COLOURS.deniedByYou,
              ["==", ["feature-state", "denied"], 1], COLOURS.deniedOther,
              ["boolean", ["feature-state", "opened"], false], COLOURS.opened,
              ["boolean", ["feature-state", "crossed"], false], COLOURS.crossed,
              COLOURS.land,
            ],
            "fill-opacity": ["case", ["boolean", ["feature-state", "hover"], false], 0.75, 1],
          },
        },
        { id: "states-line", type: "line", source: "borders", paint: { "line-color": "#8a949e", "line-width": 0.6 } },
        // Advisory areas: hatched and outlined, over the states' fill, so that a refusal (a
        // red fill) and an advisory (an orange hatch) show apart, and both where both apply.
        { id: "advisory-fill", type: "fill", source: "advisories", paint: { "fill-pattern": ["match", ["get", "severity"], "caution", "hatch-caution", "hatch-avoid"] } },
        {
          id: "advisory-line",
          type: "line",
          source: "advisories",
          paint: { "line-color": ["match", ["get", "severity"], "caution", COLOURS.caution, COLOURS.advisory], "line-width": 1.8, "line-dasharray": [4, 2] },
        },
        { id: "wind-line", type: "line", source: "wind", paint: { "line-color": COLOURS.wind, "line-width": ["get", "width"], "line-opacity": 0.7 }, layout: { "line-cap": "round" } },
        {
          id: "direct-line",
          type: "line",
          source: "direct",
          paint: { "line-color": COLOURS.direct, "line-width": 1.5, "line-dasharray": [3, 3] },
        },
        { id: "route-casing", type: "line", source: "route", paint: { "line-color": "#fff", "line-width": 6 }, layout: { "line-cap": "round", "line-join": "round" } },
        { id: "route-line", type: "line", source: "route", paint: { "line-color": COLOURS.route, "line-width": 3.5 }, layout: { "line-cap": "round", "line-join": "round" } },
      ],
    },
    center: [30, 40],
    zoom: 1.6,
    renderWorldCopies: true,
    attributionControl: false,
    dragRotate: false,
  });
  map.addControl(
    new maplibregl.AttributionControl({
      compact: narrow.matches, // on phones, an (i) button that opens the credits
      customAttribution: "Airports: OurAirports, airportsdata · MapLibre GL JS",
    }),
    narrow.matches ? "top-right" : "bottom-right",
  );
  if (!narrow.matches) map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");

  const markers = {
    origin: new maplibregl.Marker({ element: el("div", { class: "marker origin", title: "origin" }) }),
    destination: new maplibregl.Marker({ element: el("div", { class: "marker destination", title: "destination" }) }),
  };
  let stopMarkers = [];

  // ---- shading: denied (by you: dark, by the scenario or as a dependency: light) --------
  const shaded = new Map();
  function effectiveDenied() {
    const denied = new Map();
    for (const code of scenarioDenied) if (!state.allow.has(code)) denied.set(code, 1);
    for (const code of registryDenied) if (!state.allow.has(code)) denied.set(code, 1);
    for (const code of state.deny) denied.set(code, 2);
    // Denying a state denies its dependencies, as the planner does.
    for (const [code, f] of features) {
      if (f.sovereign && denied.has(f.sovereign) && !denied.has(code)) denied.set(code, 1);
    }
    return denied;
  }

  function shade() {
    if (!map.getSource("states") || !features.size) return;
    const denied = effectiveDenied();
    const crossed = new Set(plan ? flownLegs(plan).flatMap((leg) => leg.transit.map((t) => t.country)) : []);
    const wanted = new Map();
    for (const code of new Set([...shaded.keys(), ...denied.keys(), ...crossed, ...state.allow])) {
      wanted.set(code, {
        denied: denied.get(code) || 0,
        opened: state.allow.has(code) && scenarioDenied.has(code),
        crossed: crossed.has(code),
      });
    }
    for (const [code, value] of wanted) {
      const before = shaded.get(code);
      if (before && before.denied === value.denied && before.opened === value.opened && before.crossed === value.crossed) continue;
      map.setFeatureState({ source: "states", id: code }, value);
      shaded.set(code, value);
    }
    renderChips(denied);
    if (pointer) describe(pointer);
  }

  function renderChips(denied) {
    const chips = $("chips");
    chips.replaceChildren();
    for (const code of [...state.deny].sort()) {
      chips.append(el("button", { type: "button", class: "chip deny", title: `Allow ${stateName(code)} again`, onclick: () => toggleState(code) }, `✕ ${stateName(code)} (${code})`));
    }
    for (const code of [...state.allow].sort()) {
      chips.append(el("button", { type: "button", class: "chip allow", title: `Close ${stateName(code)} again`, onclick: () => toggleState(code) }, `✓ ${stateName(code)} (${code}) open`));
    }
    const fromScenario = [...denied.keys()].filter((c) => !state.deny.has(c)).length;
    if (state.scenario) chips.append(el("span", { class: "hint" }, `${fromScenario} closed by ${state.scenario}`));
    if (state.deny.size || state.allow.size) {
      chips.append(el("button", { type: "button", class: "chip clear", onclick: () => { state.deny.clear(); state.allow.clear(); changed(); } }, "clear"));
    }
  }

  function toggleState(code) {
    if (state.scenario && scenarioDenied.has(code) && !state.deny.has(code)) {
      // A state the scenario closes: clicking opens it on top of the scenario.
      if (state.allow.has(code)) state.allow.delete(code);
      else state.allow.add(code);
    } else if (state.deny.has(code)) state.deny.delete(code);
    else state.deny.add(code);
    changed();
  }

  // ---- hover and click -------------------------------------------------------------------
  const tooltip = $("tooltip");
  let hovered = null;
  function setHover(code) {
    if (hovered === code) return;
    if (hovered) map.setFeatureState({ source: "states", id: hovered }, { hover: false });
    hovered = code;
    if (code) map.setFeatureState({ source: "states", id: code }, { hover: true });
  }

  let pointer = null; // where the mouse is over the map, to refresh the tooltip after a click
  function describe(point) {
    const f = map.queryRenderedFeatures(point, { layers: ["states-fill"] })[0];
    const code = f ? f.properties.code : null;
    const areas = map.queryRenderedFeatures(point, { layers: ["advisory-fill"] }).map((a) => a.properties);
    setHover(code);
    map.getCanvas().style.cursor = code || pickRole ? "pointer" : "";
    if (!code && !pickRole && !areas.length) {
      tooltip.hidden = true;
      return;
    }
    const denied = effectiveDenied().get(code);
    const what = pickRole ? `click to set the ${pickRole}` : denied ? "denied — click to allow" : "click to deny";
    const lines = [code ? `${stateName(code)} (${code}) · ${what}` : what];
    for (const a of new Map(areas.map((a) => [a.id, a])).values()) {
      lines.push(`advisory ${a.id} (${a.issuer}, ${a.severity}) ${band(a.band)}`);
    }
    tooltip.textContent = lines.join("\n");
    tooltip.style.left = `${point.x + 14}px`;
    tooltip.style.top = `${point.y + 14}px`;
    tooltip.hidden = false;
  }
  map.on("mousemove", (e) => {
    pointer = e.point;
    describe(pointer);
  });
  map.on("mouseout", () => {
    pointer = null;
    setHover(null);
    tooltip.hidden = true;
  });

  map.on("click", (e) => {
    if (pickRole) {
      const { lng, lat } = e.lngLat.wrap();
      setPlace(pickRole, `${lat.toFixed(4)},${lng.toFixed(4)}`);
      setPicking(null);
      return;
    }
    const f = map.queryRenderedFeatures(e.point, { layers: ["states-fill"] })[0];
    if (f) toggleState(f.properties.code);
  });

  function setPicking(role) {
    pickRole = role;
    for (const button of document.querySelectorAll("button.pick")) button.classList.toggle("active", button.dataset.role === role);
    $("pick-hint").hidden = !role;
    $("pick-hint").textContent = role ? `Click the map to set the ${role} (Esc to cancel)` : "";
  }
  for (const button of document.querySelectorAll("button.pick")) {
    button.addEventListener("click", () => setPicking(pickRole === button.dataset.role ? null : button.dataset.role));
  }
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape") setPicking(null);
  });

  // ---- places: typing with autocomplete --------------------------------------------------
  function setPlace(role, text) {
    state[role] = text.trim();
    $(role).value = state[role];
    changed({ fit: true });
  }

  function autocomplete(role) {
    const input = $(role);
    const list = $(`${role}-list`);
    let items = [];
    let itemsFor = null; // the text the suggestions were found for
    let active = -1;
    let timer = null;
    let controller = null;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      active = -1;
    }
    function show() {
      list.replaceChildren(
        ...items.map((p, i) =>
          el(
            "li",
            { role: "option", id: `${role}-option-${i}`, "aria-selected": String(i === active), onmousedown: (e) => { e.preventDefault(); choose(i); } },
            el("span", { class: "code" }, p.code),
            p.name,
            el("span", { class: "where" }, p.country ? ` · ${p.country}` : ""),
          ),
        ),
      );
      list.hidden = items.length === 0;
      input.setAttribute("aria-expanded", String(items.length > 0));
    }
    function choose(i) {
      const picked = items[i];
      close();
      if (picked) setPlace(role, picked.code);
    }
    async function search() {
      const text = input.value.trim();
      if (controller) controller.abort();
      if (!text || text.length > 64 || /^[-+\d.\s,°NSEWnsew]+$/.test(text)) {
        items = [];
        itemsFor = text;
        close();
        return;
      }
      controller = new AbortController();
      try {
        items = await api("/api/airports", new URLSearchParams({ q: text, limit: "8" }), controller.signal);
        itemsFor = text;
        active = items.length ? 0 : -1;
        if (document.activeElement === input) show();
      } catch (err) {
        if (err.name !== "AbortError") {
          items = [];
          itemsFor = text;
        }
      }
    }
    // Enter takes the highlighted suggestion for what is typed now (searching first if the
    // suggestions are for an earlier text), an exact code match first, else the text as typed.
    async function enter() {
      const text = input.value.trim();
      if (itemsFor !== text) await search();
      const exact = items.findIndex((p) => p.code.toUpperCase() === text.toUpperCase());
      if (exact >= 0) choose(exact);
      else if (items.length && active >= 0) choose(active);
      else {
        close();
        setPlace(role, text);
      }
    }
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(search, 120);
    });
    input.addEventListener("keydown", (e) => {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        if (!items.length) return;
        e.preventDefault();
        active = (active + (e.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
        show();
      } else if (e.key === "Enter") {
        e.preventDefault();
        clearTimeout(timer);
        enter();
      } else if (e.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", () => {
      close();
      if (input.value.trim() !== state[role]) setPlace(role, input.value);
    });
  }

  // ---- planning, on every change ---------------------------------------------------------
  let planTimer = null;
  let planController = null;
  let fitNext = false;

  function changed(options = {}) {
    if (!state.scenario) state.allow.clear();
    if (options.fit) fitNext = true;
    writeUrl();
    shade();
    clearTimeout(planTimer);
    planTimer = setTimeout(replan, 80);
  }

  function setStatus(text) {
    $("status").textContent = text;
  }

  function showError(message) {
    $("error").hidden = !message;
    $("error").textContent = message || "";
  }

  // The legs as flown: those of the fuel-stop plan, or the one route.
  const flownLegs = (data) => data.legs || [data];
  const stopLabel = (s) => `${s.name} (${s.code}${s.country ? `, ${s.country}` : ""})`;

  function clearRoute() {
    plan = null;
    placeStops([]);
    drawn.route = [];
    drawn.direct = [];
    map.getSource("route").setData(line([]));
    map.getSource("direct").setData(line([]));
    $("summary").hidden = true;
    $("transit").hidden = true;
    $("stops").hidden = true;
    $("remarks").hidden = true;
    $("rules").hidden = true;
    registryDenied = new Set();
    showAdvisories(null);
  }

  function placeStops(stops) {
    for (const marker of stopMarkers) marker.remove();
    stopMarkers = stops.map((s) =>
      new maplibregl.Marker({ element: el("div", { class: "marker stop", title: `Fuel stop: ${stopLabel(s)}` }) }).setLngLat([s.lon, s.lat]).addTo(map),
    );
  }

  function placeMarkers(data) {
    for (const role of ["origin", "destination"]) {
      const place = data && data[role];
      if (place) markers[role].setLngLat([place.lon, place.lat]).addTo(map);
      else markers[role].remove();
    }
  }

  async function replan() {
    if (planController) planController.abort();
    document.body.dataset.route = "idle";
    if (!state.origin || !state.destination) {
      clearRoute();
      placeMarkers(null);
      showError("");
      setStatus("Type or pick an origin and a destination.");
      shade();
      return;
    }
    planController = new AbortController();
    const signal = planController.signal;
    document.body.dataset.route = "loading";
    setStatus("Planning…");
    try {
      const data = await api("/api/route", planParams(), signal);
      if (signal.aborted) return;
      showError("");
      draw(data);
      document.body.dataset.route = "ready";
    } catch (err) {
      if (err.name === "AbortError") return;
      clearRoute();
      placeMarkers(null);
      const body = err.body || {};
      const why = body.states && body.states.length ? ` Refusals responsible: ${body.states.map(stateName).join(", ")}.` : "";
      showError(`${err.message}${why}`);
      setStatus("");
      document.body.dataset.route = "error";
    }
    shade();
  }

  function draw(data) {
    plan = data;
    const flown = data.legs ? data.legs.flatMap((leg, i) => (i ? leg.waypoints.slice(1) : leg.waypoints)) : data.waypoints;
    drawn.route = track(flown);
    const ends = [data.waypoints[0], data.waypoints[data.waypoints.length - 1]];
    drawn.direct = unwrap(greatCircle(ends[0], ends[1]));
    map.getSource("route").setData(line(drawn.route));
    map.getSource("direct").setData(line(drawn.direct));
    placeMarkers(data);
    placeStops(data.stops || []);
    renderSummary(data);
    renderTransit(data);
    renderRules(data);
    // The registry's refusals shade the map as a scenario's do.
    registryDenied = new Set(data.registry_as_of ? data.denied.filter((c) => !state.deny.has(c)) : []);
    loadAdvisories(data);
    setStatus(`${data.origin.code} → ${data.destination.code}`);
    // Every answer keeps its route in view: a new place fits it, and so does a route that
    // has left the screen (a denial can send it over the pole or across the Pacific).
    if (fitNext || !inView(drawn.route)) fit(drawn.route);
    fitNext = false;
  }

  // The part of the map the panel does not cover, in pixels.
  function padding() {
    const panel = $("panel");
    return narrow.matches
      ? { top: 40, bottom: panel.classList.contains("collapsed") ? 40 : window.innerHeight * 0.55 + 20, left: 30, right: 30 }
      : { top: 50, bottom: 50, left: panel.classList.contains("collapsed") ? 50 : 400, right: 60 };
  }

  // Whether every point (Mercator can show |lat| < 85°) lies in the uncovered part of the map.
  function inView(points) {
    if (state.globe) return true; // the globe is turned by hand
    const canvas = map.getCanvas();
    const panel = $("panel").getBoundingClientRect();
    const folded = $("panel").classList.contains("collapsed");
    const slack = 10;
    const left = narrow.matches || folded ? slack : panel.right + slack;
    const bottom = narrow.matches && !folded ? panel.top - slack : canvas.clientHeight - slack;
    return points.every(([lon, lat]) => {
      if (Math.abs(lat) > 84) return true;
      const p = map.project([lon, lat]);
      return p.x >= left && p.x <= canvas.clientWidth - slack && p.y >= slack && p.y <= bottom;
    });
  }

  function fit(points) {
    if (!points.length) return;
    let [west, south, east, north] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const [lon, lat] of points) {
      west = Math.min(west, lon);
      east = Math.max(east, lon);
      south = Math.min(south, lat);
      north = Math.max(north, lat);
    }
    try {
      map.fitBounds([[west, Math.max(south, -84)], [east, Math.min(north, 84)]], { padding: padding(), maxZoom: 6, duration: 0 });
    } catch (err) {
      // A view too small for the padding: keep the current one.
    }
  }

  // The figures of the flight drawn: with fuel stops, those of the legs flown (the non-stop
  // route the top-level fields describe is beyond the aircraft's range, and is not drawn).
  function renderSummary(data) {
    const stops = data.stops || [];
    const flown = stops.length ? data.total_distance_km : data.distance_km;
    const extra = flown - data.great_circle_km;
    const rows = [
      ["Distance", `${km(flown)} km (${km(flown / 1.852)} nm)`],
      ["Great circle", `${km(data.great_circle_km)} km`],
      ["Penalty", `+${km(extra)} km (+${((100 * extra) / data.great_circle_km).toFixed(1)} %)`],
    ];
    if (stops.length) {
      const ground = stops.length * data.ground_time_h;
      rows.push(["Legs", `${data.legs.length}, via ${stops.map(stopLabel).join(", ")}`]);
      rows.push(["Time", `${hours(data.total_time_h)} in all: ${hours(data.flight_time_h)} flying at ${Math.round(data.speed_kt)} kt, ${hours(ground)} on the ground`]);
      rows.push(["Non-stop", `${km(data.distance_km)} km: beyond the ${km(data.aircraft.usable_range_km)} km usable range`]);
    } else {
      rows.push(["Time", `${hours(data.still_air_h)} in still air at ${Math.round(data.speed_kt)} kt`]);
      if (data.month) {
        const wind = data.mean_wind_kt;
        const along = Math.abs(wind) < 0.5 ? "no mean wind along" : `${wind > 0 ? "tailwind" : "headwind"} ${Math.round(Math.abs(wind))} kt on average`;
        rows.push(["With wind", `${hours(data.wind_h)} in ${MONTHS[data.month - 1]}'s mean wind (${along})`]);
      } else {
        rows.push(["With wind", "give a date or a month for the wind's time"]);
      }
      if (data.aircraft) rows.push(["Range", `${km(data.aircraft.usable_range_km)} km usable: non-stop`]);
    }
    rows.push(["Clearances", data.clearances.length ? data.clearances.map((c) => `${stateName(c)} (${c})`).join(", ") : "none"]);
    if (data.straits && data.straits.length) rows.push(["Straits", data.straits.join(", ")]);
    $("summary").replaceChildren(...rows.flatMap(([k, v]) => [el("dt", {}, k), el("dd", { "data-figure": k }, v)]));
    $("summary").hidden = false;
    $("stops").hidden = !stops.length;
    $("stops").textContent = stops.length ? `Fuel stops: ${stops.map(stopLabel).join(", ")}` : "";
    const remarks = [...(data.remarks || []), ...(data.warnings || []), ...(data.advisory_warnings || [])];
    $("remarks").hidden = !remarks.length;
    $("remarks").textContent = remarks.join(" ");
  }

  // The registry's rules that concerned the flight and the advisories that bound it, each
  // with a link to its source.
  function renderRules(data) {
    const rules = data.registry_as_of ? data.restrictions || [] : [];
    const advisories = data.advisories || [];
    const who = [data.airline, data.operator && `operator ${data.operator}`, data.category, data.date].filter(Boolean).join(", ");
    $("restrictions").querySelector("caption").textContent = rules.length
      ? `Rules applied (${who}; registry as of ${data.registry_as_of})`
      : `No rule of the registry concerns this flight (${who})`;
    $("restrictions").querySelector("tbody").replaceChildren(
      ...rules.map((r) =>
        el(
          "tr",
          { "data-rule": r.id, title: r.note },
          el("td", {}, sourceLink(r.id, r.source_url, `${r.source_title}${r.source_publisher ? ` (${r.source_publisher})` : ""}`)),
          el("td", {}, r.states.join(" ")),
          el("td", {}, r.kind),
          el("td", {}, window_(r.valid_from, r.valid_to)),
        ),
      ),
    );
    $("restrictions").querySelector("thead").hidden = !rules.length;
    $("restrictions").hidden = !data.registry_as_of;
    $("advisories").querySelector("tbody").replaceChildren(
      ...advisories.map((a) =>
        el(
          "tr",
          { "data-advisory": a.id, title: `${a.note} (${a.effect})` },
          el("td", {}, sourceLink(a.id, a.source_url, a.source_title)),
          el("td", {}, a.issuer),
          el("td", {}, a.severity),
          el("td", {}, band(a.band)),
        ),
      ),
    );
    $("advisories").hidden = !advisories.length;
    $("rules").hidden = $("restrictions").hidden && $("advisories").hidden;
  }

  // ---- the advisory areas binding the flight at its level, as their own layer -------------
  let advisoryController = null;
  async function loadAdvisories(data) {
    if (advisoryController) advisoryController.abort();
    if (!data.advisories || !data.operator) {
      showAdvisories(null);
      return;
    }
    advisoryController = new AbortController();
    const q = new URLSearchParams({ operator: data.operator, category: data.category, date: data.date, fl: String(data.flight_level) });
    if (data.airline) q.set("airline", data.airline);
    try {
      showAdvisories(await api("/api/advisories", q, advisoryController.signal));
    } catch (err) {
      if (err.name !== "AbortError") showError(err.message);
    }
  }

  function showAdvisories(collection) {
    drawn.advisories = collection ? collection.features.map((f) => f.properties) : [];
    if (map.getSource("advisories")) map.getSource("advisories").setData(collection || line([]));
    document.body.dataset.advisories = String(drawn.advisories.length);
  }

  // Diagonal hatching for the advisory areas' fill, drawn here: the map loads no images.
  function hatch(colour) {
    const size = 10;
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = size;
    const g = canvas.getContext("2d");
    g.strokeStyle = colour;
    g.lineWidth = 2;
    g.beginPath();
    for (const k of [-size, 0, size]) {
      g.moveTo(k, size);
      g.lineTo(k + size, 0);
    }
    g.stroke();
    return g.getImageData(0, 0, size, size);
  }

  // ---- the wind layer: the month's mean wind at 200 hPa as arrows ------------------------
  // The month shown: the one asked for, else the date's, else this month.
  function windMonth() {
    if (state.options.month) return Number(state.options.month);
    if (state.options.date) return Number(state.options.date.slice(5, 7));
    return new Date().getMonth() + 1;
  }

  let windShown = null; // the month drawn
  async function loadWind() {
    if (!state.wind) {
      windShown = null;
      drawn.wind = [];
      map.getSource("wind").setData(line([]));
      $("wind-month").textContent = "";
      return;
    }
    const month = windMonth();
    if (windShown === month) return;
    windShown = month;
    try {
      const grid = await api("/api/winds", new URLSearchParams({ month: String(month), step_deg: "10" }));
      if (!state.wind || windShown !== month) return;
      drawn.wind = grid.features;
      map.getSource("wind").setData({ type: "FeatureCollection", features: grid.features.flatMap(arrow) });
      $("wind-month").textContent = `${MONTHS[month - 1]}, 200 hPa`;
    } catch (err) {
      windShown = null;
      showError(err.message);
    }
  }

  // An arrow along the wind from its grid point: 1° of length per 25 kt, thicker when faster.
  function arrow(f) {
    const [lon, lat] = f.geometry.coordinates;
    const { u_m_s: u, v_m_s: v, speed_kt: speed } = f.properties;
    if (speed < 5) return [];
    const length = Math.min(speed / 25, 8);
    const east = u / Math.hypot(u, v);
    const north = v / Math.hypot(u, v);
    const stretch = 1 / Math.max(Math.cos(lat * DEG), 0.2); // equal lengths on the Mercator map
    const at = (along, side) => [lon + (along * east - side * north) * stretch, lat + along * north + side * east];
    const tip = at(length, 0);
    const head = length * 0.3;
    const properties = { width: speed > 80 ? 2.2 : speed > 40 ? 1.5 : 1 };
    return [
      { type: "Feature", properties, geometry: { type: "LineString", coordinates: [[lon, lat], tip] } },
      { type: "Feature", properties, geometry: { type: "LineString", coordinates: [at(length - head, head * 0.6), tip, at(length - head, -head * 0.6)] } },
    ];
  }

  // The states crossed by the legs flown, leg by leg when there are fuel stops.
  function renderTransit(data) {
    const body = $("transit").querySelector("tbody");
    const legs = flownLegs(data);
    const rows = [];
    let highSeas = 0;
    legs.forEach((leg, i) => {
      if (legs.length > 1) {
        const to = i < data.stops.length ? stopLabel(data.stops[i]) : `${leg.destination.name} (${leg.destination.code})`;
        rows.push(el("tr", { class: "leg" }, el("td", {}, `Leg ${i + 1} to ${to}`), el("td", { class: "num" }, km(leg.distance_km))));
      }
      for (const t of leg.transit) rows.push(el("tr", { "data-country": t.country }, el("td", {}, `${t.name} (${t.country})`), el("td", { class: "num" }, km(t.distance_km))));
      highSeas += leg.high_seas_km;
    });
    if (highSeas > 0.5) rows.push(el("tr", { class: "highseas" }, el("td", {}, "high seas"), el("td", { class: "num" }, km(highSeas))));
    body.replaceChildren(...rows);
    $("transit").hidden = false;
  }

  function renderLegend() {
    const item = (swatch, text) => el("div", { class: "item" }, swatch, text);
    const fill = (colour) => el("span", { class: "swatch", style: `background: ${colour}` });
    const dot = (colour, square) => el("span", { class: `swatch dot${square ? " square" : ""}`, style: `background: ${colour}` });
    $("legend").replaceChildren(
      item(el("span", { class: "swatch line", style: `border-top-color: ${COLOURS.route}` }), "route flown"),
      item(el("span", { class: "swatch line dashed", style: `border-top-color: ${COLOURS.direct}` }), "direct great circle"),
      item(fill(COLOURS.deniedByYou), "denied by you"),
      item(fill(COLOURS.deniedOther), "denied by the scenario or the registry, or with its sovereign"),
      item(el("span", { class: "swatch hatch", style: `border-color: ${COLOURS.advisory}; color: ${COLOURS.advisory}` }), "advisory area at the flight's level"),
      item(el("span", { class: "swatch hatch", style: `border-color: ${COLOURS.caution}; color: ${COLOURS.caution}` }), "advisory area: caution"),
      item(fill(COLOURS.opened), "opened on top of the scenario"),
      item(fill(COLOURS.crossed), "crossed by the route"),
      item(dot(COLOURS.origin), "origin"),
      item(dot(COLOURS.destination), "destination"),
      item(dot(COLOURS.stop, true), "fuel stop"),
      item(el("span", { class: "swatch line", style: `border-top-color: ${COLOURS.wind}` }), el("span", {}, "mean wind ", el("span", { id: "wind-month" }))),
    );
  }

  // ---- compare and chokepoints -----------------------------------------------------------
  let scenarioList = [];

  function renderCompareChoices() {
    $("compare-scenarios").replaceChildren(
      ...scenarioList.map((s) =>
        el("label", {}, el("input", Object.assign({ type: "checkbox", value: s.name }, s.name === state.scenario ? { checked: "" } : {})), ` ${s.name}`),
      ),
    );
  }

  async function runCompare() {
    const out = $("compare-out");
    if (!state.origin || !state.destination) {
      out.replaceChildren(el("p", { class: "hint" }, "Give an origin and a destination first."));
      return;
    }
    const q = new URLSearchParams({ origin: state.origin, destination: state.destination });
    for (const box of $("compare-scenarios").querySelectorAll("input:checked")) q.append("scenario", box.value);
    q.append("case", "");
    if (state.deny.size) q.append("case", [...state.deny].join(","));
    if (state.aircraft) q.set("aircraft", state.aircraft);
    addOptions(q, "compare");
    if (q.getAll("scenario").length + q.getAll("case").length < 2) {
      out.replaceChildren(el("p", { class: "hint" }, "Deny a state or tick a scenario: there is nothing to compare yet."));
      return;
    }
    out.replaceChildren(el("p", { class: "status" }, "Comparing…"));
    try {
      const data = await api("/api/compare", q);
      const first = data.cases.find((c) => c.label === data.reference);
      const table = el(
        "table",
        { id: "compare-table" },
        el("thead", {}, el("tr", {}, el("th", {}, "Case"), el("th", { class: "num" }, "km"), el("th", { class: "num" }, "time"), el("th", { class: "num" }, "Δ km"), el("th", {}, "clearances"))),
        el(
          "tbody",
          {},
          ...data.cases.map((c) =>
            el(
              "tr",
              {},
              el("td", {}, c.label),
              el("td", { class: "num" }, c.route ? km(c.distance_km) : "no route"),
              el("td", { class: "num" }, hours(c.duration_h)),
              el("td", { class: "num" }, c.route && first.route ? (c === first ? "ref." : `${c.distance_km >= first.distance_km ? "+" : "−"}${km(Math.abs(c.distance_km - first.distance_km))}`) : "–"),
              el("td", {}, c.route ? c.clearances.join(" ") || "none" : c.error || ""),
            ),
          ),
        ),
      );
      out.replaceChildren(table, el("p", { class: "hint" }, `Great circle ${km(data.great_circle_km)} km; Δ against ${first.label}.`));
    } catch (err) {
      out.replaceChildren(el("p", { class: "error" }, err.message));
    }
  }

  async function runChokepoints() {
    const out = $("chokepoints-out");
    if (!state.origin || !state.destination) {
      out.replaceChildren(el("p", { class: "hint" }, "Give an origin and a destination first."));
      return;
    }
    const q = new URLSearchParams({ origin: state.origin, destination: state.destination, max_set_size: "2", budget_s: "10" });
    if (state.deny.size) q.set("deny", [...state.deny].join(","));
    if (state.scenario) q.set("scenario", state.scenario);
    if (state.aircraft) q.set("aircraft", state.aircraft);
    addOptions(q, "chokepoints");
    out.replaceChildren(el("p", { class: "status" }, "Ranking…"));
    try {
      const data = await api("/api/chokepoints", q);
      const rows = data.ranking.map((p) =>
        el(
          "tr",
          { class: "clickable", title: `Deny ${p.name} too`, onclick: () => { state.deny.add(p.country); changed(); } },
          el("td", {}, `${p.name} (${p.country})`),
          el("td", { class: "num", title: p.fuel_stops.length ? `with a fuel stop at ${p.fuel_stops.map(stopLabel).join(", ")}` : "" }, p.cuts ? "cut" : `+${km(p.extra_km)}${p.fuel_stops.length ? " ⛽" : ""}`),
          el("td", { class: "num" }, p.cuts ? "–" : `+${hours(p.extra_h)}`),
        ),
      );
      const sets = data.cut_sets.map((s) => s.join("+")).join(", ") || "none";
      out.replaceChildren(
        el("table", { id: "chokepoints-table" }, el("thead", {}, el("tr", {}, el("th", {}, "If refused too"), el("th", { class: "num" }, "extra km"), el("th", { class: "num" }, "extra time"))), el("tbody", {}, ...rows)),
        el("p", { class: "hint" }, `Sets of up to ${data.max_set_size} that cut the route: ${sets}${data.complete ? "" : " (search stopped at its time budget)"}.`),
      );
    } catch (err) {
      out.replaceChildren(el("p", { class: "error" }, err.message));
    }
  }

  // ---- the timeline: this route at every change of the rules -----------------------------
  async function runTimeline() {
    const out = $("timeline-out");
    if (!state.origin || !state.destination) {
      out.replaceChildren(el("p", { class: "hint" }, "Give an origin and a destination first."));
      return;
    }
    const q = new URLSearchParams({ origin: state.origin, destination: state.destination, from: $("timeline-from").value || "2014-01-01" });
    if ($("timeline-to").value) q.set("to", $("timeline-to").value);
    if (state.deny.size) q.set("deny", [...state.deny].join(","));
    addOptions(q, "timeline");
    out.replaceChildren(el("p", { class: "status" }, "Planning the route at every change of the rules…"));
    document.body.dataset.timeline = "loading";
    try {
      const data = await api("/api/timeline", q);
      out.replaceChildren(stepChart(data), timelineTable(data));
      document.body.dataset.timeline = "ready";
    } catch (err) {
      out.replaceChildren(el("p", { class: "error" }, err.message));
      document.body.dataset.timeline = "error";
    }
  }

  function svg(tag, attrs = {}, ...children) {
    const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
    for (const child of children) node.append(child instanceof Node ? child : String(child));
    return node;
  }

  // Length against date, one level per step; a tick where the rules changed, with their ids.
  function stepChart(data) {
    const [w, h, left, right, top, bottom] = [330, 150, 44, 8, 8, 22];
    const day = (text) => Date.parse(`${text}T00:00:00Z`);
    const t0 = day(data.from);
    const t1 = day(data.to) + 86400000;
    const lengths = data.steps.filter((s) => s.distance_km !== null).map((s) => s.distance_km);
    const low = Math.min(data.great_circle_km || Infinity, ...lengths) * 0.98;
    const high = Math.max(...lengths, low + 1) * 1.02;
    const x = (t) => left + ((t - t0) / (t1 - t0)) * (w - left - right);
    const y = (v) => top + (1 - (v - low) / (high - low)) * (h - top - bottom);
    const chart = svg("svg", { id: "timeline-chart", viewBox: `0 0 ${w} ${h}`, role: "img", "aria-label": "Route length at each step" });
    chart.append(svg("line", { x1: left, x2: w - right, y1: h - bottom, y2: h - bottom, class: "axis" }));
    for (const v of [low, high]) chart.append(svg("text", { x: left - 4, y: y(v) + 4, "text-anchor": "end" }, km(v)));
    for (const year of new Set(data.steps.map((s) => s.start.slice(0, 4)).concat([data.to.slice(0, 4)]))) {
      const t = day(`${year}-01-01`);
      if (t >= t0 && t <= t1) chart.append(svg("text", { x: x(t), y: h - 6, "text-anchor": "middle" }, `’${year.slice(2)}`));
    }
    data.steps.forEach((s, i) => {
      const a = x(day(s.start));
      const b = x(day(s.end) + 86400000);
      const changed = [...s.began.map((r) => `+${r}`), ...s.ended.map((r) => `−${r}`)];
      if (i > 0) {
        chart.append(svg("line", { x1: a, x2: a, y1: top, y2: h - bottom, class: "change", "data-start": s.start }, svg("title", {}, `${s.start}: ${changed.join(" ") || "rules changed"}`)));
        // The events that moved the route by more than 1 % are written on the chart.
        const before = data.steps[i - 1].distance_km;
        if (s.distance_km === null || before === null || Math.abs(s.distance_km - before) > 0.01 * before) {
          const right = a > w / 2;
          chart.append(svg("text", { x: right ? a - 3 : a + 3, y: (top + h - bottom) / 2, "text-anchor": right ? "end" : "start", class: "event", "data-start": s.start }, `${s.start} ${changed[0] || ""}`));
        }
      }
      if (s.distance_km === null) return;
      const level = y(s.distance_km);
      const next = data.steps[i + 1];
      chart.append(svg("line", { x1: a, x2: b, y1: level, y2: level, class: "level" }, svg("title", {}, `${s.start} to ${s.end}: ${km(s.distance_km)} km`)));
      if (next && next.distance_km !== null) chart.append(svg("line", { x1: b, x2: b, y1: level, y2: y(next.distance_km), class: "level" }));
    });
    return chart;
  }

  function timelineTable(data) {
    const rows = data.steps.map((s, i) =>
      el(
        "tr",
        { "data-start": s.start, "data-km": s.distance_km === null ? "" : String(s.distance_km), class: i && s.distance_km !== data.steps[i - 1].distance_km ? "moved" : "" },
        el("td", {}, s.start),
        el("td", { class: "num" }, s.distance_km === null ? "no route" : km(s.distance_km)),
        el("td", { class: "num" }, s.extra_pct === null ? "–" : `+${s.extra_pct.toFixed(1)} %`),
        el("td", {}, s.distance_km === null ? s.error || "" : s.states.join(" ")),
        el("td", { class: "changes" }, [...s.began.map((r) => `+${r}`), ...s.ended.map((r) => `−${r}`)].join(" ")),
      ),
    );
    return el(
      "table",
      { id: "timeline-table" },
      el("caption", {}, `${data.origin.code} → ${data.destination.code}, ${[data.airline, data.operator, data.category].filter(Boolean).join(" ")}, ${data.from} to ${data.to}`),
      el("thead", {}, el("tr", {}, el("th", {}, "From"), el("th", { class: "num" }, "km"), el("th", { class: "num" }, "penalty"), el("th", {}, "states crossed"), el("th", {}, "rules changed"))),
      el("tbody", {}, ...rows),
    );
  }

  // ---- airlines: suggestions while typing, from the shipped table ------------------------
  let airlineTimer = null;
  $("airline").addEventListener("input", (e) => {
    clearTimeout(airlineTimer);
    const text = e.target.value.trim();
    if (!text) return;
    airlineTimer = setTimeout(async () => {
      try {
        const found = await api("/api/airlines", new URLSearchParams({ q: text, limit: "8" }));
        $("airline-list").replaceChildren(...found.map((a) => el("option", { value: a.icao }, `${a.name} (${a.icao}${a.iata ? `/${a.iata}` : ""}, ${a.state})`)));
      } catch (err) {
        // A text the API refuses: no suggestions; planning names the fault.
      }
    }, 120);
  });

  // ---- scenario, aircraft, globe, panel --------------------------------------------------
  async function loadScenario() {
    scenarioDenied = new Set();
    if (state.scenario) {
      try {
        const detail = await api(`/api/scenarios/${encodeURIComponent(state.scenario)}`, addOptions(new URLSearchParams(), "scenario"));
        scenarioDenied = new Set(detail.resolved.denied);
        $("scenario").title = detail.title;
      } catch (err) {
        showError(err.message);
      }
    }
    changed();
  }

  function applyProjection() {
    map.setProjection({ type: state.globe ? "globe" : "mercator" });
  }

  $("scenario").addEventListener("change", (e) => {
    state.scenario = e.target.value;
    state.allow.clear();
    renderCompareChoices();
    loadScenario();
  });
  $("aircraft").addEventListener("change", (e) => {
    state.aircraft = e.target.value;
    changed();
  });
  $("globe").addEventListener("change", (e) => {
    state.globe = e.target.checked;
    applyProjection();
    writeUrl();
  });
  $("wind").addEventListener("change", (e) => {
    state.wind = e.target.checked;
    loadWind();
    writeUrl();
  });
  $("swap").addEventListener("click", () => {
    [state.origin, state.destination] = [state.destination, state.origin];
    $("origin").value = state.origin;
    $("destination").value = state.destination;
    changed({ fit: true });
  });
  $("toggle-panel").addEventListener("click", () => {
    const collapsed = $("panel").classList.toggle("collapsed");
    $("toggle-panel").setAttribute("aria-expanded", String(!collapsed));
  });
  for (const o of OPTIONS) {
    $(o.key).addEventListener("change", (e) => {
      const value = e.target.value.trim();
      state.options[o.key] = o.upper ? value.toUpperCase() : value;
      if (o.upper) e.target.value = state.options[o.key];
      // The scenario's closed states depend on the date, operator and category.
      if (o.scenario && state.scenario) loadScenario();
      else changed();
      if (o.wind || o.key === "date") loadWind();
    });
  }
  $("compare-run").addEventListener("click", runCompare);
  $("chokepoints-run").addEventListener("click", runChokepoints);
  $("timeline-run").addEventListener("click", runTimeline);

  // ---- start -----------------------------------------------------------------------------
  readUrl();
  $("origin").value = state.origin;
  $("destination").value = state.destination;
  $("globe").checked = state.globe;
  $("wind").checked = state.wind;
  for (const o of OPTIONS) $(o.key).value = state.options[o.key] || "";
  if (Object.keys(state.options).length) $("options-view").open = true;
  renderLegend();
  autocomplete("origin");
  autocomplete("destination");

  const loaded = new Promise((resolve) => map.on("load", resolve));
  const basemap = api("/api/states.geojson");
  Promise.all([api("/api/scenarios"), api("/api/aircraft"), api("/api/categories")]).then(([scenarios, aircraft, categories]) => {
    scenarioList = scenarios;
    for (const c of categories) $("category").append(el("option", { value: c.name, title: c.description }, c.name.replace("_", " ")));
    $("category").value = state.options.category || "";
    for (const s of scenarios) $("scenario").append(el("option", { value: s.name }, `${s.name} — ${s.title}`));
    for (const a of aircraft) $("aircraft").append(el("option", { value: a.designator }, `${a.designator} — ${a.name}`));
    $("scenario").value = state.scenario;
    $("aircraft").value = state.aircraft;
    renderCompareChoices();
  });
  Promise.all([loaded, basemap]).then(([, geojson]) => {
    features = new Map(geojson.features.map((f) => [f.properties.code, { name: f.properties.name, sovereign: f.properties.sovereign || null }]));
    map.getSource("states").setData(geojson);
    map.getSource("borders").setData(borders(geojson));
    map.addImage("hatch-avoid", hatch(COLOURS.advisory));
    map.addImage("hatch-caution", hatch(COLOURS.caution));
    applyProjection();
    loadWind();
    map.once("idle", () => {
      document.body.dataset.map = "ready"; // the basemap is drawn
    });
    fitNext = Boolean(state.origin && state.destination);
    loadScenario();
  });

  // For tests and the curious: the map and what was drawn.
  window.overflight = { map, state, drawn, colours: COLOURS, get plan() { return plan; } };
})();
