namespace ConvKit.Imaging;

/// <summary>Options of <see cref="ImageFolder.Load(string, ImageFolderOptions?)"/>.</summary>
public sealed record ImageFolderOptions
{
    /// <summary>Target height in pixels, or null to keep the files' size (then all images must have the same size).</summary>
    public int? Height { get; init; }

    /// <summary>Target width in pixels, or null to keep the files' size.</summary>
    public int? Width { get; init; }

    /// <summary>How images are brought to the target size; ignored without one.</summary>
    public ImageFolderResize Resize { get; init; } = ImageFolderResize.Resize;

    /// <summary>
    /// 1 (grey) or 3 (RGB), or null for what the files hold: 1 when every image is grey, 3 otherwise. Grey images
    /// are repeated into three channels; colour images become grey as the luma 0.299 R + 0.587 G + 0.114 B.
    /// </summary>
    public int? Channels { get; init; }

    /// <summary>Seed of the window positions of <see cref="ImageFolderResize.RandomCrop"/>.</summary>
    public int Seed { get; init; }
}
