// Steward shortcuts: m match, n no match, u unsure, j next (skip), z undo, c focus the comment box.
(function () {
  "use strict";
  const keys = { m: "btn-match", n: "btn-no_match", u: "btn-unsure" };

  function flash(text, kind) {
    const box = document.getElementById("flash");
    if (!box) return;
    box.innerHTML = "";
    const div = document.createElement("div");
    div.className = "confirm " + (kind || "");
    div.id = "flash-message";
    div.textContent = text;
    box.appendChild(div);
  }

  function reload(skip) {
    const url = "/ui/review" + (skip ? "?skip=" + encodeURIComponent(skip) : "");
    return htmx.ajax("GET", url, { target: "#review", swap: "innerHTML" });
  }

  function next() {
    const item = document.getElementById("item");
    if (!item) return;
    const skip = (item.dataset.skip ? item.dataset.skip.split(",") : []).concat([item.dataset.item]);
    document.getElementById("flash").innerHTML = "";
    reload(skip.join(","));
  }

  async function undo() {
    const confirm = document.getElementById("confirm");
    if (!confirm) { flash("Nothing to undo", "undone"); return; }
    const id = confirm.dataset.item;
    const res = await fetch("/review/" + encodeURIComponent(id) + "/undo", {
      method: "POST", credentials: "same-origin", headers: { Accept: "application/json" },
    });
    if (!res.ok) { flash("Undo failed (" + res.status + ")", "no_match"); return; }
    const body = await res.json();
    await reload("");
    flash("Undone: " + (body.undone || "no verdict").replace("_", " ") + " on item " + body.item_id, "undone");
  }

  // A key sends the verdict through htmx itself rather than clicking the button: right after a
  // swap htmx may not have processed the new form yet, and a click then would post the plain
  // form and reload the page without the confirmation.
  function decide(verdict) {
    const form = document.getElementById("decide");
    if (!form) return;
    const values = {
      verdict: verdict,
      skip: form.elements.skip ? form.elements.skip.value : "",
      comment: form.elements.comment ? form.elements.comment.value : "",
    };
    form.querySelectorAll("button").forEach((b) => { b.disabled = true; });
    htmx.ajax("POST", form.getAttribute("action"), { target: "#review", swap: "innerHTML", values: values });
  }

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
    if (e.key === "j" || e.key === "ArrowRight") { e.preventDefault(); next(); return; }
    if (e.key === "z") { e.preventDefault(); undo(); return; }
    const button = document.getElementById(keys[e.key]);
    if (button && !button.disabled) {
      e.preventDefault();
      decide(button.value);
    }
  });
  document.addEventListener("click", (e) => {
    if (!(e.target instanceof Element)) return;
    if (e.target.closest("#btn-next")) next();
    if (e.target.closest("#btn-undo")) undo();
  });
  // One decision at a time: disable the buttons while a decision is in flight.
  document.addEventListener("htmx:beforeRequest", () => {
    document.querySelectorAll(".decide button").forEach((b) => { b.disabled = true; });
  });
  // A new decision replaces an older "undone" message.
  document.addEventListener("htmx:afterSwap", () => {
    if (document.getElementById("confirm")) document.getElementById("flash").innerHTML = "";
  });
})();
