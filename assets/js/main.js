// lectern's built-in theme script. Everything here is an enhancement: pages
// read and navigate without it. Progress lives in localStorage under keys
// made of the page URL (which starts with the site's base path), so two
// courses on one host never mix; nothing is sent anywhere.
(function () {
  "use strict";
  var root = document.documentElement;
  var PROGRESS = "lectern:progress:";
  var THEME = "lectern:theme";

  function get(k) { try { return localStorage.getItem(k); } catch (e) { return null; } }
  function set(k, v) { try { localStorage.setItem(k, v); } catch (e) { /* private mode, quota */ } }
  function del(k) { try { localStorage.removeItem(k); } catch (e) { /* ignore */ } }
  function keys() {
    var out = [];
    try { for (var i = 0; i < localStorage.length; i++) out.push(localStorage.key(i)); } catch (e) { /* none */ }
    return out;
  }
  function record(url) {
    try { return JSON.parse(get(PROGRESS + url)) || {}; } catch (e) { return {}; }
  }
  function save(url, r) { set(PROGRESS + url, JSON.stringify(r)); }
  function each(sel, fn, scope) { Array.prototype.forEach.call((scope || document).querySelectorAll(sel), fn); }

  // Dark mode: the head's inline script already applied a stored choice.
  function isDark() {
    var t = root.getAttribute("data-theme");
    if (t) return t === "dark";
    return !!(window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches);
  }
  function initTheme() {
    var btn = document.querySelector(".theme-toggle");
    if (!btn) return;
    var sync = function () { btn.setAttribute("aria-pressed", isDark() ? "true" : "false"); };
    sync();
    btn.hidden = false;
    btn.addEventListener("click", function () {
      var next = isDark() ? "light" : "dark";
      root.setAttribute("data-theme", next);
      set(THEME, next);
      sync();
    });
    if (window.matchMedia) {
      var mq = window.matchMedia("(prefers-color-scheme: dark)");
      if (mq.addEventListener) mq.addEventListener("change", sync);
    }
  }

  // Copy buttons on code blocks.
  function initCopy() {
    if (!navigator.clipboard) return;
    each("main pre", function (pre) {
      if (pre.closest(".quiz")) return;
      var host = pre.closest("figure.code");
      if (!host) {
        host = document.createElement("div");
        host.className = "code";
        pre.parentNode.insertBefore(host, pre);
        host.appendChild(pre);
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
  }

  // The sidebar: a drawer on narrow screens, a collapsible current module.
  function initNav() {
    var toggle = document.querySelector(".nav-toggle");
    var side = document.getElementById("sidebar");
    if (toggle && side) {
      toggle.hidden = false;
      var setOpen = function (open, focus) {
        document.body.classList.toggle("nav-open", open);
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
        if (open && focus) {
          var cur = side.querySelector("[aria-current=page]") || side.querySelector("a");
          if (cur) cur.focus();
        }
      };
      toggle.addEventListener("click", function () { setOpen(!document.body.classList.contains("nav-open"), true); });
      document.addEventListener("keydown", function (e) {
        if (e.key === "Escape" && document.body.classList.contains("nav-open")) {
          setOpen(false);
          toggle.focus();
        }
      });
      document.addEventListener("click", function (e) {
        if (document.body.classList.contains("nav-open") && !side.contains(e.target) && !toggle.contains(e.target)) setOpen(false);
      });
    } else if (toggle) {
      toggle.remove();
    }
    each(".nav-expand", function (b) {
      var list = document.getElementById(b.getAttribute("aria-controls"));
      if (!list) return;
      b.hidden = false;
      b.addEventListener("click", function () {
        var open = b.getAttribute("aria-expanded") !== "true";
        b.setAttribute("aria-expanded", open ? "true" : "false");
        list.hidden = !open;
      });
    });
  }

  // The table of contents marks the section being read.
  function initTOC() {
    var links = document.querySelectorAll(".toc a[href^='#']");
    if (!links.length || !("IntersectionObserver" in window)) return;
    var byId = {}, heads = [];
    each(".toc a[href^='#']", function (a) {
      var id = decodeURIComponent(a.getAttribute("href").slice(1));
      var h = document.getElementById(id);
      if (h) { byId[id] = a; heads.push(h); }
    });
    var visible = {};
    var mark = function () {
      var current = null;
      for (var i = 0; i < heads.length; i++) {
        if (heads[i].getBoundingClientRect().top < window.innerHeight * 0.3) current = heads[i];
        else break;
      }
      each(".toc a.is-current", function (a) { a.classList.remove("is-current"); a.removeAttribute("aria-current"); });
      if (current && byId[current.id]) {
        byId[current.id].classList.add("is-current");
        byId[current.id].setAttribute("aria-current", "location");
      }
    };
    var io = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) { visible[e.target.id] = e.isIntersecting; });
      mark();
    }, { rootMargin: "0px 0px -60% 0px" });
    heads.forEach(function (h) { io.observe(h); });
    window.addEventListener("scroll", function () { window.requestAnimationFrame(mark); }, { passive: true });
    mark();
  }

  // Progress: lessons marked complete, quiz scores, the last lesson opened.
  var body = document.body;
  var base = body.getAttribute("data-base") || "/";
  var here = body.getAttribute("data-url") || location.pathname;
  var LAST = "lectern:last:" + base;

  function doneSet() {
    var out = {};
    keys().forEach(function (k) {
      if (k && k.indexOf(PROGRESS + base) === 0) {
        var url = k.slice(PROGRESS.length);
        if (record(url).done) out[url] = true;
      }
    });
    return out;
  }
  function countUnder(done, prefix) {
    var n = 0;
    for (var u in done) if (Object.prototype.hasOwnProperty.call(done, u) && u.indexOf(prefix) === 0 && u !== prefix) n++;
    return n;
  }
  function fill(el, done, total) {
    if (!total) return;
    done = Math.min(done, total);
    var pct = total ? Math.round(100 * done / total) : 0;
    var text = el.querySelector("[data-progress-text]");
    if (text) text.textContent = done + " of " + total + " lessons done (" + pct + "%)";
    var bar = el.querySelector(".progress-bar > span");
    if (bar) bar.style.width = pct + "%";
    el.hidden = false;
  }

  function render() {
    var done = doneSet();
    each("[data-lesson-url]", function (el) {
      var url = el.getAttribute("data-lesson-url");
      var isDone = !!done[url];
      el.classList.toggle("is-done", isDone);
      var link = el.querySelector("a");
      var note = link && link.querySelector(".done-note");
      if (isDone && link && !note) {
        note = document.createElement("span");
        note.className = "done-note visually-hidden";
        note.textContent = " (completed)";
        link.appendChild(note);
      } else if (!isDone && note) {
        note.remove();
      }
      var status = el.querySelector(".card-status");
      if (status) {
        var r = record(url), parts = [];
        if (r.done) parts.push("✓ completed");
        var q = bestQuiz(r);
        if (q) parts.push("quiz " + q.score + "/" + q.total);
        status.textContent = parts.length ? " · " + parts.join(" · ") : "";
      }
    });
    each("[data-module]", function (el) {
      var total = parseInt(el.getAttribute("data-lessons"), 10) || 0;
      var n = Math.min(countUnder(done, el.getAttribute("data-module")), total);
      if (el.classList.contains("progress")) { fill(el, n, total); return; }
      var bar = el.querySelector(":scope > .progress");
      if (bar) fill(bar, n, total);
      el.classList.toggle("is-done", total > 0 && n >= total);
      var link = el.querySelector(":scope > a");
      if (link && el.closest(".sidebar") && total > 0) {
        var c = link.querySelector(".nav-count");
        if (!c) { c = document.createElement("span"); c.className = "nav-count"; link.appendChild(c); }
        c.textContent = n + "/" + total;
        c.setAttribute("aria-label", n + " of " + total + " lessons done");
      }
    });
    var total = parseInt(body.getAttribute("data-lessons"), 10) || 0;
    each(".progress-course", function (el) { fill(el, countUnder(done, base), total); });

    var lesson = body.getAttribute("data-lesson");
    if (lesson !== null) {
      var r = record(here);
      var btn = document.querySelector(".complete-toggle");
      if (btn) {
        btn.setAttribute("aria-pressed", r.done ? "true" : "false");
        btn.textContent = r.done ? "Completed" : "Mark as complete";
        btn.closest(".complete").hidden = false;
      }
      var badge = document.querySelector(".done-badge");
      if (badge) badge.hidden = !r.done;
      var status = document.querySelector(".complete-status");
      var q = lastQuiz(r);
      if (status) status.textContent = q ? "Last quiz result: " + q.score + " of " + q.total + " correct." : "";
    }

    var resume = document.querySelector(".resume");
    if (resume) {
      var last = null;
      try { last = JSON.parse(get(LAST)); } catch (e) { last = null; }
      var link2 = resume.querySelector(".resume-link a");
      var any = countUnder(done, base) > 0;
      if (last && last.url && link2) {
        link2.href = last.url;
        link2.textContent = last.title;
        link2.parentNode.hidden = false;
      } else if (link2) {
        link2.parentNode.hidden = true;
      }
      resume.hidden = !(any || (last && last.url));
      var start = document.querySelector("[data-start]");
      if (start && last && last.url) start.textContent = "Continue the course";
      if (start && last && last.url) start.href = last.url;
    }
  }

  function quizzes(r) {
    var out = [];
    if (r.quiz) for (var k in r.quiz) if (Object.prototype.hasOwnProperty.call(r.quiz, k)) out.push(r.quiz[k]);
    return out;
  }
  function bestQuiz(r) {
    var qs = quizzes(r), s = 0, t = 0;
    if (!qs.length) return null;
    qs.forEach(function (q) { s += q.best || q.score || 0; t += q.total || 0; });
    return { score: s, total: t };
  }
  function lastQuiz(r) {
    var qs = quizzes(r), s = 0, t = 0;
    if (!qs.length) return null;
    qs.forEach(function (q) { s += q.score || 0; t += q.total || 0; });
    return { score: s, total: t };
  }

  function initProgress() {
    var lesson = body.getAttribute("data-lesson");
    if (lesson !== null) {
      set(LAST, JSON.stringify({ url: here, title: lesson }));
      var btn = document.querySelector(".complete-toggle");
      if (btn) btn.addEventListener("click", function () {
        var r = record(here);
        r.done = !r.done;
        if (r.done) r.at = Date.now(); else delete r.at;
        save(here, r);
        render();
        var status = document.querySelector(".complete-status");
        if (status) status.textContent = r.done ? "Marked as complete." : "Marked as not complete.";
      });
      document.addEventListener("lectern:quiz", function (e) {
        var d = e.detail || {};
        if (typeof d.score !== "number" || typeof d.total !== "number") return;
        var r = record(here);
        r.quiz = r.quiz || {};
        var prev = r.quiz[d.index || 0] || {};
        r.quiz[d.index || 0] = { score: d.score, total: d.total, best: Math.max(prev.best || 0, d.score) };
        save(here, r);
        render();
      });
    }
    each(".progress-reset", function (b) {
      b.addEventListener("click", function () {
        if (!window.confirm("Forget which lessons you completed and your quiz results for this course?")) return;
        keys().forEach(function (k) { if (k && k.indexOf(PROGRESS + base) === 0) del(k); });
        del(LAST);
        render();
      });
    });
    window.addEventListener("storage", function (e) {
      if (!e.key || e.key.indexOf("lectern:") === 0) render();
    });
    render();
  }

  // Printing opens every solution and hint; the print page has a button.
  function initPrint() {
    var opened = [];
    window.addEventListener("beforeprint", function () {
      each("details:not([open])", function (d) { d.open = true; opened.push(d); });
    });
    window.addEventListener("afterprint", function () {
      opened.forEach(function (d) { d.open = false; });
      opened = [];
    });
    each("[data-print]", function (b) {
      b.hidden = false;
      b.addEventListener("click", function () { window.print(); });
    });
  }

  function init() {
    initTheme();
    initNav();
    initCopy();
    initTOC();
    initProgress();
    initPrint();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
