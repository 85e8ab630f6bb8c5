/*
 * Clinic chat widget: a launcher button and a chat panel that talk to the assistant over
 * Rasa's socket.io channel. A page embeds it with a `window.ClinicChat = {...}` config object
 * and one <script> tag; the build bundles socket.io-client in front of this file, as `io`.
 *
 * Message data is only ever inserted with textContent, never as HTML.
 */
(function () {
  "use strict";

  if (window.__clinicChatLoaded) {
    return;
  }
  window.__clinicChatLoaded = true;

  var script = document.currentScript;
  var ASSET_BASE = script && script.src ? new URL(".", script.src).href : "";
  var HISTORY_LIMIT = 200;
  var TYPING_TIMEOUT_MS = 30000;
  // A vote on an answer (bot/channels/feedback.py): the values the server takes, and how its
  // refusal of a second vote on an answer reads.
  var VOTES = ["helpful", "not_helpful"];
  var ALREADY_VOTED = /already/i;

  // Interface labels only; every reply and the disclaimer come from the server.
  var DEFAULTS = {
    serverUrl: "",
    socketPath: "/socket.io/",
    configUrl: ASSET_BASE ? ASSET_BASE + "config.json" : "",
    stylesheetUrl: ASSET_BASE ? ASSET_BASE + "clinic-chat.css" : "",
    clinicName: "",
    title: "",
    disclaimer: "",
    greetingPayload: "/greeting",
    storageKey: "clinic-chat",
    lang: "en",
    position: "right",
    colors: {
      primary: "#0b5394",
      onPrimary: "#ffffff",
      surface: "#ffffff",
      text: "#1f2328",
      muted: "#4a5560",
      botBubble: "#eef1f4",
      link: "#0b5394"
    },
    strings: {
      launcher: "Chat with us",
      close: "Close chat",
      placeholder: "Type your question",
      inputLabel: "Your question",
      send: "Send",
      typing: "The assistant is typing",
      connecting: "Connecting…",
      reconnecting: "Connection lost. Reconnecting…",
      suggestions: "Suggested questions",
      you: "You:",
      assistant: "Assistant:",
      newTab: "(opens in a new tab)",
      rejected: "That message could not be sent:",
      feedbackQuestion: "Was this answer helpful?",
      helpful: "Helpful",
      notHelpful: "Not helpful",
      feedbackThanks: "Thanks for your feedback.",
      feedbackFailed: "Your feedback could not be sent:"
    }
  };

  // The labels in the other language the assistant answers in; the page's <html lang> (or the
  // config's `lang`) picks them, then the language of the assistant's replies.
  var STRINGS = {
    es: {
      launcher: "Chatee con nosotros",
      close: "Cerrar el chat",
      placeholder: "Escriba su pregunta",
      inputLabel: "Su pregunta",
      send: "Enviar",
      typing: "El asistente está escribiendo",
      connecting: "Conectando…",
      reconnecting: "Se perdió la conexión. Reconectando…",
      suggestions: "Preguntas sugeridas",
      you: "Usted:",
      assistant: "Asistente:",
      newTab: "(se abre en una pestaña nueva)",
      rejected: "No se pudo enviar ese mensaje:",
      feedbackQuestion: "¿Le sirvió esta respuesta?",
      helpful: "Útil",
      notHelpful: "No es útil",
      feedbackThanks: "Gracias por su opinión.",
      feedbackFailed: "No se pudo enviar su opinión:"
    }
  };

  function pageLanguage() {
    var lang = (document.documentElement.getAttribute("lang") || "").toLowerCase().slice(0, 2);
    return STRINGS[lang] ? lang : "en";
  }

  function merge(base, extra) {
    var result = {};
    Object.keys(base).forEach(function (key) {
      result[key] = base[key];
    });
    Object.keys(extra || {}).forEach(function (key) {
      var value = extra[key];
      if (value === undefined || value === null) {
        return;
      }
      if (typeof value === "object" && !Array.isArray(value) && typeof base[key] === "object") {
        result[key] = merge(base[key] || {}, value);
      } else {
        result[key] = value;
      }
    });
    return result;
  }

  // --- storage that survives a page reload (or stays in memory when the page blocks it) ---

  function makeStore(prefix) {
    var memory = {};
    function get(key) {
      try {
        return window.localStorage.getItem(prefix + ":" + key);
      } catch (error) {
        return Object.prototype.hasOwnProperty.call(memory, key) ? memory[key] : null;
      }
    }
    function set(key, value) {
      try {
        window.localStorage.setItem(prefix + ":" + key, value);
      } catch (error) {
        memory[key] = value;
      }
    }
    return {
      sessionId: function () {
        return get("session") || null;
      },
      setSessionId: function (id) {
        set("session", id);
      },
      history: function () {
        try {
          var entries = JSON.parse(get("history") || "[]");
          return Array.isArray(entries) ? entries : [];
        } catch (error) {
          return [];
        }
      },
      setHistory: function (entries) {
        set("history", JSON.stringify(entries.slice(-HISTORY_LIMIT)));
      },
      wasOpen: function () {
        return get("open") === "1";
      },
      setOpen: function (open) {
        set("open", open ? "1" : "0");
      }
    };
  }

  // --- small DOM helpers: text only ---

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  function safeUrl(value) {
    try {
      var url = new URL(String(value), window.location.href);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
    } catch (error) {
      return null;
    }
  }

  // WCAG relative luminance and contrast, to warn a clinic that picks unreadable colours.
  function luminance(hex) {
    var match = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(hex || "");
    if (!match) {
      return null;
    }
    var digits = match[1].length === 3 ? match[1].replace(/./g, "$&$&") : match[1];
    var channels = [0, 2, 4].map(function (i) {
      var c = parseInt(digits.substr(i, 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2];
  }

  function contrast(a, b) {
    var la = luminance(a);
    var lb = luminance(b);
    if (la === null || lb === null) {
      return null;
    }
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }

  function applyColours(root, colors) {
    var names = {
      primary: "--cc-primary",
      onPrimary: "--cc-on-primary",
      surface: "--cc-surface",
      text: "--cc-text",
      muted: "--cc-muted",
      botBubble: "--cc-bot-bubble",
      link: "--cc-link"
    };
    Object.keys(names).forEach(function (key) {
      if (colors[key]) {
        root.style.setProperty(names[key], String(colors[key]));
      }
    });
    [
      ["onPrimary", "primary"],
      ["text", "surface"],
      ["muted", "surface"],
      ["text", "botBubble"],
      ["link", "botBubble"]
    ].forEach(function (pair) {
      var ratio = contrast(colors[pair[0]], colors[pair[1]]);
      if (ratio !== null && ratio < 4.5) {
        window.console.warn(
          "Clinic chat: colours " + pair[0] + " on " + pair[1] + " have contrast " +
            ratio.toFixed(2) + ":1, below WCAG AA (4.5:1)."
        );
      }
    });
  }

  // --- the widget ---

  function Widget(config) {
    this.config = config;
    this.pageStrings = config.strings;
    this.language = STRINGS[config.lang] ? config.lang : "en";
    this.strings = this.labels(this.language);
    this.store = makeStore(config.storageKey);
    this.entries = this.store.history();
    this.socket = null;
    this.confirmed = false;
    this.outbox = [];
    // Votes sent and not yet answered, by answer id; the drawn vote buttons, by answer id.
    this.pendingVotes = {};
    this.voteViews = {};
    this.typingTimer = null;
    this.build();
    this.entries.forEach(this.render, this);
    // After a reload, the conversation's language as its last reply left it.
    var answered = this.entries.filter(function (entry) {
      return entry.from === "bot" && entry.language;
    });
    if (answered.length) {
      this.setLanguage(answered[answered.length - 1].language);
    }
    if (this.store.wasOpen()) {
      this.open(false);
    }
  }

  Widget.prototype.build = function () {
    var s = this.strings;
    var self = this;
    var root = el("div", "cc-root cc-" + (this.config.position === "left" ? "left" : "right"));
    root.setAttribute("lang", this.language);
    applyColours(root, this.config.colors);

    var launcher = el("button", "cc-launcher");
    launcher.type = "button";
    launcher.setAttribute("aria-expanded", "false");
    launcher.setAttribute("aria-controls", "cc-panel");
    var icon = el("span", "cc-launcher-icon");
    icon.setAttribute("aria-hidden", "true");
    launcher.appendChild(icon);
    launcher.appendChild(el("span", "cc-launcher-label", s.launcher));
    launcher.addEventListener("click", function () {
      self.open(true);
    });

    var panel = el("div", "cc-panel");
    panel.id = "cc-panel";
    panel.hidden = true;
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-modal", "false");
    panel.setAttribute("aria-labelledby", "cc-title");
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        self.close();
      }
    });

    var header = el("div", "cc-header");
    var title = el("h2", "cc-title", this.config.title || this.config.clinicName || s.launcher);
    title.id = "cc-title";
    var close = el("button", "cc-close");
    close.type = "button";
    close.setAttribute("aria-label", s.close);
    close.appendChild(el("span", null, "×")).setAttribute("aria-hidden", "true");
    close.addEventListener("click", function () {
      self.close();
    });
    header.appendChild(title);
    header.appendChild(close);

    var body = el("div", "cc-body");
    var disclaimer = el("p", "cc-disclaimer");
    disclaimer.id = "cc-disclaimer";
    panel.setAttribute("aria-describedby", "cc-disclaimer");
    var log = el("div", "cc-log");
    log.setAttribute("role", "log");
    log.setAttribute("aria-live", "polite");
    log.setAttribute("aria-relevant", "additions");
    log.setAttribute("aria-label", title.textContent);
    var typing = el("div", "cc-typing");
    typing.setAttribute("role", "status");
    typing.hidden = true;
    typing.appendChild(el("span", "cc-visually-hidden", s.typing));
    var dots = el("span", "cc-dots");
    dots.setAttribute("aria-hidden", "true");
    dots.appendChild(el("span"));
    dots.appendChild(el("span"));
    dots.appendChild(el("span"));
    typing.appendChild(dots);
    body.appendChild(disclaimer);
    body.appendChild(log);
    body.appendChild(typing);

    var status = el("p", "cc-status");
    status.setAttribute("role", "status");
    status.hidden = true;

    var form = el("form", "cc-form");
    var label = el("label", "cc-visually-hidden", s.inputLabel);
    label.htmlFor = "cc-input";
    var input = el("input", "cc-input");
    input.id = "cc-input";
    input.type = "text";
    input.autocomplete = "off";
    input.placeholder = s.placeholder;
    var send = el("button", "cc-send", s.send);
    send.type = "submit";
    form.appendChild(label);
    form.appendChild(input);
    form.appendChild(send);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = input.value.trim();
      if (text) {
        input.value = "";
        self.say(text, text);
      }
      input.focus();
    });

    panel.appendChild(header);
    panel.appendChild(body);
    panel.appendChild(status);
    panel.appendChild(form);
    root.appendChild(launcher);
    root.appendChild(panel);
    document.body.appendChild(root);

    this.nodes = {
      launcher: launcher, panel: panel, body: body, log: log, typing: typing,
      status: status, input: input, root: root, close: close, label: label, send: send,
      disclaimer: disclaimer
    };
    this.nodes.disclaimer.textContent = this.disclaimer(this.language);
    this.nodes.disclaimer.hidden = !this.nodes.disclaimer.textContent;
  };

  // A page's own `strings` are English labels over the defaults; another language uses the
  // built-in translations.
  Widget.prototype.labels = function (language) {
    return language === "en" ? this.pageStrings : merge(this.pageStrings, STRINGS[language]);
  };

  Widget.prototype.disclaimer = function (language) {
    var all = this.config.disclaimers;
    return (all && typeof all[language] === "string" && all[language]) || this.config.disclaimer;
  };

  // The conversation moved to another language: the labels and the disclaimer follow it.
  Widget.prototype.setLanguage = function (language) {
    if (language === this.language || (language !== "en" && !STRINGS[language])) {
      return;
    }
    var s = (this.strings = this.labels(language));
    var n = this.nodes;
    this.language = language;
    n.root.setAttribute("lang", language);
    n.launcher.querySelector(".cc-launcher-label").textContent = s.launcher;
    n.close.setAttribute("aria-label", s.close);
    n.label.textContent = s.inputLabel;
    n.input.placeholder = s.placeholder;
    n.send.textContent = s.send;
    n.typing.querySelector(".cc-visually-hidden").textContent = s.typing;
    n.disclaimer.textContent = this.disclaimer(language);
  };

  Widget.prototype.open = function (moveFocus) {
    this.nodes.panel.hidden = false;
    this.nodes.launcher.hidden = true;
    this.nodes.launcher.setAttribute("aria-expanded", "true");
    this.store.setOpen(true);
    this.connect();
    this.scrollToEnd();
    if (moveFocus) {
      this.nodes.input.focus();
    }
  };

  Widget.prototype.close = function () {
    this.nodes.panel.hidden = true;
    this.nodes.launcher.hidden = false;
    this.nodes.launcher.setAttribute("aria-expanded", "false");
    this.store.setOpen(false);
    this.nodes.launcher.focus();
  };

  Widget.prototype.setStatus = function (text) {
    this.nodes.status.textContent = text || "";
    this.nodes.status.hidden = !text;
  };

  Widget.prototype.connect = function () {
    if (this.socket) {
      return;
    }
    var self = this;
    this.setStatus(this.strings.connecting);
    this.socket = io(this.config.serverUrl || undefined, {
      path: this.config.socketPath,
      transports: ["websocket", "polling"]
    });
    // Also after every reconnection: the server forgot the session's room when it restarted.
    this.socket.on("connect", function () {
      self.confirmed = false;
      self.socket.emit("session_request", { session_id: self.store.sessionId() });
    });
    this.socket.on("session_confirm", function (sessionId) {
      var isNew = !self.store.sessionId();
      if (typeof sessionId === "string" && sessionId) {
        self.store.setSessionId(sessionId);
      }
      self.confirmed = true;
      self.setStatus("");
      if (isNew && !self.entries.length && self.config.greetingPayload) {
        self.outbox.unshift(self.config.greetingPayload);
        self.showTyping(true);
      }
      self.flush();
      // A vote whose answer was lost with the connection goes again; if the first one was kept,
      // the server says so and the vote shows as given.
      Object.keys(self.pendingVotes).forEach(self.sendVote, self);
    });
    this.socket.on("bot_uttered", function (message) {
      self.showTyping(false);
      var entry = self.botEntry(message);
      if (entry.language) {
        self.setLanguage(entry.language);
      }
      self.add(entry);
    });
    this.socket.on("feedback_recorded", function (recorded) {
      var answerId = recorded && recorded.answer_id;
      if (typeof answerId === "string" && self.pendingVotes[answerId]) {
        self.voteGiven(answerId, VOTES.indexOf(recorded.value) >= 0
          ? recorded.value : self.pendingVotes[answerId]);
      }
    });
    this.socket.on("feedback_rejected", function (refusal) {
      var answerId = refusal && refusal.answer_id;
      if (typeof answerId !== "string" || !self.pendingVotes[answerId]) {
        return;
      }
      var error = String(refusal.error || "");
      // 409: the answer already has a vote (from this page before a reload, or another tab).
      if (refusal.status === 409 || ALREADY_VOTED.test(error)) {
        self.voteGiven(answerId, self.pendingVotes[answerId]);
      } else {
        self.voteFailed(answerId, error);
      }
    });
    this.socket.on("user_message_rejected", function (reason) {
      self.showTyping(false);
      self.setStatus(self.strings.rejected + " " + String((reason && reason.error) || ""));
    });
    this.socket.on("disconnect", function (reason) {
      self.confirmed = false;
      self.setStatus(self.strings.reconnecting);
      if (reason === "io server disconnect") {
        self.socket.connect();
      }
    });
    this.socket.on("connect_error", function () {
      self.setStatus(self.strings.reconnecting);
    });
  };

  // Messages come in Rasa's socket.io shape: text, quick_replies, and the rest under metadata.
  // The text carries the citation line for every client; this widget draws `metadata.lines`
  // instead, where the citation is a link.
  Widget.prototype.botEntry = function (message) {
    message = message && typeof message === "object" ? message : {};
    var meta = message.metadata && typeof message.metadata === "object" ? message.metadata : {};
    var replies = Array.isArray(message.quick_replies) ? message.quick_replies : [];
    var custom = meta.custom && typeof meta.custom === "object" ? meta.custom : {};
    var text = typeof message.text === "string" ? message.text : "";
    var answerId = custom.answer_id;
    var source = null;
    if (Array.isArray(meta.lines)) {
      var texts = [];
      meta.lines.forEach(function (line) {
        if (line && typeof line.text === "string") {
          texts.push(line.text);
        } else if (line && line.link && typeof line.link === "object" && !source) {
          source = line.link;
        }
      });
      text = texts.join("\n");
    }
    return {
      from: "bot",
      text: text,
      topic: typeof custom.topic === "string" ? custom.topic : "",
      language: typeof custom.language === "string" ? custom.language : "",
      // Only medical answers carry an id, and take a vote; `vote` is the one given.
      answerId: typeof answerId === "string" && answerId.length <= 64 ? answerId : "",
      vote: "",
      replies: replies
        .filter(function (reply) {
          return reply && typeof reply.title === "string" && typeof reply.payload === "string";
        })
        .map(function (reply) {
          return { title: reply.title, payload: reply.payload };
        }),
      source: source && typeof source.text === "string" && safeUrl(source.url)
        ? { text: source.text, url: safeUrl(source.url) } : null
    };
  };

  // What the patient reads is `shown`; what the server gets is `payload` (a button's /topic).
  Widget.prototype.say = function (shown, payload) {
    this.add({ from: "user", text: shown, replies: [], source: null, topic: "" });
    this.outbox.push(payload);
    this.showTyping(true);
    this.flush();
  };

  Widget.prototype.flush = function () {
    if (!this.socket || !this.confirmed) {
      return;
    }
    while (this.outbox.length) {
      // The page's language answers a message that cannot tell its own ("/greeting", "ok");
      // Rasa's socket.io channel passes `metadata` on to the message.
      this.socket.emit("user_uttered", {
        message: this.outbox.shift(),
        session_id: this.store.sessionId(),
        metadata: { language: this.config.lang }
      });
    }
  };

  Widget.prototype.showTyping = function (on) {
    var self = this;
    window.clearTimeout(this.typingTimer);
    this.nodes.typing.hidden = !on;
    if (on) {
      this.typingTimer = window.setTimeout(function () {
        self.nodes.typing.hidden = true;
      }, TYPING_TIMEOUT_MS);
    }
    this.scrollToEnd();
  };

  Widget.prototype.add = function (entry) {
    this.entries.push(entry);
    this.entries = this.entries.slice(-HISTORY_LIMIT);
    this.store.setHistory(this.entries);
    this.render(entry);
  };

  Widget.prototype.render = function (entry) {
    var self = this;
    var s = this.strings;
    var item = el("div", "cc-msg cc-" + (entry.from === "user" ? "user" : "bot"));
    if (entry.topic) {
      item.setAttribute("data-topic", entry.topic);
    }
    var text = el("p", "cc-text");
    text.appendChild(el("span", "cc-visually-hidden", entry.from === "user" ? s.you : s.assistant));
    text.appendChild(document.createTextNode(" " + entry.text));
    item.appendChild(text);
    if (entry.source && safeUrl(entry.source.url)) {
      var link = el("a", "cc-source", entry.source.text);
      link.href = safeUrl(entry.source.url);
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      link.appendChild(el("span", "cc-visually-hidden", " " + s.newTab));
      item.appendChild(link);
    }
    if (entry.from === "bot" && entry.answerId && typeof entry.answerId === "string") {
      this.renderVote(entry, item);
    }
    if (entry.replies && entry.replies.length) {
      var group = el("div", "cc-replies");
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", s.suggestions);
      entry.replies.forEach(function (reply) {
        var button = el("button", "cc-reply", reply.title);
        button.type = "button";
        button.addEventListener("click", function () {
          self.say(reply.title, reply.payload);
          self.nodes.input.focus();
        });
        group.appendChild(button);
      });
      item.appendChild(group);
    }
    this.nodes.log.appendChild(item);
    this.scrollToEnd();
  };

  // --- "Helpful" / "Not helpful" under a medical answer: one vote per answer, kept in the
  // answer's history entry so that a reloaded page shows it as given ---

  Widget.prototype.renderVote = function (entry, item) {
    var self = this;
    // The answer's language, not the interface's: a Spanish answer keeps its Spanish buttons.
    var s = entry.language ? this.labels(entry.language) : this.strings;
    var box = el("div", "cc-feedback");
    var group = el("div", "cc-feedback-buttons");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", s.feedbackQuestion);
    var buttons = {};
    [[VOTES[0], s.helpful], [VOTES[1], s.notHelpful]].forEach(function (pair) {
      var button = el("button", "cc-feedback-button", pair[1]);
      button.type = "button";
      button.setAttribute("aria-pressed", "false");
      button.setAttribute("data-vote", pair[0]);
      button.addEventListener("click", function () {
        self.vote(entry.answerId, pair[0]);
      });
      group.appendChild(button);
      buttons[pair[0]] = button;
    });
    // Empty until a vote is answered; a status region, so the thanks or the error is announced.
    var status = el("p", "cc-feedback-status");
    status.setAttribute("role", "status");
    box.appendChild(group);
    box.appendChild(status);
    item.appendChild(box);
    this.voteViews[entry.answerId] = { group: group, buttons: buttons, status: status, strings: s };
    if (VOTES.indexOf(entry.vote) >= 0) {
      this.drawVote(entry.answerId, entry.vote, s.feedbackThanks);
    }
  };

  // `value` "" leaves both buttons usable; a vote disables both and presses the chosen one.
  Widget.prototype.drawVote = function (answerId, value, note) {
    var view = this.voteViews[answerId];
    if (!view) {
      return;
    }
    var hadFocus = view.group.contains(document.activeElement);
    Object.keys(view.buttons).forEach(function (key) {
      view.buttons[key].disabled = !!value;
      view.buttons[key].setAttribute("aria-pressed", key === value ? "true" : "false");
    });
    view.status.textContent = note || "";
    // A disabled button loses the focus: it goes back to the question box, as after a reply.
    if (value && hadFocus) {
      this.nodes.input.focus();
    }
  };

  Widget.prototype.entryOf = function (answerId) {
    for (var i = this.entries.length - 1; i >= 0; i -= 1) {
      if (this.entries[i].answerId === answerId) {
        return this.entries[i];
      }
    }
    return null;
  };

  Widget.prototype.vote = function (answerId, value) {
    var entry = this.entryOf(answerId);
    if (this.pendingVotes[answerId] || (entry && entry.vote) || VOTES.indexOf(value) < 0) {
      return;
    }
    this.pendingVotes[answerId] = value;
    this.drawVote(answerId, value, "");
    this.sendVote(answerId);
  };

  // Sent now when the session is confirmed, else on the next session_confirm. It starts no turn,
  // so no typing indicator.
  Widget.prototype.sendVote = function (answerId) {
    if (!this.socket || !this.confirmed || !this.pendingVotes[answerId]) {
      return;
    }
    this.socket.emit("feedback", {
      session_id: this.store.sessionId(),
      answer_id: answerId,
      value: this.pendingVotes[answerId]
    });
  };

  Widget.prototype.voteGiven = function (answerId, value) {
    var entry = this.entryOf(answerId);
    var view = this.voteViews[answerId];
    delete this.pendingVotes[answerId];
    if (entry) {
      entry.vote = value;
      this.store.setHistory(this.entries);
    }
    this.drawVote(answerId, value, view ? view.strings.feedbackThanks : "");
  };

  Widget.prototype.voteFailed = function (answerId, error) {
    var view = this.voteViews[answerId];
    delete this.pendingVotes[answerId];
    this.drawVote(answerId, "", view ? (view.strings.feedbackFailed + " " + error).trim() : "");
  };

  // A new chat stays scrolled to the top, so its first message does not push the disclaimer away.
  Widget.prototype.scrollToEnd = function () {
    this.nodes.body.scrollTop = this.entries.length > 1 ? this.nodes.body.scrollHeight : 0;
  };

  // --- start: page config over server config over defaults ---

  function loadStylesheet(url) {
    if (!url || document.querySelector("link[data-clinic-chat]")) {
      return;
    }
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = url;
    link.setAttribute("data-clinic-chat", "");
    document.head.appendChild(link);
  }

  function fetchServerConfig(url) {
    if (!url || !window.fetch) {
      return Promise.resolve({});
    }
    return window
      .fetch(url, { credentials: "omit" })
      .then(function (answer) {
        return answer.ok ? answer.json() : {};
      })
      .catch(function () {
        window.console.error("Clinic chat: could not load " + url);
        return {};
      });
  }

  function start() {
    var pageConfig = window.ClinicChat || {};
    var base = merge(DEFAULTS, { configUrl: pageConfig.configUrl });
    loadStylesheet(pageConfig.stylesheetUrl || base.stylesheetUrl);
    fetchServerConfig(base.configUrl).then(function (serverConfig) {
      var config = merge(merge(DEFAULTS, { lang: pageLanguage() }), serverConfig);
      return new Widget(merge(config, pageConfig));
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
