// Sign-up and sign-in: small enhancements; both forms work without this file.
(function () {
  "use strict";

  // Sign-up: the browser's time zone into the hidden field. The server keeps it
  // only if the account page offers it, and starts the account in UTC otherwise.
  var field = document.querySelector('input[type="hidden"][name="time_zone"]');
  if (field) {
    try {
      field.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (error) {
      field.value = "";
    }
    var note = document.getElementById("time-zone-note");
    var name = note && note.querySelector("[data-time-zone-name]");
    if (field.value && name) {
      name.textContent = field.value.replace(/_/g, " ");
      note.hidden = false;
    }
  }

  // After a refused submit the server puts `autofocus` on the field to fix
  // first. Browsers skip autofocus in some cases (a page restored from the
  // history, focus already moved): put the cursor there all the same.
  var first = document.querySelector("main form [autofocus]");
  if (first && document.querySelector("main form [aria-invalid], main .form-errors")) {
    if (document.activeElement !== first) first.focus();
  }
})();
