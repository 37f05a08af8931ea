// Progressive enhancement for the newsletter form: submit without a reload and announce
// the outcome in the block's live region. Without JavaScript the form posts normally.
// Posting and field errors come from forms.js, loaded before this script.
(function () {
  "use strict";

  function announce(status, text, kind, detail) {
    var message = document.createElement("p");
    message.className = "signup__message signup__message--" + kind;
    message.textContent = text;
    status.replaceChildren(message);
    if (detail) {
      var more = document.createElement("p");
      more.className = "signup__detail";
      more.textContent = detail;
      status.appendChild(more);
    }
    status.focus();
  }

  // Consent evidence the server cannot see on a cached page, which is shared by every
  // visitor: the visit's UTM parameters (this page's own URL) and the site the visitor
  // came from (document.referrer). A parameter the URL lacks empties its field, so a value
  // left in the page (an older cached copy, a restored form) never reaches this visitor's
  // record. A form the server filled from the visitor's own POST (an error page) is kept.
  function fillEvidence(form) {
    if (form.hasAttribute("data-signup-evidence-kept")) { return; }
    var params = new URLSearchParams(window.location.search);
    ["utm_source", "utm_medium", "utm_campaign"].forEach(function (name) {
      var field = form.querySelector('input[name="' + name + '"]');
      if (field) { field.value = (params.get(name) || "").slice(0, 200); }
    });
    var referrer = form.querySelector('input[name="referrer"]');
    if (referrer) { referrer.value = document.referrer.slice(0, 500); }
  }

  function enhance(form) {
    var block = form.closest(".signup");
    var status = block.querySelector("[data-signup-status]");
    var button = form.querySelector('button[type="submit"]');
    var label = button.textContent;
    fillEvidence(form);

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (button.disabled) { return; }
      button.disabled = true;
      button.textContent = form.getAttribute("data-wait-label");
      window.IshaForms.clear(form);

      window.IshaForms.post(form, new FormData(form))
        .then(function (result) {
          button.disabled = false;
          button.textContent = label;
          if (result.ok === true) {
            form.remove();
            announce(status, result.message, "success", result.detail);
          } else {
            announce(status, result.message || form.getAttribute("data-error-message"), "error", result.detail);
            window.IshaForms.show(form, result.errors);
          }
        });
    });
  }

  document.querySelectorAll("[data-signup-form]").forEach(enhance);
})();
