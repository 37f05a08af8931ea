/* The "Search and sharing" preview on the article page: as the editor types, shows the
   search result and the social card readers will get, the defaults (the article's title,
   summary and hero image) standing in for empty fields, and a character count against the
   lengths search results show. Loaded as a file, so the admin's script policy allows it. */
(function () {
  "use strict";

  function field(name) {
    return document.getElementById("id_" + name);
  }

  function plain(text) {
    return (text || "").replace(/\s+/g, " ").trim();
  }

  function shorten(text, length) {
    if (text.length <= length) {
      return text;
    }
    var cut = text.slice(0, length - 1);
    var space = cut.lastIndexOf(" ");
    return (space > length / 2 ? cut.slice(0, space) : cut).replace(/[ ,;:.]+$/, "") + "…";
  }

  function addCounter(input, limit) {
    var counter = document.createElement("p");
    counter.className = "seo-counter";
    counter.id = "seo-counter-" + input.name;
    counter.setAttribute("data-testid", counter.id);
    counter.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", counter);
    input.setAttribute("aria-describedby", [input.getAttribute("aria-describedby"), counter.id].filter(Boolean).join(" "));
    return function () {
      var used = plain(input.value).length;
      counter.textContent = used + " / " + limit + (used > limit ? " characters: search results may cut the rest" : " characters");
      counter.classList.toggle("seo-counter--over", used > limit);
    };
  }

  function start(preview) {
    var data = preview.dataset;
    var inputs = {
      title: field("title"),
      summary: field("summary"),
      searchTitle: field("search_title"),
      description: field("meta_description"),
      image: field("social_image")
    };
    var titleLength = Number(data.titleLength);
    var descriptionLength = Number(data.descriptionLength);
    var counters = [];
    if (inputs.searchTitle) {
      counters.push(addCounter(inputs.searchTitle, titleLength));
    }
    if (inputs.description) {
      counters.push(addCounter(inputs.description, descriptionLength));
    }

    function value(input) {
      return input ? plain(input.value) : "";
    }

    function render() {
      var defaultTitle = value(inputs.title) || data.defaultTitle;
      var defaultDescription = value(inputs.summary) || data.defaultDescription;
      if (inputs.searchTitle) {
        inputs.searchTitle.placeholder = defaultTitle;
      }
      if (inputs.description) {
        inputs.description.placeholder = shorten(defaultDescription, descriptionLength);
      }
      var title = value(inputs.searchTitle) || defaultTitle;
      var description = shorten(value(inputs.description) || defaultDescription, descriptionLength);
      document.getElementById("seo-preview-title").textContent = shorten(title + " · " + data.siteName, titleLength + 10);
      document.getElementById("seo-preview-description").textContent = description;
      document.getElementById("seo-preview-card-title").textContent = title;
      document.getElementById("seo-preview-card-description").textContent = description;
      counters.forEach(function (update) { update(); });
    }

    function showImage(url) {
      var image = document.getElementById("seo-preview-image");
      image.hidden = !url;
      document.getElementById("seo-preview-no-image").hidden = Boolean(url);
      if (url) {
        image.src = url;
      }
    }

    [inputs.title, inputs.summary, inputs.searchTitle, inputs.description].forEach(function (input) {
      if (input) {
        input.addEventListener("input", render);
      }
    });
    if (inputs.image) {
      inputs.image.addEventListener("change", function () {
        var file = inputs.image.files && inputs.image.files[0];
        if (!file) {
          return;
        }
        // A data: URL, which the admin's image policy allows (blob: URLs it does not).
        var reader = new FileReader();
        reader.addEventListener("load", function () { showImage(reader.result); });
        reader.readAsDataURL(file);
      });
    }
    render();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var preview = document.getElementById("seo-preview");
    if (preview) {
      start(preview);
    }
  });
})();
