/**
 * The org page's "check now" script: POSTs the API's check route, says what the answer means
 * (202 queued, 409 already running, 429 with the time the login budget frees up), then polls
 * the page itself until the org's last check changes and swaps in the refreshed body. It reads
 * everything from data attributes, so no value is ever spliced into code.
 */
export const CHECK_NOW_SCRIPT = `
(function () {
  var button = document.getElementById("check-now");
  var out = document.getElementById("check-result");
  if (!button || !out) return;
  function say(text, kind) { out.textContent = text; out.className = "notice " + (kind || ""); out.hidden = false; }
  function headers() {
    var h = { "x-orgwatch-page": "1" };
    if (button.dataset.share) h["x-orgwatch-share"] = button.dataset.share;
    return h;
  }
  function body(doc) { return doc.getElementById("org-body"); }
  function poll(before, tries) {
    if (tries <= 0) { say("No result yet: the check is still queued or running. Reload the page in a minute.", ""); button.disabled = false; return; }
    setTimeout(function () {
      fetch(location.pathname + location.search, { headers: headers(), credentials: "same-origin" })
        .then(function (r) { return r.text(); })
        .then(function (text) {
          var doc = new DOMParser().parseFromString(text, "text/html");
          var fresh = body(doc);
          var done = fresh && fresh.dataset.lastCheck !== before && fresh.dataset.lastStored === fresh.dataset.lastCheck;
          if (!done) return poll(before, tries - 1);
          body(document).replaceWith(document.importNode(fresh, true));
          var cause = fresh.dataset.cause;
          say("Checked: " + (fresh.dataset.state === "healthy" ? "healthy" : fresh.dataset.state + (cause ? " (" + cause + ")" : "")) + ".", fresh.dataset.state === "healthy" ? "ok" : "err");
          button.disabled = false;
        })
        .catch(function () { poll(before, tries - 1); });
    }, 1000);
  }
  button.addEventListener("click", function () {
    var before = body(document).dataset.lastCheck;
    button.disabled = true;
    say("Asking for a check...", "");
    fetch(button.dataset.url, { method: "POST", headers: headers(), credentials: "same-origin" })
      .then(function (r) { return r.json().catch(function () { return {}; }).then(function (b) { return { r: r, b: b }; }); })
      .then(function (x) {
        var s = x.r.status;
        if (s === 202) { say("202 Accepted: the check is queued; the result follows here.", ""); return poll(before, 90); }
        if (s === 409) { say("409 Conflict: a check of this org is already running; its result follows here.", ""); return poll(before, 90); }
        button.disabled = false;
        if (s === 429) {
          var secs = Number(x.r.headers.get("retry-after") || "0");
          var at = new Date(Date.now() + secs * 1000);
          say("429 Too Many Requests: the integration user's login budget is spent. Retry after " + at.toLocaleString() + " (in " + Math.ceil(secs / 60) + " min).", "err");
          return;
        }
        say(s + ": " + (x.b.error || x.b.message || "the check could not be asked for"), "err");
      })
      .catch(function () { button.disabled = false; say("The server did not answer; try again.", "err"); });
  });
})();
`;
