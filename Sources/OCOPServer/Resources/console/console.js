// The console's one script; every page works without it. It keeps a completed counter sale on
// this tablet when the network drops, and sends it when the network returns.
//
// Why it is safe to send a sale again: each rendered sale form carries its own idempotency key and
// the server sells each key once, so a sale sent twice (a lost answer, two tabs, a double tap) is
// one sale with one receipt. A kept sale leaves the queue only once the server has answered it.
(function () {
  "use strict";
  var QUEUE = "ocop-console-kept-sales";
  var REFUSED = "ocop-console-refused-sales";
  var banner = document.getElementById("kept-sales");
  var sending = false;

  function read(name) {
    try { return JSON.parse(localStorage.getItem(name) || "[]"); } catch (e) { return []; }
  }
  function write(name, list) {
    try { localStorage.setItem(name, JSON.stringify(list)); } catch (e) { /* full or disabled: nothing kept */ }
  }
  function keyOf(body) { return new URLSearchParams(body).get("idempotency_key") || ""; }

  // "2 sales waiting to be sent", and each refused one with the server's reason.
  function show() {
    if (!banner) return;
    var waiting = read(QUEUE), refused = read(REFUSED);
    banner.textContent = "";
    if (waiting.length) {
      var line = document.createElement("p");
      line.className = "waiting";
      line.textContent = banner.dataset.waiting + " " + waiting.length;
      banner.appendChild(line);
    }
    refused.forEach(function (entry) {
      var line = document.createElement("p");
      line.className = "refused";
      line.textContent = banner.dataset.refused + " " + entry.at + ": " + entry.reason;
      banner.appendChild(line);
    });
    if (refused.length) {
      var dismiss = document.createElement("button");
      dismiss.type = "button";
      dismiss.className = "secondary small";
      dismiss.textContent = banner.dataset.dismiss;
      dismiss.onclick = function () { write(REFUSED, []); show(); };
      banner.appendChild(dismiss);
    }
    banner.hidden = !waiting.length && !refused.length;
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST", body: body, credentials: "same-origin", redirect: "follow",
      headers: { "Content-Type": "application/x-www-form-urlencoded" }
    });
  }

  // The receipt's address when the server sold it; null for any other answer.
  function receiptOf(answer) {
    return answer.redirected && /\/sales\/\d+/.test(new URL(answer.url).pathname) ? answer.url : null;
  }

  // Sends the kept sales one at a time, oldest first, with this page's CSRF token (a new sign-in
  // has a new one). A network error leaves the queue as it is for the next try.
  function flush() {
    var waiting = read(QUEUE);
    if (sending || !waiting.length || !banner) return;
    sending = true;
    var entry = waiting[0];
    var body = new URLSearchParams(entry.body);
    body.set("csrf", banner.dataset.csrf);
    post(entry.url, body.toString()).then(function (answer) {
      if (answer.redirected && /\/console\/login/.test(new URL(answer.url).pathname)) {
        sending = false; // signed out: kept until someone signs in
        return;
      }
      return answer.text().then(function (html) {
        var receipt = receiptOf(answer);
        if (!receipt) {
          var page = new DOMParser().parseFromString(html, "text/html");
          var reason = page.querySelector(".error") || page.querySelector("h1");
          var refused = read(REFUSED);
          refused.push({ at: entry.at, reason: reason ? reason.textContent.trim() : String(answer.status) });
          write(REFUSED, refused);
        }
        write(QUEUE, read(QUEUE).filter(function (kept) { return keyOf(kept.body) !== keyOf(entry.body); }));
        sending = false;
        var open = document.querySelector("form[data-sale] input[name=idempotency_key]");
        if (receipt && open && open.value === keyOf(entry.body)) { location.assign(receipt); return; }
        show();
        flush();
      });
    }, function () { sending = false; });
  }

  // The counter's "complete": sent by script so that a dropped network keeps the sale instead of
  // showing the browser's error page. A second tap while the first is on its way does nothing.
  var form = document.querySelector("form[data-sale]");
  // Not `form.action`: the form's buttons are named "action", and the name wins.
  var target = form && new URL(form.getAttribute("action"), location.href).href;
  if (form && window.fetch && window.URLSearchParams) {
    form.addEventListener("submit", function (event) {
      var button = event.submitter;
      if (!button || button.value !== "complete") return;
      event.preventDefault();
      if (form.dataset.sending) return;
      form.dataset.sending = "1";
      button.disabled = true;
      var data = new URLSearchParams(new FormData(form));
      data.set("action", "complete");
      var body = data.toString();
      post(target, body).then(function (answer) {
        var receipt = receiptOf(answer);
        if (receipt) { location.assign(receipt); return; }
        return answer.text().then(function (html) {
          document.open(); document.write(html); document.close();
        });
      }, function () {
        // No answer: kept on this tablet (once per form: the same key is the same sale).
        var waiting = read(QUEUE).filter(function (kept) { return keyOf(kept.body) !== keyOf(body); });
        waiting.push({ url: target, body: body, at: new Date().toLocaleString() });
        write(QUEUE, waiting);
        delete form.dataset.sending;
        button.disabled = false;
        show();
      });
    });
  }

  show();
  flush();
  window.addEventListener("online", flush);
  setInterval(flush, 5000);

  // The live desk: each held order counts down to the end of its hold; at zero the desk is read
  // again, where the order shows as run out and its units are free to sell.
  var countdowns = document.querySelectorAll(".countdown[data-expires]");
  if (countdowns.length) {
    var tick = function () {
      var now = Date.now(), due = false;
      countdowns.forEach(function (element) {
        var left = Math.max(0, Math.ceil((Date.parse(element.dataset.expires) - now) / 1000));
        element.textContent = String(Math.floor(left / 60)).padStart(2, "0") + ":" + String(left % 60).padStart(2, "0");
        if (left === 0) due = true;
      });
      if (due && !document.querySelector(".live-orders form.confirm input:focus")) {
        clearInterval(timer);
        setTimeout(function () { location.replace(location.pathname + location.search.replace(/[?&](read|orders|confirmed|cancelled)=[^&]*/g, "")); }, 1000);
      }
    };
    var timer = setInterval(tick, 1000);
    tick();
  }
})();
