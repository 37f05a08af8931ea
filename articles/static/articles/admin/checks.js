// The checks panel on the article's change page: sends the body the form holds to the
// admin's checks view a moment after the editor stops typing, and lists what it found.
// Nothing is saved; the checks only warn.
(function () {
  "use strict";
  const DELAY_MS = 800;

  function bodyHtml(form) {
    // The prose editor keeps its textarea in step; its editor object is the fresher copy.
    const content = form.querySelector(".field-body .ProseMirror");
    if (content && content.editor) return content.editor.getHTML();
    const textarea = form.querySelector("#id_body");
    return textarea ? textarea.value : "";
  }

  function sourceIds(form) {
    const ids = [];
    form.querySelectorAll("select[name^='citations-'][name$='-source'], input[name^='citations-'][name$='-source']")
      .forEach((field) => {
        const prefix = field.name.slice(0, -"source".length);
        const deleted = form.querySelector(`input[name='${prefix}DELETE']`);
        if (field.value && !(deleted && deleted.checked)) ids.push(field.value);
      });
    return ids;
  }

  function item(text, className) {
    const li = document.createElement("li");
    if (className) li.className = className;
    li.textContent = text;
    return li;
  }

  function render(panel, report) {
    const level = panel.querySelector("#checks-reading-level");
    if (report.grade === null) {
      level.textContent = "Reading level: no text yet.";
      level.dataset.state = "empty";
    } else {
      const over = report.grade > report.target_grade;
      level.textContent = `Reading level: grade ${report.grade.toFixed(1)} (target: grade ${report.target_grade} or below)`;
      level.dataset.state = over ? "above" : "within";
    }
    const hard = panel.querySelector("#checks-hard-sentences");
    hard.replaceChildren(...report.hard_sentences.map((s) => item(`Grade ${s.grade.toFixed(1)}: ${s.text}`)));
    panel.querySelector("#checks-hard-sentences-wrap").hidden = report.hard_sentences.length === 0;
    const list = panel.querySelector("#checks-findings");
    list.replaceChildren(
      ...report.findings.map((finding) => {
        const li = item("", "checks-finding");
        li.dataset.check = finding.check;
        const name = document.createElement("strong");
        name.textContent = `${report.checks[finding.check]}: `;
        li.append(name, finding.message);
        if (finding.excerpt) {
          const quote = document.createElement("q");
          quote.textContent = finding.excerpt;
          li.append(" ", quote);
        }
        return li;
      }),
    );
    const count = report.warning_count;
    panel.querySelector("#checks-count").textContent =
      count === 0 ? "No warnings." : `${count} warning${count === 1 ? "" : "s"}.`;
    panel.querySelector("#checks-status").textContent = "";
  }

  function start(panel) {
    const form = document.getElementById("article_form");
    if (!form) return;
    const token = form.querySelector("input[name='csrfmiddlewaretoken']").value;
    let timer = null;
    let last = null;

    async function run() {
      const data = new FormData();
      data.append("body", bodyHtml(form));
      sourceIds(form).forEach((id) => data.append("source", id));
      const key = new URLSearchParams(data).toString();
      if (key === last) return;
      last = key;
      try {
        const response = await fetch(panel.dataset.url, {
          method: "POST",
          body: data,
          headers: { "X-CSRFToken": token },
          credentials: "same-origin",
        });
        if (!response.ok) throw new Error(String(response.status));
        render(panel, await response.json());
      } catch (error) {
        last = null;
        panel.querySelector("#checks-status").textContent = "The checks could not run just now; they will try again as you write.";
      }
    }

    const later = () => {
      clearTimeout(timer);
      timer = setTimeout(run, DELAY_MS);
    };
    form.addEventListener("input", later);
    form.addEventListener("change", later);
    form.addEventListener("keyup", later);
    run();
  }

  function init() {
    const panel = document.getElementById("checks-panel");
    if (panel && panel.dataset.url) start(panel);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
