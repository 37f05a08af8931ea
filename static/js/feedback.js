// Progressive enhancement for the reader feedback forms at the end of an article: send
// without a reload and announce the outcome in the block's live region. Without
// JavaScript the forms post normally and the page thanks the reader after a redirect.
// Posting and field errors come from forms.js, loaded before this script.
(function () {
  "use strict";

  function announce(status, text, kind) {
    var message = document.createElement("p");
    message.className = "feedback__message feedback__message--" + kind;
    message.textContent = text;
    status.replaceChildren(message);
    status.focus();
  }

  function enhance(form) {
    var block = form.closest(".feedback");
    var status = block.querySelector("[data-feedback-status]");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (form.getAttribute("aria-busy") === "true") { return; }
      form.setAttribute("aria-busy", "true");
      window.IshaForms.clear(form);
      window.IshaForms.post(form, new FormData(form, event.submitter))
        .then(function (result) {
          form.removeAttribute("aria-busy");
          if (result.ok === true) {
            var details = form.closest("details");
            (details || form).remove();
            announce(status, result.message, "success");
            // After "No", invite the reader to say what was wrong.
            var report = block.querySelector("details.feedback__report");
            if (result.outcome === "no" && report) { report.open = true; }
          } else {
            announce(status, result.message || form.getAttribute("data-error-message"), "error");
            window.IshaForms.show(form, result.errors);
          }
        });
    });
  }

  document.querySelectorAll("[data-feedback-form]").forEach(enhance);
})();
