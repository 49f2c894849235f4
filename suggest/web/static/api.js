// @ts-check
/* The API: fetch wrapper, ApiError, the key, status line and error messages from GET /v1/errors. */
import { $, h, append, clear } from "./dom.js";

// Messages for people come from the server's one registry of error codes (GET /v1/errors); only the
// page's own codes, for errors that never reach the server, are written here.
export var FRIENDLY = {
  network: "Could not reach the service. Check that it is running and try again."
};
fetch("/v1/errors").then(function (res) { return res.ok ? res.json() : {}; }).then(function (codes) {
  Object.keys(codes).forEach(function (code) { FRIENDLY[code] = codes[code].message; });
}).catch(function () { /* offline: the server's own message is still shown */ });

// ---- status, errors --------------------------------------------------------------------------

export var busyCount = 0;
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
export function showError(err) {
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
export function clearError() { clear($("alert")); }

// ---- API -------------------------------------------------------------------------------------

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

// ---- state -----------------------------------------------------------------------------------
