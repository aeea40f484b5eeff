// @recommender/client: the REST API and the live rankings hub of the Orleans recommender.
export { RecommenderClient, newEventId } from './client.js';
export type { RecommenderClientOptions, CallOptions, ApiPath } from './client.js';
export { ApiError } from './errors.js';
export type { Problem } from './errors.js';
export { LiveRankings, hubErrorMessage } from './live.js';
export type { LiveRankingsOptions, LiveRankingsEvents, LiveState, SignalRModule } from './live.js';
export type * from './types.js';
