/* postmortem-kb: timeline row anchors, copy-link buttons, event kinds and T+ offsets.
   The marks come from the page (#pm-timeline-marks, computed at build time from the
   postmortem's model); this script only puts them on the rows MkDocs rendered. Without
   it the timeline reads as the author wrote it. Nothing is fetched. */
(function () {
  "use strict";

  // Small outline icons drawn here (no icon font, no request); each kind also shows its name.
  var ICONS = {
    alert: "M8 1.5 15 14.5H1z M8 6v4.5 M8 12v1",
    page: "M4.5 11V7a3.5 3.5 0 0 1 7 0v4l1.5 1.5h-10z M6.5 14h3",
    deploy: "M8 1.5 12.5 6H10v8H6V6H3.5z",
    comms: "M2 2.5h12v8.5H7l-3 3v-3H2z",
    mitigation: "M8 1.5 14 3.5v4.5c0 3.5-2.8 6-6 7-3.2-1-6-3.5-6-7V3.5z",
    resolution: "M2 8.5 6 12.5 14 4",
    other: "M8 8m-5 0a5 5 0 1 0 10 0a5 5 0 1 0-10 0"
  };
  var SVG = "http://www.w3.org/2000/svg";

  function normalise(text) {
    return text.replace(/[*_`~\[\]()]/g, "").replace(/\s+/g, " ").trim().toLowerCase();
  }

  function icon(kind) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 16 16");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    svg.setAttribute("class", "pm-tl-icon");
    var path = document.createElementNS(SVG, "path");
    path.setAttribute("d", ICONS[kind] || ICONS.other);
    svg.appendChild(path);
    return svg;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  // The rendered rows that may be timeline events, in page order: table body rows and list items.
  function candidates(box) {
    return Array.prototype.slice.call(box.querySelectorAll("tbody > tr, li"));
  }

  function ownText(row) {
    if (row.tagName === "LI") {
      // A list item's own text, without the items nested in it.
      var text = "";
      row.childNodes.forEach(function (child) {
        if (child.nodeType === 1 && (child.tagName === "UL" || child.tagName === "OL")) return;
        text += child.textContent;
      });
      return normalise(text);
    }
    return normalise(row.textContent);
  }

  function matches(row, mark) {
    var time = normalise(mark.time || "");
    if (!time) return false;
    var text = ownText(row);
    return row.tagName === "LI" ? text.indexOf(time) === 0 : text.indexOf(time) !== -1;
  }

  // A page's status line, read out when a link is copied.
  function announcer() {
    var live = document.getElementById("pm-tl-status");
    if (!live) {
      live = element("span", "pm-tl-status");
      live.id = "pm-tl-status";
      live.setAttribute("role", "status");
      document.body.appendChild(live);
    }
    return live;
  }

  function linkTo(anchor) {
    return location.href.split("#")[0] + "#" + anchor;
  }

  function copyButton(anchor, row) {
    var button = element("button", "pm-tl-copy");
    button.type = "button";
    button.setAttribute("aria-label", "Copy link to this event");
    button.title = "Copy link to this event";
    button.appendChild(element("span", "pm-tl-copy-mark", "#"));
    button.addEventListener("click", function () {
      var url = linkTo(anchor);
      history.replaceState(null, "", "#" + anchor);
      target(row);
      var done = function () { announcer().textContent = "Link copied"; button.dataset.copied = "true"; };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(url).then(done, function () { announcer().textContent = "Link in the address bar"; });
      } else {
        announcer().textContent = "Link in the address bar";
      }
    });
    return button;
  }

  function marksFor(mark) {
    var box = element("span", "pm-tl-marks");
    if (mark.kind) {
      var kind = element("span", "pm-tl-kind pm-tl-kind-" + mark.kind);
      kind.appendChild(icon(mark.kind));
      kind.appendChild(element("span", "pm-tl-kind-label", mark.label || mark.kind));
      box.appendChild(kind);
    }
    if (mark.offset) {
      var offset = element("span", "pm-tl-offset", mark.offset);
      offset.title = "Time since the incident started";
      box.appendChild(offset);
    }
    return box;
  }

  function decorate(row, mark) {
    row.id = mark.anchor;
    row.classList.add("pm-tl-row");
    if (mark.kind) row.dataset.kind = mark.kind;
    var marks = marksFor(mark);
    var copy = copyButton(mark.anchor, row);
    if (row.tagName === "TR") {
      var cells = row.cells;
      var last = cells[cells.length - 1];
      last.insertBefore(marks, last.firstChild);
      last.appendChild(copy);
    } else {
      var nested = row.querySelector(":scope > ul, :scope > ol");
      row.insertBefore(marks, row.firstChild);
      row.insertBefore(copy, nested);
    }
  }

  var current = null;
  function target(row) {
    if (current) current.classList.remove("pm-tl-target");
    current = row;
    if (row) row.classList.add("pm-tl-target");
  }

  // The browser looked for the fragment before the rows had their ids: scroll to it now.
  function followHash() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (!id) return;
    var row = document.getElementById(id);
    if (!row || !row.classList.contains("pm-tl-row")) return;
    target(row);
    row.scrollIntoView({ block: "center" });
  }

  function start() {
    var data = document.getElementById("pm-timeline-marks");
    var box = document.querySelector(".pm-timeline");
    if (!data || !box) return;
    var marks;
    try {
      marks = JSON.parse(data.getAttribute("data-marks") || "[]");
    } catch (error) {
      return;
    }
    var rows = candidates(box);
    var next = 0;
    // In order: a row that is no event (a day line, a note) is passed over, and an
    // event whose row is not found is skipped after a few rows.
    rows.forEach(function (row) {
      for (var ahead = next; ahead < Math.min(marks.length, next + 3); ahead++) {
        var mark = marks[ahead];
        var shape = row.tagName === "TR" ? "table" : "list";
        if (mark.shape === shape && matches(row, mark)) {
          decorate(row, mark);
          next = ahead + 1;
          return;
        }
      }
    });
    box.classList.add("pm-timeline-marked");
    followHash();
    window.addEventListener("hashchange", followHash);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
