// The push path: one SignalR connection to /hubs/recommendations, reconnecting forever, watching
// one user at a time and any experiments asked for (Watch and WatchExperiment again after every
// reconnect: group membership belongs to a connection).
//
// The SignalR client is passed in rather than imported, so that one build serves both homes: a
// page hands in the browser bundle's global (`globalThis.signalR`), Node hands in
// `await import('@microsoft/signalr')`. No bundler is needed on either side.
import type * as SignalR from '@microsoft/signalr';
import type { ExperimentResults, RankingChangedMessage } from './types.js';

/** The parts of `@microsoft/signalr` this client uses. */
export type SignalRModule = Pick<typeof SignalR, 'HubConnectionBuilder' | 'HubConnectionState' | 'LogLevel'>;

export type LiveState = 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

export interface LiveRankingsOptions {
  /** The hub, e.g. `http://127.0.0.1:5000/hubs/recommendations`; same-origin `/hubs/recommendations` by default. */
  url?: string;
  /** A key (servers and Node): sent as the hub's access token. A browser page uses its session cookie. */
  apiKey?: string;
}

/** Watching a user: the push is ranked with `k` items under the filter expression, if any. */
interface Watched {
  userId: string;
  k: number;
  filter: string | null;
}

/** The events a {@link LiveRankings} dispatches, with their `detail`. */
export interface LiveRankingsEvents {
  state: LiveState;
  /** A `rankingChanged` push. */
  ranking: RankingChangedMessage;
  /** Watch's answer after a reconnect (the ranking may have moved while away). */
  rewatched: RankingChangedMessage | null;
  /** A pushed `experimentResults` (pushed true), or WatchExperiment's answer after a (re)connect. */
  experiment: { results: ExperimentResults; pushed: boolean };
  log: { level: 'warning' | 'error'; message: string };
}

/** Backoff for automatic reconnects: 0.5 s, 1 s, 2 s, … capped at 10 s, never giving up. */
const retryPolicy = {
  nextRetryDelayInMilliseconds: ({ previousRetryCount }: { previousRetryCount: number }) => Math.min(500 * 2 ** previousRetryCount, 10_000),
};

/** Live rankings and experiment results, as DOM-style events (an EventTarget; see {@link LiveRankingsEvents}). */
export class LiveRankings extends EventTarget {
  readonly #signalR: SignalRModule;
  readonly #connection: SignalR.HubConnection;
  #watched: Watched | null = null;
  readonly #experiments = new Set<string>();
  #state: LiveState = 'connecting';
  #startTimer: ReturnType<typeof setTimeout> | undefined;
  #startAttempts = 0;
  #stopped = false;

