// The Mentoring page's enhancements; the page works without this file.
(function () {
  "use strict";

  // Copy buttons for invite links. Without the Clipboard API (or JavaScript)
  // they stay hidden and the link is selected and copied by hand.
  var canCopy = Boolean(navigator.clipboard && window.isSecureContext);

  function announce(status, text) {
    // Emptied first, so that copying twice is announced twice.
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  function copy(button) {
    var input = document.getElementById(button.dataset.copy);
    var status = document.getElementById(button.dataset.copyStatus);
    if (!input || !status) return;
    navigator.clipboard.writeText(input.value).then(
      function () { announce(status, "Copied"); },
      function () {
        input.focus();
        input.select();
        announce(status, "Could not copy: the link is selected, copy it with your keyboard.");
      }
    );
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy]");
    if (button) copy(button);
  });

  // A read-only link is selected whole when it gets focus.
  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("[data-select-on-focus]")) event.target.select();
  });

  function enhance() {
    if (canCopy) {
      document.querySelectorAll("[data-copy]").forEach(function (button) { button.hidden = false; });
    }
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
