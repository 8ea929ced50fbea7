// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";

  // htmx swaps nothing on an error response, which would fail silently.
  // Say what happened instead: a 403 usually means the CSRF token went stale
  // after signing in or out in another tab.
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    var text = status === 403
      ? "Your session changed in another tab. Please reload the page and try again."
      : status === 429
        ? "Too many requests. Please wait a moment and try again."
        : "That did not work (error " + status + "). Please reload the page and try again.";
    showAlert(text);
  });
  document.addEventListener("htmx:sendError", function () {
    showAlert("The server could not be reached. Check your connection and try again.");
  });

  function showAlert(text) {
    var box = document.getElementById("htmx-alert");
    if (!box) {
      box = document.createElement("div");
      box.id = "htmx-alert";
      box.className = "toast";
      box.setAttribute("role", "alert");
      document.body.appendChild(box);
    }
    box.textContent = text;
  }
})();
