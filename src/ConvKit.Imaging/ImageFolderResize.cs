namespace ConvKit.Imaging;

/// <summary>How <see cref="ImageFolder"/> brings each image to the target size.</summary>
public enum ImageFolderResize
{
    /// <summary>Stretch the whole image to the target size (the aspect ratio may change).</summary>
    Resize,

    /// <summary>Scale so that the image just covers the target (shorter side to the target side), then cut out the centre.</summary>
    CenterCrop,

    /// <summary>Scale as <see cref="CenterCrop"/>, then cut out a window at a seeded random position (for training sets).</summary>
    RandomCrop,
}
