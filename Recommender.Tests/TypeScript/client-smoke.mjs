// The TypeScript client from Node, as a Node user would run it: the built package (dist/) and the
// official @microsoft/signalr client. Prints one JSON line of what it saw; the C# test asserts on it.
// Usage: node client-smoke.mjs <packageDir> <baseUrl> <userId> <itemId,itemId,…>
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const [packageDir, baseUrl, userId, itemList] = process.argv.slice(2);
const items = itemList.split(',');
const { RecommenderClient, LiveRankings, ApiError, newEventId } = await import(pathToFileURL(path.join(packageDir, 'dist', 'index.js')).href);
const signalR = createRequire(path.join(packageDir, 'package.json'))('@microsoft/signalr');

const seen = {};
const client = new RecommenderClient({ baseUrl });

// An event, then the same event again (a retry): applied once.
const eventId = newEventId();
seen.first = await client.sendEvent({ userId, itemId: items[0], type: 'like', eventId });
seen.retry = await client.sendEvent({ userId, itemId: items[0], type: 'like', eventId });

// A ranking with its recommendation id.
const ranking = await client.recommendations(userId, { k: 5 });
seen.ranking = { userId: ranking.userId, count: ranking.items.length, recommendationId: ranking.recommendationId, liked: ranking.items.some(i => i.itemId === items[0]) };

// Refused input: an RFC 7807 problem naming the field.
try {
  await client.sendEvent({ userId, itemId: items[1], type: 'teleport' });
  seen.refused = null;
} catch (e) {
  seen.refused = e instanceof ApiError ? { status: e.status, fields: Object.keys(e.problem?.errors ?? {}) } : { error: String(e) };
}

// The hub: watch the user, send an event, receive the push it caused.
const live = new LiveRankings(signalR, { url: `${baseUrl}/hubs/recommendations` });
live.on('log', ({ level, message }) => console.error(`[hub ${level}] ${message}`));
await live.start();
const current = await live.watch(userId, 5);
seen.watched = { userId: current?.userId ?? null, count: current?.items?.length ?? null };
const pushedId = newEventId();
const push = new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error('no push within 30 s')), 30_000);
  live.on('ranking', (message) => {
    if (message.cause?.eventId === pushedId) { clearTimeout(timer); resolve(message); }
  });
});
await client.sendEvent({ userId, itemId: items[2], type: 'view', eventId: pushedId, recommendationId: ranking.recommendationId });
const pushed = await push;
seen.pushed = { userId: pushed.userId, cause: pushed.cause.type, itemId: pushed.cause.itemId, count: pushed.items.length, recommendationId: pushed.recommendationId };
await live.stop();

const profile = await client.profile(userId);
seen.profile = { totalEvents: profile.totalEvents };
seen.unknown = await client.profile(`${userId}-never-seen`);
console.log(JSON.stringify(seen));
