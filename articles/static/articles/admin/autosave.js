/*
 * Autosave for the article change page.
 *
 * Every few seconds, when the form changed, and when the page is hidden (Page Visibility
 * API, with fetch's keepalive so the request outlives the page), the form's fields (no
 * file uploads) are posted to the article's autosave address. The answer's version goes
 * into the page's hidden "version" fields, so the editor's own next save is not refused
 * as stale. The first autosave of a new article switches the page to the article it created
 * (history.replaceState and the form's action), so later saves update that article.
 *
 * When the server cannot be reached (network error or 5xx) or refuses the fields (4xx,
 * e.g. a live article's body with an image lacking alt text), the fields are kept in
 * localStorage under "isha-autosave:<user id>:<article id or new>" and offered back when
 * the editor returns to the page. A 409 (someone else saved) stops autosaving and says
 * so; the page keeps the editor's text.
 */
(function () {
  "use strict";

  var PREFIX = "isha-autosave";
  var SKIPPED = ["csrfmiddlewaretoken", "version"];
  var KEPT = "Your changes are kept in this browser.";
  var bodyEditor = null;

  document.addEventListener("prose-editor:ready", function (event) {
    if (event.detail && event.detail.textarea && event.detail.textarea.name === "body") {
      bodyEditor = event.detail.editor;
    }
  });

  function entriesOf(form) {
    var entries = [];
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string" && SKIPPED.indexOf(name) < 0) {
        entries.push([name, value]);
      }
    });
    return entries;
  }

  function labelsOf(form) {
    // Autocomplete selects hold only the chosen option: keep its text to restore it.
    var labels = {};
    form.querySelectorAll("select").forEach(function (select) {
      Array.prototype.forEach.call(select.selectedOptions, function (option) {
        labels[select.name + "=" + option.value] = option.text;
      });
    });
    return labels;
  }

  function Autosave(root, form) {
    this.root = root;
    this.form = form;
    this.url = root.dataset.url;
    this.article = root.dataset.article;
    this.user = root.dataset.user;
    this.status = document.getElementById("autosave-status");
    this.version = form.querySelector('input[name="version"]');
    this.busy = false;
    this.stopped = false;
    this.offerOpen = false;
    this.waitingSubmit = null;
    this.saved = this.signature();
  }

  Autosave.prototype.key = function () {
    return PREFIX + ":" + this.user + ":" + this.article;
  };

  Autosave.prototype.signature = function () {
    return JSON.stringify(entriesOf(this.form));
  };

  Autosave.prototype.say = function (text, state) {
    this.status.textContent = text;
    this.status.dataset.state = state;
  };

  Autosave.prototype.tick = function () {
    if (!this.busy && !this.stopped && this.signature() !== this.saved) {
      this.send(false);
    }
  };

  Autosave.prototype.send = function (keepalive) {
    var self = this;
    var signature = this.signature();
    var data = new FormData();
    data.append("csrfmiddlewaretoken", this.form.querySelector('input[name="csrfmiddlewaretoken"]').value);
    if (this.version) {
      data.append("version", this.version.value);
    }
    entriesOf(this.form).forEach(function (entry) {
      data.append(entry[0], entry[1]);
    });
    this.busy = true;
    this.say("Saving…", "saving");
    fetch(this.url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      keepalive: keepalive,
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.json().then(
          function (answer) { return { status: response.status, answer: answer }; },
          function () { return { status: response.status, answer: null }; }
        );
      })
      .then(function (result) { self.answered(result.status, result.answer, signature); })
      .catch(function () { self.keepLocally(signature); })
      .finally(function () { self.finished(); });
  };

  Autosave.prototype.answered = function (status, answer, signature) {
    if (answer && answer.saved) {
      this.succeeded(answer, signature);
    } else if (status >= 500 || !answer) {
      this.keepLocally(signature);
    } else if (answer.stale) {
      this.stopped = true;
      this.store();
      this.say(answer.message, "stale");
    } else {
      // Refused (bad input, not allowed): say why, keep the form in this browser so the
      // work survives the tab, and wait for the next change before trying again.
      this.saved = signature;
      this.say(answer.message + (this.store() ? " " + KEPT : ""), "error");
    }
  };

  Autosave.prototype.succeeded = function (answer, signature) {
    this.saved = signature;
    // Every form on the page that carries the version (the change form, and buttons such
    // as "Publish pending changes") now acts on the version this autosave made.
    document.querySelectorAll('input[name="version"]').forEach(function (field) {
      field.value = answer.version;
    });
    if (this.article !== String(answer.id)) {
      if (!this.offerOpen) {
        localStorage.removeItem(this.key());
      }
      this.article = String(answer.id);
      this.url = answer.autosave_url;
      this.root.dataset.article = this.article;
      this.form.action = answer.change_url;
      history.replaceState(null, "", answer.change_url);
    }
    if (!this.offerOpen) {
      localStorage.removeItem(this.key());
    }
    this.say(answer.message, "saved");
  };

  Autosave.prototype.store = function () {
    var copy = {
      savedAt: Date.now(),
      version: this.version ? this.version.value : "",
      entries: entriesOf(this.form),
      labels: labelsOf(this.form),
    };
    try {
      localStorage.setItem(this.key(), JSON.stringify(copy));
      return true;
    } catch (error) {
      return false;
    }
  };

  Autosave.prototype.keepLocally = function (signature) {
    if (this.store()) {
      this.say("Offline: kept in this browser. Saving again when the server answers…", "offline");
    } else {
      this.say("Offline, and this browser could not keep a copy: do not close the page.", "error");
    }
  };

  Autosave.prototype.finished = function () {
    this.busy = false;
    if (this.waitingSubmit) {
      var submitter = this.waitingSubmit;
      this.waitingSubmit = null;
      this.form.requestSubmit(submitter === true ? undefined : submitter);
    }
  };

  Autosave.prototype.onSubmit = function (event) {
    if (this.busy) {
      // Wait for the autosave in flight, so this save carries the version it answers.
      event.preventDefault();
      this.waitingSubmit = event.submitter || true;
      return;
    }
    this.stopped = true;
    sessionStorage.setItem(PREFIX + ":submitted", this.key());
  };

  Autosave.prototype.forgetAfterSave = function () {
    var submitted = sessionStorage.getItem(PREFIX + ":submitted");
    sessionStorage.removeItem(PREFIX + ":submitted");
    var success = document.querySelector(".messagelist .success, .messagelist .warning");
    if (submitted && success && !document.querySelector(".errornote")) {
      localStorage.removeItem(submitted);
    }
  };

  Autosave.prototype.offer = function () {
    var raw = localStorage.getItem(this.key());
    var copy = null;
    try {
      copy = raw && JSON.parse(raw);
    } catch (error) {
      copy = null;
    }
    if (!copy || !copy.entries) {
      return;
    }
    var self = this;
    var box = document.getElementById("autosave-offer");
    var text = document.getElementById("autosave-offer-text");
    var time = new Date(copy.savedAt).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    text.textContent = text.dataset.template.replace("{time}", time);
    box.hidden = false;
    this.offerOpen = true;
    document.getElementById("autosave-restore").addEventListener("click", function () {
      self.restore(copy);
      self.closeOffer(box);
      self.say("Restored from this browser: saving…", "saving");
    });
    document.getElementById("autosave-discard").addEventListener("click", function () {
      localStorage.removeItem(self.key());
      self.closeOffer(box);
      self.say("Discarded the copy kept in this browser.", "saved");
    });
  };

  Autosave.prototype.closeOffer = function (box) {
    box.hidden = true;
    this.offerOpen = false;
  };

  Autosave.prototype.restore = function (copy) {
    var values = {};
    copy.entries.forEach(function (entry) {
      (values[entry[0]] = values[entry[0]] || []).push(entry[1]);
    });
    this.form.querySelectorAll("input, textarea, select").forEach(function (field) {
      if (!field.name || field.type === "hidden" || field.type === "file" || SKIPPED.indexOf(field.name) >= 0) {
        return;
      }
      restoreField(field, values[field.name] || [], copy.labels || {});
    });
    if (this.version && copy.version) {
      // Saved against the version the copy was made from: if someone saved since, the
      // next autosave is refused as stale instead of overwriting their changes.
      this.version.value = copy.version;
    }
  };

  function restoreField(field, values, labels) {
    if (field.type === "checkbox" || field.type === "radio") {
      field.checked = values.indexOf(field.value) >= 0;
    } else if (field.tagName === "SELECT") {
      values.forEach(function (value) {
        var known = Array.prototype.some.call(field.options, function (option) { return option.value === value; });
        if (!known) {
          field.add(new Option(labels[field.name + "=" + value] || value, value));
        }
      });
      Array.prototype.forEach.call(field.options, function (option) {
        option.selected = values.indexOf(option.value) >= 0;
      });
      if (window.django && window.django.jQuery) {
        window.django.jQuery(field).trigger("change");
      }
    } else if (values.length) {
      field.value = values[0];
      if (field.name === "body" && bodyEditor) {
        bodyEditor.commands.setContent(values[0]);
      }
    }
    field.dispatchEvent(new Event("input", { bubbles: true }));
  }

  document.addEventListener("DOMContentLoaded", function () {
    var root = document.getElementById("autosave");
    var form = document.getElementById("article_form");
    if (!root || !form || !window.fetch) {
      return;
    }
    var autosave = new Autosave(root, form);
    autosave.forgetAfterSave();
    autosave.offer();
    form.addEventListener("submit", function (event) { autosave.onSubmit(event); });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden" && !autosave.busy && !autosave.stopped && autosave.signature() !== autosave.saved) {
        autosave.send(true);
      }
    });
    window.setInterval(function () { autosave.tick(); }, Number(root.dataset.interval || 4) * 1000);
  });
})();
