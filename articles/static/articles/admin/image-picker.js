// The media library picker: hands the chosen image back to the body editor that opened this
// window, through the callback protocol django-prose-editor's Figure extension uses
// (CKEditor's "CKEditorFuncNum").
const root = document.querySelector("[data-testid=image-picker]")
const funcNum = root?.dataset.funcNum

root?.addEventListener("click", (event) => {
  const choice = event.target.closest(".image-picker__choice")
  if (!choice || !window.opener) return
  window.opener.CKEDITOR?.tools?.callFunction(funcNum, choice.dataset.url, {
    id: choice.dataset.id,
    alternative_text: choice.dataset.alt,
  })
  window.close()
})