  constructor(signalR: SignalRModule, options: LiveRankingsOptions = {}) {
    super();
    if (!signalR?.HubConnectionBuilder) throw new Error('The SignalR client did not load (pass the @microsoft/signalr module).');
    this.#signalR = signalR;
    const logger = {
      log: (level: SignalR.LogLevel, message: string) => {
        if (level >= signalR.LogLevel.Warning) this.#emit('log', { level: level >= signalR.LogLevel.Error ? 'error' : 'warning', message });
      },
    };
    const apiKey = options.apiKey;
    this.#connection = new signalR.HubConnectionBuilder()
      .withUrl(options.url ?? '/hubs/recommendations', apiKey ? { accessTokenFactory: () => apiKey } : {})
      .withAutomaticReconnect(retryPolicy)
      .configureLogging(logger)
      .build();
    this.#connection.on('rankingChanged', (message: RankingChangedMessage) => this.#emit('ranking', message));
    this.#connection.on('experimentResults', (results: ExperimentResults) => this.#emit('experiment', { results, pushed: true }));
    this.#connection.onreconnecting(() => this.#setState('reconnecting'));
    this.#connection.onreconnected(async () => {
      this.#setState('connected');
      await this.#rewatch();
    });
    // Automatic reconnect gave up (or the server closed the connection): start again after a pause.
    this.#connection.onclose(() => {
      this.#setState('disconnected');
      if (!this.#stopped) this.#scheduleStart();
    });
  }

  get state(): LiveState { return this.#state; }
  get isLive(): boolean { return this.#state === 'connected'; }

  /** Connects (and keeps reconnecting until {@link stop}); a failed start is retried with backoff. */
  async start(): Promise<void> {
    clearTimeout(this.#startTimer);
    this.#stopped = false;
    if (this.#connection.state !== this.#signalR.HubConnectionState.Disconnected) return;
    this.#setState(this.#startAttempts === 0 ? 'connecting' : 'reconnecting');
    try {
      await this.#connection.start();
      this.#startAttempts = 0;
      this.#setState('connected');
      await this.#rewatch();
    } catch (e) {
      this.#startAttempts++;
      this.#emit('log', { level: 'warning', message: `Could not connect to the hub: ${(e as Error)?.message ?? e}` });
      this.#setState('disconnected');
      this.#scheduleStart();
    }
  }

  /** Disconnects for good (no reconnect). */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#startTimer);
    await this.#connection.stop();
  }

  /**
   * Watches a user (unwatching the previous one), under a filter expression when `filter` is a
   * non-empty string (hub method WatchFiltered: every push is ranked under it); answers the current
   * ranking, or null when not connected (the watch is made once connected). A refused filter
   * throws (see {@link hubErrorMessage}) and leaves the previous watch in place.
   */
  async watch(userId: string, k: number, filter: string | null = null): Promise<RankingChangedMessage | null> {
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

  #invokeWatch({ userId, k, filter }: Watched): Promise<RankingChangedMessage | null> {
    return filter
      ? this.#connection.invoke('WatchFiltered', userId, k, filter)
      : this.#connection.invoke('Watch', userId, k);
  }

  async unwatch(): Promise<void> {
    const previous = this.#watched;
    this.#watched = null;
    if (previous && this.isLive) await this.#connection.invoke('Unwatch', previous.userId);
  }

  /**
   * Watches an experiment's results (hub method WatchExperiment): the server pushes
   * `experimentResults` whenever its counts change, and after a reconnect this watches again and
   * emits the answer as an `experiment` event. Answers the current results, or null when not
   * connected (the watch is made once connected). An unknown id throws.
   */
  async watchExperiment(experimentId: string): Promise<ExperimentResults | null> {
    this.#experiments.add(experimentId);
    if (!this.isLive) return null;
    try {
      return await this.#connection.invoke('WatchExperiment', experimentId);
    } catch (e) {
      this.#experiments.delete(experimentId);
      throw e;
    }
  }

  async unwatchExperiment(experimentId: string): Promise<void> {
    if (!this.#experiments.delete(experimentId) || !this.isLive) return;
    try { await this.#connection.invoke('UnwatchExperiment', experimentId); } catch { /* dropped with the connection anyway */ }
  }

  /** Typed `addEventListener` for the events of {@link LiveRankingsEvents}. */
  on<K extends keyof LiveRankingsEvents>(type: K, listener: (detail: LiveRankingsEvents[K]) => void): () => void {
    const handler = (event: Event) => listener((event as CustomEvent<LiveRankingsEvents[K]>).detail);
    this.addEventListener(type, handler);
    return () => this.removeEventListener(type, handler);
  }

  async #rewatch(): Promise<void> {
    if (this.#watched) {
      const { userId } = this.#watched;
      try {
        this.#emit('rewatched', await this.#invokeWatch(this.#watched));
      } catch (e) {
        this.#emit('log', { level: 'error', message: `Watch(${userId}) failed after reconnecting: ${(e as Error)?.message ?? e}` });
      }
    }
    for (const experimentId of [...this.#experiments]) {
      try {
        const results: ExperimentResults = await this.#connection.invoke('WatchExperiment', experimentId);
        this.#emit('experiment', { results, pushed: false });
      } catch (e) {
        this.#experiments.delete(experimentId);
        this.#emit('log', { level: 'error', message: `WatchExperiment(${experimentId}) failed after connecting: ${(e as Error)?.message ?? e}` });
      }
    }
  }

  #scheduleStart(): void {
    clearTimeout(this.#startTimer);
    const delay = Math.min(1000 * 2 ** Math.min(this.#startAttempts, 4), 15_000);
    this.#startTimer = setTimeout(() => void this.start(), delay);
  }

  #setState(state: LiveState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.#emit('state', state);
  }

  #emit<K extends keyof LiveRankingsEvents>(type: K, detail: LiveRankingsEvents[K]): void {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}

/** What the server said in a hub error (HubException: …), without the client's preamble. */
export function hubErrorMessage(error: unknown): string {
  const text = String((error as Error)?.message ?? error ?? '');
  const match = /HubException: ([\s\S]*)$/.exec(text);
  return match?.[1] ? match[1].trim() : text;
}
