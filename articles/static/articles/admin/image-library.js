// The body editor's media library: upload an image from the toolbar, by dropping it on the
// text or by pasting it, into the site's library (the admin's upload endpoint checks it as
// it checks hero images). The image goes in as a figure whose <img> carries the library id
// as data-file (django-prose-editor's Image extension), then the figure dialog opens for
// this use's alt text (required unless the library marks the image decorative) and caption.
// The same file uploaded again is the library's image (the server matches its SHA-256). A refused file gets the server's message above the editor.
import { Extension, Plugin } from "django-prose-editor/editor"

const MESSAGE_ID = "image-upload-message"

function csrfToken(editor) {
  const form = editor.options.element.closest("form")
  return form?.querySelector("input[name=csrfmiddlewaretoken]")?.value || ""
}

function showMessage(editor, text, busy = false) {
  const container = editor.options.element.closest(".prose-editor") || editor.options.element
  let message = document.getElementById(MESSAGE_ID)
  if (!text) {
    message?.remove()
    return
  }
  if (!message) {
    message = document.createElement("p")
    message.id = MESSAGE_ID
    message.dataset.testid = MESSAGE_ID
    container.before(message)
  }
  message.className = busy ? "image-library-message image-library-message--busy" : "image-library-message"
  message.setAttribute("role", busy ? "status" : "alert")
  message.textContent = text
}

function imageFiles(transfer) {
  return Array.from(transfer?.files || []).filter((file) => file.type.startsWith("image/"))
}

async function upload(editor, options, file) {
  const body = new FormData()
  body.append("file", file)
  const response = await fetch(options.uploadUrl, {
    method: "POST",
    body,
    headers: { "X-CSRFToken": csrfToken(editor) },
    credentials: "same-origin",
  })
  let data = {}
  try {
    data = await response.json()
  } catch {
    data = { error: `The upload failed (${response.status}). Try again, or save your work first.` }
  }
  if (!response.ok) throw new Error(data.error || `The upload failed (${response.status}).`)
  return data
}

function selectImage(editor, id) {
  let found = null
  editor.state.doc.descendants((node, pos) => {
    if (node.type.name === "image" && String(node.attrs.file) === String(id)) found = pos
    return found === null
  })
  return found
}

// Where a figure goes: in place of the empty paragraph the caret is in, or after the
// top-level block the selection ends in (a figure inside a caption or a list item would be
// split apart by the schema).
function insertionPoint(editor) {
  const { $to } = editor.state.selection
  if ($to.depth === 0) return { from: $to.pos, to: $to.pos }
  const block = $to.node(1)
  if (block.type.name === "paragraph" && block.content.size === 0) return { from: $to.before(1), to: $to.after(1) }
  return { from: $to.after(1), to: $to.after(1) }
}

async function insertUploads(editor, options, files, position = null) {
  for (const file of files) {
    showMessage(editor, `Uploading ${file.name}...`, true)
    let image
    try {
      image = await upload(editor, options, file)
    } catch (error) {
      showMessage(editor, `${file.name}: ${error.message}`)
      return
    }
    showMessage(editor, "")
    const figure = {
      type: "figure",
      content: [{ type: "image", attrs: { src: image.url, alt: image.alt || "", file: String(image.id) } }],
    }
    editor
      .chain()
      .focus()
      .insertContentAt(position === null ? insertionPoint(editor) : position, figure)
      .run()
    const pos = selectImage(editor, image.id)
    if (pos !== null && files.length === 1) {
      // This use's alt text and caption, in django-prose-editor's own figure dialog.
      editor.chain().setNodeSelection(pos).editImage().run()
      askForAltText(editor, image)
    }
  }
}

// The figure dialog (opened synchronously by editImage) made about the upload: titled for
// what it asks, the caret in its alt text, prefilled with the library's default, and the
// alt text required (the dialog's form refuses "Update" without it) unless the library
// marks the image decorative. Cancel still closes it; the checks panel then warns.
function askForAltText(editor, image) {
  const dialogs = editor.view.dom.parentElement.querySelectorAll("dialog.prose-editor-dialog[open]")
  const dialog = dialogs[dialogs.length - 1]
  const alt = dialog?.querySelector('input[name="altText"]')
  if (!alt) return
  const title = dialog.querySelector(".prose-editor-dialog-title")
  if (title) {
    title.textContent = "Describe the uploaded image"
    title.id = `${alt.id}-dialog-title`
    dialog.setAttribute("aria-labelledby", title.id)
  }
  if (!alt.value && image.alt) alt.value = image.alt
  if (!image.decorative) {
    alt.required = true
    alt.labels[0]?.append(" (required)")
  }
  alt.focus()
}

function chooseFiles(editor, options) {
  const input = document.createElement("input")
  input.type = "file"
  input.accept = "image/jpeg,image/png,image/webp,image/gif"
  input.id = "image-upload-input"
  input.hidden = true
  input.addEventListener("change", () => {
    insertUploads(editor, options, Array.from(input.files || []))
    input.remove()
  })
  editor.options.element.closest("form")?.append(input)
  input.click()
}

export const ImageLibrary = Extension.create({
  name: "imageLibrary",

  addOptions() {
    return { uploadUrl: null, pickerUrl: null }
  },

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "imageUpload",
      groups: "nodes",
      command: (editor) => chooseFiles(editor, this.options),
      button: buttons.material("add_photo_alternate", "Upload an image"),
      active: () => false,
      enabled: () => Boolean(this.options.uploadUrl),
    })
  },

  addProseMirrorPlugins() {
    const editor = this.editor
    const options = this.options
    return [
      new Plugin({
        props: {
          handlePaste(_view, event) {
            const files = imageFiles(event.clipboardData)
            if (!files.length) return false
            event.preventDefault()
            insertUploads(editor, options, files)
            return true
          },
          handleDrop(view, event) {
            const files = imageFiles(event.dataTransfer)
            if (!files.length) return false
            event.preventDefault()
            const at = view.posAtCoords({ left: event.clientX, top: event.clientY })
            insertUploads(editor, options, files, at ? at.pos : null)
            return true
          },
        },
      }),
    ]
  },
})
