/*
 * Kypseli scan station, offline part: a station keeps deciding when the hall's network drops.
 *
 * Loaded by static/js/scan-station.js once the station is ready, for a station with data-offline:
 *   {"kind": "card", "manifest": <url>, "batch": <url>, "scope": <name>, "date": "YYYY-MM-DD",
 *    "timezone": "Europe/Athens", "texts": {...}}
 * Everything that names an endpoint, a key or a text comes from there, so any station (a distribution
 * table, an event door) uses the same machinery with its own `kind` (how codes are read and answered).
 *
 * - The manifest (the day's list: one entry per card, found by a keyed hash of its token, never the
 *   token) is kept in IndexedDB per scope, fetched at start and every POLL_MS with `since`, merged by
 *   entry number (`n`), replaced when the answer is `full`, entries in `removed` dropped; fetched whole
 *   every FULL_MS. A day that is no longer planned, an answer 403/404/410: the copy is deleted.
 * - Local first: while the copy is fresh (updated at most FRESH_MS ago) and the station online, a card
 *   the list knows is answered from it at once (`preview`), and scan-station.js still sends the scan to
 *   the server, whose answer confirms or corrects the one on screen. A card the list does not know, or a
 *   list that is stale or missing: the server answers first, as without this part.
 * - Deciding: when the server does not answer within the short timeout, on a network error, or while
 *   the browser is offline, the answer is built from the manifest with the same texts as online, marked
 *   "offline" (a hatched border and a mark), and the scan goes into the queue with its request id and
 *   the time it was made. A card handed out here is remembered, so a second scan here is refused.
 *   Both use the kind's `answer(station, entry, read, extra, mark)`: what a household gets is decided
 *   there, once (a per-household basket belongs there too).
 * - Sync: the queue is sent in order, at most BATCH scans a request, as soon as the server answers.
 * - Signing out with scans waiting asks first (the sign-out answer clears the site's storage).
 */
