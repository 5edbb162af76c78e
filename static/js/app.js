// Treffpunkt: small progressive enhancements; every page works without them.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // Buttons that need a second thought: <button data-confirm="Really?">.
  document.querySelectorAll("[data-confirm]").forEach((element) => {
    const form = element.closest("form");
    if (!form) return;
    form.addEventListener("submit", (event) => {
      if (event.submitter === element && !window.confirm(element.dataset.confirm)) {
        event.preventDefault();
      }
    });
  });
  // Move focus to the error summary so keyboard and screen reader users hear it first.
  const summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
});
