/* postmortem-kb: Pagefind search in Material's header (plugin option `search: pagefind`).
 *
 * Material's own search box is switched off in this mode; this script puts
 * a Pagefind search box where it was. Pagefind's UI script and stylesheet
 * load when the box first gets focus, and Pagefind itself fetches only the
 * index chunks a query needs. Every file comes from the site's own
 * /pagefind/ folder: nothing is fetched from anywhere else.
 */
(function () {
  "use strict";
  var header = document.querySelector(".md-header__inner");
  var configElement = document.getElementById("__config");
  if (!header || !configElement) return;
  var base = JSON.parse(configElement.textContent).base || ".";
  var root = new URL(base.replace(/\/?$/, "/"), window.location.href);
  var bundle = new URL("pagefind/", root).href;
  // Result links start from the site's own path, which may be a sub-folder.
  var baseUrl = root.pathname;

  var box = document.createElement("div");
  box.className = "pm-search";
  box.setAttribute("role", "search");
  var mount = document.createElement("div");
  mount.className = "pm-search__ui";
  mount.id = "pm-search";
  box.appendChild(mount);
  header.insertBefore(box, header.querySelector(".md-header__source"));

  // A plain input until Pagefind's UI has loaded; it hands over what was typed.
  var launcher = document.createElement("input");
  launcher.type = "search";
  launcher.className = "pm-search__launcher";
  launcher.placeholder = "Search postmortems";
  launcher.setAttribute("aria-label", "Search postmortems");
  launcher.autocomplete = "off";
  mount.appendChild(launcher);

  // Pagefind's runtime, WebAssembly and index entry load while the query is
  // typed; Pagefind's UI later imports the same module and finds it ready.
  var warming = null;
  function warm() {
    if (!warming) {
      warming = import(bundle + "pagefind.js").then(function (pagefind) {
        return pagefind.options({ baseUrl: baseUrl, bundlePath: bundle }).then(function () {
          return pagefind.init();
        });
      }).catch(function () { /* the UI reports a bundle that cannot load */ });
    }
    return warming;
  }

  var loading = null;
  function load() {
    warm();
    if (loading) return loading;
    loading = new Promise(function (resolve, reject) {
      var style = document.createElement("link");
      style.rel = "stylesheet";
      style.href = bundle + "pagefind-ui.css";
      document.head.appendChild(style);
      var script = document.createElement("script");
      script.src = bundle + "pagefind-ui.js";
      script.onload = function () {
        var typed = launcher.value;
        launcher.remove();
        var ui = new window.PagefindUI({
          element: "#pm-search",
          bundlePath: bundle,
          baseUrl: baseUrl,
          showImages: false,
          showSubResults: true,
          excerptLength: 24,
          resetStyles: false,
          debounceTimeoutMs: 80,
          translations: { placeholder: "Search postmortems" }
        });
        var input = mount.querySelector("input");
        if (input) {
          input.focus();
          if (typed) {
            input.value = typed;
            ui.triggerSearch(typed);
          }
        }
        resolve(ui);
      };
      script.onerror = reject;
      document.head.appendChild(script);
    });
    return loading;
  }
  launcher.addEventListener("focus", load);
  launcher.addEventListener("input", load);

  // Material's shortcut: "/" or "s" anywhere but in a field goes to search.
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key !== "/" && event.key !== "s") return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (target && (target.isContentEditable || /^(input|textarea|select)$/i.test(target.tagName))) return;
    event.preventDefault();
    var input = mount.querySelector("input");
    if (input) input.focus();
  });
})();
