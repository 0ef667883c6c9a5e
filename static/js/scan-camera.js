/*
 * Kypseli: reading codes with the camera, for the scan station (static/js/scan-station.js) and the camera
 * buttons of other pages' fields. Fetched by scan-station.js when a camera is first wanted, never in a
 * page's first load: the browser's BarcodeDetector where it exists (Android Chrome), otherwise ZXing (npm
 * @zxing/library, ~100 KB, fetched only then; its address: data-zxing on this script).
 */
(function () {
  "use strict";

  const ZXING_SRC = document.currentScript && document.currentScript.dataset.zxing;
  let zxingLoading = null;
  function loadZXing() {
    if (window.ZXing || !ZXING_SRC) return Promise.resolve(window.ZXing);
    zxingLoading = zxingLoading || new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = ZXING_SRC;
      script.onload = () => resolve(window.ZXing);
      script.onerror = () => { zxingLoading = null; reject(new Error("ZXing")); };
      document.head.appendChild(script);
    });
    return zxingLoading;
  }

  /* Reads codes from the camera (BarcodeDetector, or ZXing on frames copied to a canvas): QR codes,
     Code128 labels and EAN/UPC codes of donated products. */
  class CameraReader {
    constructor(video, onCode) {
      this.video = video;
      this.onCode = onCode;
      this.running = false;
    }

    async start() {
      this.stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
      this.video.srcObject = this.stream;
      this.video.hidden = false;
      await this.video.play();
      this.running = true;
      this.detector = null;
      if ("BarcodeDetector" in window) {
        try {
          const wanted = ["qr_code", "code_128", "ean_13", "ean_8", "upc_a"];
          const formats = (await window.BarcodeDetector.getSupportedFormats()).filter((f) => wanted.includes(f));
          if (formats.includes("qr_code")) this.detector = new window.BarcodeDetector({ formats: formats });
        } catch (e) { this.detector = null; }
      }
      if (!this.detector) {
        try { await loadZXing(); } catch (error) { this.stop(); throw error; }
      }
      if (!this.detector && window.ZXing) {
        const Z = window.ZXing;
        const hints = new Map();
        hints.set(Z.DecodeHintType.POSSIBLE_FORMATS, [Z.BarcodeFormat.QR_CODE, Z.BarcodeFormat.CODE_128,
          Z.BarcodeFormat.EAN_13, Z.BarcodeFormat.EAN_8, Z.BarcodeFormat.UPC_A]);
        this.zxing = new Z.MultiFormatReader();
        this.zxing.setHints(hints);
      }
      this.canvas = this.canvas || document.createElement("canvas");
      this.loop();
    }

    stop() {
      if (this.stream) this.stream.getTracks().forEach((track) => track.stop());
      this.stream = null;
      this.running = false;
      this.video.hidden = true;
    }

    async read() {
      if (this.video.readyState < 2) return null;
      if (this.detector) {
        try {
          const found = await this.detector.detect(this.video);
          return found.length ? found[0].rawValue : null;
        } catch (e) { this.detector = null; }
      }
      if (!this.zxing) return null;
      const Z = window.ZXing;
      this.canvas.width = this.video.videoWidth;
      this.canvas.height = this.video.videoHeight;
      this.canvas.getContext("2d", { willReadFrequently: true }).drawImage(this.video, 0, 0);
      try {
        const bitmap = new Z.BinaryBitmap(new Z.HybridBinarizer(new Z.HTMLCanvasElementLuminanceSource(this.canvas)));
        return this.zxing.decodeWithState(bitmap).getText();
      } catch (e) {
        return null; // no code in this frame
      }
    }

    async loop() {
      if (!this.running) return;
      const code = await this.read();
      if (code) this.onCode(code);
      setTimeout(() => requestAnimationFrame(() => this.loop()), 120);
    }
  }

  window.KypseliCameraReader = CameraReader;
})();
