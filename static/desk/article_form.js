// The article form's safety net: autosave of the typing every few seconds to the user's
// own autosave row, a warning before leaving with unsaved changes, and the publish
// button's wording ("Publish now" / "Schedule for …") following the date field.
// Loaded in the page's head (the admin's form media): it starts once the form exists.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  const INTERVAL = 3000; // ms between checks for new typing
  const form = document.getElementById("article_form");
  const anchor = document.getElementById("desk-autosave");
  if (!form || !anchor) return;

  // The form as the browser would post it, without files, the token and buttons.
  function snapshot() {
    const data = {};
    for (const [name, value] of new FormData(form).entries()) {
      if (typeof value !== "string" || name === "csrfmiddlewaretoken") continue;
      if (name in data) data[name] = [].concat(data[name], value);
      else data[name] = value;
    }
    return data;
  }

  function csrfToken() {
    const input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  let saved = null; // the last snapshot kept (or loaded), as JSON
  let submitting = false;
  const status = document.createElement("p");
  status.className = "desk-autosave-status help";
  status.setAttribute("aria-live", "polite");
  anchor.after(status);

  function save() {
    const current = JSON.stringify(snapshot());
    if (current === saved || submitting) return;
    fetch(anchor.dataset.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: current,
    })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (answer) {
        saved = current;
        status.textContent = "Autosaved at " + answer.saved_at + " (not yet saved to the article).";
        form.dataset.autosaved = answer.saved_at;
      })
      .catch(function () {
        status.textContent = "Autosave failed: save the form to keep your changes.";
      });
  }

  // The body editor fills its field after the page loads: take the first snapshot then.
  window.addEventListener("load", function () {
    setTimeout(function () {
      saved = JSON.stringify(snapshot());
      form.dataset.autosaveReady = "1";
      setInterval(save, INTERVAL);
    }, 500);
  });

  form.addEventListener("submit", function () {
    submitting = true;
  });
  window.addEventListener("beforeunload", function (event) {
    if (submitting || saved === null) return;
    if (JSON.stringify(snapshot()) !== saved || form.dataset.autosaved) {
      // Typing kept by autosave is still not saved to the article.
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // One date field for publication: the button says what it will do.
  const date = form.querySelector("input[name=publish_at_0]");
  const time = form.querySelector("input[name=publish_at_1]");
  const buttons = form.querySelectorAll("button.workflow-publish, button.workflow-publish_direct");
  function relabel() {
    const when = date && date.value ? (date.value + " " + (time && time.value ? time.value : "")).trim() : "";
    const future = when && new Date(when.replace(" ", "T")) > new Date();
    buttons.forEach(function (button) {
      button.textContent = future ? "Schedule for " + when : "Publish now";
    });
  }
  if (date && buttons.length) {
    ["input", "change", "blur"].forEach(function (kind) {
      date.addEventListener(kind, relabel);
      if (time) time.addEventListener(kind, relabel);
    });
    setInterval(relabel, 1000); // the calendar and clock widgets set values without events
    relabel();
  }
});
