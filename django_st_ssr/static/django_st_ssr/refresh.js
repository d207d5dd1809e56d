/*
 * django-st-ssr refresh page: renew the SuperTokens session, then go back to the page asked for.
 *
 * Loaded after supertokens-web-js (globals `supertokens`, `supertokensSession`). Reads its
 * configuration from the json_script element "django-st-ssr-config"; the server has already
 * validated `target` and built `loginUrl`, so nothing from the address bar is trusted here.
 */
(function () {
  "use strict";

  var STORAGE_KEY = "django_st_ssr.refresh_attempts";

  function show(state) {
    var sections = document.querySelectorAll("[data-st-state]");
    for (var i = 0; i < sections.length; i++) {
      sections[i].hidden = sections[i].getAttribute("data-st-state") !== state;
    }
  }

  // The server counts round trips in a cookie; this counts them where cookies may not work at
  // all. More than maxAttempts visits within windowSeconds means a loop: stop and explain.
  function countAttempt(config) {
    try {
      var now = Date.now();
      var record = JSON.parse(window.sessionStorage.getItem(STORAGE_KEY) || "null");
      if (!record || typeof record.first !== "number" || now - record.first > config.windowSeconds * 1000) {
        record = { first: now, count: 0 };
      }
      record.count += 1;
      window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify(record));
      return record.count;
    } catch (e) {
      return 0; // storage unavailable: the server-side guard still applies
    }
  }

  function forgetAttempts(config) {
    try {
      window.sessionStorage.removeItem(STORAGE_KEY);
    } catch (e) {
      /* ignore */
    }
    if (config.loopCookie) {
      document.cookie = config.loopCookie + "=; Max-Age=0; Path=/; SameSite=Lax";
    }
  }

  var element = document.getElementById("django-st-ssr-config");
  if (!element) {
    return;
  }
  var config = JSON.parse(element.textContent);

  if (countAttempt(config) > config.maxAttempts) {
    forgetAttempts(config);
    show("loop");
    return;
  }

  try {
    supertokens.init({
      appInfo: config.appInfo,
      recipeList: [supertokensSession.init({ tokenTransferMethod: "cookie" })]
    });
  } catch (e) {
    show("error");
    return;
  }

  supertokensSession.attemptRefreshingSession().then(
    function (refreshed) {
      // A loop is "refreshed, yet the page still sees no session". A failed refresh ends the
      // round at the login page, so the counters start again (a signed-out visitor opening
      // several protected pages is not looping).
      if (!refreshed) {
        forgetAttempts(config);
      }
      // replace(): the refresh page should not stay in the history (Back would refresh again).
      window.location.replace(refreshed ? config.target : config.loginUrl);
    },
    function () {
      show("error");
    }
  );
})();
