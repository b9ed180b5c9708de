// Keyboard shortcuts for the coding form. Progressive enhancement: without this file every
// checkbox, radio and the save button work the same, so nothing here is required.
(function () {
  "use strict";
  var form = document.getElementById("coding-form");
  if (!form) return;
  var help = document.getElementById("shortcut-help");
  var status = document.getElementById("coding-status");
  var addTheme = document.getElementById("add-theme");
  var POLARITY = { b: "barrier", f: "facilitator", n: "neutral" };

  Array.prototype.forEach.call(document.querySelectorAll("[data-js-only]"), function (el) {
    el.hidden = false;
  });

  function rows() { return Array.prototype.slice.call(form.querySelectorAll(".theme-choice")); }
  function box(row) { return row.querySelector("input[type=checkbox]"); }
  function label(row) { return row.getAttribute("data-label"); }
  function say(message) { if (status) status.textContent = message; }

  function currentRow() {
    var el = document.activeElement;
    return el && el.closest ? el.closest(".theme-choice") : null;
  }

  function focusRow(row) {
    if (!row) return;
    box(row).focus();
    row.scrollIntoView({ block: "nearest" });
  }

  function move(step) {
    var all = rows();
    var row = currentRow();
    if (!row) {
      // Start where the decision is: the engine's first proposal, else the first theme.
      focusRow(form.querySelector(".theme-choice.proposed") || all[0]);
      return;
    }
    var next = all.indexOf(row) + step;
    focusRow(all[Math.max(0, Math.min(all.length - 1, next))]);
  }

  function changed(input) { input.dispatchEvent(new Event("change", { bubbles: true })); }

  function toggle(row) {
    var input = box(row);
    input.checked = !input.checked;
    changed(input);
    say((input.checked ? "Ticked: " : "Unticked: ") + label(row));
  }

  function setPolarity(row, value) {
    var radio = row.querySelector("input[type=radio][value=" + value + "]");
    if (!radio) return;
    radio.checked = true;
    changed(radio);
    // A polarity only means something on a ticked theme, so giving one ticks it.
    if (!box(row).checked) { box(row).checked = true; changed(box(row)); }
    say(label(row) + ": " + value);
  }

  function nextUnticked() {
    var all = rows();
    var start = all.indexOf(currentRow());
    for (var i = 1; i <= all.length; i++) {
      var row = all[(start + i + all.length) % all.length];
      if (!box(row).checked) return row;
    }
    return null;
  }

  function save() {
    var button = document.getElementById("save-coding");
    if (form.requestSubmit) form.requestSubmit(button); else button.click();
  }

  function showHelp() {
    if (help && help.showModal && !help.open) help.showModal();
  }

  function typing(el) {
    if (!el) return false;
    if (el.isContentEditable || el.tagName === "TEXTAREA" || el.tagName === "SELECT") return true;
    if (el.tagName !== "INPUT") return false;
    return ["checkbox", "radio", "button", "submit", "reset"].indexOf(el.type) === -1;
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.isComposing) return;
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
      event.preventDefault();
      save();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target) || (help && help.open)) return;
    var onRadio = event.target.type === "radio";
    var row = currentRow();
    var key = event.key;
    if (key === "j" || key === "k" || ((key === "ArrowDown" || key === "ArrowUp") && !onRadio)) {
      move(key === "j" || key === "ArrowDown" ? 1 : -1);
    } else if ((key === "a" || key === "x") && row) {
      toggle(row);
    } else if (POLARITY[key] && row) {
      setPolarity(row, POLARITY[key]);
    } else if (key === "t") {
      if (addTheme && !addTheme.closest("[hidden]")) addTheme.focus();
      else focusRow(nextUnticked());
    } else if (key === "s") {
      save();
    } else if (key === "?") {
      showHelp();
    } else {
      return;
    }
    event.preventDefault();
  });

  if (addTheme) {
    addTheme.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { addTheme.value = ""; move(1); return; }
      if (event.key !== "Enter" || event.ctrlKey || event.metaKey) return;
      event.preventDefault(); // Enter here picks a theme; it must not send the form
      var wanted = addTheme.value.trim().toLowerCase();
      if (!wanted) return;
      var all = rows();
      var row = all.filter(function (r) { return label(r).toLowerCase() === wanted; })[0] ||
        all.filter(function (r) { return label(r).toLowerCase().indexOf(wanted) !== -1; })[0];
      if (!row) { say("No theme called " + addTheme.value); return; }
      if (!box(row).checked) { box(row).checked = true; changed(box(row)); }
      addTheme.value = "";
      focusRow(row);
      say("Ticked: " + label(row));
    });
  }

  // After a refused save, start at the list of problems, whose links lead to each theme.
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();

  var button = document.getElementById("show-shortcuts");
  if (button) button.addEventListener("click", showHelp);
})();
