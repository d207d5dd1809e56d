/*
 * The dashboard's calls to its own JSON APIs. supertokens-web-js ({% st_ssr_frontend %}, loaded
 * before this file) intercepts fetch(): an expired session is refreshed and the call replayed,
 * so nothing here deals with sessions. A session gone for good sends the whole page to sign-in.
 */
(function () {
  "use strict";

  function show(id, describe) {
    var element = document.getElementById(id);
    element.setAttribute("aria-busy", "true");
    return fetch(element.dataset.url, { headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status + " " + response.statusText);
        }
        return response.json();
      })
      .then(function (data) {
        element.textContent = describe(data);
      })
      .catch(function (error) {
        element.textContent = "failed: " + error.message;
      })
      .finally(function () {
        element.setAttribute("aria-busy", "false");
      });
  }

  function load() {
    show("api-orders", function (data) {
      return data.count + " order(s)" + (data.latest.length ? ", latest: " + data.latest.join(", ") : "");
    });
    show("api-session", function (data) {
      return "user " + data.user_id + (data.email ? " (" + data.email + ")" : "");
    });
  }

  load();
  document.getElementById("api-reload").addEventListener("click", load);
  // The htmx widget's answer to a new order carries "HX-Trigger: orders-changed".
  document.body.addEventListener("orders-changed", load);
})();
