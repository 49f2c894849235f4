// @ts-check
/* The API: fetch wrapper, ApiError, the key, the status line, errors in plain words, and the limits the
 * server publishes in its OpenAPI document. */
import { $, h, append, clear } from "./dom.js";
import { messageFor } from "./messages.js";

// ---- status, errors --------------------------------------------------------------------------

var busyCount = 0;
export function setStatus(text) { $("status-text").textContent = text || ""; }
export function busy(text) {
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

/** One plain sentence; what the server said and the code go under "Technical details", folded, for
 *  whoever is asked for help. */
export function showError(err) {
  var box = $("alert");
  clear(box);
  var code = err && err.code ? err.code : "error";
  var sentence = messageFor(code, err && err.status);
  append(box, h("p", { class: "alert-title" }, sentence));
  var said = err && err.message && err.message !== sentence ? err.message : "";
  append(box, h("details", { class: "alert-details" }, h("summary", null, "Technical details"),
    said ? h("p", null, said) : null, h("p", { class: "alert-code" }, "Code: " + code)));
  append(box, h("button", { type: "button", class: "secondary small", onclick: clearError }, "Dismiss"));
}
export function clearError() { clear($("alert")); }

// ---- API -------------------------------------------------------------------------------------

/** @constructor */
export function ApiError(status, code, message, detail) {
  this.status = status; this.code = code; this.message = message; this.detail = detail;
}
export function apiKey() { return $("api-key").value.trim(); }

/** fetch wrapper: adds the key, parses JSON, turns {code, message} bodies into ApiError. */
export function api(path, opts) {
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

// ---- limits ----------------------------------------------------------------------------------

var limitsPromise = null;
/** The longest text the server takes, from its own OpenAPI document (public, built from its settings),
 *  so the page never keeps a second copy of the number. null when it cannot be read. */
export function textLimit() {
  if (!limitsPromise) {
    limitsPromise = fetch("/openapi.json").then(function (res) { return res.ok ? res.json() : null; })
      .then(function (doc) {
        var text = doc && doc.components.schemas.SuggestRequest.properties.text;
        return text && typeof text.maxLength === "number" ? text.maxLength : null;
      })
      .catch(function () { return null; });
  }
  return limitsPromise;
}

// ---- the dictionary --------------------------------------------------------------------------

var entries = {};
/** A dictionary entry (description, level descriptors), fetched once per competency. */
export function competency(cid) {
  if (!entries[cid]) {
    entries[cid] = api("/v1/competencies/" + encodeURIComponent(cid)).catch(function (err) {
      delete entries[cid];
      throw err;
    });
  }
  return entries[cid];
}
