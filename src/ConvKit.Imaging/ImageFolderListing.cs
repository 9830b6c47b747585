namespace ConvKit.Imaging;

/// <summary>The classes and image files of an image folder, as <see cref="ImageFolder.Scan"/> found them.</summary>
/// <param name="Root">The full path of the folder.</param>
/// <param name="ClassNames">Class folder names, sorted by ordinal name; label c is <c>ClassNames[c]</c>.</param>
/// <param name="Files">For each class, the full paths of its image files in ordinal order.</param>
public sealed record ImageFolderListing(string Root, IReadOnlyList<string> ClassNames, IReadOnlyList<IReadOnlyList<string>> Files)
{
    /// <summary>All image files.</summary>
    public int Count => Files.Sum(f => f.Count);
}
