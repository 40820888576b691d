// lectern's quiz script: checks the answers of every <form data-quiz> that
// generator/markdown/quiz.go writes. Without it a quiz still works: each
// question's answer and explanation sit in a <details>.
//
// On "Check answers" every option the reader chose, and every correct one,
// gets a mark in words ("Your answer: correct"), each question a verdict,
// explanations open, the score goes to the form's live region, and the form
// dispatches a "lectern:quiz" event {index, score, total} (main.js keeps it).
// Changing an answer clears the marks; "Try again" clears the answers too.
(function () {
  "use strict";

  var MARKS = {
    right: ["\u2713", "Your answer: correct"],
    wrong: ["\u2717", "Your answer: wrong"],
    missed: ["\u2713", "Correct answer"]
  };
  var VERDICTS = { right: "Correct.", wrong: "Not quite.", unanswered: "Not answered." };

  function each(list, f) { Array.prototype.forEach.call(list, f); }

  function el(tag, className) {
    var e = document.createElement(tag);
    e.className = className;
    return e;
  }

  function fire(form, detail) {
    var ev;
    if (typeof window.CustomEvent === "function") {
      ev = new CustomEvent("lectern:quiz", { bubbles: true, detail: detail });
    } else {
      ev = document.createEvent("CustomEvent");
      ev.initCustomEvent("lectern:quiz", true, false, detail);
    }
    form.dispatchEvent(ev);
  }

  function setup(form, index) {
    var actions = form.querySelector(".quiz-actions");
    var check = form.querySelector(".quiz-check");
    var retry = form.querySelector(".quiz-retry");
    var result = form.querySelector(".quiz-result");
    if (!actions || !check || !retry || !result) return;
    var questions = form.querySelectorAll(".quiz-question");
    var checked = false;

    each(questions, function (q) {
      var answer = q.querySelector(".quiz-answer");
      var verdict = el("p", "quiz-verdict");
      verdict.hidden = true;
      q.insertBefore(verdict, answer);
      if (answer) {
        answer.hidden = true; // until the answers are checked
        var summary = answer.querySelector("summary");
        if (summary) summary.setAttribute("data-text", summary.textContent);
      }
    });

    function clear() {
      checked = false;
      result.textContent = "";
      retry.hidden = true;
      each(form.querySelectorAll(".quiz-mark"), function (m) { m.parentNode.removeChild(m); });
      each(form.querySelectorAll(".quiz-option"), function (o) { o.className = "quiz-option"; });
      each(questions, function (q) {
        var verdict = q.querySelector(".quiz-verdict");
        verdict.hidden = true;
        verdict.className = "quiz-verdict";
        verdict.textContent = "";
        var answer = q.querySelector(".quiz-answer");
        if (answer) {
          answer.hidden = true;
          answer.open = false;
          var summary = answer.querySelector("summary");
          if (summary) summary.textContent = summary.getAttribute("data-text");
        }
      });
    }

    function mark(option, kind) {
      option.className = "quiz-option is-" + kind;
      var label = option.querySelector("label");
      if (!label) return;
      var m = el("span", "quiz-mark");
      var sym = document.createElement("span");
      sym.setAttribute("aria-hidden", "true");
      sym.textContent = MARKS[kind][0] + " ";
      m.appendChild(sym);
      m.appendChild(document.createTextNode(MARKS[kind][1]));
      label.appendChild(m);
    }

    function grade() {
      clear();
      var score = 0;
      var unanswered = 0;
      each(questions, function (q) {
        var chosen = 0;
        var ok = true;
        each(q.querySelectorAll(".quiz-option"), function (o) {
          var input = o.querySelector("input");
          if (!input) return;
          var correct = input.hasAttribute("data-correct");
          if (input.checked) chosen++;
          if (input.checked && correct) mark(o, "right");
          else if (input.checked) mark(o, "wrong");
          else if (correct) mark(o, "missed");
          if (input.checked !== correct) ok = false;
        });
        var kind = chosen === 0 ? "unanswered" : ok ? "right" : "wrong";
        if (kind === "right") score++;
        if (kind === "unanswered") unanswered++;
        var verdict = q.querySelector(".quiz-verdict");
        verdict.className = "quiz-verdict is-" + kind;
        verdict.textContent = VERDICTS[kind];
        verdict.hidden = false;
        var answer = q.querySelector(".quiz-answer");
        if (answer) {
          answer.hidden = false;
          answer.open = true;
          var summary = answer.querySelector("summary");
          if (summary) summary.textContent = "Answer";
        }
      });
      var total = questions.length;
      var text = score + " of " + total + " correct";
      if (unanswered > 0) text += " (" + unanswered + " not answered)";
      result.textContent = text + ".";
      retry.hidden = false;
      checked = true;
      fire(form, { index: index, score: score, total: total });
    }

    form.addEventListener("submit", function (e) {
      e.preventDefault();
      grade();
    });
    form.addEventListener("change", function () {
      if (checked) clear(); // marks always describe the answers shown
    });
    form.addEventListener("reset", function () {
      clear();
      var first = form.querySelector("input");
      if (first) first.focus(); // the focused "Try again" button is now hidden
    });

    check.disabled = false;
    retry.disabled = false;
    actions.hidden = false;
  }

  // Printed pages show every answer: open them, and put them back after.
  var restore = [];
  window.addEventListener("beforeprint", function () {
    each(document.querySelectorAll("form[data-quiz] .quiz-answer"), function (d) {
      restore.push([d, d.open, d.hidden]);
      d.open = true;
      d.hidden = false;
    });
  });
  window.addEventListener("afterprint", function () {
    restore.forEach(function (r) { r[0].open = r[1]; r[0].hidden = r[2]; });
    restore = [];
  });

  function init() {
    each(document.querySelectorAll("form[data-quiz]"), setup);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
