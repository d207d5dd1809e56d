/*
 * django-st-ssr {% st_ssr_frontend %}: initialise supertokens-web-js on an ordinary page.
 *
 * Loaded after supertokens-web-js (globals `supertokens`, `supertokensSession`); reads the
 * json_script element "django-st-ssr-frontend". From then on web-js intercepts the page's fetch
 * and XMLHttpRequest calls (htmx's too): an expired session is refreshed and the call replayed.
 * When web-js finds the session gone for good (revoked, refresh token expired), the whole page
 * goes to the sign-in page, coming back here afterwards.
 */
(function () {
  "use strict";

  var element = document.getElementById("django-st-ssr-frontend");
  if (!element || !window.supertokens || !window.supertokensSession) {
    return;
  }
  var config = JSON.parse(element.textContent);

  function signIn() {
    var here = window.location.pathname + window.location.search;
    var separator = config.loginUrl.indexOf("?") === -1 ? "?" : "&";
    window.location.assign(config.loginUrl + separator + config.loginField + "=" + encodeURIComponent(here));
  }

  try {
    supertokens.init({
      appInfo: config.appInfo,
      recipeList: [
        supertokensSession.init({
          tokenTransferMethod: "cookie",
          sessionTokenFrontendDomain: config.cookieDomain || undefined,
          onHandleEvent: function (event) {
            if (event.action === "UNAUTHORISED" && event.sessionExpiredOrRevoked) {
              signIn();
            }
          }
        })
      ]
    });
  } catch (e) {
    // Already initialised by the page itself: its own configuration stays in charge.
  }
})();
