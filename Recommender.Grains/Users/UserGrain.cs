using System.Buffers;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;
using Recommender.Grains.Domain;
using Recommender.Grains.Experiments;
using Recommender.Grains.Impressions;
using Recommender.Grains.Items;
using Recommender.Learning;
using Recommender.Grains.Live;
using Recommender.Grains.Model;
using Recommender.Grains.Ranking;
using Recommender.Grains.Storage;
using Recommender.Grains.Telemetry;
using Stopwatch = System.Diagnostics.Stopwatch;

namespace Recommender.Grains.Users;

/// <summary>
/// One user. An event is appended to the user's durable log first (the acknowledgement waits
/// for it), then applied to the in-memory state at once; the snapshot is written debounced and
/// on deactivation, and activation replays the log after the snapshot's position.
/// </summary>
public sealed class UserGrain(
    [PersistentState("user", StorageNames.Grains)] IPersistentState<UserState> state,
    UserGrainServices shared) : Grain, IUserGrain
{
    /// <summary>The lists served to this user (next, attribution, rotation); created by the first one, so a user who never asks holds none.</summary>
    private ServedLists? _served;
    private EventIdWindow? _eventIds;
    private Watchers? _watchers;
    private IGrainTimer? _saveTimer;
    /// <summary>The last ranking pushed under each watched rules (key "" unfiltered), for the diffs.</summary>
    /// <summary>The last pushed ids per watched rules ("" unfiltered); created by the first watch, so a user nobody watches holds none (memory per user grain).</summary>
    private Dictionary<string, string[]>? _lastPushed;
    /// <summary>Events applied since the last snapshot write (0 = the snapshot is current).</summary>
    private int _unsavedEvents;
    /// <summary>An append failed without an answer: it may have landed all the same (e.g. the store died after its fsync, before its reply).</summary>
    private bool _logUncertain;
    /// <summary>The epoch of this activation's ranking sequences (<see cref="RankingChange.SequenceOf"/>).</summary>
    private long _epoch;

    private UserState State => state.State;
    private string UserId => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A snapshot of an earlier layout is rebuilt from the log, the truth (its cells lack their tallies).
        if (State.Format < UserState.CurrentFormat)
        {
            if (State.LogPosition > 0) state.State = new UserState();
            State.Format = UserState.CurrentFormat;
        }
        // Snapshots before the hashed window kept the id strings: they enter it as if they arrived now.
        if (State.RecentEventIds is { } strings)
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            foreach (var id in strings) EventIds.Add(EventIdWindow.HashOf(id), now);
            State.RecentEventIds = null;
        }
        // Recent events are read from the log now; a snapshot that still carries its own copy drops it.
        State.Recent = null;
        // The snapshot may lag the log (it is written debounced): replay what came after it.
        var forgets = shared.Log.ForgetsAsync();
        var pending = await shared.Log.ReadAsync(UserId, State.LogPosition);
        _epoch = await forgets;
        for (var i = 0; i < pending.Length; i++) Apply(InteractionEvent.Decode(pending[i]), State.LogPosition + i + 1);
        State.LogPosition += pending.Length;
        if (pending.Length > 0) State.ModelVersion = 0; // re-fit lazily, with the replayed events
        if (pending.Length > 0) MarkUnsaved(pending.Length);
        // A long replay (e.g. a snapshot of an older layout rebuilt from the log) may have filled the
        // id window past its bounds; hold them from activation on, not only from the next Record.
        if (pending.Length > 0) EventIds.Prune(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) =>
        SaveIfChanged(cancellationToken);

    public async Task<RecordResult> Record(InteractionEvent[] events)
    {
        // Its children: the log append's Redis commands, the item grains' calls, the pushes to watchers.
        using var activity = RecommenderTracing.Source.StartActivity(RecommenderTracing.RecordSpan);
        activity?.SetTag("recommender.events", events.Length);
        // Apply what an unanswered append may have left in the log first, so that the client's resend
        // (same event ids) is recognised as a duplicate instead of being appended a second time.
        if (_logUncertain) await CatchUpWithLog();
        var fresh = new List<InteractionEvent>(events.Length);
        HashSet<string>? batchIds = null;
        foreach (var e in events)
        {
            if (e.EventId is { } id && (EventIds.Contains(EventIdWindow.HashOf(id)) || !(batchIds ??= new(StringComparer.Ordinal)).Add(id))) continue;
            fresh.Add(e);
        }
        activity?.SetTag("recommender.duplicates", events.Length - fresh.Count);
        if (fresh.Count == 0) return new RecordResult(0, events.Length);
        var received = Stopwatch.GetTimestamp();

        // The online hit-rate: events on items the user was shown in the last served or pushed top-k.
        var hits = fresh.Count(e => Array.IndexOf(State.LastRanking, e.ItemId) >= 0);

        // Durable first: only an appended event is acknowledged.
        long length;
        try
        {
            length = await shared.Log.AppendAsync(UserId, fresh.ConvertAll(e => e.Encode()), firstAppend: State.LogPosition == 0);
        }
        catch
        {
            _logUncertain = true;
            throw;
        }
        // Entries before ours that this activation never applied (an unanswered append that landed late).
        if (length - fresh.Count > State.LogPosition) await CatchUpWithLog(length - fresh.Count);
        shared.Counters.Add(fresh.Count, hits);
        RecommenderMetrics.OnlineHits(hits);
        if (shared.Impressions.Options.Record && (_served is not null || fresh.Exists(e => e.RecommendationId is not null))) Attribute(fresh);
        foreach (var e in fresh) RecommenderMetrics.EventIngested(e.Type);

        var position = length - fresh.Count;
        foreach (var e in fresh) Apply(e, ++position);
        State.LogPosition = length;
        EventIds.Prune(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        MarkUnsaved(fresh.Count);

        // Online learning: re-fit this user against the current item vectors, then let each item
        // re-fit itself against its users (it gets this user's new vector with the event).
        var snapshot = shared.Live.Current;
        var fitStart = Stopwatch.GetTimestamp();
        var fitted = snapshot.IsTrained && FitUser(snapshot, shared.Model.FoldInCgSteps);
        if (fitted) RecommenderMetrics.FoldedIn(Stopwatch.GetElapsedTime(fitStart).TotalMilliseconds);
        foreach (var (itemId, interactions) in ByItem(fresh))
            _ = GrainFactory.GetGrain<IItemGrain>(itemId).Interacted(interactions, fitted ? CellFor(itemId, snapshot) : null);

        // One push per acknowledged call: a batch for this user is coalesced into one ranking.
        if (_watchers is { Any: true })
        {
            var receivedAt = DateTimeOffset.UtcNow - Stopwatch.GetElapsedTime(received);
            var cause = fresh[^1];
            _watchers.Notify((rules, k) => RankFor(k, cause, rules) with { ReceivedAt = receivedAt });
        }

        return new RecordResult(fresh.Count, events.Length - fresh.Count);
    }

    /// <summary>
    /// Attribution (docs/API.md): a positive event with a recommendationId counts for that list when
    /// this grain still holds it and it served the item; without one, for the newest list served
    /// within the window that holds the item. Each (list, position, event type) counts once.
    /// </summary>
    private void Attribute(List<InteractionEvent> events)
    {
        var now = DateTimeOffset.UtcNow;
        var nowMs = now.ToUnixTimeMilliseconds();
        var windowMs = (long)shared.Impressions.Options.Window.TotalMilliseconds;
        foreach (var e in events)
        {
            if (!shared.Evidence.Of(e.Type, e.Value).Positive) continue;
            var byId = e.RecommendationId is { } given;
            ref var list = ref System.Runtime.CompilerServices.Unsafe.NullRef<ServedLists.List>();
            if (_served is { } served)
            {
                if (!byId) list = ref served.Showing(e.ItemId, nowMs, windowMs);
                else if (Guid.TryParseExact(e.RecommendationId, "N", out var id)) list = ref served.Find(id, nowMs, windowMs);
            }
            var position = System.Runtime.CompilerServices.Unsafe.IsNullRef(ref list) ? 0 : Array.IndexOf(list.Items, e.ItemId) + 1;
            if (position == 0)
            {
                if (byId) shared.Impressions.NotMatched(now);
                continue;
            }
            var attributed = list.Attributed ??= [];
            var firstConversion = e.Type == EventType.Purchase && !attributed.Any(key => key % 16 == (int)EventType.Purchase);
            if (!attributed.Add(position * 16 + (int)e.Type)) continue;
            shared.Impressions.Attributed(list.Group, e.Type, position, firstHit: attributed.Count == 1, firstConversion, now);
        }
    }

    /// <summary>The events as each item grain takes them (one call per item).</summary>
    private IEnumerable<(string ItemId, ItemInteraction[] Interactions)> ByItem(IReadOnlyList<InteractionEvent> events)
    {
        if (events.Count == 1)
        {
            yield return (events[0].ItemId, [Interaction(events[0])]);
            yield break;
        }
        foreach (var group in events.GroupBy(e => e.ItemId, StringComparer.Ordinal))
            yield return (group.Key, group.Select(Interaction).ToArray());
    }

    private ItemInteraction Interaction(InteractionEvent e)
    {
        var weight = shared.Evidence.Of(e.Type, e.Value);
        return new ItemInteraction(e.Type, weight.Positive ? weight.Strength : 0f, e.Timestamp);
    }

    /// <summary>Applies the log's entries after <see cref="UserState.LogPosition"/> (up to <paramref name="end"/>), as activation does.</summary>
    private async Task CatchUpWithLog(long end = long.MaxValue)
    {
        var pending = await shared.Log.ReadAsync(UserId, State.LogPosition);
        var count = (int)Math.Min(pending.Length, end - State.LogPosition);
        for (var i = 0; i < count; i++) Apply(InteractionEvent.Decode(pending[i]), State.LogPosition + i + 1);
        State.LogPosition += count;
        if (count > 0) { State.ModelVersion = 0; MarkUnsaved(count); }
        _logUncertain = false;
    }

    public Task<Ranking> Recommend(RecommendQuery query)
    {
        var start = Stopwatch.GetTimestamp();
        EnsureFitted();
        var assignment = shared.Experiments.Assign(UserId);
        query = assignment.Serving.ApplyTo(query);
        var (items, strategy) = Compose(query);
        RecommenderMetrics.Recommended(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        var ids = Array.ConvertAll(items, i => i.ItemId);
        if (query.Exclude.Length == 0 && query.Category is null && !query.IsFiltered) State.LastRanking = ids;
        var id = Serve(query, items, ids, strategy, assignment, query.Source, pushed: false);
        return Task.FromResult(Answer(items, strategy, id, assignment));
    }

    public Task<Ranking?> Next(string recommendationId, int k)
    {
        var now = DateTimeOffset.UtcNow;
        if (_served is null || !Guid.TryParseExact(recommendationId, "N", out var id)) return Task.FromResult<Ranking?>(null);
        ref var list = ref _served.Find(id, now.ToUnixTimeMilliseconds(), (long)shared.Impressions.Options.Window.TotalMilliseconds);
        if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref list)) return Task.FromResult<Ranking?>(null);
        EnsureFitted();
        var served = list.Items.Length;
        // The list's query already carries its variant's configuration: a continued list stays in its variant.
        var (items, strategy) = served >= ServedLists.MaxServedPerList
            ? ([], list.Group.Strategy)
            : Compose(list.Query with { K = k, Offset = 0, Exclude = [.. list.Query.Exclude, .. list.Items] });
        items = Array.ConvertAll(items, i => i with { Rank = served + i.Rank });
        ServedLists.Serve(ref list, items, now.ToUnixTimeMilliseconds());
        shared.Impressions.Continued(UserId, id, list.Group, items, now);
        var group = list.Group;
        return Task.FromResult<Ranking?>(Answer(items, strategy, recommendationId, new Assignment(group.Experiment, group.Variant, ServingConfig.Default)));
    }

    /// <summary>Remembers a served list and records its impression; returns its recommendationId.</summary>
    private string Serve(RecommendQuery query, RankedItem[] items, string[] ids, string strategy, Assignment assignment, string source, bool pushed)
    {
        var now = DateTimeOffset.UtcNow;
        var group = shared.Impressions.Group(strategy, State.ModelVersion, assignment.Experiment, assignment.Variant);
        var id = (_served ??= new ServedLists(shared.Impressions.Options.ListsPerUser)).Open(query, ids, group, now.ToUnixTimeMilliseconds(), pushed);
        shared.Impressions.Served(UserId, id, source, group, items, now);
        return id.ToString("N");
    }

    private Ranking Answer(RankedItem[] items, string strategy, string recommendationId, Assignment assignment) => new()
    {
        UserId = UserId,
        ModelVersion = State.ModelVersion,
        Strategy = strategy,
        ComputedAt = DateTimeOffset.UtcNow,
        Items = items,
        RecommendationId = recommendationId,
        Experiment = assignment.Experiment,
        Variant = assignment.Variant,
    };

    /// <summary>A list with the stored promotions, and with rotation when the query (or the configuration) asks for it.</summary>
    private (RankedItem[] Items, string Strategy) Compose(RecommendQuery query)
    {
        var rotate = query.Rotation ?? shared.Rotation.Enabled;
        var pushDown = rotate && _served is { } served
            ? served.RecentlyServed(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), (long)shared.Rotation.Window.TotalMilliseconds)
            : [];
        return shared.Lists.Compose(Taste(), query, pushDown);
    }

    public Task<RankingChange> Watch(IRankingObserver observer, int k) => WatchFiltered(observer, k, rules: null);

    public Task<RankingChange> WatchFiltered(IRankingObserver observer, int k, WatchRules? rules) => AddWatch(observer, k, rules, shown: true);

    public Task<RankingChange> RenewWatch(IRankingObserver observer, int k, WatchRules? rules) => AddWatch(observer, k, rules, shown: false);

    private Task<RankingChange> AddWatch(IRankingObserver observer, int k, WatchRules? rules, bool shown)
    {
        var watchers = _watchers ??= new Watchers(shared.Options.WatchLease);
        var key = rules?.Key;
        // Ranked before the watch is added: rules that cannot be applied throw and leave no watch.
        var current = RankFor(Math.Max(k, watchers.Watches(key) ? watchers.KOf(key) : k), cause: null, rules, shown);
        watchers.Add(observer, k, rules);
        return Task.FromResult(current with { Diff = RankingDiff.None });
    }

    public Task Unwatch(IRankingObserver observer) => UnwatchFiltered(observer, rules: null);

    public Task UnwatchFiltered(IRankingObserver observer, string? rules)
    {
        if (_watchers is null) return Task.CompletedTask;
        _watchers.Remove(observer, rules);
        if (!_watchers.Watches(rules)) _lastPushed?.Remove(rules ?? "");
        return Task.CompletedTask;
    }

    /// <summary>Pushes the ranking of every watched rules (after a change that may move it, not an event).</summary>
    private void NotifyWatchers()
    {
        if (_watchers is { Any: true }) _watchers.Notify((rules, k) => RankFor(k, cause: null, rules));
    }

    /// <summary>The top-k now under <paramref name="rules"/>, with its diff against the previous push under them.</summary>
    /// <exception cref="Rules.RuleException">The rules cannot be applied.</exception>
    /// <param name="shown">The ranking goes to a client (a push, a watch's answer): an impression. A renewal's is not.</param>
    private RankingChange RankFor(int k, InteractionEvent? cause, WatchRules? rules = null, bool shown = true)
    {
        EnsureFitted();
        // Promotions and boosts hold on pushes too; rotation does not (a push follows an event, not a request for more).
        var query = new RecommendQuery { K = k };
        if (rules is not null) query = rules.ApplyTo(query);
        var assignment = shared.Experiments.Assign(UserId);
        query = assignment.Serving.ApplyTo(query);
        var (items, strategy) = shared.Lists.Compose(Taste(), query, []);
        var ids = Array.ConvertAll(items, i => i.ItemId);
        var recommendationId = shown ? Serve(query, items, ids, strategy, assignment, "push", pushed: true) : null;
        var key = rules?.Key;
        _lastPushed ??= new(StringComparer.Ordinal);
        var diff = RankingDiff.Between(_lastPushed.GetValueOrDefault(key ?? "") ?? [], ids);
        _lastPushed[key ?? ""] = ids;
        // What the user was shown, for the online hit-rate: the unfiltered ranking only (as Recommend).
        if (rules is null) State.LastRanking = ids;
        return new RankingChange
        {
            UserId = UserId,
            Items = items,
            Diff = diff,
            Cause = cause,
            ModelVersion = State.ModelVersion,
            ComputedAt = DateTimeOffset.UtcNow,
            Sequence = RankingChange.SequenceOf(_epoch, State.LogPosition),
            Strategy = strategy,
            Rules = key,
            RecommendationId = recommendationId,
            Experiment = assignment.Experiment,
            Variant = assignment.Variant,
        };
    }

    public async Task<UserProfile?> GetProfile() => Exists ? await BuildProfile() : null;

    /// <summary>A user exists once it sent an event or was given properties.</summary>
    private bool Exists => State.TotalEvents > 0 || State.Properties is not null;

    public async Task<UserProfile> SetProperties(string? properties)
    {
        State.Properties = properties;
        await WritePropertiesThrough();
        return await BuildProfile();
    }

    public async Task<(UserProfile? Profile, string? ErrorField, string? Error)> PatchProperties(string patch)
    {
        using var document = System.Text.Json.JsonDocument.Parse(patch);
        string? field = null, reason = null;
        var merged = Recommender.Rules.PropertyBag.MergePatch(Recommender.Rules.PropertyBag.FromJson(State.Properties), document.RootElement, "properties",
            (f, r) => { field ??= f; reason ??= r; });
        if (merged is null) return (null, field, reason);
        State.Properties = merged.Count == 0 ? null : merged.ToJson();
        await WritePropertiesThrough();
        return (await BuildProfile(), null, null);
    }

    /// <summary>
    /// Properties are written through (a 200 is durable). The snapshot carries the events applied so
    /// far with their log position, so writing it early is just an earlier snapshot.
    /// </summary>
    private async Task WritePropertiesThrough()
    {
        var events = _unsavedEvents;
        _unsavedEvents = 0;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            _unsavedEvents += events;
            throw;
        }
        // A user with watchers sees rules that read user.<property> take effect at once.
        NotifyWatchers();
    }

    public async Task<UserExport?> Export()
    {
        if (!Exists) return null;
        var events = Array.ConvertAll(await shared.Log.ReadAsync(UserId), InteractionEvent.Decode);
        // The profile's recent events are the applied tail of the log just read: no second read.
        var applied = (int)Math.Min(State.LogPosition, events.Length);
        var recent = events[Math.Max(0, applied - shared.Options.RecentEvents)..applied];
        Array.Reverse(recent);
        return new UserExport
        {
            Profile = Profile(recent),
            Items = new Dictionary<string, ItemAffinity>(State.Items),
            CategoryWeights = new Dictionary<string, float>(State.CategoryWeights),
            Embedding = State.Embedding,
            LastRanking = State.LastRanking,
            Events = events,
        };
    }

    public async Task Forget()
    {
        var events = Array.ConvertAll(await shared.Log.ReadAsync(UserId), InteractionEvent.Decode);
        foreach (var (itemId, interactions) in ByItem(events))
            await GrainFactory.GetGrain<IItemGrain>(itemId).Forget(UserId, interactions);
        // Snapshot first, log last: the log's delete waits for the commit of both, and a crash in
        // between leaves the log, from which the user is rebuilt whole (the caller was not answered).
        // A user never snapshotted has no record: clearing it would write one (or, deleting, fail the
        // ETag check of a key that is not there). A DELETE of an id never seen leaves no key.
        if (state.RecordExists) await state.ClearStateAsync();
        _epoch = await shared.Log.DeleteAsync(UserId);
        state.State = new UserState { Format = UserState.CurrentFormat };
        _eventIds = null;
        _unsavedEvents = 0;
        _logUncertain = false;
        _saveTimer?.Dispose();
        _saveTimer = null;
        // The activation stays, with its watchers (a deactivation would lose them until the web
        // servers' next renewal): they see the forgotten user's ranking reset, under the new epoch.
        NotifyWatchers();
    }

    /// <summary>Users re-fit lazily: after a new model version, the first request fits them against it.</summary>
    private void EnsureFitted()
    {
        var snapshot = shared.Live.Current;
        if (!snapshot.IsTrained || State.ModelVersion == snapshot.Version) return;
        var model = snapshot.Model!;
        var row = model.UserIndex(UserId);
        if (row >= 0 && model.UserLogLengths[row] == State.LogPosition)
        {
            // Nothing happened since the training read this user's log: its trained row is the answer.
            State.Embedding = model.UserVector(row).ToArray();
            State.ModelVersion = model.Version;
            return;
        }
        FitUser(snapshot, shared.Model.FoldInCgSteps);
    }

    /// <summary>
    /// The exact ALS user step against this silo's item vectors: x = argmin Σ_i c_ui (p_ui − x·y_i)²
    /// + λ|x|², with c = 1 + α·s (optionally recency-weighted), warm-started from the current x — or
    /// from the trained row when the model knows this user, zero otherwise (then with more CG steps).
    /// </summary>
    private bool FitUser(ModelSnapshot snapshot, int cgSteps)
    {
        var model = snapshot.Model!;
        var k = model.Factors;
        Span<float> before = stackalloc float[k];
        if (State.Embedding is not { } x || x.Length != k || State.ModelVersion != model.Version)
        {
            var trained = model.UserIndex(UserId);
            x = trained >= 0 ? model.UserVector(trained).ToArray() : new float[k];
            cgSteps = Math.Max(cgSteps, shared.Model.ColdFoldInCgSteps);
        }
        // What this silo's XᵀX holds for this user: the trained row, or nothing for a new user.
        if (State.ModelVersion == model.Version) x.CopyTo(before);
        else if (model.UserIndex(UserId) is var row and >= 0) model.UserVector(row).CopyTo(before);
        else before.Clear();
        var items = State.Items;
        var position = State.LogPosition;
        var count = items.Count;
        var curve = snapshot.Settings.Evidence;
        var alpha = snapshot.Settings.Als.Alpha;
        var amountScale = curve.RelativeAmounts ? AmountScale() : 1f;
        var recency = RecencyWeights.For(shared.Model.UserRecencyHalfLife);
        var slots = ArrayPool<int>.Shared.Rent(count);
        var weights = ArrayPool<float>.Shared.Rent(2 * count);
        var confidence = weights.AsSpan(0, count);
        var preference = weights.AsSpan(count, count);
        var n = 0;
        foreach (var (itemId, affinity) in items)
        {
            var slot = affinity.IndexSlot - 1;
            if (slot < 0 && (slot = shared.Index.SlotOf(itemId)) >= 0)
                CollectionsMarshal.GetValueRefOrNullRef(items, itemId).IndexSlot = slot + 1;
            if (slot < 0 || slot >= snapshot.Capacity) continue;
            slots[n] = slot;
            var tally = affinity.Tally;
            confidence[n] = recency.Confidence(alpha * curve.Strength(tally, amountScale), position - affinity.LastPosition);
            preference[n] = EvidenceCurve.Preference(tally);
            n++;
        }
        FoldIn.User(x, snapshot.Vectors, k, snapshot.ItemGram, slots.AsSpan(0, n), confidence[..n], preference[..n],
            snapshot.Settings.Als.RowLambda(n) * shared.Model.OnlineRegularizationScale, cgSteps);
        ArrayPool<int>.Shared.Return(slots);
        ArrayPool<float>.Shared.Return(weights);
        shared.Live.ReplaceUserVector(before, x, model.Version);
        State.Embedding = x;
        State.ModelVersion = model.Version;
        return true;
    }

    /// <summary>The user's median amount over its cells (the scale of relative amounts).</summary>
    private float AmountScale()
    {
        var tallies = new EvidenceTally[State.Items.Count];
        var i = 0;
        foreach (var affinity in State.Items.Values) tallies[i++] = affinity.Tally;
        return EvidenceCurve.AmountScale(tallies);
    }

    private UserCell? CellFor(string itemId, ModelSnapshot snapshot)
    {
        if (!State.Items.TryGetValue(itemId, out var affinity) || State.Embedding is not { } x) return null;
        var curve = snapshot.Settings.Evidence;
        var strength = curve.Strength(affinity.Tally, curve.RelativeAmounts ? AmountScale() : 1f);
        // The live array, not a copy: see ItemRow for why the item step wants later re-fits too.
        return new UserCell(UserId, x, 1f + snapshot.Settings.Als.Alpha * strength, EvidenceCurve.Preference(affinity.Tally), snapshot.Version);
    }

    /// <summary>Folds one event into the statistics, the per-item aggregate and the category taste.</summary>
    private void Apply(InteractionEvent e, long position)
    {
        var s = State;
        s.Counts[(int)e.Type]++;
        if (s.FirstSeen == 0 || e.Timestamp < s.FirstSeen) s.FirstSeen = e.Timestamp;
        s.LastSeen = Math.Max(s.LastSeen, e.Timestamp);

        var weight = shared.Evidence.Of(e.Type, e.Value);
        var affinity = s.Items.GetValueOrDefault(e.ItemId);
        affinity.Strength += weight.Strength;
        affinity.LastAt = Math.Max(affinity.LastAt, e.Timestamp);
        affinity.Negative = !weight.Positive;
        affinity.LastPosition = position;
        var tally = affinity.Tally;
        tally.Add((EvidenceKind)e.Type, e.Value, !weight.Positive);
        affinity.Tally = tally;
        s.Items[e.ItemId] = affinity;
        if (s.Items.Count > shared.Options.MaxItemsPerUser) DropOldestItem(s);

        if (shared.Index.TryGet(e.ItemId, out var item) && item.Categories.Length > 0)
        {
            var share = (weight.Positive ? weight.Strength : -weight.Strength) / item.Categories.Length;
            foreach (var category in item.Categories)
                s.CategoryWeights[category] = s.CategoryWeights.GetValueOrDefault(category) + share;
        }

        // The window is pruned once per call (Record), not per event: a batch's ids all stay.
        if (e.EventId is { } id && EventIdWindow.HashOf(id) is var hash && !EventIds.Contains(hash))
            EventIds.Add(hash, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    }

    /// <summary>The idempotency window over the snapshot's stamps (its lookup set is not persisted).</summary>
    private EventIdWindow EventIds => _eventIds ??= new EventIdWindow(State.EventIds, shared.Options);

    /// <summary>
    /// Notes events missing from the snapshot; once <see cref="RecommenderOptions.SnapshotAfterEvents"/>
    /// are, schedules one write after <see cref="RecommenderOptions.SnapshotInterval"/> (an idle user holds no timer).
    /// </summary>
    private void MarkUnsaved(int events)
    {
        _unsavedEvents += events;
        if (_unsavedEvents >= shared.Options.SnapshotAfterEvents)
            _saveTimer ??= this.RegisterGrainTimer(SaveTick, shared.Options.SnapshotInterval, Timeout.InfiniteTimeSpan);
    }

    private async Task SaveTick(CancellationToken cancellationToken)
    {
        _saveTimer?.Dispose();
        _saveTimer = null;
        try
        {
            await SaveIfChanged(cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            MarkUnsaved(0); // the store is unreachable: the next tick retries (the log keeps every event)
        }
    }

    private static void DropOldestItem(UserState s)
    {
        string? oldest = null;
        var oldestAt = long.MaxValue;
        foreach (var (itemId, affinity) in s.Items)
        {
            if (affinity.LastAt < oldestAt) { oldest = itemId; oldestAt = affinity.LastAt; }
        }
        if (oldest is not null) s.Items.Remove(oldest);
    }

    private UserTaste Taste() => new(State.Items, State.CategoryWeights, State.Embedding, State.ModelVersion, Properties);

    /// <summary>The parsed properties, kept while the stored JSON is the same string.</summary>
    private Recommender.Rules.PropertyBag Properties
    {
        get
        {
            if (State.Properties is null) return Recommender.Rules.PropertyBag.Empty;
            if (_properties is not { } held || !ReferenceEquals(held.Json, State.Properties))
                _properties = held = new ParsedProperties(State.Properties, Recommender.Rules.PropertyBag.FromJson(State.Properties));
            return held.Bag;
        }
    }

    /// <summary>One reference, null for a user without properties: a field per active user grain counts (memory per user, BENCHMARKS.md).</summary>
    private ParsedProperties? _properties;

    private sealed record ParsedProperties(string Json, Recommender.Rules.PropertyBag Bag);

    /// <summary>
    /// The profile; its recent events are the log's last <see cref="RecommenderOptions.RecentEvents"/>
    /// applied entries, read when asked: the snapshot no longer keeps a copy of them (~200 B per user,
    /// BENCHMARKS.md, "Memory per user grain").
    /// </summary>
    private async Task<UserProfile> BuildProfile()
    {
        var count = (int)Math.Min(shared.Options.RecentEvents, State.LogPosition);
        var tail = count == 0 ? [] : await shared.Log.ReadAsync(UserId, State.LogPosition - count);
        var recent = new InteractionEvent[Math.Min(count, tail.Length)];
        for (var i = 0; i < recent.Length; i++) recent[i] = InteractionEvent.Decode(tail[recent.Length - 1 - i]);
        return Profile(recent);
    }

    private UserProfile Profile(InteractionEvent[] recent) => new()
    {
        UserId = UserId,
        FirstSeen = DateTimeOffset.FromUnixTimeMilliseconds(State.FirstSeen),
        LastSeen = DateTimeOffset.FromUnixTimeMilliseconds(State.LastSeen),
        TotalEvents = State.TotalEvents,
        Counts = EventTypes.All.ToDictionary(t => t.ToWire(), t => State.Counts[(int)t]),
        TopCategories = State.CategoryWeights
            .Where(c => c.Value > 0)
            .OrderByDescending(c => c.Value)
            .Take(5)
            .Select(c => new CategoryWeight(c.Key, c.Value))
            .ToArray(),
        Recent = recent,
        ModelVersion = State.ModelVersion,
        Properties = State.Properties,
    };

    private async Task SaveIfChanged(CancellationToken cancellationToken)
    {
        var events = _unsavedEvents;
        if (events == 0) return;
        _unsavedEvents = 0;
        try
        {
            await state.WriteStateAsync(cancellationToken);
        }
        catch
        {
            _unsavedEvents += events; // the log still holds every event; the caller tries again
            throw;
        }
    }
}
