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
  var FRIENDLY = {
    network: "Could not reach the service. Check that it is running and try again.",
    missing_key: "Enter your API key, then try again.",
    invalid_key: "The API key was not accepted. Check it, or ask an administrator for a new one.",
    dev_key_not_local: "The development key only works on the server's own machine. Use a real API key.",
    insufficient_role: "Your API key is not allowed to do this.",
    not_ready: "The service is still starting (loading the model and database). Wait a few seconds and try again.",
    payload_too_large: "That is too large to send.",
    file_too_large: "That file is too large.",
    unsupported_file: "That kind of file is not supported. Upload a .txt, .docx or .pdf file.",
    not_utf8: "That text file is not in UTF-8. Save it as UTF-8 and upload it again.",
    unreadable_file: "That file could not be read. Check that it opens, or paste the text instead.",
    no_text: "No text could be found in that file. It may be a scanned image; paste the text instead.",
    suggestion_set_not_found: "That suggestion set does not exist (it may have been made on another server).",
    idempotency_key_reused: "That save clashed with an earlier one. Please try again.",
    internal_error: "Something went wrong on the server. Please try again."
  };

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
    var friendly = FRIENDLY[code];
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
            throw new ApiError(res.status, "http_" + res.status, "The server answered " + res.status + ".");
          }
          return data;
        });
      });
  }

  // ---- state -----------------------------------------------------------------------------------

  var state = { set: null, segments: [], cards: {} };

  function hashSetId() {
    var m = /(?:^#|&)set=([^&]+)/.exec(location.hash);
    return m ? decodeURIComponent(m[1]) : null;
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
    var btn = $("suggest-btn");
    btn.disabled = true;
    var done = busy("Finding competencies for this job description…");
    api("/v1/suggestions", { method: "POST", body: body })
      .then(function (set) {
        renderSet(set);
        if (hashSetId() !== set.id) history.pushState(null, "", "#set=" + encodeURIComponent(set.id));
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
    renderJD(set);
    renderGroups(set);
    renderActivities(set);
    updateBulk();
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
    AREAS.concat(["Other"]).forEach(function (area) {
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

    var article = h("article", { class: "card", "aria-labelledby": titleId, dataset: { competencyId: cid } },
      h("div", { class: "card-head" },
        h("div", { class: "select-wrap" }, select,
          h("label", { for: base + "-sel", class: "visually-hidden" }, "Select " + s.name + " for bulk accept")),
        h("h5", { id: titleId, class: "card-title" }, s.name, " ", h("code", { class: "cid" }, cid))),
      h("p", { class: "theme" }, s.competencyThemeName,
        s.competencySubThemeName && s.competencySubThemeName !== s.competencyThemeName ? " › " + s.competencySubThemeName : ""),
      h("div", { class: "badges", "aria-label": "ASK tags" }, tags.length ? tags : h("span", { class: "muted" }, "No ASK tags")),
      h("dl", { class: "facts" },
        h("div", null, h("dt", null, "Score"), h("dd", { class: "score" }, fmtScore(s.score))),
        h("div", null, h("dt", null, "Confidence"), h("dd", { class: "confidence" }, fmtPct(s.confidence))),
        h("div", null, h("dt", null, "Suggested level"), h("dd", { class: "level" }, String(s.suggested_level)))),
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

  function activityItem(a, unmatched) {
    return h("li", { class: "activity" + (unmatched ? " unmatched" : ""), dataset: { activity: String(a.index) } },
      h("p", null, h("span", { class: "act-num" }, "Activity " + (a.index + 1) + ": "), a.text,
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
    if (!ul.firstChild) ul.appendChild(h("li", { class: "empty" }, "Every activity matched at least one competency."));
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
    var done = busy("Grouping activities into roles…");
    api("/v1/positions", { method: "POST", body: body })
      .then(function (pos) { renderRoles(pos); done("Position created with " + pos.roles.length + " roles."); })
      .catch(function (err) { done("Creating the position failed."); showError(err); });
  }

  function renderRoles(pos) {
    var view = $("roles-view");
    clear(view);
    view.appendChild(h("h3", null, pos.title + " (revision " + pos.revision + ")"));
    pos.roles.forEach(function (role, i) {
      var comps = role.competencies.map(function (c) {
        var r = c.review || {};
        return h("li", { dataset: { competencyId: c.competency_id } }, c.name + " ",
          h("code", null, c.competency_id), " – level " + c.required_level +
          (r.action ? " (" + (ACTION_WORDS[r.action] || r.action) + ")" : ""));
      });
      view.appendChild(h("section", { class: "subpanel" },
        h("h4", null, "Role " + (i + 1) + ": " + role.name),
        h("p", { class: "help" }, "Activities"),
        h("ol", { class: "activity-list" }, role.activities.map(function (a) { return h("li", null, a.text); })),
        h("p", { class: "help" }, "Competencies"),
        comps.length ? h("ul", null, comps) : h("p", { class: "empty" }, "No competency matched these activities.")));
    });
  }

  // ---- wiring ------------------------------------------------------------------------------------

  function onHash() {
    var id = hashSetId();
    if (!id || (state.set && state.set.id === id)) return;
    if (!apiKey()) {
      setStatus("Enter your API key to open suggestion set " + id + ".");
      return;
    }
    loadSet(id);
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
