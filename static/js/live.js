// Pages that update themselves (the check-in overview): every few seconds the page is fetched again and the parts
// marked data-live-part are replaced. A checkbox stops it (WCAG 2.2.2); a hidden tab does not ask.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const control = document.querySelector("[data-live-interval]");
  if (!control) return;
  const toggle = control.querySelector("input[type=checkbox]");
  const seconds = Number(control.dataset.liveInterval) || 20;
  control.hidden = false;

  async function refresh() {
    if (!toggle.checked || document.hidden) return;
    try {
      const response = await fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } });
      if (!response.ok) return;
      const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
      document.querySelectorAll("[data-live-part]").forEach((part) => {
        const replacement = fresh.getElementById(part.id);
        if (!replacement) return;
        // keep what the reader opened (the table beside the chart)
        const opened = [...part.querySelectorAll("details")].map((details) => details.open);
        replacement.querySelectorAll("details").forEach((details, index) => { details.open = Boolean(opened[index]); });
        part.replaceWith(document.importNode(replacement, true));
      });
    } catch (error) {
      // no connection for a moment: the next round tries again
    }
  }

  window.setInterval(refresh, seconds * 1000);
});
