// The Mentoring page's enhancements; the page works without this file.
// (Its Copy buttons are site.js's, shared with the account page's calendar link.)
(function () {
  "use strict";

  function enhance() {
    // With htmx the sharing choices are saved as they change: no Save button.
    if (window.htmx) {
      document.querySelectorAll("[data-without-js]").forEach(function (element) { element.hidden = true; });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhance);
  } else {
    enhance();
  }
})();
