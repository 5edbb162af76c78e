// Treffpunkt scanner page: camera scanning with zxing-wasm, hardware scanners and typed codes.
// Without JavaScript the page still works: the code form and the search post to the server.
"use strict";

(() => {
  const root = document.getElementById("scanner");
  if (!root) return;
  const config = root.dataset;
  const form = document.getElementById("scan-form");
  const codeField = form.querySelector("[name=code]");
  const scopeField = form.querySelector("[name=scope]");
  const doorField = document.getElementById("door");
  const panel = document.getElementById("scan-result");
  const counts = document.getElementById("scan-counts");
  const video = document.getElementById("camera");
  const cameraStatus = document.getElementById("camera-status");
  const toggle = document.getElementById("camera-toggle");
  const DOOR_KEY = "treffpunkt.checkin.door";
  const REPEAT_PAUSE_MS = 4000; // the same code seen again by the camera within this time is ignored
  const FRAME_INTERVAL_MS = 120;

  // --- the door name is remembered on this device -----------------------------------------------------------
  if (doorField) {
    if (!doorField.value && window.localStorage) doorField.value = localStorage.getItem(DOOR_KEY) || "";
    const copyDoor = () => {
      document.querySelectorAll(".door-copy").forEach((input) => { input.value = doorField.value; });
      try { localStorage.setItem(DOOR_KEY, doorField.value); } catch (error) { /* private mode */ }
    };
    doorField.addEventListener("change", copyDoor);
    copyDoor();
  }

  // --- sound: short tones made with WebAudio, no files ---------------------------------------------------------
  let audio = null;
  const unlockAudio = () => {
    if (!audio && window.AudioContext) audio = new AudioContext();
    if (audio && audio.state === "suspended") audio.resume();
  };
  document.addEventListener("pointerdown", unlockAudio, { once: true });
  document.addEventListener("keydown", unlockAudio, { once: true });
  const tones = { ok: [[880, 0.12], [1320, 0.18]], warn: [[660, 0.18], [660, 0.18]], bad: [[220, 0.45]] };
  function beep(tone) {
    if (!audio) return;
    let start = audio.currentTime;
    for (const [frequency, length] of tones[tone] || tones.bad) {
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      oscillator.type = tone === "bad" ? "square" : "sine";
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.25, start);
      gain.gain.exponentialRampToValueAtTime(0.001, start + length);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start(start);
      oscillator.stop(start + length);
      start += length + 0.04;
    }
  }

  // --- showing an answer ---------------------------------------------------------------------------------------
  function paragraph(className, text) {
    const element = document.createElement("p");
    element.className = className;
    element.textContent = text;
    return element;
  }

  // A welcome can be taken back at once (a wrong person, a double scan by hand); the page then reloads.
  function undoForm(answer) {
    const undo = document.createElement("form");
    undo.className = "scan-undo";
    undo.method = "post";
    undo.action = config.undoUrl.replace(/\/0\/undo$/, `/${answer.checkin_id}/undo`);
    const token = document.createElement("input");
    token.type = "hidden";
    token.name = "csrf_token";
    token.value = config.csrf;
    const button = document.createElement("button");
    button.className = "link-button";
    button.type = "submit";
    button.textContent = config.textUndo;
    if (answer.person) {
      const who = document.createElement("span");
      who.className = "visually-hidden";
      who.textContent = `: ${answer.person.name}`;
      button.append(who);
    }
    undo.append(token, button);
    return undo;
  }

  function show(answer) {
    panel.className = `scan-result tone-${answer.tone}`;
    panel.dataset.result = answer.result || "";
    const parts = [paragraph("scan-headline", answer.headline)];
    const person = answer.person;
    if (person) {
      if (answer.result !== "welcome") parts.push(paragraph("scan-name", person.name));
      const where = [person.organisation, person.district].filter(Boolean).join(" · ");
      if (where) parts.push(paragraph("scan-person", where));
      if (person.workshops && person.workshops.length) {
        parts.push(paragraph("scan-workshops", `${config.textWorkshops} ${person.workshops.join(", ")}`));
      }
      for (const line of person.details || []) parts.push(paragraph("scan-detail", line));
    }
    if (answer.explanation) parts.push(paragraph("scan-explanation", answer.explanation));
    if (answer.ok && answer.checkin_id) parts.push(undoForm(answer));
    panel.replaceChildren(...parts);
    // on a phone the code field (and its keyboard) may have pushed the answer out of sight: bring it back
    panel.scrollIntoView({ block: "nearest" });
    void panel.offsetWidth; // restart the flash animation
    panel.classList.add("scan-flash");
    beep(answer.tone);
    if (navigator.vibrate) navigator.vibrate(answer.tone === "ok" ? 80 : [200, 80, 200]);
  }

  let busy = false;
  async function submit(code) {
    if (busy) return;
    busy = true;
    try {
      const response = await fetch(config.scanUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": config.csrf },
        body: JSON.stringify({ code, scope: scopeField ? scopeField.value : "day", device_name: doorField ? doorField.value : "" }),
      });
      const answer = await response.json();
      if (!response.ok) {
        show({ tone: "bad", result: "error", headline: answer.message || config.textError });
      } else {
        show(answer);
        if (counts && answer.counts) counts.textContent = answer.counts;
      }
    } catch (error) {
      show({ tone: "bad", result: "error", headline: config.textError });
    } finally {
      busy = false;
    }
  }

  // Hardware scanners type the code and press Enter in the focused field; people can type it, too.
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const code = codeField.value.trim();
    if (!code) return;
    codeField.value = "";
    submit(code);
    codeField.focus();
  });

  // --- the camera ----------------------------------------------------------------------------------------------
  if (!video || !navigator.mediaDevices || !window.ZXingWASM) {
    if (cameraStatus) cameraStatus.textContent = config.textCameraFailed;
    return;
  }
  ZXingWASM.prepareZXingModule({
    overrides: {
      locateFile: (path, prefix) => (path.endsWith(".wasm") ? config.wasmUrl : prefix + path),
    },
  });
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  const readerOptions = { formats: ["QRCode"], tryHarder: true, maxNumberOfSymbols: 1 };
  let stream = null;
  let timer = null;
  let lastCode = "";
  let lastSeen = 0;

  async function readFrame() {
    timer = null;
    if (!stream) return;
    if (video.readyState >= 2 && video.videoWidth) {
      const scale = Math.min(1, 800 / video.videoWidth);
      canvas.width = Math.round(video.videoWidth * scale);
      canvas.height = Math.round(video.videoHeight * scale);
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      try {
        const results = await ZXingWASM.readBarcodes(context.getImageData(0, 0, canvas.width, canvas.height), readerOptions);
        const found = results.find((result) => result.isValid && result.text);
        const now = Date.now();
        if (found && !busy && (found.text !== lastCode || now - lastSeen > REPEAT_PAUSE_MS)) {
          lastCode = found.text;
          lastSeen = now;
          await submit(found.text);
        } else if (found && found.text === lastCode) {
          lastSeen = now; // still in front of the camera: keep ignoring it
        }
      } catch (error) {
        cameraStatus.textContent = config.textCameraFailed;
      }
    }
    if (stream) timer = window.setTimeout(readFrame, FRAME_INTERVAL_MS);
  }

  async function startCamera() {
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: { ideal: "environment" }, width: { ideal: 1280 }, height: { ideal: 720 } },
        audio: false,
      });
    } catch (error) {
      stream = null;
      cameraStatus.textContent = config.textCameraFailed;
      toggle.textContent = config.textStart;
      toggle.hidden = false;
      return;
    }
    video.srcObject = stream;
    await video.play().catch(() => {});
    cameraStatus.textContent = config.textCameraOn;
    toggle.textContent = config.textStop;
    toggle.hidden = false;
    readFrame();
  }

  function stopCamera() {
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
    if (timer) window.clearTimeout(timer);
    video.srcObject = null;
    cameraStatus.textContent = config.textCameraOff;
    toggle.textContent = config.textStart;
  }

  toggle.addEventListener("click", () => (stream ? stopCamera() : startCamera()));
  startCamera();
})();
