/* The reviewer's page: suggest, review, propose, export. Plain DOM, no libraries, no innerHTML with data. */
(function () {
  "use strict";

  var KEY_STORE = "cde.apiKey";
  var AREAS = ["Behavioural", "Functional", "Domain"];
  var ASK = ["attitude", "skill", "knowledge"];
  var REASONS = [
    ["", "No reason given"],
    ["not_relevant", "Not relevant to this post"],
    ["duplicate", "Duplicate of another competency"],
    ["wrong_level", "Wrong level"],
    ["too_generic", "Too generic"],
    ["other", "Other (see comment)"]
  ];
  var ACTION_WORDS = { accept: "Accepted", reject: "Rejected", modify: "Modified" };
  // Messages for people come from the server's one registry of error codes (GET /v1/errors); only the
  // page's own codes, for errors that never reach the server, are written here.
  var FRIENDLY = {
    network: "Could not reach the service. Check that it is running and try again."
  };
  fetch("/v1/errors").then(function (res) { return res.ok ? res.json() : {}; }).then(function (codes) {
    Object.keys(codes).forEach(function (code) { FRIENDLY[code] = codes[code].message; });
  }).catch(function () { /* offline: the server's own message is still shown */ });

  // ---- small helpers ---------------------------------------------------------------------------

  var $ = function (id) { return document.getElementById(id); };
  var uid = 0;
  function nextId(prefix) { uid += 1; return prefix + "-" + uid; }

  /** h("div", {class: "x", onclick: fn}, child, "text") — text always goes in as text nodes. */
  function h(tag, attrs) {
    var el = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === null || v === undefined || v === false) return;
        if (k.slice(0, 2) === "on" && typeof v === "function") el.addEventListener(k.slice(2), v);
        else if (k === "class") el.className = v;
        else if (k === "dataset") Object.keys(v).forEach(function (d) { el.dataset[d] = v[d]; });
        else if (v === true) el.setAttribute(k, "");
        else el.setAttribute(k, String(v));
      });
    }
    for (var i = 2; i < arguments.length; i++) append(el, arguments[i]);
    return el;
  }
  function append(el, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) { child.forEach(function (c) { append(el, c); }); return; }
    el.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); }

  function uuid() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }
  function fmtScore(x) { return typeof x === "number" ? x.toFixed(2) : "–"; }
  function fmtPct(x) { return typeof x === "number" ? Math.round(x * 100) + "%" : "–"; }
  function fmtTime(iso) {
    if (!iso) return "";
    var d = new Date(iso);
    return isNaN(d.getTime()) ? iso : d.toLocaleString();
  }
  function slug(s) { return (s || "position").replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "") || "position"; }

  // ---- status, errors --------------------------------------------------------------------------

  var busyCount = 0;
  function setStatus(text) { $("status-text").textContent = text || ""; }
  function busy(text) {
    busyCount += 1;
    $("spinner").hidden = false;
    $("main").setAttribute("aria-busy", "true");
    setStatus(text);
    return function done(finalText) {
      busyCount = Math.max(0, busyCount - 1);
      if (busyCount === 0) { $("spinner").hidden = true; $("main").removeAttribute("aria-busy"); }
      setStatus(finalText || "");
    };
  }
  function showError(err) {
    var box = $("alert");
    clear(box);
    var code = err && err.code ? err.code : "error";
    // the page's own errors (status 0) carry a message written for people already
    var friendly = FRIENDLY[code] || (err && err.status === 0 ? err.message : null);
    var message = err && err.message ? err.message : String(err);
    append(box, h("p", { class: "alert-title" }, friendly || "That did not work."));
    if (message && message !== friendly) append(box, h("p", null, "Details: " + message));
    append(box, h("p", { class: "alert-code" }, "Error code: " + code));
    append(box, h("button", { type: "button", class: "secondary small", onclick: clearError }, "Dismiss"));
  }
  function clearError() { clear($("alert")); }

  // ---- API -------------------------------------------------------------------------------------

  function ApiError(status, code, message, detail) {
    this.status = status; this.code = code; this.message = message; this.detail = detail;
  }
  function apiKey() { return $("api-key").value.trim(); }

  /** fetch wrapper: adds the key, parses JSON, turns {code, message} bodies into ApiError. */
  function api(path, opts) {
    opts = opts || {};
    var headers = Object.assign({ Accept: opts.accept || "application/json" }, opts.headers || {});
    var key = apiKey();
    if (!key) return Promise.reject(new ApiError(0, "missing_key", "No API key entered."));
    headers.Authorization = "Bearer " + key;
    var body = opts.body;
    if (body !== undefined && !(body instanceof FormData)) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(body);
    }
    return fetch(path, { method: opts.method || "GET", headers: headers, body: body, credentials: "same-origin" })
      .catch(function () { throw new ApiError(0, "network", "The request did not reach the server."); })
      .then(function (res) {
        if (opts.raw && res.ok) return res;
        return res.text().then(function (text) {
          var data = null;
          try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
          if (!res.ok) {
            if (data && data.code) throw new ApiError(res.status, data.code, data.message, data.detail);
            throw new ApiError(res.status, "http_error", "The server answered " + res.status + ".");
          }
          return data;
        });
      });
  }

  // ---- state -----------------------------------------------------------------------------------

  var state = { set: null, segments: [], cards: {}, position: null, gapLevels: {} };

  // The hash holds what is open, so a reload brings it back: #set=<id>&position=<id> (either or both).
  var HASH_KEYS = ["set", "position"];
  function hashParam(name) {
    var m = new RegExp("(?:^#|&)" + name + "=([^&]+)").exec(location.hash);
    return m ? decodeURIComponent(m[1]) : null;
  }
  function hashSetId() { return hashParam("set"); }
  function hashPositionId() { return hashParam("position"); }
  function setHashParam(name, value) {
    if (hashParam(name) === value) return;
    var parts = [];
    HASH_KEYS.forEach(function (k) {
      var v = k === name ? value : hashParam(k);
      if (v) parts.push(k + "=" + encodeURIComponent(v));
    });
    history.pushState(null, "", parts.length ? "#" + parts.join("&") : location.pathname + location.search);
  }

  // ---- suggesting --------------------------------------------------------------------------------

  function onSuggest(ev) {
    ev.preventDefault();
    clearError();
    var text = $("jd-text").value;
    if (!text.trim()) {
      showError(new ApiError(0, "empty_text", "Paste a job description or upload a file first."));
      $("jd-text").focus();
      return;
    }
    var body = { text: text };
    var position = $("position").value.trim();
    var department = $("department").value.trim();
    if (position) body.position = position;
    if (department) body.department = department;
    var lang = $("lang").value;
    if (lang && lang !== "auto") body.lang = lang;
    var btn = $("suggest-btn");
    btn.disabled = true;
    var done = busy("Finding competencies for this job description…");
    api("/v1/suggestions", { method: "POST", body: body })
      .then(function (set) {
        renderSet(set);
        setHashParam("set", set.id);
        done(set.suggestions.length + " competencies suggested.");
        $("h-results").setAttribute("tabindex", "-1");
        $("h-results").focus();
      })
      .catch(function (err) { done("Suggesting failed."); showError(err); })
      .then(function () { btn.disabled = false; });
  }

  var loadingId = null;
  function loadSet(id) {
    if (loadingId === id) return Promise.resolve();
    loadingId = id;
    clearError();
    var done = busy("Loading suggestion set…");
    return api("/v1/suggestions/" + encodeURIComponent(id))
      .then(function (set) { renderSet(set); done("Suggestion set loaded."); })
      .catch(function (err) { done("Loading failed."); showError(err); })
      .then(function () { loadingId = null; });
  }

  // ---- file upload -------------------------------------------------------------------------------

  function onFile() {
    var input = $("jd-file");
    var file = input.files && input.files[0];
    if (!file) return;
    clearError();
    var form = new FormData();
    form.append("file", file, file.name);
    var done = busy("Reading " + file.name + "…");
    api("/v1/extract", { method: "POST", body: form })
      .then(function (res) {
        $("jd-text").value = res.text;
        done("Text from " + res.filename + " is in the box below. Check it, then choose Suggest.");
      })
      .catch(function (err) { done("Could not read the file."); showError(err); })
      .then(function () { input.value = ""; });
  }

  // ---- rendering the set -------------------------------------------------------------------------

  function renderSet(set) {
    state.set = set;
    state.cards = {};
    pointer.hover = pointer.focus = null;
    $("results").hidden = false;
    if (set.position && !$("position-name").value) $("position-name").value = set.position;
    renderMeta();
    renderNotices(set);
    renderJD(set);
    renderGroups(set);
    renderActivities(set);
    updateBulk();
  }

  /** What the reader must know about the input's languages (lines not read, untested languages). */
  function renderNotices(set) {
    var box = $("notices");
    clear(box);
    (set.notices || []).forEach(function (n) { box.appendChild(h("p", { class: "notice" }, n)); });
    box.hidden = !box.firstChild;
  }

  function renderMeta() {
    var set = state.set;
    var reviewed = set.suggestions.filter(function (s) { return s.review; }).length;
    var parts = ["Set " + set.id];
    if (set.position) parts.push("position: " + set.position);
    if (set.department) parts.push("department: " + set.department);
    if (set.created_at) parts.push("created " + fmtTime(set.created_at));
    parts.push(reviewed + " of " + set.suggestions.length + " reviewed");
    $("set-meta").textContent = parts.join(" · ");
  }

  /** The text with one span per segment between activity/evidence boundaries. Offsets are code points
   *  (the server is Python), so the text is split into code points first. */
  function renderJD(set) {
    var view = $("jd-view");
    clear(view);
    var text = set.text || "";
    var cps = Array.from(text);
    var n = cps.length;
    var acts = (set.activities || []).slice().sort(function (a, b) { return a.start - b.start; });
    var ranges = acts.map(function (a) { return [a.start, a.end]; });
    set.suggestions.forEach(function (s) {
      (s.evidence || []).forEach(function (e) { ranges.push([e.start, e.end]); });
    });
    var cuts = { 0: true };
    cuts[n] = true;
    ranges.forEach(function (r) {
      if (r[0] >= 0 && r[0] <= n) cuts[r[0]] = true;
      if (r[1] >= 0 && r[1] <= n) cuts[r[1]] = true;
    });
    var points = Object.keys(cuts).map(Number).sort(function (a, b) { return a - b; });
    var unmatched = {};
    (set.unmatched || []).forEach(function (i) { unmatched[i] = true; });
    state.segments = [];
    for (var i = 0; i < points.length - 1; i++) {
      var a = points[i], b = points[i + 1];
      if (b <= a) continue;
      var piece = cps.slice(a, b).join("");
      var act = null;
      for (var j = 0; j < acts.length; j++) {
        if (acts[j].start <= a && b <= acts[j].end) { act = acts[j]; break; }
      }
      var inEvidence = ranges.some(function (r) { return r[0] <= a && b <= r[1]; });
      if (!act && !inEvidence) { view.appendChild(document.createTextNode(piece)); continue; }
      var span = h("span", {
        class: act ? "act" + (unmatched[act.index] ? " act-unmatched" : "") : "ev-only",
        title: act ? "Activity " + (act.index + 1) + (unmatched[act.index] ? " (unmatched)" : "") : null,
        dataset: act ? { activity: String(act.index) } : null
      }, piece);
      view.appendChild(span);
      state.segments.push({ start: a, end: b, el: span });
    }
  }

  /** The evidence of the hovered card and of the card holding focus are highlighted together. */
  var pointer = { hover: null, focus: null };
  function setPointer(kind, cid, article, scroll) {
    pointer[kind] = cid;
    article.classList.toggle(kind === "hover" ? "is-active" : "is-focused", !!cid);
    var evidence = [];
    [pointer.hover, pointer.focus].forEach(function (id) {
      var c = id && state.cards[id];
      if (c) evidence = evidence.concat(c.suggestion.evidence || []);
    });
    var first = null;
    state.segments.forEach(function (seg) {
      var hit = evidence.some(function (e) { return e.start <= seg.start && seg.end <= e.end; });
      seg.el.classList.toggle("evidence-hl", hit);
      if (hit && !first) first = seg.el;
    });
    if (first && scroll) {
      var box = $("jd-view");
      if (box.scrollHeight > box.clientHeight) {
        var top = first.getBoundingClientRect().top - box.getBoundingClientRect().top + box.scrollTop;
        if (top < box.scrollTop || top > box.scrollTop + box.clientHeight - 40) box.scrollTop = Math.max(0, top - 40);
      }
    }
  }

  function renderGroups(set) {
    var groups = $("groups");
    clear(groups);
    var byArea = {};
    set.suggestions.forEach(function (s) {
      var area = AREAS.indexOf(s.competencyAreaName) >= 0 ? s.competencyAreaName : "Other";
      (byArea[area] = byArea[area] || []).push(s);
    });
    // cards by confidence within a group, groups by their best card; empty groups last
    var best = function (area) { return byArea[area] ? byArea[area][0].confidence : -1; };
    Object.keys(byArea).forEach(function (area) {
      byArea[area].sort(function (a, b) { return b.confidence - a.confidence; });
    });
    var order = AREAS.concat(["Other"]).slice().sort(function (a, b) { return best(b) - best(a); });
    order.forEach(function (area) {
      var items = byArea[area];
      if (area === "Other" && !items) return;
      var hid = nextId("h-area");
      var list = h("ul", { class: "cards" });
      (items || []).forEach(function (s) { list.appendChild(h("li", null, card(s))); });
      groups.appendChild(h("section", { class: "area area-" + area.toLowerCase(), "aria-labelledby": hid },
        h("h4", { id: hid }, area + " ", h("span", { class: "count" }, "(" + (items ? items.length : 0) + ")")),
        items ? list : h("p", { class: "empty" }, "No " + area.toLowerCase() + " competencies suggested.")));
    });
    if (!set.suggestions.length) {
      groups.appendChild(h("p", { class: "empty" }, "No competency scored above the threshold for this text."));
    }
  }

  function levelSelect(id, selected, withNone) {
    var sel = h("select", { id: id });
    if (withNone) sel.appendChild(h("option", { value: "" }, "Not set"));
    for (var l = 1; l <= 5; l++) {
      sel.appendChild(h("option", { value: String(l), selected: l === selected }, "Level " + l));
    }
    return sel;
  }

  function card(s) {
    var cid = s.competency_id;
    var base = nextId("c");
    var titleId = base + "-title";
    var select = h("input", { type: "checkbox", id: base + "-sel", class: "select-box", onchange: updateBulk,
      dataset: { competencyId: cid } });
    var level = levelSelect(base + "-level", (s.review && s.review.level) || s.suggested_level, false);
    var reason = h("select", { id: base + "-reason" });
    REASONS.forEach(function (r) {
      reason.appendChild(h("option", { value: r[0], selected: s.review && s.review.reason_code === r[0] }, r[1]));
    });
    var comment = h("input", { type: "text", id: base + "-comment", maxlength: "2000", autocomplete: "off",
      value: (s.review && s.review.comment) || null });
    var reviewState = h("p", { class: "review-state", "aria-live": "polite" });

    var tags = (s.ask_tags || []).map(function (t) {
      return h("span", { class: "badge badge-" + t, title: t.charAt(0).toUpperCase() + t.slice(1) },
        h("abbr", { "aria-hidden": "true" }, t.charAt(0).toUpperCase()), " " + t);
    });
    var askList = ASK.filter(function (t) { return s.ask && s.ask[t] && s.ask[t].length; }).map(function (t) {
      return h("li", null, h("strong", null, t.charAt(0).toUpperCase() + t.slice(1) + ": "), s.ask[t].join("; "));
    });
    var evidence = (s.evidence || []).map(function (e) {
      return h("li", null, h("q", null, e.text), " ",
        h("span", { class: "muted" }, "(activity " + (e.activity + 1) + ", score " + fmtScore(e.score) + ")"));
    });

    var saveWith = function (action) {
      return function () {
        var d = { competency_id: cid, action: action };
        if (action === "modify") d.level = Number(level.value);
        if (reason.value) d.reason_code = reason.value;
        if (comment.value.trim()) d.comment = comment.value.trim();
        saveDecisions([d], "Saving your decision on " + s.name + "…");
      };
    };

    var why = (s.explanation || []).map(function (line) { return h("li", null, line); });
    var article = h("article", { class: "card" + (s.low_confidence ? " low-confidence" : ""), "aria-labelledby": titleId,
      dataset: { competencyId: cid } },
      h("div", { class: "card-head" },
        h("div", { class: "select-wrap" }, select,
          h("label", { for: base + "-sel", class: "visually-hidden" }, "Select " + s.name + " for bulk accept")),
        h("h5", { id: titleId, class: "card-title" }, s.name, " ", h("code", { class: "cid" }, cid),
          s.low_confidence ? h("span", { class: "badge badge-low" }, "low confidence") : null)),
      h("p", { class: "theme" }, s.competencyThemeName,
        s.competencySubThemeName && s.competencySubThemeName !== s.competencyThemeName ? " › " + s.competencySubThemeName : ""),
      h("div", { class: "badges", "aria-label": "ASK tags" }, tags.length ? tags : h("span", { class: "muted" }, "No ASK tags")),
      h("dl", { class: "facts" },
        h("div", null, h("dt", null, "Score"), h("dd", { class: "score" }, fmtScore(s.score))),
        h("div", null, h("dt", null, "Confidence"), h("dd", { class: "confidence" }, fmtPct(s.confidence))),
        h("div", null, h("dt", null, "Suggested level"), h("dd", { class: "level" }, String(s.suggested_level)))),
      s.level_descriptor ? h("p", { class: "level-descriptor" }, h("span", { class: "label" },
        "Level " + s.suggested_level + " means: "), s.level_descriptor) : null,
      why.length ? h("details", { class: "why" }, h("summary", null, "Why suggested"), h("ul", null, why)) : null,
      h("p", { class: "matched" }, h("span", { class: "label" }, "Matched dictionary text: "), h("q", null, s.matched_text)),
      askList.length ? h("details", { class: "ask" }, h("summary", null, "ASK statements"), h("ul", null, askList)) : null,
      h("div", { class: "evidence" }, h("span", { class: "label" }, "Evidence in the job description:"),
        evidence.length ? h("ol", null, evidence) : h("p", { class: "muted" }, "None")),
      reviewState,
      h("fieldset", { class: "review" },
        h("legend", null, "Review"),
        h("div", { class: "review-fields" },
          h("div", { class: "field" }, h("label", { for: level.id }, "Level (for Modify)"), level),
          h("div", { class: "field" }, h("label", { for: reason.id }, "Reason"), reason),
          h("div", { class: "field grow" }, h("label", { for: comment.id }, "Comment"), comment)),
        h("div", { class: "review-buttons" },
          h("button", { type: "button", class: "btn-accept", onclick: saveWith("accept") }, "Accept"),
          h("button", { type: "button", class: "btn-reject", onclick: saveWith("reject") }, "Reject"),
          h("button", { type: "button", class: "btn-modify", onclick: saveWith("modify") }, "Modify level"))));

    article.addEventListener("mouseenter", function () { setPointer("hover", cid, article, false); });
    article.addEventListener("mouseleave", function () { setPointer("hover", null, article, false); });
    article.addEventListener("focusin", function () { setPointer("focus", cid, article, true); });
    article.addEventListener("focusout", function (e) {
      if (!article.contains(e.relatedTarget)) setPointer("focus", null, article, false);
    });

    state.cards[cid] = { el: article, select: select, reviewState: reviewState, level: level, reason: reason,
      comment: comment, suggestion: s };
    renderReview(cid);
    return article;
  }

  function renderReview(cid) {
    var c = state.cards[cid];
    var r = c.suggestion.review;
    c.el.dataset.review = r ? r.action : "none";
    clear(c.reviewState);
    if (!r) { c.reviewState.textContent = "Not reviewed yet."; return; }
    var words = ACTION_WORDS[r.action] || r.action;
    var text = words;
    if (r.action !== "reject") text += " at level " + (r.level || c.suggestion.suggested_level);
    if (r.reason_code) text += " · reason: " + r.reason_code.replace(/_/g, " ");
    if (r.comment) text += " · “" + r.comment + "”";
    var by = [r.reviewer ? "by " + r.reviewer : "", r.at ? fmtTime(r.at) : ""].filter(Boolean).join(", ");
    append(c.reviewState, [h("span", { class: "state-badge state-" + r.action }, words),
      " " + text.slice(words.length) + (by ? " (" + by + ")" : "")]);
  }

  function saveDecisions(decisions, message) {
    var set = state.set;
    if (!set) return Promise.resolve();
    clearError();
    var cards = decisions.map(function (d) { return state.cards[d.competency_id]; });
    var buttons = [];
    cards.forEach(function (c) {
      Array.prototype.forEach.call(c.el.querySelectorAll("button"), function (b) { if (!b.disabled) { b.disabled = true; buttons.push(b); } });
    });
    var done = busy(message);
    return api("/v1/suggestions/" + encodeURIComponent(set.id) + "/decisions",
      { method: "POST", body: { decisions: decisions }, headers: { "Idempotency-Key": uuid() } })
      .then(function (res) {
        (res.decisions || []).forEach(function (d) {
          var c = state.cards[d.competency_id];
          if (!c) return;
          c.suggestion.review = { action: d.action, level: d.level, ask_tag: d.ask_tag, reason_code: d.reason_code,
            comment: d.comment, reviewer: d.reviewer, at: d.at };
          c.select.checked = false;
          renderReview(d.competency_id);
        });
        renderMeta();
        updateBulk();
        var n = (res.decisions || []).length;
        done(n === 1 ? "Decision saved." : n + " decisions saved.");
      })
      .catch(function (err) { done("Saving failed."); showError(err); })
      .then(function () { buttons.forEach(function (b) { b.disabled = false; }); updateBulk(); });
  }

  function selectedIds() {
    return Object.keys(state.cards).filter(function (cid) { return state.cards[cid].select.checked; });
  }
  function updateBulk() {
    var n = selectedIds().length;
    var btn = $("accept-selected");
    btn.disabled = n === 0;
    btn.textContent = n ? "Accept selected (" + n + ")" : "Accept selected";
  }
  function onAcceptSelected() {
    var ids = selectedIds();
    if (!ids.length) return;
    saveDecisions(ids.map(function (cid) { return { competency_id: cid, action: "accept" }; }),
      "Accepting " + ids.length + " competencies…");
  }
  function onSelectUnreviewed() {
    Object.keys(state.cards).forEach(function (cid) {
      var c = state.cards[cid];
      c.select.checked = !c.suggestion.review;
    });
    updateBulk();
  }

  // ---- activities and proposals ------------------------------------------------------------------

  function lines(textarea) {
    return textarea.value.split("\n").map(function (l) { return l.trim(); }).filter(Boolean).slice(0, 20);
  }

  function proposalForm(activity) {
    var base = nextId("p");
    var name = h("input", { id: base + "-name", type: "text", required: true, minlength: "3", maxlength: "200", autocomplete: "off" });
    var type = h("select", { id: base + "-type" });
    AREAS.forEach(function (a) { type.appendChild(h("option", { value: a, selected: a === "Functional" }, a)); });
    var level = levelSelect(base + "-level", null, true);
    var asks = {};
    ASK.forEach(function (t) { asks[t] = h("textarea", { id: base + "-" + t, rows: "2" }); });
    var rationale = h("textarea", { id: base + "-rationale", rows: "2", maxlength: "4000" });
    var result = h("p", { class: "proposal-result", "aria-live": "polite" });
    var submit = h("button", { type: "submit", class: "primary" }, "Propose");
    var form = h("form", { class: "proposal-form", novalidate: true },
      h("div", { class: "row" },
        h("div", { class: "field grow" }, h("label", { for: name.id }, "Name of the new competency"), name),
        h("div", { class: "field" }, h("label", { for: type.id }, "Type"), type),
        h("div", { class: "field" }, h("label", { for: level.id }, "Level"), level)),
      ASK.map(function (t) {
        return h("div", { class: "field" },
          h("label", { for: asks[t].id }, t.charAt(0).toUpperCase() + t.slice(1) + " statements (one per line)"), asks[t]);
      }),
      h("div", { class: "field" }, h("label", { for: rationale.id }, "Rationale"), rationale),
      h("div", { class: "actions" }, submit), result);
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      clearError();
      if (name.value.trim().length < 3) {
        showError(new ApiError(0, "name_too_short", "Give the new competency a name of at least 3 characters."));
        name.focus();
        return;
      }
      var body = { activity_index: activity.index, name: name.value.trim(), type: type.value,
        ask: { attitude: lines(asks.attitude), skill: lines(asks.skill), knowledge: lines(asks.knowledge) },
        rationale: rationale.value.trim() };
      if (level.value) body.level = Number(level.value);
      submit.disabled = true;
      var done = busy("Sending your proposal…");
      api("/v1/suggestions/" + encodeURIComponent(state.set.id) + "/proposals", { method: "POST", body: body })
        .then(function (p) {
          result.textContent = "Proposed “" + p.name + "” (" + (p.status || "proposed") + ", id " + p.id + "). Curators will review it.";
          form.classList.add("done");
          done("Proposal sent.");
        })
        .catch(function (err) { done("The proposal was not sent."); showError(err); })
        .then(function () { submit.disabled = false; });
    });
    return form;
  }

  var LANG_NAMES = { hi: "Hindi", mixed: "Hindi + English", other: "other language" };
  function activityItem(a, unmatched) {
    var notRead = a.handled === false;
    return h("li", { class: "activity" + (unmatched ? " unmatched" : ""), dataset: { activity: String(a.index) } },
      h("p", null, h("span", { class: "act-num" }, "Activity " + (a.index + 1) + ": "),
        h("span", { lang: a.lang === "hi" ? "hi" : null }, a.text),
        a.lang && a.lang !== "en" ? h("span", { class: "state-badge state-lang" }, LANG_NAMES[a.lang] || a.lang) : null,
        notRead ? h("span", { class: "state-badge state-unmatched" }, "not read: language not handled") : null,
        unmatched ? h("span", { class: "state-badge state-unmatched" }, "unmatched") : null),
      h("details", { class: "propose" },
        h("summary", null, "Propose a new competency", h("span", { class: "visually-hidden" }, " for activity " + (a.index + 1))),
        proposalForm(a)));
  }

  function renderActivities(set) {
    var un = {};
    (set.unmatched || []).forEach(function (i) { un[i] = true; });
    var ul = $("unmatched-list");
    clear(ul);
    var acts = set.activities || [];
    acts.filter(function (a) { return un[a.index]; }).forEach(function (a) { ul.appendChild(activityItem(a, true)); });
    acts.filter(function (a) { return a.handled === false; }).forEach(function (a) { ul.appendChild(activityItem(a, false)); });
    // "Every activity matched" only when it is true: there were activities, all were read, and some matched
    if (!ul.firstChild) {
      var msg = !acts.length ? "No activities were found in this text: check that it lists duties, one per line or sentence."
        : !set.suggestions.length ? "No competency scored high enough for these activities."
        : "Every activity matched at least one competency.";
      ul.appendChild(h("li", { class: "empty" }, msg));
    }
    var ol = $("activity-list");
    clear(ol);
    acts.forEach(function (a) { ol.appendChild(activityItem(a, !!un[a.index])); });
  }

  // ---- position view -----------------------------------------------------------------------------

  function positionPath(fmt) {
    var p = $("position-name").value.trim();
    if (!p) return null;
    return "/v1/positions/" + encodeURIComponent(p) + "/competencies" + (fmt ? "?format=" + fmt : "");
  }
  function needPosition() {
    showError(new ApiError(0, "no_position", "Type a position name first."));
    $("position-name").focus();
  }

  function onLoadPosition(ev) {
    if (ev) ev.preventDefault();
    clearError();
    var path = positionPath();
    if (!path) return needPosition();
    var done = busy("Loading the mapping…");
    api(path).then(function (res) {
      renderPosition(res);
      done("Mapping loaded: " + res.competencies.length + " competencies.");
    }).catch(function (err) { done("Loading the mapping failed."); showError(err); });
  }

  function renderPosition(res) {
    var view = $("position-view");
    clear(view);
    var items = res.competencies || [];
    view.appendChild(h("h3", null, "Accepted competencies for " + res.position));
    if (!items.length) {
      view.appendChild(h("p", { class: "empty" }, "No accepted competencies for this position yet."));
      return;
    }
    var tbody = h("tbody");
    items.forEach(function (m) {
      var r = m.review || {};
      tbody.appendChild(h("tr", { dataset: { competencyId: m.competency_id } },
        h("th", { scope: "row" }, m.name), h("td", null, h("code", null, m.competency_id)),
        h("td", null, m.competencyAreaName), h("td", null, String(m.required_level || "")),
        h("td", null, ACTION_WORDS[r.action] || r.action || ""), h("td", null, r.reviewer || "")));
    });
    view.appendChild(h("div", { class: "table-wrap" }, h("table", null,
      h("caption", { class: "visually-hidden" }, "Accepted competencies for " + res.position),
      h("thead", null, h("tr", null, ["Competency", "ID", "Type", "Required level", "Decision", "Reviewer"].map(function (c) {
        return h("th", { scope: "col" }, c);
      }))), tbody)));
  }

  function download(blob, filename) {
    var url = URL.createObjectURL(blob);
    var a = h("a", { href: url, download: filename, class: "visually-hidden" }, "download");
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(url); a.remove(); }, 1000);
  }

  function onExport(fmt) {
    return function () {
      clearError();
      var path = positionPath(fmt);
      if (!path) return needPosition();
      var name = slug($("position-name").value.trim());
      var done = busy("Preparing the " + fmt.toUpperCase() + " export…");
      api(path, { raw: true, accept: fmt === "csv" ? "text/csv" : "application/json" })
        .then(function (res) { return fmt === "csv" ? res.text() : res.json(); })
        .then(function (data) {
          if (fmt === "csv") download(new Blob([data], { type: "text/csv;charset=utf-8" }), name + ".csv");
          else download(new Blob([JSON.stringify(data, null, 2)], { type: "application/json" }), name + "-igot.json");
          done("Export ready: your browser is downloading it.");
        })
        .catch(function (err) { done("The export failed."); showError(err); });
    };
  }

  // ---- position with roles ------------------------------------------------------------------------
  // Create a position, then edit its roles (rename, merge, split, move), decide on each role's
  // competencies, see training needs against an official's current levels, and export. The position
  // id lives in the hash (#position=…) so the view survives a reload.

  var GAP_LEVELS = [[0, "0 – not held"], [1, "1"], [2, "2"], [3, "3"], [4, "4"], [5, "5"]];

  function rolesPath(suffix) {
    return "/v1/positions/" + encodeURIComponent(state.position.id) + (suffix || "");
  }
  function roleLabel(role, i) { return "Role " + (i + 1) + (role.name ? ": " + role.name : ""); }

  /** Every button of the roles view off while a request runs, so nothing is sent twice. What had
   *  focus is noted first: a disabled button may lose it, and the view is drawn again afterwards. */
  var pendingFocus = null;
  function lockRoles() {
    var active = document.activeElement;
    pendingFocus = active && $("roles-view").contains(active) ? (active.dataset.focusKey || "") : null;
    var off = [];
    Array.prototype.forEach.call($("roles-view").querySelectorAll("button"), function (b) {
      if (!b.disabled) { b.disabled = true; off.push(b); }
    });
    $("create-roles").disabled = true;
    $("roles-view").setAttribute("aria-busy", "true");
    return function unlock() {
      off.forEach(function (b) { if (b.isConnected) b.disabled = false; });
      $("create-roles").disabled = false;
      $("roles-view").removeAttribute("aria-busy");
    };
  }

  /** Draw the position again; when focus was in the view, put it on the given role's heading, else
   *  back on the control that had it (found by its focus key), else on the position's heading. */
  function showPosition(pos, focusRole) {
    var key = pendingFocus;
    pendingFocus = null;
    renderRoles(pos);
    if (key === null) return;
    var view = $("roles-view");
    var target = focusRole !== undefined && focusRole !== null
      ? view.querySelector('[data-role-heading="' + focusRole + '"]') : null;
    if (!target && key) target = view.querySelector('[data-focus-key="' + key + '"]');
    (target || $("roles-heading")).focus();
  }

  function onCreateRoles(ev) {
    ev.preventDefault();
    clearError();
    var title = $("roles-title").value.trim(), dept = $("roles-department").value.trim();
    var text = $("jd-text").value;
    if (!title || !dept || !text.trim()) {
      showError(new ApiError(0, "missing_fields", "Enter a position title, a department and the job description text."));
      return (!title ? $("roles-title") : !dept ? $("roles-department") : $("jd-text")).focus();
    }
    var body = { title: title, department: dept, text: text };
    if ($("roles-ministry").value.trim()) body.ministry = $("roles-ministry").value.trim();
    var unlock = lockRoles();
    var done = busy("Grouping activities into roles…");
    api("/v1/positions", { method: "POST", body: body })
      .then(function (pos) {
        state.gapLevels = {};
        renderRoles(pos);
        setHashParam("position", pos.id);
        done("Position created with " + pos.roles.length + " roles.");
        $("roles-heading").focus();
      })
      .catch(function (err) { done("Creating the position failed."); showError(err); })
      .then(unlock);
  }

  var loadingPosition = null;
  function loadRolesPosition(id) {
    if (loadingPosition === id) return Promise.resolve();
    loadingPosition = id;
    var done = busy("Loading the position…");
    return api("/v1/positions/" + encodeURIComponent(id))
      .then(function (pos) {
        if (!state.position || state.position.id !== pos.id) state.gapLevels = {};
        renderRoles(pos);
        done("Position loaded: " + pos.roles.length + " roles.");
      })
      .catch(function (err) { done("Loading the position failed."); showError(err); })
      .then(function () { loadingPosition = null; });
  }

  /** One role edit; the server answers with the whole position, which is drawn again. */
  function editRoles(edit, message, doneText, focusRole) {
    if (!state.position) return;
    clearError();
    edit.revision = state.position.revision;
    var unlock = lockRoles();
    var done = busy(message);
    api(rolesPath("/edits"), { method: "POST", body: edit })
      .then(function (pos) {
        unlock();
        showPosition(pos, edit.op === "rename" ? null : focusRole);
        done(doneText + " The position is now at revision " + pos.revision + ".");
      })
      .catch(function (err) {
        unlock();
        done("The change was not saved.");
        showError(err);
        // someone else changed it: show what is there now, so the next try starts from it
        if (err && err.code === "revision_conflict") loadRolesPosition(state.position.id);
      });
  }

  function saveRoleDecision(decision, name) {
    if (!state.position) return;
    clearError();
    var unlock = lockRoles();
    var done = busy("Saving your decision on " + name + "…");
    api(rolesPath("/decisions"), { method: "POST", body: { decisions: [decision] },
      headers: { "Idempotency-Key": uuid() } })
      .then(function (res) {
        var pos = state.position;
        (res.decisions || []).forEach(function (d) {
          pos.roles.forEach(function (role) {
            role.competencies.forEach(function (c) {
              if (c.competency_id !== d.competency_id) return;
              c.review = { action: d.action, level: d.level, ask_tag: d.ask_tag, reason_code: d.reason_code,
                comment: d.comment, reviewer: d.reviewer, at: d.at };
              c.required_level = d.level !== null && d.level !== undefined ? d.level : c.suggested_level;
            });
          });
        });
        unlock();
        showPosition(pos, null);
        done("Decision saved.");
      })
      .catch(function (err) { unlock(); done("Saving failed."); showError(err); });
  }

  function reviewText(c) {
    var r = c.review;
    if (!r) return ["Not reviewed yet."];
    var words = ACTION_WORDS[r.action] || r.action;
    var text = "";
    if (r.action !== "reject") text += " at level " + c.required_level;
    if (r.reason_code) text += " · reason: " + r.reason_code.replace(/_/g, " ");
    if (r.comment) text += " · “" + r.comment + "”";
    var by = [r.reviewer ? "by " + r.reviewer : "", r.at ? fmtTime(r.at) : ""].filter(Boolean).join(", ");
    return [h("span", { class: "state-badge state-" + r.action }, words), text + (by ? " (" + by + ")" : "")];
  }

  function roleCompetency(c, i) {
    var base = nextId("rc");
    var key = i + ":" + c.competency_id;
    var r = c.review || {};
    var level = h("select", { id: base + "-level", dataset: { focusKey: key + ":level" } });
    for (var l = 1; l <= 5; l++) level.appendChild(h("option", { value: String(l), selected: l === c.required_level }, "Level " + l));
    var reason = h("select", { id: base + "-reason", dataset: { focusKey: key + ":reason" } });
    REASONS.forEach(function (x) { reason.appendChild(h("option", { value: x[0], selected: (r.reason_code || "") === x[0] }, x[1])); });
    var comment = h("input", { type: "text", id: base + "-comment", maxlength: "2000", autocomplete: "off",
      value: r.comment || null, dataset: { focusKey: key + ":comment" } });
    var decide = function (action, withLevel) {
      return function () {
        var d = { competency_id: c.competency_id, action: action };
        if (withLevel) d.level = Number(level.value);
        if (reason.value) d.reason_code = reason.value;
        if (comment.value.trim()) d.comment = comment.value.trim();
        saveRoleDecision(d, c.name);
      };
    };
    var hidden = function (t) { return h("span", { class: "visually-hidden" }, " " + t); };
    // the same evidence and confidence a suggestion card shows: a reviewer decides from the lines, not the name
    var evidence = (c.evidence || []).map(function (e) {
      return h("li", null, h("q", null, e.text), " ",
        h("span", { class: "muted" }, "(activity " + (e.activity + 1) + ", score " + fmtScore(e.score) + ")"));
    });
    return h("li", { class: "role-comp" + (c.low_confidence ? " low-confidence" : ""),
      dataset: { competencyId: c.competency_id, review: r.action || "none" } },
      h("p", { class: "role-comp-head" }, h("strong", { class: "comp-name" }, c.name), " ",
        h("code", { class: "cid" }, c.competency_id),
        h("span", { class: "muted comp-levels" }, (c.competencyAreaName ? " · " + c.competencyAreaName : "") +
          " · suggested level " + c.suggested_level + " · required level "),
        h("strong", { class: "required-level" }, String(c.required_level))),
      h("p", { class: "role-comp-confidence" }, "Confidence ",
        h("strong", { class: "confidence" }, typeof c.confidence === "number" ? fmtPct(c.confidence) : "–"),
        c.low_confidence ? h("span", { class: "badge badge-low" }, "low confidence") : null),
      h("div", { class: "evidence" }, h("span", { class: "label" }, "Evidence in this role:"),
        evidence.length ? h("ol", null, evidence) : h("p", { class: "muted" }, "None")),
      h("p", { class: "review-state" }, reviewText(c)),
      h("fieldset", { class: "review compact" },
        h("legend", { class: "visually-hidden" }, "Review " + c.name),
        h("div", { class: "field" }, h("label", { for: level.id }, "Required level", hidden("for " + c.name)), level),
        h("div", { class: "field" }, h("label", { for: reason.id }, "Reason", hidden("for " + c.name)), reason),
        h("div", { class: "field grow" }, h("label", { for: comment.id }, "Comment", hidden("on " + c.name)), comment),
        h("div", { class: "review-buttons" },
          h("button", { type: "button", class: "btn-accept", onclick: decide("accept", false),
            dataset: { focusKey: key + ":accept" } }, "Accept", hidden(c.name)),
          h("button", { type: "button", class: "btn-reject", onclick: decide("reject", false),
            dataset: { focusKey: key + ":reject" } }, "Reject", hidden(c.name)),
          h("button", { type: "button", class: "btn-modify", onclick: decide("accept", true),
            dataset: { focusKey: key + ":accept-level" } }, "Accept at level", hidden("for " + c.name)))));
  }

  function roleSection(pos, role, i) {
    var base = nextId("role");
    var hid = base + "-h";
    var label = roleLabel(role, i);
    var hidden = function (t) { return h("span", { class: "visually-hidden" }, " " + t); };
    var many = pos.roles.length > 1;

    var pick = h("input", { type: "checkbox", id: base + "-pick", class: "role-pick", dataset: { role: String(i) } });
    var nameInput = h("input", { type: "text", id: base + "-name", maxlength: "200", autocomplete: "off",
      value: role.name || null, dataset: { focusKey: "rename-input:" + i } });
    var renameForm = h("form", { class: "role-rename", novalidate: true },
      h("div", { class: "field grow" }, h("label", { for: nameInput.id }, "Role name", hidden("of role " + (i + 1))), nameInput),
      h("div", { class: "actions" }, h("button", { type: "submit", class: "secondary", dataset: { focusKey: "rename:" + i } },
        "Rename", hidden("role " + (i + 1)))));
    renameForm.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var name = nameInput.value.trim();
      if (!name) {
        showError(new ApiError(0, "invalid_name", "Type the new name of the role first."));
        return nameInput.focus();
      }
      editRoles({ op: "rename", role: i, name: name }, "Renaming the role…", "Role " + (i + 1) + " renamed.", i);
    });

    var splitBoxes = [];
    var acts = role.activities.map(function (a) {
      var box = h("input", { type: "checkbox", id: base + "-a" + a.index, class: "act-pick",
        dataset: { activity: String(a.index), focusKey: "act-pick:" + a.index } });
      splitBoxes.push(box);
      var move = null;
      if (many) {
        var sel = h("select", { id: base + "-mv" + a.index, dataset: { focusKey: "move-to:" + a.index } });
        pos.roles.forEach(function (other, j) {
          if (j !== i) sel.appendChild(h("option", { value: String(j) }, roleLabel(other, j)));
        });
        move = h("span", { class: "move" },
          h("label", { for: sel.id, class: "small-label" }, "Move to", hidden("(activity " + (a.index + 1) + ")")), sel,
          h("button", { type: "button", class: "secondary small", dataset: { focusKey: "move:" + a.index },
            onclick: function () {
              var to = Number(sel.value);
              editRoles({ op: "move", activity: a.index, to_role: to }, "Moving the activity…",
                "Activity " + (a.index + 1) + " moved to role " + (to + 1) + ".", to);
            } }, "Move", hidden("activity " + (a.index + 1))));
      }
      return h("li", { class: "role-activity", dataset: { activity: String(a.index) } },
        box, h("label", { for: box.id }, h("span", { class: "act-num" }, "Activity " + (a.index + 1) + ": "), a.text), move);
    });

    var splitName = h("input", { type: "text", id: base + "-split-name", maxlength: "200", autocomplete: "off",
      dataset: { focusKey: "split-name:" + i } });
    var splitBtn = h("button", { type: "button", class: "secondary", dataset: { focusKey: "split:" + i },
      onclick: function () {
        var chosen = splitBoxes.filter(function (b) { return b.checked; }).map(function (b) { return Number(b.dataset.activity); });
        if (!chosen.length) {
          showError(new ApiError(0, "no_activities", "Tick the activities to split off into a new role first."));
          return splitBoxes[0] && splitBoxes[0].focus();
        }
        var edit = { op: "split", role: i, activities: chosen };
        if (splitName.value.trim()) edit.name = splitName.value.trim();
        editRoles(edit, "Splitting the role…", chosen.length + " activities split into a new role " + (i + 2) + ".", i + 1);
      } }, "Split selected into a new role", hidden("(from role " + (i + 1) + ")"));

    var comps = role.competencies.map(function (c) { return roleCompetency(c, i); });
    return h("section", { class: "role subpanel", "aria-labelledby": hid, dataset: { role: String(i) } },
      h("div", { class: "role-head" },
        h("span", { class: "select-wrap" }, pick, h("label", { for: pick.id, class: "visually-hidden" }, "Select " + label + " to merge")),
        h("h4", { id: hid, tabindex: "-1", class: "role-name", dataset: { roleHeading: String(i) } }, label)),
      role.section && role.section !== role.name ? h("p", { class: "help" }, "From the heading “" + role.section + "”") : null,
      renameForm,
      h("h5", null, "Activities"),
      h("ul", { class: "role-activities" }, acts),
      role.activities.length > 1 ? h("div", { class: "row split-row" },
        h("div", { class: "field grow" }, h("label", { for: splitName.id }, "Name of the new role ",
          h("span", { class: "optional" }, "(optional)"), hidden("split from role " + (i + 1))), splitName),
        h("div", { class: "actions" }, splitBtn)) : null,
      h("h5", null, "Competencies"),
      comps.length ? h("ul", { class: "role-comps" }, comps) : h("p", { class: "empty" }, "No competency matched these activities."));
  }

  function acceptedCompetencies(pos) {
    var seen = {}, out = [];
    pos.roles.forEach(function (role) {
      role.competencies.forEach(function (c) {
        var a = (c.review || {}).action;
        if (a !== "accept" && a !== "modify") return;
        if (seen[c.competency_id]) { seen[c.competency_id].required_level = Math.max(seen[c.competency_id].required_level, c.required_level); return; }
        seen[c.competency_id] = { competency_id: c.competency_id, name: c.name, required_level: c.required_level };
        out.push(seen[c.competency_id]);
      });
    });
    return out;
  }

  function gapSection(pos) {
    var items = acceptedCompetencies(pos);
    var sec = h("section", { class: "subpanel gap", "aria-labelledby": "h-gap" },
      h("h4", { id: "h-gap" }, "Training needs (gap report)"),
      h("p", { class: "help" }, "Set an official's current level for each accepted competency (0 = not held), then see what training would close the gap."));
    if (!items.length) {
      sec.appendChild(h("p", { class: "empty" }, "No accepted competencies yet: accept some above to include them here."));
      return sec;
    }
    var selects = {};
    var tbody = h("tbody", null, items.map(function (c) {
      var id = nextId("gap");
      var sel = h("select", { id: id, dataset: { competencyId: c.competency_id, focusKey: "gap:" + c.competency_id },
        onchange: function () { state.gapLevels[c.competency_id] = Number(sel.value); } });
      var cur = state.gapLevels[c.competency_id] || 0;
      GAP_LEVELS.forEach(function (g) { sel.appendChild(h("option", { value: String(g[0]), selected: g[0] === cur }, g[1])); });
      selects[c.competency_id] = sel;
      return h("tr", { dataset: { competencyId: c.competency_id } },
        h("th", { scope: "row" }, c.name, " ", h("code", { class: "cid" }, c.competency_id)),
        h("td", null, String(c.required_level)),
        h("td", null, h("label", { for: id, class: "visually-hidden" }, "Current level for " + c.name), sel));
    }));
    var result = h("div", { id: "gap-result", class: "gap-result" });
    var levels = function () {
      var out = {};
      Object.keys(selects).forEach(function (cid) { out[cid] = Number(selects[cid].value); });
      return out;
    };
    var form = h("form", { id: "gap-form", novalidate: true },
      h("div", { class: "table-wrap" }, h("table", null,
        h("caption", { class: "visually-hidden" }, "Current level per accepted competency"),
        h("thead", null, h("tr", null, ["Competency", "Required level", "Current level"].map(function (t) {
          return h("th", { scope: "col" }, t);
        }))), tbody)),
      h("div", { class: "actions" },
        h("button", { type: "submit", class: "primary", id: "gap-show", dataset: { focusKey: "gap-show" } }, "Show training needs"),
        h("button", { type: "button", class: "secondary", id: "gap-csv", dataset: { focusKey: "gap-csv" }, onclick: function () {
          clearError();
          var unlock = lockRoles();
          var done = busy("Preparing the training needs CSV…");
          api(rolesPath("/gap?format=csv"), { method: "POST", body: { levels: levels() }, raw: true, accept: "text/csv" })
            .then(function (res) { return res.text(); })
            .then(function (text) {
              download(new Blob([text], { type: "text/csv;charset=utf-8" }), slug(state.position.title) + "-training-needs.csv");
              done("Training needs CSV ready: your browser is downloading it.");
            })
            .catch(function (err) { done("The CSV download failed."); showError(err); })
            .then(unlock);
        } }, "Download CSV")));
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      clearError();
      var unlock = lockRoles();
      var done = busy("Working out training needs…");
      api(rolesPath("/gap"), { method: "POST", body: { levels: levels() } })
        .then(function (res) {
          renderGap(result, res.items || []);
          done((res.items || []).length + " training needs found.");
        })
        .catch(function (err) { done("The gap report failed."); showError(err); })
        .then(unlock);
    });
    append(sec, [form, result]);
    return sec;
  }

  function renderGap(box, items) {
    clear(box);
    box.appendChild(h("h5", { id: "h-gap-result", tabindex: "-1" }, "Training needs, biggest gap first"));
    if (!items.length) {
      box.appendChild(h("p", { class: "empty" }, "No training needs: the current levels meet every required level."));
      return;
    }
    var tbody = h("tbody", null, items.map(function (it) {
      return h("tr", { dataset: { competencyId: it.competency_id } },
        h("th", { scope: "row" }, it.name || it.competency_id, " ", h("code", { class: "cid" }, it.competency_id)),
        h("td", { class: "gap-current" }, String(it.current_level)),
        h("td", { class: "gap-required" }, String(it.required_level)),
        h("td", { class: "gap-gap" }, String(it.gap)),
        h("td", { class: "gap-activities" }, String(it.activity_count)),
        h("td", null, (it.levels_to_reach || []).length ? h("ul", { class: "levels-to-reach" }, it.levels_to_reach.map(function (s) {
          return h("li", null, h("strong", null, "Level " + s.level + ": "), s.descriptor || "(no descriptor)");
        })) : ""));
    }));
    box.appendChild(h("div", { class: "table-wrap" }, h("table", { class: "gap-table" },
      h("caption", { class: "visually-hidden" }, "Training needs"),
      h("thead", null, h("tr", null, ["Competency", "Current", "Required", "Gap", "Activities", "Levels to reach"].map(function (t) {
        return h("th", { scope: "col" }, t);
      }))), tbody)));
  }

  function exportRoles(fmt) {
    return function () {
      if (!state.position) return;
      clearError();
      var unlock = lockRoles();
      var done = busy("Preparing the " + fmt.toUpperCase() + " export…");
      api(rolesPath("/export?format=" + fmt), { raw: true })
        .then(function (res) { return res.json(); })
        .then(function (data) {
          download(new Blob([JSON.stringify(data, null, 2)], { type: "application/json" }),
            slug(state.position.title) + "-" + fmt + ".json");
          done("Export ready: your browser is downloading it.");
        })
        .catch(function (err) { done("The export failed."); showError(err); })
        .then(unlock);
    };
  }

  function renderRoles(pos) {
    state.position = pos;
    if (!$("roles-title").value) $("roles-title").value = pos.title || "";
    if (!$("roles-department").value) $("roles-department").value = pos.department || "";
    var view = $("roles-view");
    clear(view);
    var meta = ["Position " + pos.id, "revision " + pos.revision];
    if (pos.department) meta.push("department: " + pos.department);
    if (pos.ministry) meta.push("ministry: " + pos.ministry);
    view.appendChild(h("h3", { id: "roles-heading", tabindex: "-1" }, pos.title));
    view.appendChild(h("p", { class: "meta", id: "roles-meta" }, meta.join(" · ")));

    var mergeName = h("input", { type: "text", id: "merge-name", maxlength: "200", autocomplete: "off",
      dataset: { focusKey: "merge-name" } });
    var mergeBtn = h("button", { type: "button", id: "merge-roles", class: "secondary", dataset: { focusKey: "merge" },
      onclick: function () {
        var picked = Array.prototype.map.call(view.querySelectorAll("input.role-pick:checked"),
          function (b) { return Number(b.dataset.role); });
        if (picked.length < 2) {
          showError(new ApiError(0, "too_few_roles", "Tick at least two roles to merge."));
          var first = view.querySelector("input.role-pick");
          return first && first.focus();
        }
        var edit = { op: "merge", roles: picked };
        if (mergeName.value.trim()) edit.name = mergeName.value.trim();
        editRoles(edit, "Merging " + picked.length + " roles…", picked.length + " roles merged into role " + (Math.min.apply(null, picked) + 1) + ".",
          Math.min.apply(null, picked));
      } }, "Merge selected");
    if (pos.roles.length > 1) {
      view.appendChild(h("div", { class: "row merge-row", role: "group", "aria-label": "Merge roles" },
        h("div", { class: "field grow" }, h("label", { for: mergeName.id }, "Name of the merged role ",
          h("span", { class: "optional" }, "(optional)")), mergeName),
        h("div", { class: "actions" }, mergeBtn)));
      view.appendChild(h("p", { class: "help" }, "To merge roles, tick the box next to each role's heading, then choose Merge selected."));
    }
    pos.roles.forEach(function (role, i) { view.appendChild(roleSection(pos, role, i)); });
    view.appendChild(gapSection(pos));
    view.appendChild(h("section", { class: "subpanel", "aria-labelledby": "h-roles-export" },
      h("h4", { id: "h-roles-export" }, "Export"),
      h("p", { class: "help" }, "Only accepted competencies are exported, each at its required level."),
      h("div", { class: "actions" },
        h("button", { type: "button", id: "export-frac", class: "secondary", onclick: exportRoles("frac"),
          dataset: { focusKey: "export-frac" } }, "Export FRAC JSON"),
        h("button", { type: "button", id: "export-igot-roles", class: "secondary", onclick: exportRoles("igot"),
          dataset: { focusKey: "export-igot" } }, "Export iGOT JSON"))));
  }

  // ---- wiring ------------------------------------------------------------------------------------

  function onHash() {
    var id = hashSetId(), pid = hashPositionId();
    var needSet = id && !(state.set && state.set.id === id);
    var needPosition = pid && !(state.position && state.position.id === pid);
    if (!needSet && !needPosition) return;
    if (!apiKey()) {
      setStatus("Enter your API key to open " + (needSet ? "suggestion set " + id : "position " + pid) + ".");
      return;
    }
    if (needSet) loadSet(id);
    if (needPosition) loadRolesPosition(pid);
  }

  function init() {
    var keyInput = $("api-key");
    try { keyInput.value = sessionStorage.getItem(KEY_STORE) || ""; } catch (e) { /* storage disabled */ }
    keyInput.addEventListener("input", function () {
      try { sessionStorage.setItem(KEY_STORE, keyInput.value.trim()); } catch (e) { /* storage disabled */ }
    });
    keyInput.addEventListener("change", onHash);
    $("forget-key").addEventListener("click", function () {
      keyInput.value = "";
      try { sessionStorage.removeItem(KEY_STORE); } catch (e) { /* storage disabled */ }
      setStatus("The API key was removed from this tab.");
      keyInput.focus();
    });
    // the skip link moves focus without touching the hash, which holds the open suggestion set
    document.querySelector(".skip-link").addEventListener("click", function (e) {
      e.preventDefault();
      $("main").focus();
    });
    $("suggest-form").addEventListener("submit", onSuggest);
    $("jd-file").addEventListener("change", onFile);
    $("accept-selected").addEventListener("click", onAcceptSelected);
    $("select-unreviewed").addEventListener("click", onSelectUnreviewed);
    $("position-form").addEventListener("submit", onLoadPosition);
    $("roles-form").addEventListener("submit", onCreateRoles);
    $("export-json").addEventListener("click", onExport("igot"));
    $("export-csv").addEventListener("click", onExport("csv"));
    window.addEventListener("hashchange", onHash);
    window.addEventListener("popstate", onHash);
    onHash();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
