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
 *
 * The body editor's menu bar (django-prose-editor) greys out a button that cannot act
 * now with a "disabled" class and 30 % opacity, which tells neither assistive technology
 * nor a contrast check that it is inactive (WCAG 2.2 SC 4.1.2; SC 1.4.3 exempts inactive
 * controls only). Each such button gets aria-disabled="true" while it has the class, and
 * stays focusable, as WAI-ARIA's toolbar pattern advises.
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

  const MENU_BUTTON = ".prose-menubar__button"

  function markInactive(button) {
    const inactive = button.classList.contains("disabled")
    if (inactive) button.setAttribute("aria-disabled", "true")
    else button.removeAttribute("aria-disabled")
  }

  function markAllInactive(root) {
    if (root.nodeType !== Node.ELEMENT_NODE) return
    if (root.matches(MENU_BUTTON)) markInactive(root)
    for (const button of root.querySelectorAll(MENU_BUTTON)) markInactive(button)
  }

  function fixAll(root) {
    nameAll(root)
    markAllInactive(root)
  }

  // Select2 builds its widgets at page load and for each added inline row, and the
  // editor builds its menu bar and toggles the buttons' classes on each change: an
  // observer sees all of these, after the libraries have set their own attributes.
  new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === "attributes") {
        if (record.target.matches(MENU_BUTTON)) markInactive(record.target)
      } else {
        record.addedNodes.forEach(fixAll)
      }
    }
  }).observe(document.documentElement, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ["class"],
  })
  document.addEventListener("DOMContentLoaded", () => fixAll(document.body))
})()
