/*
 * Kypseli scan station: one always-focused field for USB/Bluetooth scanners (they type the code
 * and Enter), the phone camera for QR codes (the browser's BarcodeDetector where it exists, jsQR
 * otherwise), and a big answer readable from a metre away, with a sound and a vibration.
 *
 * Markup: templates/core/scan_station.html. The station POSTs JSON
 *   {"code": <text>, "request_id": <uuid>, ...data-extra}
 * to data-endpoint and shows the answer's `display`: {"level": "ok"|"warn"|"bad", "headline", "lines"}.
 * A network failure is retried with the SAME request_id, so the server records a scan only once.
 */
(function () {
  "use strict";

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  let audio = null;
  function beep(level) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      const tones = { ok: [[880, 0.12]], warn: [[660, 0.12], [660, 0.12]], bad: [[220, 0.45]] }[level] || [];
      let t = audio.currentTime;
      for (const [freq, length] of tones) {
        const osc = audio.createOscillator();
        const gain = audio.createGain();
        osc.type = level === "bad" ? "square" : "sine";
        osc.frequency.value = freq;
        gain.gain.value = 0.2;
        osc.connect(gain).connect(audio.destination);
        osc.start(t);
        osc.stop(t + length);
        t += length + 0.08;
      }
    } catch (e) { /* no sound on this device: the colour and text still say it */ }
    if (navigator.vibrate) navigator.vibrate({ ok: 120, warn: [120, 80, 120], bad: [300, 100, 300] }[level] || 0);
  }

  class ScanStation {
    constructor(root) {
      this.root = root;
      this.endpoint = root.dataset.endpoint;
      this.extra = JSON.parse(root.dataset.extra || "{}");
      this.form = root.querySelector("[data-scan-form]");
      this.input = root.querySelector("[data-scan-input]");
      this.result = root.querySelector("[data-scan-result]");
      this.status = root.querySelector("[data-scan-status]");
      this.cameraButton = root.querySelector("[data-scan-camera]");
      this.video = root.querySelector("[data-scan-video]");
      this.messages = JSON.parse(root.dataset.messages || "{}");
      this.lastCode = null;
      this.lastAt = 0;
      this.form.addEventListener("submit", (event) => {
        event.preventDefault();
        const code = this.input.value.trim();
        this.input.value = "";
        if (code) this.scan(code);
        this.focus();
      });
      // Keep the field focused for a USB scanner, but never steal focus from another field.
      document.addEventListener("focusout", () => setTimeout(() => this.refocus(), 0));
      document.addEventListener("click", () => setTimeout(() => this.refocus(), 0));
      if (this.cameraButton) this.cameraButton.addEventListener("click", () => this.toggleCamera());
      this.focus();
    }

    focus() { this.input.focus({ preventScroll: true }); }

    refocus() {
      const active = document.activeElement;
      const busy = active && active !== document.body && active !== this.input &&
        (active.matches("input, select, textarea, [contenteditable]") || active.closest("dialog"));
      if (!busy) this.focus();
    }

    async scan(code, attempt = 0, requestId = uuid()) {
      const now = Date.now();
      if (attempt === 0 && code === this.lastCode && now - this.lastAt < 1500) return; // a double read
      this.lastCode = code;
      this.lastAt = now;
      this.root.setAttribute("aria-busy", "true");
      this.status.textContent = this.messages.checking || "…";
      try {
        const response = await fetch(this.endpoint, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), Accept: "application/json" },
          body: JSON.stringify(Object.assign({}, this.extra, { code: code, request_id: requestId })),
        });
        let body = null;
        try { body = await response.json(); } catch (e) { body = null; }
        if (response.status >= 500 && attempt < 3) throw new Error("server " + response.status);
        this.show(body && body.display ? body.display : {
          level: "bad",
          headline: (body && body.message) || this.messages.error || String(response.status),
          lines: [],
        }, code);
      } catch (error) {
        if (attempt < 3) {
          this.status.textContent = this.messages.retrying || "…";
          setTimeout(() => this.scan(code, attempt + 1, requestId), 400 * (attempt + 1));
          return;
        }
        this.show({ level: "bad", headline: this.messages.offline || "Network error", lines: [] }, code);
      } finally {
        this.root.removeAttribute("aria-busy");
      }
    }

    show(display, code) {
      const level = ["ok", "warn", "bad"].includes(display.level) ? display.level : "bad";
      this.result.className = "scan-result scan-" + level;
      this.result.replaceChildren();
      const headline = document.createElement("p");
      headline.className = "scan-headline";
      headline.textContent = display.headline || "";
      this.result.appendChild(headline);
      if (display.lines && display.lines.length) {
        const list = document.createElement("ul");
        list.className = "scan-lines";
        for (const line of display.lines) {
          const item = document.createElement("li");
          item.textContent = line;
          list.appendChild(item);
        }
        this.result.appendChild(list);
      }
      this.result.dataset.level = level;
      this.result.dataset.code = code;
      this.status.textContent = "";
      beep(level);
      this.focus();
    }

    async toggleCamera() {
      if (this.stream) return this.stopCamera();
      try {
        this.stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
      } catch (error) {
        this.status.textContent = this.messages.noCamera || String(error);
        return;
      }
      this.video.srcObject = this.stream;
      this.video.hidden = false;
      await this.video.play();
      this.cameraButton.setAttribute("aria-pressed", "true");
      this.detector = null;
      if ("BarcodeDetector" in window) {
        try {
          const formats = await window.BarcodeDetector.getSupportedFormats();
          if (formats.includes("qr_code")) this.detector = new window.BarcodeDetector({ formats: ["qr_code", "code_128"] });
        } catch (e) { this.detector = null; }
      }
      this.canvas = this.canvas || document.createElement("canvas");
      this.loop();
    }

    stopCamera() {
      if (this.stream) this.stream.getTracks().forEach((track) => track.stop());
      this.stream = null;
      this.video.hidden = true;
      this.cameraButton.setAttribute("aria-pressed", "false");
      this.focus();
    }

    async loop() {
      if (!this.stream) return;
      let code = null;
      if (this.video.readyState >= 2) {
        if (this.detector) {
          try {
            const found = await this.detector.detect(this.video);
            if (found.length) code = found[0].rawValue;
          } catch (e) { this.detector = null; }
        } else if (window.jsQR) {
          const width = this.video.videoWidth;
          const height = this.video.videoHeight;
          this.canvas.width = width;
          this.canvas.height = height;
          const ctx = this.canvas.getContext("2d", { willReadFrequently: true });
          ctx.drawImage(this.video, 0, 0, width, height);
          const found = window.jsQR(ctx.getImageData(0, 0, width, height).data, width, height, {
            inversionAttempts: "dontInvert",
          });
          if (found) code = found.data;
        }
      }
      if (code && !(code === this.lastCode && Date.now() - this.lastAt < 3000)) this.scan(code);
      setTimeout(() => requestAnimationFrame(() => this.loop()), 120);
    }
  }

  function start() {
    document.querySelectorAll("[data-scan-station]").forEach((root) => {
      if (!root.scanStation) root.scanStation = new ScanStation(root);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
  window.KypseliScanStation = ScanStation;
})();
