namespace Recommender.Grains;

public static class StorageNames
{
    /// <summary>The Orleans grain storage provider (Redis protocol) every grain uses.</summary>
    public const string Grains = "recommender";
}
