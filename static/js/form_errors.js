// Field errors for the public forms' scripts (sign-up, reader feedback): one message after
// each field the server refused, marked with aria-invalid and tied to it by aria-describedby
// (WCAG 2.2 techniques ARIA21, ARIA1) so a screen reader reads it with the field. Loaded
// before those scripts.
//   IshaFormErrors.clear(form): removes the messages (ours and the server's .invalid-feedback)
//     and each field's aria-invalid, keeping only descriptions still on the page (help text).
//   IshaFormErrors.show(form, errors): errors is the JSON answer's {field name: [message, ...]};
//     names without a visible input, textarea or select (buttons, hidden inputs) are skipped.
window.IshaFormErrors = (function () {
  "use strict";

  function clear(form) {
    form.querySelectorAll("[data-field-error], .invalid-feedback").forEach(function (node) { node.remove(); });
    form.querySelectorAll("[aria-invalid]").forEach(function (input) {
      input.removeAttribute("aria-invalid");
      input.classList.remove("is-invalid");
      var describedBy = (input.getAttribute("aria-describedby") || "")
        .split(" ").filter(function (id) { return id && document.getElementById(id); });
      if (describedBy.length) { input.setAttribute("aria-describedby", describedBy.join(" ")); }
      else { input.removeAttribute("aria-describedby"); }
    });
  }

  function show(form, errors) {
    Object.keys(errors || {}).forEach(function (name) {
      var quoted = '[name="' + name + '"]';
      var input = form.querySelector(
        "input" + quoted + ':not([type="hidden"]), textarea' + quoted + ", select" + quoted);
      if (!input) { return; }
      var message = document.createElement("p");
      message.id = (input.id || name) + "-error";
      message.className = "invalid-feedback";
      message.setAttribute("data-field-error", "");
      message.textContent = errors[name].join(" ");
      input.insertAdjacentElement("afterend", message);
      input.classList.add("is-invalid");
      input.setAttribute("aria-invalid", "true");
      var describedBy = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      describedBy.push(message.id);
      input.setAttribute("aria-describedby", describedBy.join(" "));
    });
  }

  return { clear: clear, show: show };
})();
