/*
 * Kypseli scan station: one always-focused field for USB/Bluetooth scanners (they type the code
 * and Enter), the phone camera (the browser's BarcodeDetector where it exists, ZXing otherwise), and a big answer readable from a metre away, with a sound and a vibration.
 *
 * Markup: templates/core/scan_station.html. The station POSTs JSON
 *   {"code": <text>, "request_id": <uuid>, ...data-extra}
 * to data-endpoint and shows the answer's `display`: {"level": "ok"|"warn"|"bad", "headline", "lines"}.
 * A network failure, a timeout, 429 or 5xx is retried with the SAME request_id, so the server records a
 * scan only once; when it still fails, the station says "not recorded" (never a refusal's red) and one tap
 * sends it again with that id.
 *
 * A station with data-offline also decides alone when the server does not answer in time or the browser
 * is offline (static/js/station-offline.js, loaded once the station is ready: `this.offline`), with the
 * same request id, so a scan the server did record is not recorded twice when the queue is sent.
 *
 * Local first, server-confirmed: while that part's copy of the day's list is fresh and knows the card, its
 * answer is on screen at once, marked "being confirmed", and the scan goes to the server as always. The
 * server agrees: the mark says "confirmed". It does not: the screen turns to the server's answer under
 * «The answer changed», with its own sound and vibration. No answer: the local one stands, queued, marked
 * offline. Only the card on screen is ever changed: a later answer for an earlier card is said in the alert
 * line above the answer (and in the last cards), never on the next card's screen.
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
      // "net" (not recorded) falls in pitch: unlike any answer, so the ear tells it from a refusal.
      // "changed" (the server corrected the answer on screen): three low, long notes, like no other.
      const tones = { ok: [[880, 0.12]], warn: [[660, 0.12], [660, 0.12]], bad: [[220, 0.45]],
                      net: [[523, 0.1], [392, 0.1], [294, 0.2]],
                      changed: [[196, 0.3], [196, 0.3], [196, 0.3]] }[level] || [];
      let t = audio.currentTime;
      for (const [freq, length] of tones) {
        const osc = audio.createOscillator();
        const gain = audio.createGain();
        osc.type = { bad: "square", net: "triangle", changed: "sawtooth" }[level] || "sine";
        osc.frequency.value = freq;
        gain.gain.value = 0.2;
        osc.connect(gain).connect(audio.destination);
        osc.start(t);
        osc.stop(t + length);
        t += length + 0.08;
      }
    } catch (e) { /* no sound on this device: the colour and text still say it */ }
    if (navigator.vibrate) {
      navigator.vibrate({ ok: 120, warn: [120, 80, 120], bad: [300, 100, 300], net: [80, 60, 80, 60, 80],
                          changed: [500, 120, 500, 120, 500] }[level] || 0);
    }
  }

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  /* Reading codes with the camera (static/js/scan-camera.js: the reader, and ZXing where the browser has no
     BarcodeDetector) is fetched when a camera is first wanted (or a moment after a station is ready), not
     in the first load, where every byte delays the first card on a slow network (their addresses: data-camera,
     data-zxing on this script). */
  const CAMERA_SRC = document.currentScript && document.currentScript.dataset.camera;
  const ZXING_SRC = document.currentScript && document.currentScript.dataset.zxing;
  // Station pages leave htmx out of their first load (it is most of their bytes on a slow network) and
  // take it once the station is ready to scan.
  const HTMX_SRC = document.currentScript && document.currentScript.dataset.htmx;
  const OFFLINE_SRC = document.currentScript && document.currentScript.dataset.offlineSrc;
  const WORKER_SRC = document.currentScript && document.currentScript.dataset.worker;
  let cameraLoading = null;
  function loadCamera() {
    if (window.KypseliCameraReader) return Promise.resolve(window.KypseliCameraReader);
    cameraLoading = cameraLoading || new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = CAMERA_SRC;
      script.dataset.zxing = ZXING_SRC || "";
      script.onload = () => resolve(window.KypseliCameraReader);
      script.onerror = () => { cameraLoading = null; script.remove(); reject(new Error("camera")); };
      document.head.appendChild(script);
    });
    return cameraLoading;
  }

  function fill(template, code) { return (template || "%(code)s").replace("%(code)s", code); }

  /*
   * Answer levels: ok / warn / bad are the server's answers; "pending" (the card is being checked) and
   * "net" (the server could not be reached: nothing was recorded) are the station's own, each with its own
   * colour, icon and sound, so a failure to reach the server never looks like a refusal.
   */
  class ScanStation {
    constructor(root) {
      this.root = root;
      this.endpoint = root.dataset.endpoint;
      this.extra = JSON.parse(root.dataset.extra || "{}");
      this.form = root.querySelector("[data-scan-form]");
      this.input = root.querySelector("[data-scan-input]");
      this.result = root.querySelector("[data-scan-result]");
      this.status = root.querySelector("[data-scan-status]");
      this.recent = root.querySelector("[data-scan-recent]");
      this.cameraButton = root.querySelector("[data-scan-camera]");
      this.video = root.querySelector("[data-scan-video]");
      this.alert = root.querySelector("[data-scan-alert]");
      this.messages = JSON.parse(root.dataset.messages || "{}");
      // One attempt waits at most this long (a hanging connection must not leave "checking" up).
      this.timeoutMs = Number(root.dataset.timeoutMs) || 6000;
      this.attempts = Number(root.dataset.attempts) || 3;
      this.lastCode = null;
      this.lastAt = 0;
      this.current = 0; // the number of the scan whose state the answer area shows
      this.offline = null; // set by station-offline.js on a station with data-offline
      this.form.addEventListener("submit", (event) => {
        event.preventDefault();
        const code = this.input.value.trim();
        this.input.value = "";
        if (code) this.scan(code);
        this.focus();
      });
      // Keep the field focused for a USB scanner, but never steal focus from another field, nor from the
      // control Tab moved to (that would trap the keyboard): the focus comes back when it went nowhere, or to
      // what Tab never stops at (the content after a #main link).
      document.addEventListener("focusout", (event) => {
        if (!event.relatedTarget || event.relatedTarget.tabIndex < 0) setTimeout(() => this.refocus(), 0);
      });
      document.addEventListener("click", () => setTimeout(() => this.refocus(), 0));
      if (this.cameraButton) this.cameraButton.addEventListener("click", () => this.toggleCamera());
      root.addEventListener("click", (event) => {
        const button = event.target.closest("[data-resend]");
        if (button && root.contains(button)) this.scan(button.dataset.code, button.dataset.resend);
        if (event.target.closest("[data-scan-alert-close]")) this.alert.hidden = true;
      });
      this.focus();
    }

    focus() { this.input.focus({ preventScroll: true }); }

    refocus() {
      const active = document.activeElement;
      const busy = active && active !== document.body && active !== this.input &&
        (active.matches("input, select, textarea, [contenteditable]") || active.closest("dialog"));
      if (!busy) this.focus();
    }

    /* Scan a code. `requestId` is given when a volunteer resends a scan that did not reach the server:
       the same id, so the server records it at most once. */
    async scan(code, requestId = null) {
      const now = Date.now();
      if (!requestId && code === this.lastCode && now - this.lastAt < 1500) return; // a double read
      this.lastCode = code;
      this.lastAt = now;
      requestId = requestId || uuid();
      const number = ++this.current;
      // From Enter on, the answer area shows this card only: never the last family's answer.
      this.render({ level: "pending", headline: fill(this.messages.checkingCode, code), lines: [] }, code, false);
      this.root.setAttribute("aria-busy", "true");
      const offline = this.offline;
      // Offline already (no network, or the server did not answer the last time): decide at once.
      const alone = Boolean(offline && offline.decidesNow());
      // Local first: a fresh list that knows the card answers now; the server confirms or corrects it.
      const local = !alone && offline && offline.fresh() ? await offline.preview(code, requestId, this.extra) : null;
      if (local && number === this.current) {
        this.root.removeAttribute("aria-busy");
        this.render(Object.assign({ confirm: "pending" }, local.display), code, true);
      }
      const online = alone ? null : await this.send(code, requestId, number);
      if (number === this.current) this.root.removeAttribute("aria-busy");
      let display;
      let changed = false;
      if (offline && (!online || online.failed) && offline.canDecide()) {
        display = await offline.decide(code, requestId, this.extra, local);
      } else if (!online || online.failed) {
        display = { level: "net", headline: this.messages.notRecorded || "Not recorded: scan again",
                    lines: [fill(this.messages.cardCode, code)], resend: requestId };
      } else {
        const body = online.body;
        display = body && body.display ? body.display : {
          level: "bad", headline: (body && body.message) || this.messages.error || String(online.status), lines: [],
        };
        if (local) {
          changed = !offline.agrees(local, body);
          display = Object.assign({ confirm: changed ? "changed" : "confirmed" }, display);
        }
      }
      if (local) offline.settle(local);
      this.remember(code, display, requestId);
      if (number === this.current) {
        // A local answer was heard already: again only when it changed.
        this.render(display, code, !local || changed);
        this.status.textContent = "";
      } else if (changed) {
        this.alertEarlier(code, display);
      }
      // After the answer is on screen: the server answered, so the station is online (and sends its queue).
      if (offline && online && !online.failed) offline.serverAnswered(online.body);
      return display;
    }

    /* The server corrected the answer of a card no longer on screen: the card on screen stays as it is;
       the alert line above it names the earlier card and the server's answer, until it is closed. */
    alertEarlier(code, display) {
      beep("changed");
      if (!this.alert) return;
      const text = this.alert.querySelector("[data-scan-alert-text]");
      text.textContent = fill(this.messages.changedEarlier, code)
        .replace("%(answer)s", [display.action, display.headline].filter(Boolean).join(" · "));
      this.alert.className = "scan-alert scan-alert-" + (display.level || "bad");
      this.alert.dataset.code = code;
      this.alert.hidden = false;
    }

    /* POST with a timeout per attempt. A network failure, a timeout, 429 and 5xx are tried again with
       the same request id, waiting what the server's Retry-After asks (at most 5 s), else a little longer
       each time. Gives {status, body} or {failed: true}. */
    async send(code, requestId, number) {
      // A station that can decide alone waits once, for its short timeout, then decides.
      const alone = this.offline && this.offline.canDecide();
      const attempts = alone ? 1 : this.attempts;
      const timeoutMs = alone ? this.offline.timeoutMs : this.timeoutMs;
      for (let attempt = 1; ; attempt++) {
        const controller = new AbortController();
        const timer = setTimeout(() => controller.abort(), timeoutMs);
        let response = null;
        let body = null;
        try {
          response = await fetch(this.endpoint, {
            method: "POST",
            credentials: "same-origin",
            signal: controller.signal,
            headers: {
              "Content-Type": "application/json", "X-CSRFToken": csrfToken(), Accept: "application/json",
              // The answer in the page's language, not the phone's.
              "Accept-Language": document.documentElement.lang || "el",
            },
            body: JSON.stringify(Object.assign({}, this.extra, { code: code, request_id: requestId })),
          });
          try { body = await response.json(); } catch (e) { body = null; }
        } catch (error) {
          response = null;
        } finally {
          clearTimeout(timer);
        }
        const again = !response || response.status === 429 || response.status >= 500;
        if (!again) return { status: response.status, body: body };
        if (attempt >= attempts) return { failed: true };
        let wait = 400 * attempt;
        const asked = response && Number(response.headers.get("Retry-After"));
        if (asked > 0) wait = Math.min(asked * 1000, 5000);
        if (number === this.current) this.status.textContent = this.messages.retrying || "…";
        await sleep(wait);
      }
    }

    render(display, code, sound) {
      const known = ["ok", "warn", "bad", "pending", "net"];
      const level = known.includes(display.level) ? display.level : "bad";
      const confirm = ["pending", "confirmed", "changed"].includes(display.confirm) ? display.confirm : "";
      this.result.className = "scan-result scan-" + level + (display.offline ? " scan-offline" : "") +
        (confirm === "changed" ? " scan-changed" : "");
      this.result.replaceChildren();
      if (confirm === "changed") {  // the server's answer replaced the one shown: first, unmissable
        const notice = document.createElement("p");
        notice.className = "scan-changed-notice";
        notice.textContent = this.messages.changed || "The answer changed";
        this.result.appendChild(notice);
      }
      if (display.offline) {  // decided on this device: a hatched border and this mark, whatever the colour
        const mark = document.createElement("p");
        mark.className = "scan-offline-mark";
        mark.textContent = display.offline;
        this.result.appendChild(mark);
      }
      if (display.action) {  // the word the volunteer acts on ("Δώστε"), first and largest
        const action = document.createElement("p");
        action.className = "scan-action";
        action.textContent = display.action;
        this.result.appendChild(action);
      }
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
      if (confirm === "pending" || confirm === "confirmed") {  // discreet: below the answer
        const mark = document.createElement("p");
        mark.className = "scan-confirm scan-confirm-" + confirm;
        mark.textContent = confirm === "pending" ? this.messages.confirming : this.messages.confirmed;
        this.result.appendChild(mark);
      }
      if (display.resend) this.result.appendChild(this.resendButton(code, display.resend));
      this.result.dataset.level = level;
      this.result.dataset.offline = display.offline ? "true" : "false";
      this.result.dataset.confirm = confirm;
      this.result.dataset.code = code;
      if (sound) beep(confirm === "changed" ? "changed" : level);
      this.focus();
    }

    resendButton(code, requestId) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "scan-resend";
      button.dataset.resend = requestId;
      button.dataset.code = code;
      button.textContent = fill(this.messages.resend, code);
      return button;
    }

    /* The last few cards and how each ended, so an answer that arrives after the next card was scanned
       is still seen, and a scan that never reached the server can be sent again from there. */
    remember(code, display, requestId) {
      if (!this.recent) return;
      const item = document.createElement("li");
      item.className = "scan-recent-" + (display.level || "bad");
      const changed = display.confirm === "changed" ? (this.messages.changed || "") + ": " : "";
      item.textContent = `${code}: ${changed}${[display.action, display.headline].filter(Boolean).join(" · ")}` +
        (display.offline ? " · " + display.offline : "");
      if (display.resend) item.appendChild(this.resendButton(code, requestId));
      for (const old of this.recent.querySelectorAll(`[data-resend="${requestId}"]`)) old.closest("li").remove();
      this.recent.prepend(item);
      while (this.recent.children.length > 5) this.recent.lastElementChild.remove();
    }

    async toggleCamera() {
      if (this.camera && this.camera.running) {
        this.camera.stop();
        this.cameraButton.setAttribute("aria-pressed", "false");
        this.focus();
        return;
      }
      try {
        const CameraReader = await loadCamera();
        this.camera = this.camera || new CameraReader(this.video, (code) => {
          if (!(code === this.lastCode && Date.now() - this.lastAt < 3000)) this.scan(code);
        });
        await this.camera.start();
        this.cameraButton.setAttribute("aria-pressed", "true");
      } catch (error) {
        this.status.textContent = this.messages.noCamera || String(error);
      }
    }
  }

  /* A camera button for any form field: <button data-camera-fill="#field-id"> and a <video> after it.
     A code read fills the field and submits its form, exactly as a USB scanner would. */
  function startCameraButtons() {
    document.querySelectorAll("[data-camera-fill]").forEach((button) => {
      if (button.cameraWired) return;
      const video = document.querySelector(button.dataset.cameraVideo || "video[data-camera-video]");
      if (!video) return;
      button.cameraWired = true;
      let last = null;
      let lastAt = 0;
      const onCode = (code) => {
        if (code === last && Date.now() - lastAt < 3000) return;
        // Looked up on each read: htmx may have replaced the field since the camera started.
        const field = document.querySelector(button.dataset.cameraFill);
        if (!field) return;
        last = code;
        lastAt = Date.now();
        field.value = code;
        if (field.form) field.form.requestSubmit();
      };
      button.addEventListener("click", async () => {
        if (button.cameraReader && button.cameraReader.running) {
          button.cameraReader.stop();
          button.setAttribute("aria-pressed", "false");
          return;
        }
        try {
          const CameraReader = await loadCamera();
          button.cameraReader = button.cameraReader || new CameraReader(video, onCode);
          await button.cameraReader.start();
          button.setAttribute("aria-pressed", "true");
        } catch (error) {
          button.setAttribute("aria-pressed", "false");
        }
      });
    });
  }

  function start() {
    document.querySelectorAll("[data-scan-station]").forEach((root) => {
      if (!root.scanStation) root.scanStation = new ScanStation(root);
    });
    startCameraButtons();
    if (!window.htmx && HTMX_SRC && !document.querySelector("script[data-htmx-later]")) {
      // After "load": htmx added between DOMContentLoaded and "load" would wait for a DOMContentLoaded
      // that never comes again, and never start.
      afterLoad(() => addScript(HTMX_SRC, "htmxLater"));
    }
    // The offline part and the service worker come a moment after the station is ready to scan, so that
    // the first card never waits for them (nor, on 3G, for the files the worker keeps).
    if (OFFLINE_SRC && !window.KypseliOffline && document.querySelector("[data-scan-station][data-offline]") &&
        !document.querySelector("script[data-offline-later]")) {
      afterLoad(() => addScript(OFFLINE_SRC, "offlineLater"), LATER_MS);
    } else if (window.KypseliOffline) {
      window.KypseliOffline.start();
    }
    // A station's camera reader is fetched a moment after the offline part (a scanner needs neither).
    if (CAMERA_SRC && document.querySelector("[data-scan-station] [data-scan-camera]")) {
      afterLoad(() => loadCamera().catch(() => {}), 3 * LATER_MS);
    }
    // The service worker keeps the station's files and page, so that it opens with no network.
    if (WORKER_SRC && "serviceWorker" in navigator && window.isSecureContext) {
      afterLoad(() => navigator.serviceWorker.register(WORKER_SRC, { scope: "/" })
        .then(() => navigator.serviceWorker.ready)
        .then((registration) => registration.active && registration.active.postMessage({ keep: location.href }))
        .catch(() => {}), 2 * LATER_MS);
    }
  }

  const LATER_MS = 1000;
  function afterLoad(run, delay = 0) {
    const later = () => (delay ? setTimeout(run, delay) : run());
    if (document.readyState === "complete") later();
    else window.addEventListener("load", later, { once: true });
  }

  function addScript(src, flag) {
    const script = document.createElement("script");
    script.src = src;
    script.dataset[flag] = "";
    document.head.appendChild(script);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
  document.addEventListener("htmx:afterSettle", start);
  window.KypseliScanStation = ScanStation;
})();
