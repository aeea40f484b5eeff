// The API's shapes, by name, straight from the generated OpenAPI types (src/schema.ts): the
// client never declares a shape of its own, so it cannot drift from the server's document.
import type { components, paths } from './schema.js';

export type { components, paths };
type Schemas = components['schemas'];

export type EventRequest = Schemas['EventRequest'];
export type EventsAccepted = Schemas['EventsAccepted'];
export type Ranking = Schemas['Ranking'];
export type RankedItem = Schemas['RankedItem'];
export type ProfileResponse = Schemas['ProfileResponse'];
export type ExportResponse = Schemas['ExportResponse'];
export type ItemBody = Schemas['ItemBody'];
export type ItemPatchBody = Schemas['ItemPatchBody'];
export type ItemBatchEntry = Schemas['ItemBatchEntry'];
export type ItemResponse = Schemas['ItemResponse'];
export type ItemListResponse = Schemas['ItemListResponse'];
export type ItemsUpserted = Schemas['ItemsUpserted'];
export type SimilarResponse = Schemas['SimilarResponse'];
export type PopularResponse = Schemas['PopularResponse'];
export type ModelStatus = Schemas['ModelStatus'];
export type FilterBody = Schemas['FilterBody'];
export type FilterResponse = Schemas['FilterResponse'];
export type FilterMatches = Schemas['FilterMatches'];
export type PromotionBody = Schemas['PromotionBody'];
export type PromotionResponse = Schemas['PromotionResponse'];
export type BoostBody = Schemas['BoostBody'];
export type BoostResponse = Schemas['BoostResponse'];
export type ExperimentBody = Schemas['ExperimentBody'];
export type ExperimentDefinition = Schemas['ExperimentDefinition'];
export type ServingConfig = Schemas['ServingConfig'];
export type OnlineMetrics = Schemas['OnlineMetrics'];
export type SessionInfo = Schemas['SessionInfo'];
/** A `rankingChanged` push (and Watch's answer): the hub's shapes are in the document's components too. */
export type RankingChangedMessage = Schemas['RankingChangedMessage'];
/** An `experimentResults` push (and WatchExperiment's answer, and GET …/experiments/{id}/results). */
export type ExperimentResults = Schemas['ExperimentResults'];

/** The HTTP methods the API uses, as the generated `paths` name them. */
export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
/** The paths that have the method. */
export type PathsWith<M extends Method> = { [P in keyof paths]: paths[P] extends Record<M, object> ? P : never }[keyof paths];
type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
/** An operation's query parameters, as the document declares them. */
export type Query<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;
/** An operation's JSON request body. */
export type Body<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;
type Json<R> = R extends { content: { 'application/json': infer T } } ? T : null;
/** What a successful call answers (200, else 201, else 202; null for 204). */
export type Success<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { responses: infer R }
    ? R extends { 200: infer Ok } ? Json<Ok>
    : R extends { 201: infer Created } ? Json<Created>
    : R extends { 202: infer Accepted } ? Json<Accepted>
    : null
    : never;
