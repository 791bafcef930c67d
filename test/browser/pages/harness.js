// Page side of test/browser/browser.test.ts: records what sockets and the page do, with
// wall-clock times (Date.now: the same clock as the Node side, same machine).
'use strict';
(function () {
  var lifecycle = [];
  var record = function (type) {
    return function () {
      lifecycle.push({ at: Date.now(), type: type, visibilityState: document.visibilityState, onLine: navigator.onLine });
    };
  };
  ['online', 'offline', 'pageshow', 'pagehide'].forEach(function (type) {
    window.addEventListener(type, record(type));
  });
  ['visibilitychange', 'freeze', 'resume'].forEach(function (type) {
    document.addEventListener(type, record(type));
  });

  function bytes(buffer) {
    return Array.from(new Uint8Array(buffer));
  }

  /** Inbound data in a form that survives page.evaluate. */
  function describe(data) {
    if (typeof data === 'string') return Promise.resolve({ kind: 'text', text: data });
    if (data instanceof ArrayBuffer) return Promise.resolve({ kind: 'arraybuffer', bytes: bytes(data) });
    if (data instanceof Blob) {
      return data.arrayBuffer().then(function (buffer) {
        return { kind: 'blob', type: data.type, bytes: bytes(buffer) };
      });
    }
    return Promise.resolve({ kind: 'other', text: String(data) });
  }

  var sockets = new Map();

  window.harness = {
    build: null,
    SteadySocket: null,
    exports: null,
    loadedAt: 0,
    lifecycle: lifecycle,
    errors: [],

    load: function (build, SteadySocket, exports) {
      this.build = build;
      this.SteadySocket = SteadySocket;
      this.exports = exports;
      this.loadedAt = Date.now();
    },

    /**
     * Opens a socket under `name`, recording every event it emits, with a channel client on
     * it (the build's `channels` export) whose `invalid` events are recorded too.
     */
    open: function (name, url, options, binaryType) {
      var socket = new this.SteadySocket(url, options);
      if (binaryType) socket.binaryType = binaryType;
      var api = this.exports.channels(socket);
      var entry = { socket: socket, api: api, events: [], messages: [], chat: [], invalid: [], chain: Promise.resolve() };
      var push = function (event) {
        event.at = Date.now();
        entry.events.push(event);
      };
      socket.addEventListener('open', function () {
        push({ type: 'open' });
      });
      socket.addEventListener('close', function (e) {
        push({ type: 'close', code: e.code, wasClean: e.wasClean, willReconnect: e.willReconnect });
      });
      socket.addEventListener('error', function (e) {
        push({ type: 'error', code: e.error && e.error.code });
      });
      socket.addEventListener('reconnecting', function (e) {
        push({ type: 'reconnecting', attempt: e.attempt, delay: e.delay });
      });
      socket.addEventListener('state', function (e) {
        push({ type: 'state', state: e.state, previous: e.previous });
      });
      socket.addEventListener('heartbeat', function (e) {
        push({ type: 'heartbeat', rtt: e.rtt });
      });
      socket.addEventListener('drop', function (e) {
        push({ type: 'drop', reason: e.reason });
      });
      api.on('invalid', function (e) {
        entry.invalid.push({ at: Date.now(), reason: e.reason });
      });
      // Blobs are read asynchronously: a chain keeps the recorded order the arrival order.
      socket.addEventListener('message', function (e) {
        var at = Date.now();
        entry.chain = entry.chain.then(function () {
          return describe(e.data).then(function (d) {
            d.at = at;
            entry.messages.push(d);
          });
        });
      });
      sockets.set(name, entry);
      return socket.readyState;
    },

    get: function (name) {
      var entry = sockets.get(name);
      if (!entry) throw new Error('no socket ' + name);
      return entry;
    },

    socket: function (name) {
      return this.get(name).socket;
    },

    /** The channel client on socket `name`. */
    api: function (name) {
      return this.get(name).api;
    },

    /** Listens on `channel` of socket `name`, recording what arrives there. */
    listen: function (name, channel) {
      var entry = this.get(name);
      entry.api.channel(channel).on('message', function (m) {
        entry.chat.push({ at: Date.now(), channel: channel, message: m });
      });
    },

    /** Everything recorded for `name`, once pending Blob reads are done. */
    report: function (name) {
      var entry = this.get(name);
      return entry.chain.then(function () {
        var s = entry.socket;
        return {
          readyState: s.readyState,
          state: s.connectionState,
          binaryType: s.binaryType,
          bufferedAmount: s.bufferedAmount,
          stats: Object.assign({}, s.stats),
          events: entry.events.slice(),
          messages: entry.messages.slice(),
          chat: entry.chat.slice(),
          invalid: entry.invalid.slice(),
        };
      });
    },

    closeAll: function () {
      sockets.forEach(function (entry) {
        entry.socket.close();
      });
      sockets.clear();
    },
  };

  window.addEventListener('error', function (e) {
    window.harness.errors.push(String(e.message));
  });
  window.addEventListener('unhandledrejection', function (e) {
    window.harness.errors.push('unhandled rejection: ' + String(e.reason && e.reason.message ? e.reason.message : e.reason));
  });
})();
