namespace ConvKit.Data;

/// <summary>
/// The datasets ConvKit knows by name: <c>mnist</c> and <c>fashion-mnist</c> (also accepted as
/// <c>fashion_mnist</c>, the Keras spelling), with their class names, mirrors and checksums.
/// </summary>
/// <remarks>
/// <para>Checksums are SHA-256 of the decompressed IDX content (see <see cref="DatasetFile"/>). For MNIST they
/// were computed from files whose gzip MD5s match the ones Keras and torchvision check
/// (f68b3c2dcbeaaa9fbdd348bbdeb94873, d53e105ee54ea40749a09fcbcd1e9432, 9fb629c4189551a2d022fa330f9573f3,
/// ec29112dd5afa0611ce80d1b7f02629c), so they are the original files. For Fashion-MNIST they were computed from
/// Debian's <c>dataset-fashion-mnist</c> copy, whose gzip wrapper differs from the upstream release but whose
/// content is the dataset; checking content accepts both.</para>
/// <para>Mirrors: MNIST from the S3 bucket torchvision uses and the Google Cloud copy TensorFlow uses;
/// Fashion-MNIST from Zalando Research's own bucket (plain HTTP, so the checksum is what guarantees integrity).</para>
/// </remarks>
public static class DatasetCatalog
{
    private static readonly string[] Digits = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    private static readonly string[] Clothes =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>MNIST handwritten digits (LeCun, Cortes, Burges): 60,000 + 10,000 grey 28x28 images, 10 classes. CC BY-SA 3.0.</summary>
    public static DatasetInfo Mnist { get; } = new(
        "mnist",
        Digits,
        ["https://ossci-datasets.s3.amazonaws.com/mnist/", "https://storage.googleapis.com/cvdf-datasets/mnist/"],
        new("train-images-idx3-ubyte.gz", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db", 47_040_016),
        new("train-labels-idx1-ubyte.gz", "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5", 60_008),
        new("t10k-images-idx3-ubyte.gz", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7", 7_840_016),
        new("t10k-labels-idx1-ubyte.gz", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2", 10_008),
        height: 28,
        width: 28);

    /// <summary>Fashion-MNIST (Zalando Research): 60,000 + 10,000 grey 28x28 images of clothing, 10 classes. MIT licence.</summary>
    public static DatasetInfo FashionMnist { get; } = new(
        "fashion-mnist",
        Clothes,
        ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"],
        new("train-images-idx3-ubyte.gz", "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888", 47_040_016),
        new("train-labels-idx1-ubyte.gz", "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9", 60_008),
        new("t10k-images-idx3-ubyte.gz", "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b", 7_840_016),
        new("t10k-labels-idx1-ubyte.gz", "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34", 10_008),
        height: 28,
        width: 28);

    /// <summary>All known datasets.</summary>
    public static IReadOnlyList<DatasetInfo> All { get; } = [Mnist, FashionMnist];

    /// <summary>The known names.</summary>
    public static IReadOnlyList<string> Names { get; } = All.Select(d => d.Name).ToArray();

    /// <summary>Finds a dataset by name, ignoring case and treating <c>_</c> as <c>-</c>.</summary>
    public static bool TryGet(string name, out DatasetInfo dataset)
    {
        ArgumentNullException.ThrowIfNull(name);
        var key = name.Trim().Replace('_', '-');
        foreach (var d in All)
        {
            if (string.Equals(d.Name, key, StringComparison.OrdinalIgnoreCase))
            {
                dataset = d;
                return true;
            }
        }
        dataset = null!;
        return false;
    }

    /// <summary>Finds a dataset by name, ignoring case and treating <c>_</c> as <c>-</c>.</summary>
    /// <exception cref="ConvKitException">No dataset has that name; the message lists the known ones.</exception>
    public static DatasetInfo Get(string name) =>
        TryGet(name, out var d) ? d : throw new ConvKitException($"Unknown dataset '{name}'; known datasets: {string.Join(", ", Names)}.");
}
