// Certificates: live preview while the organiser edits a batch, and progress of a batch being rendered.
// Both pages work without this file (preview button; a link that reloads the page).
"use strict";

const BUSY = ["rendering", "packing"]; // a batch in these states is still being worked on

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("batch-form");
  if (form) livePreview(form);
  const status = document.getElementById("batch-status");
  if (status && BUSY.includes(status.dataset.status)) pollProgress(status);
});

function livePreview(form) {
  const image = document.getElementById("preview-image");
  const message = document.getElementById("preview-status");
  let timer = null;
  let running = null;
  let lastUrl = null;

  async function refresh() {
    if (running) running.abort();
    running = new AbortController();
    message.textContent = message.dataset.busy || "…";
    try {
      const response = await fetch(form.dataset.previewUrl, {
        method: "POST",
        body: new FormData(form),
        signal: running.signal,
        headers: { Accept: "image/png, application/json" },
      });
      if (response.ok) {
        const blob = await response.blob();
        if (lastUrl) URL.revokeObjectURL(lastUrl);
        lastUrl = URL.createObjectURL(blob);
        image.src = lastUrl;
        image.hidden = false;
        message.textContent = "";
      } else {
        const data = await response.json().catch(() => ({ errors: [response.statusText] }));
        message.textContent = (data.errors || []).join(" ");
      }
    } catch (error) {
      if (error.name !== "AbortError") message.textContent = String(error);
    }
  }

  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 700);
  };
  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
}

function pollProgress(section) {
  const bar = document.getElementById("batch-progress");
  const text = document.getElementById("batch-progress-text");
  const label = document.getElementById("batch-status-label");
  const situation = document.getElementById("batch-situation");
  async function poll() {
    try {
      const response = await fetch(section.dataset.progressUrl, { headers: { Accept: "application/json" } });
      const data = await response.json();
      bar.max = data.total || 1;
      bar.value = data.progress;
      bar.textContent = data.progress;
      text.textContent = text.textContent.replace(/\d+(\D+)\d+/, `${data.progress}$1${data.total}`);
      label.textContent = data.status_label;
      situation.textContent = data.situation; // waiting for the worker, interrupted, resumed
      if (data.status !== section.dataset.status) {
        window.location.reload(); // shows the download that is ready now
        return;
      }
    } catch (error) {
      // a missed poll is retried below
    }
    setTimeout(poll, 1000);
  }
  setTimeout(poll, 1000);
}
