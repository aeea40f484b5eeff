// The push path: one SignalR connection to /hubs/recommendations, reconnecting forever, watching
// one user at a time and any experiments the Experiments tab shows (Watch and WatchExperiment again
// after every reconnect: group membership belongs to a connection).

const signalR = globalThis.signalR;

/** Backoff for automatic reconnects: 0.5 s, 1 s, 2 s, … capped at 10 s, never giving up. */
const retryPolicy = {
  nextRetryDelayInMilliseconds: ({ previousRetryCount }) => Math.min(500 * 2 ** previousRetryCount, 10_000),
};

/**
 * Events (EventTarget): `state` (detail: 'connecting' | 'connected' | 'reconnecting' | 'disconnected'),
 * `ranking` (detail: a rankingChanged message), `rewatched` (detail: Watch's answer after a reconnect),
 * `experiment` (detail: { results, pushed }: a pushed experimentResults, or with pushed false
 * WatchExperiment's answer after a (re)connect), `log` (detail: { level, message }).
 */
export class LiveRankings extends EventTarget {
  #connection;
  #watched = null; // { userId, k, filter }
  #experiments = new Set(); // experiment ids watched
  #state = 'connecting';
  #startTimer = null;
  #startAttempts = 0;

  constructor(url = '/hubs/recommendations') {
    super();
    if (!signalR) throw new Error('The SignalR client (lib/signalr.min.js) did not load.');
    const logger = {
      log: (level, message) => {
        if (level >= signalR.LogLevel.Warning) this.#emit('log', { level: level >= signalR.LogLevel.Error ? 'error' : 'warning', message });
      },
    };
    this.#connection = new signalR.HubConnectionBuilder()
      .withUrl(url)
      .withAutomaticReconnect(retryPolicy)
      .configureLogging(logger)
      .build();
    this.#connection.on('rankingChanged', (message) => this.#emit('ranking', message));
    this.#connection.on('experimentResults', (results) => this.#emit('experiment', { results, pushed: true }));
    this.#connection.onreconnecting(() => this.#setState('reconnecting'));
    this.#connection.onreconnected(async () => {
      this.#setState('connected');
      await this.#rewatch();
    });
    // Automatic reconnect gave up or the connection was stopped: start again after a pause.
    this.#connection.onclose(() => {
      this.#setState('disconnected');
      this.#scheduleStart();
    });
  }

  get state() { return this.#state; }
  get isLive() { return this.#state === 'connected'; }

  async start() {
    clearTimeout(this.#startTimer);
    if (this.#connection.state !== signalR.HubConnectionState.Disconnected) return;
    this.#setState(this.#startAttempts === 0 ? 'connecting' : 'reconnecting');
    try {
      await this.#connection.start();
      this.#startAttempts = 0;
      this.#setState('connected');
      await this.#rewatch();
    } catch (e) {
      this.#startAttempts++;
      this.#emit('log', { level: 'warning', message: `Could not connect to the hub: ${e?.message ?? e}` });
      this.#setState('disconnected');
      this.#scheduleStart();
    }
  }

  /**
   * Watches a user (unwatching the previous one), under a filter expression when `filter` is a
   * non-empty string (hub method WatchFiltered: every push is ranked under it); returns the current
   * ranking, or null when not connected. A refused filter throws (see hubErrorMessage) and leaves
   * the previous watch in place.
   */
  async watch(userId, k, filter = null) {
    const previous = this.#watched;
    this.#watched = { userId, k, filter: filter || null };
    if (!this.isLive) return null;
    try {
      const current = await this.#invokeWatch(this.#watched);
      if (previous && previous.userId !== userId) {
        try { await this.#connection.invoke('Unwatch', previous.userId); } catch { /* the server drops it with the connection anyway */ }
      }
      return current;
    } catch (e) {
      if (this.#watched?.userId === userId) this.#watched = previous;
      throw e;
    }
  }

  #invokeWatch({ userId, k, filter }) {
    return filter
      ? this.#connection.invoke('WatchFiltered', userId, k, filter)
      : this.#connection.invoke('Watch', userId, k);
  }

  async unwatch() {
    const previous = this.#watched;
    this.#watched = null;
    if (previous && this.isLive) await this.#connection.invoke('Unwatch', previous.userId);
  }

  /**
   * Watches an experiment's results (hub method WatchExperiment): the server pushes
   * `experimentResults` whenever its counts change (checked every 2 s), and after a reconnect this
   * watches again and emits the answer as an `experiment` event. Returns the current results, or
   * null when not connected (the watch is made once connected). An unknown id throws.
   */
  async watchExperiment(experimentId) {
    this.#experiments.add(experimentId);
    if (!this.isLive) return null;
    try {
      return await this.#connection.invoke('WatchExperiment', experimentId);
    } catch (e) {
      this.#experiments.delete(experimentId);
      throw e;
    }
  }

  async unwatchExperiment(experimentId) {
    if (!this.#experiments.delete(experimentId) || !this.isLive) return;
    try { await this.#connection.invoke('UnwatchExperiment', experimentId); } catch { /* dropped with the connection anyway */ }
  }

  async #rewatch() {
    if (this.#watched) {
      const { userId } = this.#watched;
      try {
        const current = await this.#invokeWatch(this.#watched);
        this.#emit('rewatched', current);
      } catch (e) {
        this.#emit('log', { level: 'error', message: `Watch(${userId}) failed after reconnecting: ${e?.message ?? e}` });
      }
    }
    for (const experimentId of [...this.#experiments]) {
      try {
        this.#emit('experiment', { results: await this.#connection.invoke('WatchExperiment', experimentId), pushed: false });
      } catch (e) {
        this.#experiments.delete(experimentId);
        this.#emit('log', { level: 'error', message: `WatchExperiment(${experimentId}) failed after connecting: ${e?.message ?? e}` });
      }
    }
  }

  #scheduleStart() {
    clearTimeout(this.#startTimer);
    const delay = Math.min(1000 * 2 ** Math.min(this.#startAttempts, 4), 15_000);
    this.#startTimer = setTimeout(() => this.start(), delay);
  }

  #setState(state) {
    if (state === this.#state) return;
    this.#state = state;
    this.#emit('state', state);
  }

  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}

/** What the server said in a hub error (HubException: …), without the client's preamble. */
export function hubErrorMessage(error) {
  const text = String(error?.message ?? error ?? '');
  const match = /HubException: ([\s\S]*)$/.exec(text);
  return match ? match[1].trim() : text;
}
