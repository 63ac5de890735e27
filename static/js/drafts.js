// Keep what a user types in a form marked data-draft="<name>" as a draft in this browser until
// the server has it. The draft survives a reload, leaving the page and an ended session: the page
// puts it back next time. A status line says "Saved" or "Unsaved changes", and leaving the page
// with unsaved changes asks first. Without JavaScript the forms work as plain forms.
(function () {
  "use strict";
  var PREFIX = "mleprep:draft:";
  var KEEP_DAYS = 30;
  var PAUSE_MS = 400;
  var scope = document.body && document.body.dataset.draftScope;
  var storage = null;
  try {
    storage = window.localStorage;
    storage.getItem(PREFIX);
  } catch (error) {
    storage = null;
  }
  if (!scope || !storage) return;

  var forms = [];
  var leaving = false;
  var submitting = null;

  function keyOf(form) {
    return PREFIX + scope + ":" + form.dataset.draft;
  }

  function load(key) {
    try {
      return JSON.parse(storage.getItem(key));
    } catch (error) {
      return null;
    }
  }

  function store(key, value) {
    try {
      storage.setItem(key, JSON.stringify(value));
      return true;
    } catch (error) {
      return false; // Storage full or refused: the page still warns before leaving.
    }
  }

  function tracked(form) {
    return Array.prototype.filter.call(form.elements, function (element) {
      if (!element.name || element.disabled) return false;
      if (element.name === "csrfmiddlewaretoken") return false;
      return ["hidden", "submit", "button", "reset", "file", "password"].indexOf(element.type) < 0;
    });
  }

  // The form's values as {name: value or [values]}, in document order.
  function read(form) {
    var values = {};
    tracked(form).forEach(function (element) {
      if (element.type === "checkbox") {
        values[element.name] = values[element.name] || [];
        if (element.checked) values[element.name].push(element.value);
      } else if (element.type === "radio") {
        if (!(element.name in values)) values[element.name] = "";
        if (element.checked) values[element.name] = element.value;
      } else if (element.multiple) {
        values[element.name] = Array.prototype.filter
          .call(element.options, function (option) { return option.selected; })
          .map(function (option) { return option.value; });
      } else {
        values[element.name] = element.value;
      }
    });
    return values;
  }

  function write(form, values) {
    tracked(form).forEach(function (element) {
      if (!(element.name in values)) return;
      var value = values[element.name];
      if (element.type === "checkbox") {
        element.checked = [].concat(value).indexOf(element.value) >= 0;
      } else if (element.type === "radio") {
        element.checked = element.value === value;
      } else if (element.multiple) {
        Array.prototype.forEach.call(element.options, function (option) {
          option.selected = [].concat(value).indexOf(option.value) >= 0;
        });
      } else {
        element.value = value;
      }
    });
  }

  // Compared as the server keeps text: line ends as \n, no surrounding whitespace (Django strips
  // it), so a saved draft never reads as different from what was saved.
  function normal(values) {
    var out = {};
    Object.keys(values || {}).forEach(function (name) {
      var value = values[name];
      out[name] = Array.isArray(value)
        ? value.slice().sort()
        : String(value).replace(/\r\n?/g, "\n").trim();
    });
    return out;
  }

  function same(a, b) {
    return JSON.stringify(normal(a)) === JSON.stringify(normal(b));
  }

  function blank(values) {
    return Object.keys(values).every(function (name) {
      return [].concat(values[name]).join("").trim() === "";
    });
  }

  function dirty(form) {
    return form.draftBase === null || !same(read(form), form.draftBase);
  }

  function say(form, text, restored) {
    form.draftStatus.textContent = text;
    form.draftStatus.dataset.state = text ? (dirty(form) ? "unsaved" : "saved") : "";
    form.draftDiscard.hidden = !restored;
  }

  function describe(form) {
    if (dirty(form)) return "Unsaved changes (a draft is kept in this browser)";
    return blank(form.draftBase) ? "" : "Saved";
  }

  // A draft older than the saved text: say so, and let the user choose.
  function offer(form, draft) {
    form.draftRestore.hidden = false;
    form.draftDiscard.hidden = false;
    form.draftStatus.textContent =
      "You have an unsaved draft from " + when(draft.at) + ", but this was saved since. " +
      "The form shows the saved version.";
    form.draftStatus.dataset.state = "unsaved";
  }

  function remember(form) {
    window.clearTimeout(form.draftTimer);
    form.draftTimer = null;
    var key = keyOf(form);
    if (dirty(form)) {
      store(key, { fields: read(form), base: form.draftBase, at: Date.now() });
    } else {
      storage.removeItem(key);
    }
    say(form, describe(form), !form.draftDiscard.hidden && dirty(form));
  }

  function when(stamp) {
    var date = new Date(stamp);
    return isNaN(date) ? "earlier" : date.toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
  }

  function start(form) {
    if (form.draftReady) return;
    form.draftReady = true;
    // A form the server sent back unsaved (an error, or text kept over a login) is unsaved as it
    // stands; otherwise what the page shows is what the server has.
    form.draftBase = form.hasAttribute("data-draft-unsaved") ? null : read(form);

    var status = document.createElement("p");
    status.className = "draft-status small";
    status.setAttribute("role", "status");
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "link-button small";
    discard.textContent = "Discard draft";
    discard.hidden = true;
    var restore = document.createElement("button");
    restore.type = "button";
    restore.className = "link-button small";
    restore.textContent = "Restore draft";
    restore.hidden = true;
    var bar = document.createElement("div");
    bar.className = "draft-bar";
    bar.append(status, restore, discard);
    var submit = form.querySelector("[type=submit]");
    if (submit) submit.insertAdjacentElement("afterend", bar);
    else form.append(bar);
    form.draftStatus = status;
    form.draftDiscard = discard;
    form.draftRestore = restore;
    forms.push(form);

    var draft = load(keyOf(form));
    var base = form.draftBase;
    if (base === null) {
      // The server's copy of the unsaved text is the newest: keep it as the draft.
      remember(form);
    } else if (draft && draft.fields && !same(draft.fields, base)) {
      if (draft.base && !same(draft.base, base)) {
        // Saved elsewhere since the draft began (another tab, another device, an import): the
        // saved text stays in the form, and the draft is offered, never forced over it.
        offer(form, draft);
      } else {
        write(form, draft.fields);
        say(form, "Restored your unsaved draft from " + when(draft.at) + ". Save to keep it.", true);
      }
    } else {
      if (draft) storage.removeItem(keyOf(form)); // The server has it: the draft was saved.
      say(form, describe(form), false);
    }

    restore.addEventListener("click", function () {
      var draft = load(keyOf(form));
      if (draft && draft.fields) write(form, draft.fields);
      restore.hidden = true;
      remember(form);
      say(form, "Restored your draft. Save to keep it, or discard it.", true);
    });
    discard.addEventListener("click", function () {
      restore.hidden = true;
      write(form, form.draftBase);
      storage.removeItem(keyOf(form));
      say(form, describe(form), false);
      var first = tracked(form)[0];
      if (first) first.focus();
    });
    form.addEventListener("input", function () {
      window.clearTimeout(form.draftTimer);
      form.draftTimer = window.setTimeout(function () { remember(form); }, PAUSE_MS);
    });
    form.addEventListener("change", function () { remember(form); });
    form.addEventListener("submit", function () {
      remember(form);
      submitting = form;
    });
  }

  function startAll(root) {
    if (root.matches && root.matches("form[data-draft]")) start(root);
    if (root.querySelectorAll) root.querySelectorAll("form[data-draft]").forEach(start);
  }

  function forget() {
    // The page says which drafts its server saved (a message after a redirect).
    document.querySelectorAll("[data-saved-draft]").forEach(function (element) {
      storage.removeItem(PREFIX + scope + ":" + element.dataset.savedDraft);
    });
    var cutoff = Date.now() - KEEP_DAYS * 24 * 60 * 60 * 1000;
    for (var i = storage.length - 1; i >= 0; i--) {
      var key = storage.key(i);
      if (!key || key.indexOf(PREFIX) !== 0) continue;
      var draft = load(key);
      if (!draft || !draft.at || draft.at < cutoff) storage.removeItem(key);
    }
  }

  forget();
  startAll(document);

  // Logging out on purpose: this browser may be shared, so the user's drafts go with them.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-logout]")) return;
    var unsaved = forms.some(function (other) {
      return document.contains(other) && dirty(other);
    });
    if (unsaved && !window.confirm("You have unsaved changes. Log out and lose them?")) {
      event.preventDefault();
      return;
    }
    var mine = PREFIX + scope + ":";
    for (var i = storage.length - 1; i >= 0; i--) {
      var key = storage.key(i);
      if (key && key.indexOf(mine) === 0) storage.removeItem(key);
    }
    leaving = true;
  });

  if (window.htmx) {
    document.body.addEventListener("htmx:load", function (event) { startAll(event.target); });
    document.body.addEventListener("htmx:afterRequest", function (event) {
      var form = event.detail.elt && event.detail.elt.closest && event.detail.elt.closest("form[data-draft]");
      var xhr = event.detail.xhr;
      if (xhr && xhr.getResponseHeader("HX-Redirect")) leaving = true; // The draft is kept.
      if (form && submitting === form) submitting = null;
      if (!form || !event.detail.successful || !xhr || xhr.getResponseHeader("HX-Redirect")) return;
      storage.removeItem(keyOf(form));
      forms = forms.filter(function (other) { return other !== form; });
    });
  }

  window.addEventListener("beforeunload", function (event) {
    forms.forEach(function (form) {
      if (form.draftTimer) remember(form);
    });
    if (leaving) return;
    var unsaved = forms.some(function (form) {
      return form !== submitting && document.contains(form) && dirty(form);
    });
    submitting = null;
    if (unsaved) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
