// What the public forms' scripts (sign-up, reader feedback) share: posting a form for a JSON
// answer, and field errors: one message after each field the server refused, marked with
// aria-invalid and tied to it by aria-describedby (WCAG 2.2 techniques ARIA21, ARIA1) so a
// screen reader reads it with the field. Loaded before those scripts.
//   IshaForms.post(form, body): POSTs body (a FormData) to form.action; a promise of the
//     answer's JSON object, whose ok is true only from a 2xx answer that says so; a network
//     failure or a body that is not JSON gives { ok: false, errors: {} }.
//   IshaForms.clear(form): removes the messages (ours and the server's .invalid-feedback)
//     and each field's aria-invalid, keeping only descriptions still on the page (help text).
//   IshaForms.show(form, errors): errors is the JSON answer's {field name: [message, ...]};
//     names without a visible input, textarea or select (buttons, hidden inputs) are skipped.
window.IshaForms = (function () {
  "use strict";

  function post(form, body) {
    return fetch(form.action, {
      method: "POST",
      body: body,
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    })
      .then(function (response) {
        // Success only from a 2xx answer that says so: an error status (a database
        // outage's 503, a proxy's page) never counts, whatever its body holds.
        return response.json().then(function (result) {
          return response.ok ? result : Object.assign({}, result, { ok: false });
        }, function () { return { ok: false, errors: {} }; });
      })
      .catch(function () { return { ok: false, errors: {} }; });
  }

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

  return { post: post, clear: clear, show: show };
})();
