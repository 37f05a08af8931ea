/*
 * Two Tiptap extensions for the admin's body editor (django-prose-editor), listed in
 * DJANGO_PROSE_EDITOR_EXTENSIONS and turned on in the body's editor config.
 *
 * StyleNonce: Tiptap's Editor injects its base stylesheet as a <style> element, carrying
 * a nonce only when the editor's `injectNonce` option is set
 * (https://tiptap.dev/docs/editor/api/editor#injectnonce). django-prose-editor creates the
 * Editor without it, so the admin's nonce-based Content Security Policy refused the
 * style (a console error, and the editor without its base CSS). The extension sets the
 * option to the page's own nonce before the editor builds its view, which is when the
 * style is injected.
 *
 * FieldLabel: the editable area has role "textbox" but no name (axe's
 * aria-input-field-name, WCAG 4.1.2); it takes the text of the field's <label>.
 */
import { Extension } from "django-prose-editor/editor"

function pageNonce() {
  // Browsers hide the nonce attribute's value after load; the property keeps it.
  const element = document.querySelector("script[nonce], style[nonce], link[nonce]")
  return element ? element.nonce || element.getAttribute("nonce") : undefined
}

export const StyleNonce = Extension.create({
  name: "styleNonce",
  onBeforeCreate() {
    this.editor.options.injectNonce = pageNonce()
  },
})

export const FieldLabel = Extension.create({
  name: "fieldLabel",
  onBeforeCreate() {
    const textarea = this.editor.options.element?.querySelector("textarea[id]")
    const label = textarea && document.querySelector(`label[for="${textarea.id}"]`)
    if (!label) return
    const props = this.editor.options.editorProps
    const attributes = props.attributes || {}
    if (typeof attributes === "function") return
    props.attributes = { ...attributes, "aria-label": label.textContent.replace(/:\s*$/, "").trim() }
  },
})
