// lectern's built-in theme script: dark mode toggle and copy buttons.
// Everything here is an enhancement; pages read and navigate without it.
(function () {
  "use strict";
  var root = document.documentElement;
  var key = "lectern:theme";
  function stored() { try { return localStorage.getItem(key); } catch (e) { return null; } }
  function store(v) { try { localStorage.setItem(key, v); } catch (e) { /* private mode */ } }
  var saved = stored();
  if (saved === "dark" || saved === "light") root.setAttribute("data-theme", saved);

  function isDark() {
    var t = root.getAttribute("data-theme");
    if (t) return t === "dark";
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var btn = document.querySelector(".theme-toggle");
    if (btn) {
      var sync = function () { btn.setAttribute("aria-pressed", isDark() ? "true" : "false"); };
      sync();
      btn.hidden = false;
      btn.addEventListener("click", function () {
        var next = isDark() ? "light" : "dark";
        root.setAttribute("data-theme", next);
        store(next);
        sync();
      });
    }
    if (!navigator.clipboard) return;
    document.querySelectorAll("main pre").forEach(function (pre) {
      var host = pre.closest("figure.code") || pre;
      if (host === pre) {
        var wrap = document.createElement("div");
        wrap.className = "code";
        wrap.style.position = "relative";
        pre.parentNode.insertBefore(wrap, pre);
        wrap.appendChild(pre);
        host = wrap;
      }
      var b = document.createElement("button");
      b.type = "button";
      b.className = "copy-code";
      b.textContent = "Copy";
      b.setAttribute("aria-label", "Copy code to clipboard");
      b.addEventListener("click", function () {
        navigator.clipboard.writeText(pre.innerText.replace(/\n$/, "")).then(function () {
          b.textContent = "Copied";
          setTimeout(function () { b.textContent = "Copy"; }, 1500);
        });
      });
      host.appendChild(b);
    });
  });
})();
