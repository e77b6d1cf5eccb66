/* The browse page (/postmortems/): filters and sortable columns over postmortems/browse.json.
 *
 * Without this script the page shows its newest rows as a plain table. With it, the table shows every
 * postmortem that matches the filters, in the chosen order, a page of rows at a time. The filters and
 * the order live in the query string (?tag=cache&severity=SEV1&sort=-duration), written with
 * history.replaceState, so a copied link or a reload shows the same rows. Values in the address are
 * the values themselves, not indexes into the data, so a link outlives the next build.
 *
 * Every text from the data is escaped before it becomes markup (esc). Nothing is fetched but the data.
 */
(function () {
  "use strict";

  var root = document.getElementById("pm-browse");
  if (!root || !window.fetch) {
    return;
  }
  // Rows written at a time: enough to scan, few enough that a filter change lays out in a frame or two.
  var PAGE_ROWS = 100;
  // Filter name in the address -> [label, column in the data, dictionary of values].
  var FACETS = [
    ["tag", "Tag", "tags", "tag"],
    ["service", "Service", "services", "service"],
    ["severity", "Severity", "severity", "severity"],
    ["status", "Status", "status", "status"],
    ["year", "Year", null, null],
    ["lang", "Language", "lang", "lang"]
  ];
  var SORTS = ["date", "severity", "duration", "detect"];
  var DEFAULT_SORT = "-date";
  var MISSING = "\u2014";

  var data = null;
  var years = null; // row -> year, or null
  var searchText = null; // row -> lower-case text the free-text filter reads, built on first use
  var state = null;
  var limit = PAGE_ROWS;
  var tbody = root.querySelector("tbody");
  var form = root.querySelector(".pm-browse-filters");
  var count = root.querySelector(".pm-browse-count");
  var more = root.querySelector(".pm-browse-more");

  function esc(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function isoDate(days) {
    return days === null ? MISSING : new Date(days * 86400000).toISOString().slice(0, 10);
  }

  // The same text as metrics.format_duration, from the minutes the build computed.
  function durationText(minutes) {
    if (minutes === null) {
      return MISSING;
    }
    var days = Math.floor(minutes / 1440);
    var hours = Math.floor((minutes % 1440) / 60);
    var rest = minutes % 60;
    var parts = days ? [days + "d"] : [];
    if (hours) {
      parts.push(hours + "h");
    }
    if (rest || !parts.length) {
      parts.push(rest + "m");
    }
    return parts.join(" ");
  }

  function slug(title) {
    return title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  }

  // A row's page, as browse_page._short_page stored it.
  function pageOf(row) {
    var c = data.columns;
    var form = c.form[row];
    var rest = c.page[row];
    if (form === 0) {
      return rest;
    }
    var prefix = isoDate(c.date[row]) + "-";
    return form === 1 ? prefix + rest : prefix + slug(c.title[row]) + rest;
  }

  function readState() {
    var params = new URLSearchParams(window.location.search);
    var next = { filters: {}, q: (params.get("q") || "").trim(), sort: params.get("sort") || DEFAULT_SORT };
    FACETS.forEach(function (facet) {
      var value = params.get(facet[0]);
      if (value !== null && value !== "") {
        next.filters[facet[0]] = value;
      }
    });
    if (SORTS.indexOf(next.sort.replace(/^-/, "")) < 0) {
      next.sort = DEFAULT_SORT;
    }
    return next;
  }

  function writeState() {
    var params = new URLSearchParams();
    FACETS.forEach(function (facet) {
      if (state.filters[facet[0]] !== undefined) {
        params.set(facet[0], state.filters[facet[0]]);
      }
    });
    if (state.q) {
      params.set("q", state.q);
    }
    if (state.sort !== DEFAULT_SORT) {
      params.set("sort", state.sort);
    }
    var query = params.toString();
    history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
  }

  // A test for one filter: row -> bool. A value the data does not know matches nothing.
  function facetTest(facet, wanted) {
    var c = data.columns;
    if (facet[0] === "year") {
      var year = parseInt(wanted, 10);
      return function (row) { return years[row] === year; };
    }
    var index = data.values[facet[3]].indexOf(wanted);
    if (index < 0) {
      return function () { return false; };
    }
    var column = c[facet[2]];
    if (facet[2] === "tags" || facet[2] === "services") {
      return function (row) { return column[row].indexOf(index) >= 0; };
    }
    return function (row) { return column[row] === index; };
  }

  function buildSearchText() {
    var c = data.columns;
    var v = data.values;
    searchText = new Array(data.count);
    for (var row = 0; row < data.count; row++) {
      var words = [c.title[row], pageOf(row)];
      c.tags[row].forEach(function (i) { words.push(v.tag[i]); });
      c.services[row].forEach(function (i) { words.push(v.service[i]); });
      searchText[row] = words.join(" ").toLowerCase();
    }
  }

  function matchingRows() {
    var tests = [];
    FACETS.forEach(function (facet) {
      var wanted = state.filters[facet[0]];
      if (wanted !== undefined) {
        tests.push(facetTest(facet, wanted));
      }
    });
    if (state.q) {
      if (searchText === null) {
        buildSearchText();
      }
      var terms = state.q.toLowerCase().split(/\s+/);
      tests.push(function (row) {
        var text = searchText[row];
        for (var t = 0; t < terms.length; t++) {
          if (text.indexOf(terms[t]) < 0) {
            return false;
          }
        }
        return true;
      });
    }
    var rows = [];
    outer:
    for (var row = 0; row < data.count; row++) {
      for (var t = 0; t < tests.length; t++) {
        if (!tests[t](row)) {
          continue outer;
        }
      }
      rows.push(row);
    }
    return rows;
  }

  // Sort keys: missing values last in either direction, ties in the data's order (newest first).
  function sortRows(rows) {
    var descending = state.sort.charAt(0) === "-";
    var name = state.sort.replace(/^-/, "");
    var c = data.columns;
    var key;
    if (name === "severity") {
      // Configured order: the most severe (rank 0) first when ascending; unconfigured after, by name.
      key = function (row) {
        var index = c.severity[row];
        if (index === null) {
          return null;
        }
        var rank = data.severity_rank[index];
        return rank === null ? 1000 + index : rank;
      };
    } else {
      var column = c[name];
      key = function (row) { return column[row]; };
    }
    var keyed = rows.map(function (row) { return [key(row), row]; });
    keyed.sort(function (a, b) {
      if (a[0] === b[0]) {
        return a[1] - b[1];
      }
      if (a[0] === null) {
        return 1;
      }
      if (b[0] === null) {
        return -1;
      }
      return descending ? b[0] - a[0] : a[0] - b[0];
    });
    return keyed.map(function (pair) { return pair[1]; });
  }

  function chip(classes, label, hint) {
    return '<span class="' + esc(classes) + '"' + (hint ? ' title="' + esc(hint) + '"' : "") + ">" + esc(label) + "</span>";
  }

  function rowHtml(row) {
    var c = data.columns;
    var v = data.values;
    var sev = c.severity[row];
    var status = c.status[row];
    var values = c.tags[row].map(function (i) { return v.tag[i]; })
      .concat(c.services[row].map(function (i) { return v.service[i]; }));
    var draft = status !== null && v.status[status] === "draft";
    return "<tr" + (draft ? ' class="pm-row-draft"' : "") + ">" +
      '<td><span class="pm-date">' + isoDate(c.date[row]) + "</span></td>" +
      "<td>" + (sev === null ? chip("pm-badge pm-sev-none", "no severity")
        : chip(data.severity_class[sev], v.severity[sev], data.severity_hint[sev])) + "</td>" +
      "<td>" + (status === null ? chip("pm-status pm-status-none", "no status")
        : chip(data.status_class[status], v.status[status])) + "</td>" +
      '<td><a href="' + esc(encodeURIComponent(pageOf(row)) + data.suffix) + '">' + esc(c.title[row]) + "</a>" +
      (values.length ? '<span class="pm-browse-values">' + esc(values.join(" \u00b7 ")) + "</span>" : "") + "</td>" +
      '<td><span class="pm-span">' + durationText(c.duration[row]) + "</span></td>" +
      '<td><span class="pm-span">' + durationText(c.detect[row]) + "</span></td></tr>";
  }

  function render() {
    var rows = sortRows(matchingRows());
    var shown = rows.slice(0, limit);
    tbody.innerHTML = shown.map(rowHtml).join("");
    var total = data.count.toLocaleString("en");
    count.textContent = rows.length === data.count
      ? "All " + total + " postmortems." + (shown.length < rows.length ? " Showing the first " + shown.length + "." : "")
      : rows.length.toLocaleString("en") + " of " + total + " postmortems match." +
        (shown.length < rows.length ? " Showing the first " + shown.length + "." : "");
    count.hidden = false;
    more.hidden = shown.length >= rows.length;
    root.querySelectorAll("th[data-sort]").forEach(function (th) {
      var name = th.getAttribute("data-sort");
      var sorted = state.sort.replace(/^-/, "") === name;
      th.setAttribute("aria-sort", sorted ? (state.sort.charAt(0) === "-" ? "descending" : "ascending") : "none");
    });
    root.setAttribute("data-rendered", String(rows.length));
  }

  function update() {
    limit = PAGE_ROWS;
    writeState();
    render();
  }

  function options(facet) {
    var counts = {};
    var c = data.columns;
    var values;
    if (facet[0] === "year") {
      years.forEach(function (year) {
        if (year !== null) {
          counts[year] = (counts[year] || 0) + 1;
        }
      });
      values = Object.keys(counts).sort(function (a, b) { return b - a; });
      return values.map(function (year) { return [year, year + " (" + counts[year] + ")"]; });
    }
    var column = c[facet[2]];
    var names = data.values[facet[3]];
    for (var row = 0; row < data.count; row++) {
      var cell = column[row];
      if (cell === null) {
        continue;
      }
      (Array.isArray(cell) ? cell : [cell]).forEach(function (i) { counts[i] = (counts[i] || 0) + 1; });
    }
    var indexes = names.map(function (name, i) { return i; }).filter(function (i) { return counts[i]; });
    if (facet[0] !== "severity") {
      indexes.sort(function (a, b) { return names[a].localeCompare(names[b]); });
    }
    return indexes.map(function (i) { return [names[i], names[i] + " (" + counts[i] + ")"]; });
  }

  function buildForm() {
    var html = "";
    FACETS.forEach(function (facet) {
      var id = "pm-browse-" + facet[0];
      html += '<label for="' + id + '">' + esc(facet[1]) + '<select id="' + id + '" name="' + facet[0] + '">' +
        '<option value="">All</option>';
      var known = false;
      var wanted = state.filters[facet[0]];
      options(facet).forEach(function (option) {
        known = known || option[0] === wanted;
        html += '<option value="' + esc(option[0]) + '">' + esc(option[1]) + "</option>";
      });
      if (wanted !== undefined && !known) {
        html += '<option value="' + esc(wanted) + '">' + esc(wanted) + " (0)</option>";
      }
      html += "</select></label>";
    });
    html += '<label for="pm-browse-q">Search<input id="pm-browse-q" name="q" type="search" ' +
      'placeholder="Title, tag, service" autocomplete="off"></label>' +
      '<button type="reset" class="pm-browse-clear">Clear</button>';
    form.innerHTML = html;
    FACETS.forEach(function (facet) {
      var select = form.elements[facet[0]];
      select.value = state.filters[facet[0]] !== undefined ? state.filters[facet[0]] : "";
      select.addEventListener("change", function () {
        if (select.value) {
          state.filters[facet[0]] = select.value;
        } else {
          delete state.filters[facet[0]];
        }
        update();
      });
    });
    var query = form.elements.q;
    query.value = state.q;
    query.addEventListener("input", function () {
      state.q = query.value.trim();
      update();
    });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("reset", function (event) {
      event.preventDefault();
      state = { filters: {}, q: "", sort: state.sort };
      FACETS.forEach(function (facet) { form.elements[facet[0]].value = ""; });
      query.value = "";
      update();
    });
    form.hidden = false;
  }

  function buildSortButtons() {
    root.querySelectorAll("th[data-sort]").forEach(function (th) {
      var name = th.getAttribute("data-sort");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "pm-browse-sort";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var current = state.sort.replace(/^-/, "");
        // A new column starts with the order people look for first: newest, most severe, longest.
        if (current === name) {
          state.sort = state.sort.charAt(0) === "-" ? name : "-" + name;
        } else {
          state.sort = name === "severity" ? name : "-" + name;
        }
        update();
      });
    });
  }

  function start(loaded) {
    if (!loaded || loaded.version !== 1) {
      return;
    }
    data = loaded;
    years = data.columns.date.map(function (days) {
      return days === null ? null : new Date(days * 86400000).getUTCFullYear();
    });
    state = readState();
    buildForm();
    buildSortButtons();
    more.querySelector("button").addEventListener("click", function () {
      limit += PAGE_ROWS;
      render();
    });
    // The note speaks of the plain table; the count line now says what is shown.
    root.querySelector(".pm-browse-note").hidden = true;
    root.classList.add("pm-browse-ready");
    render();
    // The search text of 5,000 rows takes tens of milliseconds: built while the reader looks, not on the first key.
    if (window.requestIdleCallback && searchText === null) {
      window.requestIdleCallback(function () {
        if (searchText === null) {
          buildSearchText();
        }
      });
    }
  }

  fetch(root.getAttribute("data-browse-data"))
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(start)
    .catch(function () { /* the plain table stays */ });
})();
