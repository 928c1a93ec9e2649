// Steward shortcuts: m = match, n = no match, u = unsure, c = focus the comment box.
(function () {
  "use strict";
  const keys = { m: "btn-match", n: "btn-no_match", u: "btn-unsure" };
  document.addEventListener("keydown", (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const typing = e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement;
    if (typing) {
      if (e.key === "Escape") e.target.blur();
      return;
    }
    if (e.key === "c") {
      const box = document.getElementById("comment");
      if (box) { box.focus(); e.preventDefault(); }
      return;
    }
    const button = document.getElementById(keys[e.key]);
    if (button && !button.disabled) {
      e.preventDefault();
      button.click();
    }
  });
  // One decision at a time: disable the buttons while a decision is in flight.
  document.addEventListener("htmx:beforeRequest", () => {
    document.querySelectorAll(".decide button").forEach((b) => { b.disabled = true; });
  });
})();
