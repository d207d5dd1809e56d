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

  // supertokens-website (lib/build/fetch.js) keeps its view of the session in these cookies.
  var FRONT_TOKEN = "sFrontToken";
  var LAST_ACCESS_TOKEN_UPDATE = "st-last-access-token-update";

  function hasCookie(name) {
    return ("; " + document.cookie).indexOf("; " + name + "=") !== -1;
  }

  function deleteCookie(name, domain) {
    document.cookie = name + "=; Max-Age=0; Path=/; SameSite=Lax" + (domain ? "; Domain=" + domain : "");
  }

  // A timestamp without a front token is web-js's "signed out" (NOT_EXISTS): with it,
  // attemptRefreshingSession() gives up without calling the API. The page was sent here because
  // the server could not use the access token, so a refresh token may well exist (signed in
  // again on the server since, in another tab, ...): drop the marker, web-js then asks the API,
  // and the API's answer is what counts.
  function forgetStaleSignedOutMarker(config) {
    if (hasCookie(LAST_ACCESS_TOKEN_UPDATE) && !hasCookie(FRONT_TOKEN)) {
      deleteCookie(LAST_ACCESS_TOKEN_UPDATE);
      if (config.cookieDomain) {
        deleteCookie(LAST_ACCESS_TOKEN_UPDATE, config.cookieDomain);
      }
    }
  }

  // The server validated both URLs; checked again here in case an overridden template or a
  // script of the site's own hands this file something else (defence in depth).
  function sameSite(url, config) {
    try {
      var origin = new URL(url, window.location.href).origin;
    } catch (e) {
      return false;
    }
    var allowed = [window.location.origin].concat(config.allowedOrigins || []);
    return allowed.indexOf(origin) !== -1;
  }

  function go(url, config) {
    if (!sameSite(url, config)) {
      show("error");
      return;
    }
    // replace(): the refresh page should not stay in the history (Back would refresh again).
    window.location.replace(url);
  }

  var element = document.getElementById("django-st-ssr-config");
  if (!element) {
    return;
  }
  var config = JSON.parse(element.textContent);
  // The scripts run: the "scripts did not load" hint (shown by CSS after a delay) is not needed.
  var stalled = document.querySelectorAll("[data-st-stalled]");
  for (var i = 0; i < stalled.length; i++) {
    stalled[i].hidden = true;
  }

  if (countAttempt(config) > config.maxAttempts) {
    forgetAttempts(config);
    show("loop");
    return;
  }

  try {
    supertokens.init({
      appInfo: config.appInfo,
      recipeList: [
        supertokensSession.init({
          tokenTransferMethod: "cookie",
          sessionTokenFrontendDomain: config.cookieDomain || undefined
        })
      ]
    });
  } catch (e) {
    show("error");
    return;
  }

  forgetStaleSignedOutMarker(config);
  supertokensSession.attemptRefreshingSession().then(
    function (refreshed) {
      // A loop is "refreshed, yet the page still sees no session". A failed refresh ends the
      // round at the login page, so the counters start again (a signed-out visitor opening
      // several protected pages is not looping).
      if (!refreshed) {
        forgetAttempts(config);
        go(config.loginUrl, config);
        return;
      }
      var form = config.resubmit && document.getElementById("django-st-ssr-resubmit");
      if (form) {
        // The form whose session had expired: sent again, same fields, now with a session.
        form.submit();
        return;
      }
      go(config.target, config);
    },
    function () {
      show("error");
    }
  );
})();
