// Progressive enhancement for the reader feedback forms at the end of an article: send
// without a reload and announce the outcome in the block's live region. Without
// JavaScript the forms post normally and the page thanks the reader after a redirect.
(function () {
  "use strict";

  function announce(status, text, kind) {
    var message = document.createElement("p");
    message.className = "feedback__message feedback__message--" + kind;
    message.textContent = text;
    status.replaceChildren(message);
    status.focus();
  }

  function clearErrors(form) {
    form.querySelectorAll("[data-feedback-error], .invalid-feedback").forEach(function (node) { node.remove(); });
    form.querySelectorAll("[aria-invalid]").forEach(function (input) {
      input.removeAttribute("aria-invalid");
      input.classList.remove("is-invalid");
      // Keep only descriptions still on the page (the help text), not removed errors.
      var describedBy = (input.getAttribute("aria-describedby") || "")
        .split(" ").filter(function (id) { return id && document.getElementById(id); });
      if (describedBy.length) { input.setAttribute("aria-describedby", describedBy.join(" ")); }
      else { input.removeAttribute("aria-describedby"); }
    });
  }

  function showErrors(form, errors) {
    Object.keys(errors || {}).forEach(function (name) {
      var input = form.querySelector('textarea[name="' + name + '"], input[name="' + name + '"]:not([type="hidden"])');
      if (!input) { return; }
      var message = document.createElement("p");
      message.id = input.id + "-error";
      message.className = "invalid-feedback d-block";
      message.setAttribute("data-feedback-error", "");
      message.textContent = errors[name].join(" ");
      input.insertAdjacentElement("afterend", message);
      input.classList.add("is-invalid");
      input.setAttribute("aria-invalid", "true");
      var describedBy = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      describedBy.push(message.id);
      input.setAttribute("aria-describedby", describedBy.join(" "));
    });
  }

  function enhance(form) {
    var block = form.closest(".feedback");
    var status = block.querySelector("[data-feedback-status]");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (form.getAttribute("aria-busy") === "true") { return; }
      form.setAttribute("aria-busy", "true");
      clearErrors(form);
      fetch(form.action, {
        method: "POST",
        body: new FormData(form, event.submitter),
        headers: { "Accept": "application/json" },
        credentials: "same-origin"
      })
        .then(function (response) {
          return response.json().then(function (result) {
            return response.ok ? result : Object.assign({}, result, { ok: false });
          }, function () { return { ok: false, errors: {} }; });
        })
        .catch(function () { return { ok: false, errors: {} }; })
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
            showErrors(form, result.errors);
          }
        });
    });
  }

  document.querySelectorAll("[data-feedback-form]").forEach(enhance);
})();
