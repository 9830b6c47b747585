namespace ConvKit.Data;

/// <summary>One line of a <see cref="ClassBalance"/>: a class, how many images it has and their share of the set.</summary>
/// <param name="Name">The class name.</param>
/// <param name="Count">Images of the class.</param>
/// <param name="Share">Count / total, in [0, 1].</param>
public sealed record ClassShare(string Name, int Count, double Share);
