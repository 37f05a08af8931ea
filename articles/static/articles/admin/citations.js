/*
 * Citations in the article body editor (a django-prose-editor / Tiptap extension).
 *
 * A citation is an inline atom node written as
 *   <span data-cite="12" data-label="Smith 2020">[cite:12]</span>
 * (the form articles/citations.py defines; the server stores the marker it contains)
 * and shown as the number readers will see (order of first citation) and the source's
 * short title, never the source's id. The toolbar's "Cite a source" button opens the
 * picker dialog (templates/admin/articles/article/citation_picker.html), which searches
 * the source library and can add a new source, then inserts the citation at the cursor.
 */
import { Node } from "django-prose-editor/editor";

const SEARCH_DELAY_MS = 250;

function renumber(editor) {
  const numbers = new Map();
  editor.view.dom.querySelectorAll("[data-citation-chip]").forEach((chip) => {
    const source = chip.dataset.source;
    if (!numbers.has(source)) numbers.set(source, numbers.size + 1);
    const number = numbers.get(source);
    chip.querySelector(".citation-chip__number").textContent = String(number);
    const label = chip.dataset.label ? `: ${chip.dataset.label}` : "";
    chip.setAttribute("aria-label", `Citation ${number}${label}`);
    chip.title = `Source ${number}${label}`;
  });
}

function chipFor(node) {
  const dom = document.createElement("span");
  dom.className = "citation-chip";
  dom.contentEditable = "false";
  dom.setAttribute("role", "img");
  dom.dataset.citationChip = "";
  dom.dataset.testid = "citation-chip";
  dom.dataset.source = node.attrs.source;
  dom.dataset.label = node.attrs.label || "";
  // Named at once (renumbering adds the number), so the chip is never an unnamed image.
  dom.setAttribute("aria-label", node.attrs.label ? `Citation: ${node.attrs.label}` : "Citation");
  const number = document.createElement("span");
  number.className = "citation-chip__number";
  dom.append(number);
  if (node.attrs.label) {
    const label = document.createElement("span");
    label.className = "citation-chip__label";
    label.textContent = node.attrs.label;
    dom.append(label);
  }
  return dom;
}

export const Citation = Node.create({
  name: "citation",
  group: "inline",
  inline: true,
  atom: true,
  selectable: true,

  addAttributes() {
    return {
      source: {
        default: null,
        parseHTML: (element) => element.getAttribute("data-cite"),
        renderHTML: (attributes) => ({ "data-cite": attributes.source }),
      },
      label: {
        default: "",
        parseHTML: (element) => element.getAttribute("data-label") || "",
        renderHTML: (attributes) => ({ "data-label": attributes.label }),
      },
    };
  },

  parseHTML() {
    return [{ tag: "span[data-cite]" }];
  },

  renderHTML({ node, HTMLAttributes }) {
    // The marker is the element's text: what the server keeps when it drops the element.
    return ["span", HTMLAttributes, `[cite:${node.attrs.source}]`];
  },

  addNodeView() {
    return ({ node }) => ({ dom: chipFor(node) });
  },

  onCreate() {
    renumber(this.editor);
  },

  onUpdate() {
    renumber(this.editor);
  },

  addMenuItems({ menu, buttons }) {
    menu.defineItem({
      name: "citation",
      groups: "nodes",
      button: buttons.material("format_quote", "Cite a source"),
      command(editor) {
        openPicker(editor);
      },
      enabled: (editor) => editor.isEditable,
    });
  },
});

// --- The picker dialog ---------------------------------------------------------------

let activeEditor = null;

