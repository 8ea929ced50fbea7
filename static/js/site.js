// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";

  // What this file says, in the reader's language: base.html puts it on
  // <body> as data attributes (data-copied is dataset.copied); the English
  // here is for a page that has none.
  function say(name, english) {
    var text = document.body && document.body.dataset[name];
    return text || english;
  }

  // htmx swaps nothing on an error response, which would fail silently.
  // Say what happened instead: a 403 usually means the CSRF token went stale
  // after signing in or out in another tab.
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    var text = status === 403
      ? say("errorSession", "Your session changed in another tab. Please reload the page and try again.")
      : status === 429
        ? say("errorBusy", "Too many requests. Please wait a moment and try again.")
        : say("errorStatus", "That did not work (error {status}). Please reload the page and try again.")
          .replace("{status}", status);
    showAlert(text);
  });
  document.addEventListener("htmx:sendError", function () {
    showAlert(say("errorOffline", "The server could not be reached. Check your connection and try again."));
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

  // A topic opened in the side panel: show the panel and move focus to its
  // heading, so keyboard and screen-reader users land on what they opened.
  document.addEventListener("htmx:afterSwap", function (event) {
    var panel = event.detail.target;
    if (panel.id !== "topic-panel") return;
    panel.hidden = false;
    var heading = panel.querySelector("[data-panel-heading]");
    if (heading) heading.focus();
  });

  // Escape closes the topic panel and returns focus to the topic's link.
  document.addEventListener("keydown", function (event) {
    var panel = document.getElementById("topic-panel");
    if (event.key !== "Escape" || !panel || panel.hidden) return;
    closePanel(panel);
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    var panel = document.getElementById("topic-panel");
    var source = event.detail.elt;
    if (panel && source.matches && source.matches(".topic-title a")) {
      source.id = source.id || "open-" + source.closest("li").id;
      panel.dataset.opener = source.id;
    }
  });
  // One Tab stop per topic row (its tick box, or its title where there is
  // none): Tab moves from row to row, and the arrow keys move between the
  // row's own controls. Without this file every control is a Tab stop.
  var ROW_CONTROLS = ".tick, .topic-title a, .status-form .chip, .topic-more > summary";
  function rowControls(row) {
    return Array.prototype.slice.call(row.querySelectorAll(ROW_CONTROLS));
  }
  function rove(root) {
    var rows = root.matches && root.matches("li.topic") ? [root] : root.querySelectorAll("li.topic");
    Array.prototype.forEach.call(rows, function (row) {
      rowControls(row).forEach(function (control, index) { control.tabIndex = index === 0 ? 0 : -1; });
    });
  }
  htmx.onLoad(rove);
  document.addEventListener("keydown", function (event) {
    var moves = { ArrowRight: 1, ArrowLeft: -1, Home: "first", End: "last" };
    if (!(event.key in moves) || !event.target.closest) return;
    var row = event.target.closest("li.topic");
    if (!row) return;
    var controls = rowControls(row);
    var index = controls.indexOf(event.target);
    if (index < 0) return;
    var move = moves[event.key];
    var next = move === "first" ? 0 : move === "last" ? controls.length - 1
      : Math.min(controls.length - 1, Math.max(0, index + move));
    event.preventDefault();
    controls[index].tabIndex = -1;
    controls[next].tabIndex = 0;
    controls[next].focus();
  });

  // Sections folded or unfolded on a roadmap page are remembered in this
  // browser. A topic linked from elsewhere (#slug) is unfolded to be seen.
  function restoreSections() {
    document.querySelectorAll("details[data-remember]").forEach(function (details) {
      var saved = null;
      try { saved = localStorage.getItem("section:" + details.dataset.remember); } catch (e) { /* storage off */ }
      if (saved !== null) details.open = saved === "open";
    });
    var target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    var holder = target && target.closest("details[data-remember]");
    if (holder) { holder.open = true; target.scrollIntoView(); }
  }
  document.addEventListener("DOMContentLoaded", restoreSections);
  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (!details.dataset || !details.dataset.remember) return;
    try { localStorage.setItem("section:" + details.dataset.remember, details.open ? "open" : "closed"); } catch (e) { /* storage off */ }
  }, true);

  // Copy buttons for links to share (invite links, the calendar feed). Without the Clipboard API (or JavaScript)
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
      function () { announce(status, say("copied", "Copied")); },
      function () {
        input.focus();
        input.select();
        announce(status, say("copyFailed", "Could not copy: the link is selected, copy it with your keyboard."));
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

  function showCopyButtons() {
    if (canCopy) document.querySelectorAll("[data-copy]").forEach(function (button) { button.hidden = false; });
  }
  document.addEventListener("DOMContentLoaded", showCopyButtons);
  document.addEventListener("htmx:afterSettle", showCopyButtons);

  // A box pointed at, focused or opened shows its own lines: where it comes
  // from and what builds on it. The opened one stays lit until the panel
  // closes, on both drawings of the map (opening the panel can swap them).
  var opened = null; // the opened box's data-key
  function light(key) {
    document.querySelectorAll("svg.roadmap-map").forEach(function (map) {
      map.classList.toggle("is-tracing", Boolean(key));
      map.querySelectorAll(".map-edges path").forEach(function (line) {
        line.classList.toggle("is-lit", Boolean(key) && (line.dataset.from === key || line.dataset.to === key));
      });
    });
  }
  ["mouseover", "focusin"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      var node = event.target.closest && event.target.closest("a.map-node");
      if (node) light(node.dataset.key);
    });
  });
  ["mouseout", "focusout"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      var node = event.target.closest && event.target.closest("a.map-node");
      if (node && !(event.relatedTarget && node.contains(event.relatedTarget))) light(opened);
    });
  });

  // A box of the map opens its topic in the side panel; without JavaScript (or
  // with a modifier key) its link opens the topic's page.
  document.addEventListener("click", function (event) {
    var node = event.target.closest && event.target.closest("a.map-node");
    var panel = document.getElementById("topic-panel");
    if (!node || !node.dataset.panelUrl || !panel || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    panel.dataset.opener = node.id;
    opened = node.dataset.key;
    light(opened);
    htmx.ajax("GET", node.dataset.panelUrl, { target: "#topic-panel", swap: "innerHTML" });
  });
  // Closing the panel returns focus to what opened it: on the map, that box
  // in the drawing shown once the panel is gone.
  function closePanel(panel) {
    panel.hidden = true;
    opened = null;
    light(null);
    var link = panel.dataset.opener && document.getElementById(panel.dataset.opener);
    if (link && link.dataset.key) {
      var boxes = document.querySelectorAll('a.map-node[data-key="' + link.dataset.key + '"]');
      link = Array.prototype.find.call(boxes, function (box) { return box.getBoundingClientRect().width > 0; }) || link;
    }
    if (link) link.focus();
  }
  document.addEventListener("click", function (event) {
    var close = event.target.closest("[data-close-panel]");
    if (close) closePanel(document.getElementById("topic-panel"));
  });
  // The map redrawn after a change in the panel: the opened box stays lit.
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.target.id === "map-area") light(opened);
  });

  // A link to a topic in a folded section ("Continue: ...") unfolds it.
  window.addEventListener("hashchange", function () {
    var target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    var holder = target && target.closest("details:not([open])");
    if (holder) { holder.open = true; target.scrollIntoView(); }
  });
})();
