// lectern's search: the client of the index that generator/search writes
// under search/ (see that package's comment for the format). The page
// carries only layouts/partials/search.html; the index is fetched on first
// use, a few small files per query, and kept for the rest of the visit.
// Without JavaScript the Search button stays hidden and nothing else shows.
// window.lecternSearch exposes the tokeniser and the index reader, for the
// tests (which check the tokeniser against Go's) and for site scripts.
(function () {
  "use strict";

  // ---- The tokeniser: a twin of generator/search/token.go; change both. ----

  var SPECIAL = { "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ð": "d", "ł": "l", "þ": "th", "ı": "i", "ς": "σ", "ħ": "h", "ŧ": "t" };
  var SPECIAL_RE = /[ßæœøđðłþıςħŧ]/g;
  var STOP = new Set(("a an and are as at be been but by can could did do does e.g for from had has have he her his how " +
    "i.e if in into is it its me my of on or our she so than that the their them then there these they this those to us " +
    "was we were what when where which who why will with would you your").split(" "));
  var MAX_TOKEN = 40;
  var WORD = /[\p{L}\p{N}]/u;
  var IDEOGRAPH = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
  var LETTERS = /^\p{L}+$/u;

  function fold(s) {
    return s.toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase()
      .replace(SPECIAL_RE, function (c) { return SPECIAL[c]; });
  }
  function isIdeograph(c) { return c !== undefined && IDEOGRAPH.test(c); }
  function isWord(c) { return c !== undefined && WORD.test(c) && !IDEOGRAPH.test(c); }
  function runes(s) { return Array.from(s).length; }

  function stem(t) {
    var n = t.length;
    if (n < 4 || t.charAt(n - 1) !== "s" || runes(t) < 4 || !LETTERS.test(t)) return t;
    if (t.endsWith("sses")) return t.slice(0, -2);
    if (t.endsWith("ies") && runes(t) > 4 && t.charAt(n - 4) !== "e" && t.charAt(n - 4) !== "a") return t.slice(0, -3) + "y";
    var p = t.charAt(n - 2);
    if (p === "s" || p === "u" || p === "i") return t;
    return t.slice(0, -1);
  }

  // keep applies the filters and the stemmer; "" means dropped.
  function keep(t, ideograph) {
    if (ideograph) return t;
    var n = runes(t);
    if (n < 2 || n > MAX_TOKEN || STOP.has(t)) return "";
    return stem(t);
  }

  // scan calls word(whole, parts) for each word of the folded string s:
  // whole is the joined form (node.js, c++, .net), parts its runs of
  // letters and digits. An ideograph is a word of its own, with parts null.
  function scan(s, word) {
    var c = Array.from(s), n = c.length, i = 0;
    while (i < n) {
      var r = c[i];
      if (isIdeograph(r)) { word(r, null); i++; continue; }
      var start = i;
      if (r === ".") {
        // A leading dot (.net) only after white space or punctuation other than a dot.
        if (i > 0 && (isWord(c[i - 1]) || c[i - 1] === ".") || !isWord(c[i + 1])) { i++; continue; }
        i++;
      } else if (!isWord(r)) { i++; continue; }
      var parts = [];
      for (;;) {
        var runStart = i;
        while (i < n && isWord(c[i])) i++;
        parts.push(c.slice(runStart, i).join(""));
        if (c[i] === "." && isWord(c[i + 1])) { i++; continue; }
        break;
      }
      // "++" or "#" ends a word only when no word character follows (c#, not issue#12).
      var suffix = c[i] === "+" && c[i + 1] === "+" ? 2 : c[i] === "#" ? 1 : 0;
      if (suffix) {
        var after = c[i + suffix];
        if (!isWord(after) && after !== "+" && after !== "#") i += suffix;
      }
      word(c.slice(start, i).join(""), parts);
    }
  }

  // tokens returns the index terms of s, as Go's search.Tokens does.
  function tokens(s) {
    var out = [];
    scan(fold(s), function (whole, parts) {
      if (!parts) { out.push(whole); return; }
      var t;
      if (parts.length > 1 || whole !== parts[0]) {
        t = keep(whole, false);
        if (t) out.push(t);
      }
      parts.forEach(function (p) { if ((t = keep(p, false))) out.push(t); });
    });
    return out;
  }

  // queryTerms gives one term per query word: the joined form when it is a
  // term (c++, node.js, 2.0), else its parts. The last one is a prefix when
  // the query does not end with a space (the word is still being typed).
  function queryTerms(q) {
    var terms = [];
    scan(fold(q), function (whole, parts) {
      if (!parts) { terms.push(whole); return; }
      var t = parts.length > 1 || whole !== parts[0] ? keep(whole, false) : "";
      if (t) { terms.push(t); return; }
      parts.forEach(function (p) { if ((t = keep(p, false))) terms.push(t); });
    });
    var seen = new Set();
    terms = terms.filter(function (t) { return !seen.has(t) && seen.add(t); });
    var prefix = /[\p{L}\p{N}\p{M}.]$/u.test(q);
    return terms.map(function (t, i) {
      // One character is too short to expand: it would load half the index.
      var q = { term: t, prefix: prefix && i === terms.length - 1 && runes(t) >= 2, starts: [t] };
      // A plural being typed is not yet stemmed: "queri" should go on
      // finding "query" (indexed for "queries").
      var y = /ie?$/.test(t) && runes(t) >= 4 ? t.replace(/ie?$/, "y") : "";
      if (q.prefix && y) q.starts.push(y);
      return q;
    });
  }

  // matchesTerm tells whether index term t answers query term q.
  function matchesTerm(t, q) {
    return q.prefix ? q.starts.some(function (s) { return t.startsWith(s); }) : t === q.term;
  }

  // ---- The index: meta.json, shards (t/) and display chunks (d/). ----

  var MAX_RESULTS = 20;
  var MAX_PREFIX_SHARDS = 4; // a shorter prefix searches as a whole word
  var MAX_EXPANSIONS = 64;

  function Index(base) {
    this.base = base;
    this.meta = null;
    this.keys = null;
    this.files = new Map(); // url → Promise of parsed JSON
  }
  Index.prototype.get = function (path, fresh) {
    var url = this.base + path;
    var p = this.files.get(url);
    if (!p) {
      var once = function (cache) {
        return fetch(url, { cache: cache, credentials: "same-origin" }).then(function (r) {
          if (!r.ok) throw new Error(url + ": " + r.status);
          return r.json();
        });
      };
      // meta.json is revalidated. The other files carry the index's hash in
      // their URL, so a stored copy is always right, even offline.
      p = once(fresh ? "no-cache" : "force-cache");
      var files = this.files;
      p.catch(function () { files.delete(url); });
      this.files.set(url, p);
    }
    return p;
  };
  Index.prototype.load = function () {
    var self = this;
    // Offline, the last meta.json seen is kept in localStorage: a failed
    // revalidation may drop it from the HTTP cache.
    var key = "lectern:search:" + this.base;
    if (!this.ready) {
      this.ready = this.get("meta.json", true).then(function (m) {
        try { localStorage.setItem(key, JSON.stringify(m)); } catch (e) { /* private mode, full */ }
        return m;
      }, function (err) {
        var m = null;
        try { m = JSON.parse(localStorage.getItem(key)); } catch (e) { /* none */ }
        if (!m) throw err;
        return m;
      }).then(function (m) {
        if (m.version !== 1) throw new Error("search index version " + m.version);
        self.meta = m;
        self.keys = new Set(m.shards);
      });
      this.ready.catch(function () { self.ready = null; });
    }
    return this.ready;
  };
  Index.prototype.file = function (path) { return this.get(path + "?v=" + this.meta.hash, false); };
  function fileName(key) {
    var name = Array.from(key).map(function (c) {
      return /[a-z0-9]/.test(c) ? c : "-" + c.codePointAt(0).toString(16) + "-";
    }).join("");
    // Names Windows reserves for devices get a "_", which escaping never makes.
    return /^(con|prn|aux|nul|com[1-9]|lpt[1-9])$/.test(name) ? name + "_" : name;
  }
  // shardOf is the key of the shard holding term t: its longest key prefix.
  Index.prototype.shardOf = function (t) {
    var c = Array.from(t);
    for (var n = c.length; n > 0; n--) {
      var k = c.slice(0, n).join("");
      if (this.keys.has(k)) return k;
    }
    return null;
  };
  // shardsFor lists the shards a term needs: one for a whole word; for a
  // prefix also every shard whose key starts with it, or null when too many.
  Index.prototype.shardsFor = function (q) {
    var self = this, keys = [];
    var add = function (k) { if (k !== null && keys.indexOf(k) < 0) keys.push(k); };
    if (!q.prefix) { add(this.shardOf(q.term)); return keys; }
    q.starts.forEach(function (s) {
      add(self.shardOf(s));
      self.keys.forEach(function (k) { if (k.length > s.length && k.startsWith(s)) add(k); });
    });
    return keys.length <= MAX_PREFIX_SHARDS ? keys : null;
  };
  Index.prototype.shard = function (key) { return this.file("t/" + fileName(key) + ".json"); };
  Index.prototype.page = function (n) {
    var per = this.meta.perChunk;
    return this.file("d/" + Math.floor(n / per) + ".json").then(function (chunk) { return chunk[n % per]; });
  };

  // decode calls fn(page, section, weight) for each entry of a postings list.
  function decode(list, fn) {
    var page = 0;
    for (var j = 0; j < list.length;) {
      var x = list[j++];
      page += x >>> 1;
      var k = x & 1 ? 1 : list[j++];
      while (k-- > 0) { var c = list[j++]; fn(page, c >>> 3, c & 7); }
    }
  }

  // Scores of the weights 1–7: text frequency 1, 2–3, 4+; description;
  // heading; heading and text; page title (well above the rest, so title
  // hits come first).
  var WEIGHT = [0, 1, 1.5, 2, 3, 4, 4.5, 8];

  // search runs a query: the top pages, each with its best section.
  Index.prototype.search = async function (q) {
    var self = this;
    await this.load();
    var terms = queryTerms(q);
    if (terms.length === 0) return { terms: terms, total: 0, results: [] };
    var needs = terms.map(function (t) {
      var keys = self.shardsFor(t);
      if (keys === null) { t.prefix = false; keys = self.shardsFor(t); }
      return keys;
    });
    var shards = await Promise.all(needs.map(function (keys) {
      return Promise.all(keys.map(function (k) { return self.shard(k); }));
    }));

    // The postings lists of each term, with a factor: completions of a
    // prefix count a little less than the word itself.
    var lists = terms.map(function (t, i) {
      var out = [];
      if (!t.prefix) {
        shards[i].forEach(function (s) { if (Object.prototype.hasOwnProperty.call(s, t.term)) out.push([s[t.term], 1]); });
        return out;
      }
      var found = [];
      shards[i].forEach(function (s) {
        for (var term in s) if (matchesTerm(term, t)) found.push([term, s[term]]);
      });
      // The whole word first, then the most frequent completions.
      found.sort(function (a, b) { return (b[0] === t.term) - (a[0] === t.term) || b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1); });
      found.slice(0, MAX_EXPANSIONS).forEach(function (f) { out.push([f[1], f[0] === t.term ? 1 : 0.9]); });
      return out;
    });

    // Pass 1: each term's best score per page, in typed arrays (a course
    // of 10,000 pages is 40 KB a term). Every term must match the page.
    var n = this.meta.pages;
    var best = lists.map(function (ls) {
      var b = new Float32Array(n);
      ls.forEach(function (l) {
        var f = l[1];
        decode(l[0], function (page, sec, w) { var v = WEIGHT[w] * f; if (v > b[page]) b[page] = v; });
      });
      return b;
    });
    var idf = best.map(function (b) {
      var df = 0;
      for (var p = 0; p < n; p++) if (b[p] > 0) df++;
      return Math.log(1 + n / Math.max(1, df));
    });
    var found = [];
    for (var p = 0; p < n; p++) {
      var score = 0;
      for (var i = 0; i < best.length && score >= 0; i++) score = best[i][p] > 0 ? score + best[i][p] * idf[i] : -1;
      if (score > 0) found.push({ page: p, score: score, section: 0 });
    }
    var byScore = function (a, b) { return b.score - a.score || a.page - b.page; };
    found.sort(byScore);

    // Pass 2, for the leading pages only: the section holding most of the
    // query is the one shown, and it lifts its page a little.
    var lead = found.slice(0, 3 * MAX_RESULTS);
    var secScores = new Map(lead.map(function (r) { return [r.page, new Map()]; }));
    lists.forEach(function (ls, i) {
      var termSecs = new Map(); // page*65536+section → the term's best score there
      ls.forEach(function (l) {
        decode(l[0], function (page, sec, w) {
          if (!secScores.has(page)) return;
          var key = page * 65536 + sec, v = WEIGHT[w] * l[1];
          if (!(termSecs.get(key) >= v)) termSecs.set(key, v);
        });
      });
      termSecs.forEach(function (v, key) {
        var m = secScores.get(Math.floor(key / 65536)), sec = key % 65536;
        m.set(sec, (m.get(sec) || 0) + v * idf[i]);
      });
    });
    lead.forEach(function (r) {
      var bestScore = -1;
      secScores.get(r.page).forEach(function (v, sec) {
        if (v > bestScore || v === bestScore && sec < r.section) { r.section = sec; bestScore = v; }
      });
      r.score += bestScore / 2;
    });
    lead.sort(byScore);
    var top = lead.slice(0, MAX_RESULTS);
    var pages = await Promise.all(top.map(function (r) { return self.page(r.page); }));
    var results = top.map(function (r, i) {
      var p = pages[i], secs = p[3], s = r.section;
      if (3 * s >= secs.length) s = 0;
      var snippet = "";
      for (var j = s; j * 3 < secs.length && !snippet; j++) snippet = secs[3 * j + 2];
      return {
        url: p[0] + (secs[3 * s] ? "#" + secs[3 * s] : ""),
        title: p[1], module: p[2], section: secs[3 * s + 1] || "", excerpt: snippet, score: r.score,
      };
    });
    return { terms: terms, total: found.length, results: results };
  };

  // ---- Highlighting: <mark> around the words that match the query. ----

  var SEGMENT = /\.?[\p{L}\p{N}\p{M}]+(?:\.[\p{L}\p{N}\p{M}]+)*(?:\+\+|#)?/gu;

  function matches(text, terms) {
    return tokens(text).some(function (t) {
      return terms.some(function (q) { return matchesTerm(t, q); });
    });
  }

  // highlight fills el with text, query words wrapped in <mark>. Index data
  // only ever becomes text nodes.
  function highlight(el, text, terms) {
    var last = 0, m;
    SEGMENT.lastIndex = 0;
    while ((m = SEGMENT.exec(text)) !== null) {
      if (!matches(m[0], terms)) continue;
      if (m.index > last) el.appendChild(document.createTextNode(text.slice(last, m.index)));
      var mark = document.createElement("mark");
      mark.textContent = m[0];
      el.appendChild(mark);
      last = m.index + m[0].length;
    }
    if (last < text.length) el.appendChild(document.createTextNode(text.slice(last)));
  }

  // ---- The dialog. ----

  function span(cls, text, terms) {
    var s = document.createElement("span");
    s.className = cls;
    if (terms) highlight(s, text, terms); else s.textContent = text;
    return s;
  }

  function editable(el) {
    if (!el || el.nodeType !== 1) return false;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }

  function setup(root) {
    var button = root.querySelector(".search-open");
    var dialog = root.querySelector("dialog");
    var input = root.querySelector("input[type=search]");
    var status = root.querySelector(".search-status");
    var live = root.querySelector(".search-live");
    var list = root.querySelector(".search-results");
    var close = root.querySelector(".search-close");
    if (!button || !dialog || !input || !status || !live || !list || typeof dialog.showModal !== "function" || !window.fetch) return;
    var index = new Index(root.getAttribute("data-search"));
    var seq = 0, navigating = false, speak = 0;

    // The status shows at once; screen readers hear it once typing pauses,
    // not "3 results for “e”", "1 result for “et”", … on every key.
    function setStatus(text) {
      if (status.textContent !== text) status.textContent = text;
      clearTimeout(speak);
      speak = setTimeout(function () { if (live.textContent !== text) live.textContent = text; }, 600);
    }

    function render(q, res) {
      list.textContent = "";
      res.results.forEach(function (r) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = r.url;
        a.className = "search-result";
        a.appendChild(span("search-result-title", r.title, res.terms));
        if (r.section) a.appendChild(span("search-result-section", r.section, res.terms));
        if (r.module) a.appendChild(span("search-result-module", r.module));
        if (r.excerpt) a.appendChild(span("search-result-excerpt", r.excerpt, res.terms));
        li.appendChild(a);
        list.appendChild(li);
      });
      list.hidden = res.results.length === 0;
      var quoted = "\u201c" + q.trim() + "\u201d";
      // One letter typed so far: nothing to say yet.
      if (res.terms.length === 0 && runes(q.trim()) < 2) setStatus("");
      else if (res.total === 0) setStatus("No results for " + quoted);
      else if (res.total > res.results.length) setStatus("Top " + res.results.length + " of " + res.total + " results for " + quoted);
      else setStatus(res.total + (res.total === 1 ? " result for " : " results for ") + quoted);
    }

    function run() {
      var q = input.value;
      var my = ++seq;
      if (!q.trim()) {
        list.textContent = "";
        list.hidden = true;
        setStatus("");
        return Promise.resolve();
      }
      if (!index.meta) setStatus("Loading the search index\u2026");
      return index.search(q).then(function (res) {
        if (my === seq) render(q, res);
      }, function () {
        if (my !== seq) return;
        list.textContent = "";
        list.hidden = true;
        setStatus(navigator.onLine === false ? "Search needs a connection the first time it is used." : "The search index could not be loaded.");
      });
    }

    function open() {
      if (!dialog.open) dialog.showModal();
      input.focus();
      input.select();
      index.load().catch(function () { /* reported by run */ });
      if (input.value.trim()) run();
    }

    function links() { return Array.prototype.slice.call(list.querySelectorAll("a")); }

    button.hidden = false;
    button.addEventListener("click", open);
    if (close) close.addEventListener("click", hide);
    // hide closes and gives focus back to the button at once: the close
    // event comes a task later, when the dialog may be open again.
    function hide() {
      dialog.close();
      button.focus();
    }
    dialog.addEventListener("close", function () {
      var at = document.activeElement;
      if (!navigating && !dialog.open && (!at || at === document.body || dialog.contains(at))) button.focus();
      navigating = false;
    });
    // A click on the backdrop (the dialog box itself, outside its content) closes.
    dialog.addEventListener("click", function (e) { if (e.target === dialog) hide(); });
    list.addEventListener("click", function (e) {
      if (e.target.closest && e.target.closest("a") && !e.defaultPrevented && e.button === 0 && !e.ctrlKey && !e.metaKey && !e.shiftKey) {
        navigating = true; // to the result (maybe on this page): focus goes there, not to the button
        dialog.close();
      }
    });
    input.addEventListener("input", run);
    dialog.addEventListener("keydown", function (e) {
      var all = links(), at = all.indexOf(document.activeElement);
      switch (e.key) {
        case "Escape":
          e.preventDefault(); // Chrome would first clear the field
          hide();
          return;
        case "ArrowDown":
          if (all.length === 0 || document.activeElement === close) return;
          e.preventDefault();
          all[Math.min(at + 1, all.length - 1)].focus();
          return;
        case "ArrowUp":
          if (at < 0) return;
          e.preventDefault();
          if (at === 0) input.focus(); else all[at - 1].focus();
          return;
        case "Home": case "End":
          if (at < 0) return;
          e.preventDefault();
          all[e.key === "Home" ? 0 : all.length - 1].focus();
          return;
        case "Enter":
          if (document.activeElement === input && all.length > 0 && !e.isComposing) {
            e.preventDefault();
            all[0].click();
          }
          return;
      }
      // Typing while on a result goes on in the field.
      if (at >= 0 && (e.key.length === 1 || e.key === "Backspace") && !e.ctrlKey && !e.metaKey && !e.altKey) input.focus();
    });
    document.addEventListener("keydown", function (e) {
      if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented || dialog.open) return;
      if (editable(e.target) || editable(document.activeElement)) return;
      e.preventDefault();
      open();
    });
  }

  window.lecternSearch = { tokens: tokens, queryTerms: queryTerms, Index: Index, fileName: fileName };

  function init() { document.querySelectorAll("[data-search]").forEach(setup); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