function csrfToken() {
  const input = document.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

function openPicker(editor) {
  const dialog = document.getElementById("citation-picker");
  if (!dialog) return;
  activeEditor = editor;
  wire(dialog);
  dialog.returnValue = "";
  const query = dialog.querySelector("#citation-picker-query");
  dialog.showModal();
  query.focus();
  query.select();
  search(dialog, query.value);
}

function insertCitation(source) {
  const dialog = document.getElementById("citation-picker");
  if (activeEditor) {
    activeEditor
      .chain()
      .focus()
      .insertContent({ type: "citation", attrs: { source: String(source.id), label: source.label } })
      .run();
  }
  dialog.close("inserted");
}

function renderResults(dialog, results) {
  const list = dialog.querySelector("#citation-picker-results");
  const status = dialog.querySelector("#citation-picker-status");
  list.replaceChildren(
    ...results.map((source) => {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "citation-picker__result";
      button.dataset.testid = "citation-result";
      const label = document.createElement("strong");
      label.textContent = source.label;
      const text = document.createElement("span");
      text.textContent = source.citation;
      button.append(label, text);
      button.addEventListener("click", () => insertCitation(source));
      item.append(button);
      return item;
    }),
  );
  status.textContent = results.length
    ? dialog.dataset.foundText.replace("%s", results.length)
    : dialog.dataset.noneText;
}

let searchTimer = null;
let searchSerial = 0;

async function search(dialog, query) {
  const serial = ++searchSerial;
  const url = `${dialog.dataset.searchUrl}?q=${encodeURIComponent(query.trim())}`;
  try {
    const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    if (!response.ok) throw new Error(String(response.status));
    const data = await response.json();
    if (serial === searchSerial) renderResults(dialog, data.results);
  } catch {
    if (serial === searchSerial) dialog.querySelector("#citation-picker-status").textContent = dialog.dataset.failText;
  }
}

function showErrors(form, errors) {
  form.querySelectorAll(".citation-picker__error").forEach((element) => {
    element.textContent = "";
  });
  form.querySelectorAll("[aria-invalid]").forEach((element) => element.removeAttribute("aria-invalid"));
  let first = null;
  for (const [field, messages] of Object.entries(errors)) {
    const target = form.querySelector(`#citation-new-${field}-error`) || form.querySelector("#citation-new-all-error");
    target.textContent = messages.join(" ");
    const input = form.querySelector(`#citation-new-${field}`);
    if (input) {
      input.setAttribute("aria-invalid", "true");
      first = first || input;
    }
  }
  (first || form.querySelector("#citation-new-all-error")).focus();
}

async function createSource(dialog, form) {
  const response = await fetch(dialog.dataset.createUrl, {
    method: "POST",
    body: new FormData(form),
    headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
    credentials: "same-origin",
  }).catch(() => null);
  if (response && response.status === 201) {
    const source = await response.json();
    form.reset();
    showErrors(form, {});
    insertCitation(source);
    return;
  }
  let errors = { __all__: [dialog.dataset.failText] };
  if (response && response.status === 400) errors = (await response.json()).errors;
  showErrors(form, Object.fromEntries(Object.entries(errors).map(([k, v]) => [k === "__all__" ? "all" : k, v])));
}

function wire(dialog) {
  if (dialog.dataset.wired) return;
  dialog.dataset.wired = "true";
  const query = dialog.querySelector("#citation-picker-query");
  query.addEventListener("input", () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => search(dialog, query.value), SEARCH_DELAY_MS);
  });
  query.addEventListener("keydown", (event) => {
    // Enter or Down moves to the first result (Enter there cites it).
    if (event.key !== "Enter" && event.key !== "ArrowDown") return;
    event.preventDefault();
    const first = dialog.querySelector(".citation-picker__result");
    if (first) first.focus();
  });
  dialog.querySelector("#citation-picker-results").addEventListener("keydown", (event) => {
    // Up and Down move between results; Up from the first goes back to the search box.
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    event.preventDefault();
    const results = [...dialog.querySelectorAll(".citation-picker__result")];
    const index = results.indexOf(document.activeElement) + (event.key === "ArrowDown" ? 1 : -1);
    (index < 0 ? query : results[Math.min(index, results.length - 1)]).focus();
  });
  dialog.querySelector("#citation-picker-close").addEventListener("click", () => dialog.close("cancelled"));
  dialog.addEventListener("close", () => {
    if (dialog.returnValue !== "inserted" && activeEditor) activeEditor.commands.focus();
  });
  const form = dialog.querySelector("#citation-picker-form");
  if (form) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      createSource(dialog, form);
    });
  }
}
