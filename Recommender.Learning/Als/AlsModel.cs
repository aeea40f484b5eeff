using System.Numerics.Tensors;

namespace Recommender.Learning;

/// <summary>
/// A trained factorisation: row-major user factors X (Users × Factors) and item factors
/// Y (Items × Factors); row r lives at [r*k, r*k + k). The predicted preference is x_u·y_i.
/// </summary>
public sealed class AlsModel
{
    public AlsModel(int factors, int users, int items, float[] userFactors, float[] itemFactors)
    {
        if (userFactors.Length != users * factors) throw new ArgumentException("userFactors must be users*factors", nameof(userFactors));
        if (itemFactors.Length != items * factors) throw new ArgumentException("itemFactors must be items*factors", nameof(itemFactors));
        Factors = factors;
        Users = users;
        Items = items;
        UserFactors = userFactors;
        ItemFactors = itemFactors;
    }

    public int Factors { get; }
    public int Users { get; }
    public int Items { get; }
    public float[] UserFactors { get; }
    public float[] ItemFactors { get; }

    public Span<float> UserVector(int user) => UserFactors.AsSpan(user * Factors, Factors);
    public Span<float> ItemVector(int item) => ItemFactors.AsSpan(item * Factors, Factors);
    public float Score(int user, int item) => TensorPrimitives.Dot(UserVector(user), ItemVector(item));

    /// <summary>YᵀY, the k × k Gram matrix of the item factors (what <see cref="FoldIn.User"/> needs).</summary>
    public float[] ItemGram() => Gram.Compute(ItemFactors, Items, Factors);

    /// <summary>XᵀX, the Gram matrix of the user factors (what the item step needs).</summary>
    public float[] UserGram() => Gram.Compute(UserFactors, Users, Factors);
}