(function () {
  "use strict";

  const POLL_MS = 5000;
  const FULL_MS = 10 * 60 * 1000;
  const OLD_MS = 30 * 60 * 1000; // the pre-check warns about a list older than this
  // Local first only with a list updated this recently (six polls): an older one may lack a card
  // collected at another table, so the server answers first.
  const FRESH_MS = 30 * 1000;
  // Queued scans per request: the API takes up to 500; 100 keeps each request short on a weak network
  // (progress shows, and a request cut off costs little: it is sent again with the same request ids).
  const BATCH = 100;
  const FETCH_TIMEOUT_MS = 8000;
  const SYNC_TIMEOUT_MS = 60000;

  /* ---- IndexedDB ------------------------------------------------------------------------------ */
  const DB_NAME = "kypseli-station";
  let dbPromise = null;
  function db() {
    dbPromise = dbPromise || new Promise((resolve, reject) => {
      const open = indexedDB.open(DB_NAME, 1);
      open.onupgradeneeded = () => {
        const base = open.result;
        base.createObjectStore("meta", { keyPath: "scope" }); // version, times, key, baskets, status
        base.createObjectStore("entries", { keyPath: "scope" }); // {scope, entries: [...]}
        base.createObjectStore("queue", { keyPath: "seq", autoIncrement: true }).createIndex("batch", "batch");
        base.createObjectStore("marks", { keyPath: ["scope", "n"] }); // handed out here
        base.createObjectStore("sync", { keyPath: "batch" }); // when the queue was last sent
      };
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => { dbPromise = null; reject(open.error); };
    });
    return dbPromise;
  }
  const done = (request) => new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  async function transact(stores, mode, work) {
    const base = await db();
    // "relaxed": written when the transaction completes (a reload or a crashed tab keeps it), without
    // waiting for the disk's flush on every scan.
    const tx = base.transaction(stores, mode, { durability: "relaxed" });
    const result = work(...stores.map((name) => tx.objectStore(name)));
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
    return result instanceof Promise ? await result : result;
  }
  async function queueOf(batch) {
    return transact(["queue"], "readonly", (queue) => done(queue.index("batch").getAll(batch)));
  }
  async function waitingIn(batch) {
    return transact(["queue"], "readonly", (queue) => done(queue.index("batch").count(batch)));
  }
  async function queueCount() {
    return transact(["queue"], "readonly", (queue) => done(queue.count()));
  }

  /* ---- Small helpers -------------------------------------------------------------------------- */
  function fill(text, values) {
    return String(text || "").replace(/%\((\w+)\)s/g, (all, name) => (name in values ? values[name] : all));
  }
  function plural(forms, count) { return fill(count === 1 ? forms.one : forms.many, { count: count }); }
  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }
  async function fetchWithin(url, options, ms) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), ms);
    try {
      return await fetch(url, Object.assign({ credentials: "same-origin", signal: controller.signal }, options));
    } finally {
      clearTimeout(timer);
    }
  }
  function base64url(bytes) {
    let text = "";
    for (const byte of bytes) text += String.fromCharCode(byte);
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function unbase64url(text) {
    const plain = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4));
    return Uint8Array.from(plain, (c) => c.charCodeAt(0));
  }
  const hex = (buffer) => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");
  function fold(text) {  // for the name search: no accents, no case
    return String(text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  /* ---- Kinds: how a station reads its codes and answers from an entry ------------------------- */
  // A USB scanner on a Greek keyboard layout types the Greek letters on the Latin keys (core.scanning).
  const GREEK = "ΑΒΨΔΕΦΓΗΙΞΚΛΜΝΟΠ:ΡΣΤΘΩ΅ΧΥΖαβψδεφγηιξκλμνοπ;ρστθωςχυζ";
  const LATIN = "ABCDEFGHIJKLMNOPQRSTUVWXYZ".repeat(2);
  function scannedText(text) {
    return Array.from(String(text || ""), (c) => { const i = GREEK.indexOf(c); return i < 0 ? c : LATIN[i]; })
      .join("").toUpperCase().trim();
  }
  const DAMM = ["0317598642", "7092154863", "4206871359", "1750983426", "6123045978", "3674209581",
                "5869720134", "8945362017", "9438617205", "2581436790"];
  function dammOk(digits) {
    let interim = 0;
    for (const c of digits) interim = Number(DAMM[interim][Number(c)]);
    return interim === 0;
  }

  const kinds = {
    /* A household card (distribution.identifiers.parse_code): the QR text KC1-<token>, the bare token
       (Code128), or the card number typed with or without dashes, a leading K. */
    card: {
      live: "planned",
      localFirst: true,
      dated: true,
      id: (entry) => entry.n,
      done: (entry) => entry.r === "already_collected",
      answeredId: (body) => (body.outcome === "collected" && body.household ? body.household.card_number : null),
      parse(code) {
        let text = scannedText(code).replace(/[\s\-_./]+/g, "");
        if (text.length === 19 && text.startsWith("KC1")) text = text.slice(3);
        if (/^[A-Z2-7]{16}$/.test(text)) return { token: text };
        if (text.startsWith("K")) text = text.slice(1);
        if (/^\d{8}$/.test(text) && dammOk(text)) return { id: `${text.slice(0, 4)}-${text.slice(4)}`, number: true };
        return null;
      },
      /* The answer the online scan gives (distribution/services/scans.py), from the entry. */
      answer(station, entry, read, extra, mark) {
        const t = station.texts;
        const refuse = (outcome, lines) => ({ answered: outcome, display: {
          level: "bad", action: t.doNotGive, headline: t.outcomes[outcome] || outcome, lines: lines } });
        if (!entry) return refuse("unknown_card", [t.unknown]);
        if (mark) return refuse("already_collected", [fill(t.alreadyHere, { time: station.clock(mark.at) })]);
        if (entry.r === "already_collected") return refuse("already_collected", [entry.x ? entry.x.message : entry.m]);
        if (entry.r) return refuse(entry.r, [entry.m]);
        const name = entry.f || entry.n;
        const size = fill(entry.s === 1 ? t.sizeOne : t.sizeMany, { n: entry.s });
        const basket = (station.baskets[entry.b] || []).map((line) => `${line.item} × ${station.number(line.quantity)}`);
        const lines = (read.number && !extra.id_checked ? [t.typed] : []).concat(basket.length ? basket : [t.emptyBasket]);
        return { answered: "collected", collected: true,
                 display: { level: "ok", action: t.give, headline: `${name} · ${size}`, lines: lines } };
      },
      /* The name search's rows: first name, card number (digits anywhere in it). */
      matches(entry, query) {
        const digits = query.replace(/\D/g, "");
        if (digits.length >= 2 && digits.length === query.replace(/[\s-]/g, "").length) {
          return entry.n.replace(/\D/g, "").includes(digits);
        }
        return Boolean(entry.f) && fold(entry.f).includes(fold(query));
      },
    },

    /* An event ticket (events.services.door): the code, or a ticket link's last part, in capitals. The
       answers are those of door.door_refusal and door.admitted. */
    ticket: {
      live: "published",
      localFirst: true,
      dated: false,
      id: (entry) => entry.i,
      done: (entry) => entry.r === "already_checked_in",
      answeredId: (body) => (body.outcome === "checked_in" && body.registration ? body.registration.id : null),
      parse(code) {
        let text = String(code || "").trim();
        if (text.includes("/")) text = text.replace(/\/+$/, "").split("/").pop();
        text = scannedText(text);
        return text ? { token: text } : null;
      },
      answer(station, entry, read, extra, mark) {
        const t = station.texts;
        const shown = (answered, level, headline, lines, action) => ({ answered: answered, collected: answered === "checked_in",
          display: Object.assign({ level: level, headline: headline, lines: lines.filter(Boolean) },
                                 action ? { action: action } : {}) });
        if (!entry) return shown("unknown_ticket", "bad", t.unknownTitle, [t.unknown], t.doNotLetIn);
        const places = entry.p > 1 ? fill(t.places, { n: entry.p }) : t.onePlace;
        if (mark) return shown("already_checked_in", "warn", t.alreadyTitle,
                               [entry.n, places, fill(t.alreadyHere, { when: station.clock(mark.at) })]);
        if (entry.r === "cancelled_registration") {
          return shown(entry.r, "bad", t.cancelledTitle, [entry.n, entry.m], t.doNotLetIn);
        }
        if (entry.r === "not_confirmed") return shown(entry.r, "warn", t.notConfirmedTitle, [entry.n, places, entry.m], t.doNotLetIn);
        if (entry.r === "already_checked_in") return shown(entry.r, "warn", t.alreadyTitle, [entry.n, places, entry.m]);
        if (entry.r) return shown(entry.r, "bad", entry.r, [entry.n, entry.m], t.doNotLetIn);
        if (station.meta.admit_from && Date.now() < Date.parse(station.meta.admit_from)) {
          return shown("too_early", "warn", t.tooEarlyTitle,
                       [entry.n, places, fill(t.tooEarly, { when: station.clock(station.meta.admit_from) })], t.doNotLetIn);
        }
        return shown("checked_in", "ok", t.checkedInTitle, [entry.n, places], t.letIn);
      },
      matches(entry, query) { return fold(entry.n).includes(fold(query)); },
    },
  };

  /* ---- One station ---------------------------------------------------------------------------- */
  class OfflineStation {
    constructor(root, widget) {
      this.root = root;
      this.widget = widget;
      this.config = JSON.parse(root.dataset.offline);
      this.texts = this.config.texts || {};
      this.kind = kinds[this.config.kind] || kinds.card;
      this.scope = this.config.scope || this.config.manifest;
      this.timeoutMs = Number(this.config.timeoutMs) || 3000;
      this.zone = this.config.timezone || undefined;
      this.lang = document.documentElement.lang || "el";
      this.meta = null;
      this.entries = [];
      this.byKey = new Map();
      this.byId = new Map();
      this.marks = new Map();
      this.held = new Map(); // answered "give" from the list, the server not yet heard: refused meanwhile
      this.localFirst = this.kind.localFirst === true && this.config.localFirst !== false;
      this.freshMs = Number(this.config.freshMs) || FRESH_MS;
      this.down = false;
      this.closed = false;
      this.modeLine = root.querySelector("[data-offline-mode]");
      this.syncLine = root.querySelector("[data-offline-sync]");
      this.check = root.querySelector("[data-offline-check]");
      this.checkLines = root.querySelector("[data-offline-check-lines]");
      this.checkTitle = root.querySelector("[data-offline-check-title]");
      this.numberFormat = new Intl.NumberFormat(this.lang, { maximumFractionDigits: 3 });
      this.timeFormat = new Intl.DateTimeFormat(this.lang, { hour: "2-digit", minute: "2-digit", hour12: false,
                                                              timeZone: this.zone });
      window.addEventListener("offline", () => this.setDown(true));
      window.addEventListener("online", () => this.poll());
      this.ready = this.load().then(() => this.poll());
      if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});
    }

    number(quantity) { return this.numberFormat.format(Number(quantity)); }
    clock(at) { return this.timeFormat.format(new Date(at)); }
    today() {  // the date in the centre's time zone, as the server counts days
      return new Intl.DateTimeFormat("en-CA", { timeZone: this.zone, year: "numeric", month: "2-digit",
                                                day: "2-digit" }).format(new Date());
    }

    /* Ready to decide: a manifest of a planned day, for today. */
    canDecide() {
      return Boolean(this.meta && this.key && this.meta.status === this.kind.live &&
                     (!this.kind.dated || this.meta.date === this.today()));
    }
    decidesNow() { return this.canDecide() && (this.down || !navigator.onLine); }

    /* Local first: the list may answer before the server while it is fresh and the station online. */
    fresh() {
      return Boolean(this.localFirst && this.canDecide() && !this.decidesNow() && this.meta.fetchedAt &&
                     Date.now() - this.meta.fetchedAt <= this.freshMs);
    }

    setDown(down) {
      if (this.down === down) return;
      this.down = down;
      this.showMode(down ? "offline" : "back");
    }

    /* The server answered a scan: online again; a card it handed out is remembered here too, so that
       if the network drops before the next manifest, a second scan here is still refused. */
    serverAnswered(body) {
      this.setDown(false);
      const id = body ? this.kind.answeredId(body) : null;
      if (id !== null && id !== undefined) this.remember(id, true);
      if (this.waiting) this.sync();
    }

    async remember(n, synced) {
      const mark = { scope: this.scope, n: n, at: Date.now(), synced: synced };
      this.marks.set(n, mark);
      await transact(["marks"], "readwrite", (marks) => marks.put(mark));
    }

    /* ---- The manifest ---- */
    async load() {
      const [meta, stored, marks] = await transact(["meta", "entries", "marks"], "readonly", (m, e, k) =>
        Promise.all([done(m.get(this.scope)), done(e.get(this.scope)),
                     done(k.getAll(IDBKeyRange.bound([this.scope, -Infinity], [this.scope, []])))]));
      for (const mark of marks) this.marks.set(mark.n, mark);
      if (meta && stored) await this.use(meta, stored.entries);
      this.render();
    }

    async use(meta, entries) {
      this.meta = meta;
      this.baskets = meta.baskets || [];
      this.entries = entries;
      this.byKey = new Map();
      this.byId = new Map();
      for (const entry of entries) {
        this.byId.set(this.kind.id(entry), entry);
        if (entry.k) this.byKey.set(entry.k, entry);
      }
      if (!this.key || this.keyText !== meta.key) {
        this.keyText = meta.key;
        this.key = await crypto.subtle.importKey("raw", unbase64url(meta.key), { name: "HMAC", hash: "SHA-256" },
                                                 false, ["sign"]);
      }
    }

    async forget() {
      this.meta = null;
      this.key = null;
      this.entries = [];
      this.byKey = new Map();
      this.byId = new Map();
      this.marks = new Map();
      await transact(["meta", "entries", "marks"], "readwrite", (m, e, k) => {
        m.delete(this.scope);
        e.delete(this.scope);
        k.delete(IDBKeyRange.bound([this.scope, -Infinity], [this.scope, []]));
      });
    }

    async poll() {
      clearTimeout(this.timer);
      if (this.polling) return;
      this.polling = true;
      try {
        await this.fetchManifest();
      } finally {
        this.polling = false;
        if (!this.closed) this.timer = setTimeout(() => this.poll(), POLL_MS);
        this.render();
      }
    }

    async fetchManifest() {
      const meta = this.meta;
      const whole = !meta || Date.now() - (meta.fullAt || 0) > FULL_MS;
      const url = this.config.manifest + (whole ? "" : `?since=${meta.version}`);
      let response;
      try {
        response = await fetchWithin(url, { headers: { Accept: "application/json" } }, FETCH_TIMEOUT_MS);
      } catch (error) {
        this.setDown(true);
        return;
      }
      if ([403, 404, 410].includes(response.status)) {
        this.setDown(false);
        this.closed = response.status !== 403;
        await this.forget();
        return;
      }
      if (!response.ok) { this.unauthorised = response.status === 401; return; }
      let body;
      try { body = await response.json(); } catch (error) { return; }
      this.unauthorised = false;
      this.setDown(false);
      if (body.status !== this.kind.live) {
        this.closed = true;
        await this.forget();
        return;
      }
      await this.merge(body);
      this.sync();
    }

    async merge(body) {
      const now = Date.now();
      let entries = this.entries;
      const changed = body.full || body.entries.length > 0 || body.removed.length > 0;
      const baskets = body.full ? body.baskets || [] : ((this.meta && this.meta.baskets) || []).slice();
      if (body.full) {
        entries = body.entries;
      } else if (changed) {
        // A delta's basket indexes point into its own `baskets`: map them onto the kept list.
        const known = new Map(baskets.map((basket, index) => [JSON.stringify(basket), index]));
        const index = (body.baskets || []).map((basket) => {
          const text = JSON.stringify(basket);
          if (!known.has(text)) { known.set(text, baskets.length); baskets.push(basket); }
          return known.get(text);
        });
        for (const entry of body.entries) if (entry.b !== undefined && entry.b !== null) entry.b = index[entry.b];
        const byId = new Map(entries.map((entry) => [this.kind.id(entry), entry]));
        for (const id of body.removed) byId.delete(id);
        for (const entry of body.entries) byId.set(this.kind.id(entry), entry);
        entries = Array.from(byId.values());
      }
      const meta = {
        scope: this.scope, url: this.config.manifest, day: body.day, date: body.date, status: body.status,
        admit_from: body.admit_from,
        version: body.version, key: body.key, fetchedAt: now,
        fullAt: body.full ? now : (this.meta && this.meta.fullAt) || now,
        baskets: baskets, count: entries.length,
      };
      // A mark is no longer needed once the server's list says the card collected; handed-out marks that
      // were sent are dropped on a whole list (it holds them, or a coordinator cancelled the collection).
      // An update with nothing new (most of them, every 5 s) keeps the maps: no work that a scan would wait on.
      if (changed || this.keyText !== meta.key) await this.use(meta, entries);
      else this.meta = meta;
      const stale = [];
      for (const [n, mark] of this.marks) {
        if (!mark.synced) continue;
        const entry = this.byId.get(n);
        if ((entry && this.kind.done(entry)) || (body.full && now - mark.at > 2 * 60 * 1000)) stale.push(n);
      }
      for (const n of stale) this.marks.delete(n);
      await transact(["meta", "entries", "marks"], "readwrite", (m, e, k) => {
        m.put(meta);
        if (changed) e.put({ scope: this.scope, entries: entries });
        for (const n of stale) k.delete([this.scope, n]);
      });
    }

    /* ---- Deciding ---- */
    async find(read) {
      if (!read) return null;
      if (read.id !== undefined) return this.byId.get(read.id) || null;
      const tokenHash = hex(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(read.token)));
      const signed = await crypto.subtle.sign("HMAC", this.key, new TextEncoder().encode(tokenHash));
      return this.byKey.get(base64url(new Uint8Array(signed).slice(0, 16))) || null;
    }

    async answerFor(code, extra) {
      const read = this.kind.parse(code);
      const entry = await this.find(read);
      const id = entry ? this.kind.id(entry) : null;
      const mark = entry ? this.marks.get(id) || this.held.get(id) || null : null;
      return Object.assign({ id: id, known: Boolean(entry) }, this.kind.answer(this, entry, read || {}, extra || {}, mark));
    }

    /* The answer from a fresh list, before the server's: null for a card the list does not know. A card
       answered "give" is held until the server answers (settle), so a second scan meanwhile is refused. */
    async preview(code, requestId, extra) {
      const local = await this.answerFor(code, extra);
      if (!local.known) return null;
      if (local.collected) this.held.set(local.id, { n: local.id, at: Date.now(), request_id: requestId });
      return Object.assign(local, { requestId: requestId });
    }

    /* Does the server say what the list said: the same outcome, the same level? */
    agrees(local, body) {
      const display = (body && body.display) || {};
      return Boolean(body && body.outcome === local.answered && display.level === local.display.level);
    }

    /* The server answered (serverAnswered keeps a card it handed out) or did not (decide keeps it). */
    settle(local) {
      const held = this.held.get(local.id);
      if (held && held.request_id === local.requestId) this.held.delete(local.id);
    }

    /* The answer from the manifest; the scan goes into the queue before it is shown. `local`: the answer
       already on screen (local first), which stands and is queued as it was shown. */
    async decide(code, requestId, extra, local = null) {
      this.setDown(true);
      const answer = local || await this.answerFor(code, extra);
      const madeAt = new Date();
      const item = {
        batch: this.config.batch, scope: this.scope, request_id: requestId, madeAt: madeAt.getTime(),
        body: Object.assign({}, extra, { code: code, request_id: requestId, made_at: madeAt.toISOString(),
                                         offline: true, answered: answer.answered }),
      };
      const newMark = answer.collected ?
        { scope: this.scope, n: answer.id, at: madeAt.getTime(), synced: false, request_id: requestId } : null;
      if (newMark) this.marks.set(newMark.n, newMark);
      await transact(["queue", "marks"], "readwrite", (queue, marks) => {
        queue.add(item);
        if (newMark) marks.put(newMark);
      });
      this.waiting = (this.waiting || 0) + 1;
      this.showWaiting();
      return Object.assign({ offline: this.texts.offlineMark }, answer.display);
    }

    /* ---- Sync ---- */
    sync() {
      if (this.syncing) return this.syncing;
      const run = () => this.sendQueue();
      this.syncing = (navigator.locks ? navigator.locks.request("kypseli-sync", run) : run())
        .catch(() => {}).finally(() => { this.syncing = null; this.render(); });
      return this.syncing;
    }

    async sendQueue() {
      let size = BATCH;
      for (;;) {
        const items = (await queueOf(this.config.batch)).slice(0, size);
        if (!items.length) return;
        let response;
        try {
          response = await fetchWithin(this.config.batch, {
            method: "POST",
            headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken(),
                       "Accept-Language": this.lang },
            body: JSON.stringify({ [this.config.batchKey || "scans"]: items.map((item) => item.body) }),
          }, SYNC_TIMEOUT_MS);
        } catch (error) {
          this.setDown(true);
          return;
        }
        if (response.status === 401 || response.status === 403) { this.unauthorised = true; return; }
        if (response.status === 400 || response.status === 422) {
          // One scan the server cannot read stops no other: send them one by one, drop the unreadable one.
          if (size > 1) { size = 1; continue; }
          await this.drop(items);
          continue;
        }
        if (!response.ok) return;
        const body = await response.json();
        const answered = new Set((body.results || []).map((result) => result.request_id));
        await this.drop(items.filter((item) => answered.has(item.request_id)));
        this.setDown(false);
        this.sent = (this.sent || 0) + answered.size;
        const now = Date.now();
        await transact(["sync", "marks"], "readwrite", (sync, marks) => {
          sync.put({ batch: this.config.batch, at: now });
          for (const mark of this.marks.values()) {
            if (!mark.synced && answered.has(mark.request_id)) { mark.synced = true; marks.put(mark); }
          }
        });
        this.lastSync = now;
        this.render();  // how many still wait, after each request
        if (answered.size < items.length) return;  // the server answered for fewer: try again later
      }
    }

    async drop(items) {
      await transact(["queue"], "readwrite", (queue) => { for (const item of items) queue.delete(item.seq); });
    }

    /* ---- What the volunteer sees ---- */
    showMode(mode) {
      if (!this.modeLine) return;
      clearTimeout(this.modeTimer);
      this.modeLine.hidden = mode === "online";
      this.modeLine.dataset.mode = mode;
      this.modeLine.textContent = mode === "offline" ? this.texts.modeOffline : this.texts.modeBack;
      this.root.classList.toggle("station-offline", mode === "offline");
      if (mode === "back") this.modeTimer = setTimeout(() => this.showMode("online"), 4000);
    }

    async render() {
      const [waiting, last] = await Promise.all([
        waitingIn(this.config.batch).catch(() => 0),
        transact(["sync"], "readonly", (sync) => done(sync.get(this.config.batch))).catch(() => null)]);
      this.waiting = waiting;
      this.lastSync = last ? last.at : null;
      this.showWaiting();
      this.renderCheck(waiting);
    }

    showWaiting() {
      if (!this.syncLine) return;
      const t = this.texts;
      const waiting = this.waiting || 0;
      let text = waiting ? plural(t.waiting, waiting) : t.nothingWaits;
      if (this.lastSync) text += " · " + fill(t.lastSync, { time: this.clock(this.lastSync) });
      if (this.unauthorised && waiting) text += " · " + t.signInAgain;
      this.syncLine.textContent = text;
      this.syncLine.dataset.waiting = String(waiting);
    }

    async renderCheck(waiting) {
      if (!this.checkLines) return;
      const t = this.texts;
      const lines = [];
      const meta = this.meta;
      const listOk = this.canDecide();
      if (meta) {
        const minutes = Math.floor((Date.now() - meta.fetchedAt) / 60000);
        lines.push([listOk && minutes * 60000 < OLD_MS, fill(t.listLoaded, {
          count: this.entries.length, time: this.clock(meta.fetchedAt), minutes: minutes })]);
        if (minutes * 60000 >= OLD_MS) lines.push([false, fill(t.listOld, { minutes: OLD_MS / 60000 })]);
      } else {
        lines.push([false, this.closed ? t.dayClosed : t.listMissing]);
      }
      lines.push([waiting === 0, waiting ? plural(t.waiting, waiting) : t.nothingWaits]);
      const storage = await this.storage();
      lines.push([storage.ok, storage.text]);
      this.checkLines.replaceChildren(...lines.map(([ok, text]) => {
        const item = document.createElement("li");
        item.className = ok ? "check-ok" : "check-bad";
        item.textContent = (ok ? "✔ " : "⚠ ") + text;
        return item;
      }));
      const ready = lines.every(([ok]) => ok);
      this.check.dataset.ready = String(ready);
      if (this.checkTitle) this.checkTitle.textContent = `${t.checkTitle} ${ready ? "✔ " + t.ready : "⚠ " + t.notReady}`;
    }

    async storage() {
      const t = this.texts;
      if (!navigator.storage || !navigator.storage.estimate) return { ok: true, text: t.storageUnknown };
      if (!this.storageAt || Date.now() - this.storageAt > 60000) {
        this.storageAt = Date.now();
        const estimate = await navigator.storage.estimate().catch(() => null);
        const kept = navigator.storage.persisted ? await navigator.storage.persisted().catch(() => false) : false;
        this.storageInfo = estimate ? { free: Math.floor((estimate.quota - estimate.usage) / 1e6), kept: kept } : null;
      }
      const info = this.storageInfo;
      if (!info) return { ok: true, text: t.storageUnknown };
      return { ok: info.free >= 20, text: fill(info.kept ? t.storageKept : t.storageMayGo, { free: info.free }) };
    }

    /* The name search on the manifest, when the server cannot answer it. */
    search(query, target) {
      const t = this.texts;
      const rows = query.trim().length < 2 ? [] :
        this.entries.filter((entry) => this.kind.matches(entry, query.trim())).slice(0, 20);
      const note = document.createElement("p");
      note.className = "offline-search-note";
      note.textContent = rows.length ? t.searchOffline : t.noMatch;
      const list = document.createElement("ul");
      list.className = "offline-results";
      for (const entry of rows) {
        const item = document.createElement("li");
        const name = document.createElement("strong");
        name.textContent = entry.f || entry.n;
        item.appendChild(name);
        const size = entry.s ? " · " + fill(entry.s === 1 ? t.sizeOne : t.sizeMany, { n: entry.s }) : "";
        item.appendChild(document.createTextNode(`${size} · ${fill(t.cardNumber, { number: entry.n })}`));
        if (entry.c && entry.c.length) {
          const who = document.createElement("span");
          who.className = "offline-collectors";
          who.textContent = fill(t.collectors, { names: entry.c.join(", ") });
          item.appendChild(who);
        }
        const button = document.createElement("button");
        button.type = "button";
        button.className = "secondary";
        button.dataset.record = "";
        button.dataset.code = entry.n;
        button.textContent = t.record;
        item.appendChild(button);
        list.appendChild(item);
      }
      target.replaceChildren(note, list);
    }
  }

  /* The name search answers from the manifest while the station is offline, or when its request fails. */
  function searchOffline(form) {
    const root = document.querySelector("[data-scan-station][data-offline]");
    const offline = root && root.scanStation && root.scanStation.offline;
    const target = document.querySelector(form.dataset.offlineSearch);
    if (!offline || !target || !offline.canDecide()) return false;
    const field = form.querySelector("input[type=search]");
    offline.search(field ? field.value : "", target);
    return true;
  }
  document.addEventListener("submit", (event) => {
    const form = event.target.closest && event.target.closest("form[data-offline-search]");
    if (!form) return;
    const root = document.querySelector("[data-scan-station][data-offline]");
    const offline = root && root.scanStation && root.scanStation.offline;
    if (offline && offline.decidesNow() && searchOffline(form)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
  for (const name of ["htmx:sendError", "htmx:timeout"]) {
    document.addEventListener(name, (event) => {
      const form = event.target.closest && event.target.closest("form[data-offline-search]");
      if (form) searchOffline(form);
    });
  }

  /* Signing out deletes what the browser keeps for the site: with scans waiting, send them first, and
     ask before losing those that could not be sent. */
  document.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!form.matches || !form.matches("form[data-sign-out]") || form.dataset.confirmed) return;
    event.preventDefault();
    const root = document.querySelector("[data-scan-station][data-offline]");
    const offline = root && root.scanStation && root.scanStation.offline;
    if (offline) await offline.sync();
    const waiting = await queueCount().catch(() => 0);
    const texts = offline ? offline.texts : null;
    if (waiting && texts && !window.confirm(plural(texts.signOutWaiting, waiting))) return;
    form.dataset.confirmed = "true";
    form.submit();
  }, true);

  function start() {
    document.querySelectorAll("[data-scan-station][data-offline]").forEach((root) => {
      const widget = root.scanStation;
      if (widget && !widget.offline) widget.offline = new OfflineStation(root, widget);
    });
  }

  window.KypseliOffline = { start: start, kinds: kinds, OfflineStation: OfflineStation, queueCount: queueCount };
  start();
})();
