/*
 * Admin-wide accessibility fixes that need a script (loaded on every admin page by
 * templates/admin/base_site.html).
 *
 * Autocomplete fields (Django's admin uses Select2) hide the <select> the field's
 * <label> points at and show a combobox that Select2 names only by its current value:
 * with nothing chosen it has no name, and neither has its read-only "textbox" (WCAG 2.2
 * SC 4.1.2; axe-core's aria-input-field-name and label rules). Each new Select2 widget
 * is named after the field's label (or the select's own aria-label, in table rows),
 * keeping the current value in the combobox's name.
 */
;(() => {
  "use strict"

  function labelOf(select) {
    const label = select.id && document.querySelector(`label[for="${CSS.escape(select.id)}"]`)
    if (label) {
      if (!label.id) label.id = `${select.id}-label`
      return { id: label.id, text: label.textContent.replace(/:\s*$/, "").trim() }
    }
    const text = select.getAttribute("aria-label")
    return text ? { id: null, text } : null
  }

  function nameWidget(container) {
    const select = container.previousElementSibling
    if (!select || select.tagName !== "SELECT" || container.dataset.named) return
    const label = labelOf(select)
    if (!label) return
    container.dataset.named = "true"
    const combobox = container.querySelector(".select2-selection[role=combobox]")
    const rendered = container.querySelector(".select2-selection__rendered[role=textbox]")
    const search = container.querySelector(".select2-search__field")
    for (const element of [rendered, search]) {
      if (!element) continue
      if (label.id) element.setAttribute("aria-labelledby", label.id)
      else element.setAttribute("aria-label", label.text)
    }
    if (combobox && label.id) {
      const current = combobox.getAttribute("aria-labelledby")
      combobox.setAttribute("aria-labelledby", [label.id, current].filter(Boolean).join(" "))
    } else if (combobox) {
      combobox.setAttribute("aria-label", label.text)
    }
  }

  function nameAll(root) {
    if (root.nodeType !== Node.ELEMENT_NODE) return
    if (root.matches(".select2-container")) nameWidget(root)
    for (const container of root.querySelectorAll(".select2-container")) nameWidget(container)
  }

  // Select2 builds its widgets at page load and for each added inline row; an observer
  // sees both, after Select2 has set its own attributes.
  new MutationObserver((records) => {
    for (const record of records) record.addedNodes.forEach(nameAll)
  }).observe(document.documentElement, { childList: true, subtree: true })
  document.addEventListener("DOMContentLoaded", () => nameAll(document.body))
})()
