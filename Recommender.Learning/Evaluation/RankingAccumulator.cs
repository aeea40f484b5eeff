namespace Recommender.Learning;

/// <summary>Running means of <see cref="RankingScores"/> over users.</summary>
public sealed class RankingAccumulator
{
    private double _ndcg, _precision, _recall, _hit;

    public int Users { get; private set; }

    public void Add(RankingScores s)
    {
        _ndcg += s.Ndcg; _precision += s.Precision; _recall += s.Recall; _hit += s.HitRate;
        Users++;
    }

    public RankingScores Mean => Users == 0 ? default
        : new RankingScores(_ndcg / Users, _precision / Users, _recall / Users, _hit / Users);
}
