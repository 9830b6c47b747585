using System.CommandLine;
using System.Globalization;
using ConvKit.Imaging;

namespace ConvKit.Cli.Commands;

/// <summary><c>convkit dataset DIR</c>: checks an image folder and prints its classes, counts, balance and image sizes.</summary>
internal static class DatasetCommand
{
    public static Command Create()
    {
        var root = new Argument<string>("DIR") { Description = "The image folder: one sub-folder of .png/.jpg/.jpeg images per class." };
        var folder = new FolderDatasetOptions();
        var seed = new Option<int>("--seed") { Description = "Seed of --crop random.", DefaultValueFactory = _ => 1 };
        var command = new Command("dataset", "Inspect an image-folder dataset: classes, counts, class balance and image sizes.") { root, seed };
        folder.AddTo(command, training: false);
        command.SetAction(r => Run(r.GetValue(root)!, folder.Read(r), r.GetValue(seed)));
        return command;
    }

    private static int Run(string root, FolderDatasetSettings folder, int seed)
    {
        var options = folder.ToLoaderOptions(seed);
        var listing = ImageFolder.Scan(root);
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine($"Image folder {listing.Root}: {listing.Count.ToString("N0", inv)} images in {listing.ClassNames.Count} classes");
        var sizes = new Dictionary<(int C, int H, int W), (int Count, string Example)>();
        for (var c = 0; c < listing.ClassNames.Count; c++)
        {
            foreach (var file in listing.Files[c])
            {
                var image = ImageFile.LoadBytes(file);
                var key = (image.Channels, image.Height, image.Width);
                sizes[key] = sizes.TryGetValue(key, out var seen) ? (seen.Count + 1, seen.Example) : (1, file);
            }
        }
        var counts = listing.Files.Select(f => f.Count).ToArray();
        Console.Write(Data.ClassBalance.FromCounts(listing.ClassNames, counts).ToText());
        Console.WriteLine("Image sizes found (channels x height x width):");
        foreach (var ((c, h, w), (count, example)) in sizes.OrderByDescending(kv => kv.Value.Count).ThenBy(kv => kv.Key))
        {
            Console.WriteLine(string.Create(inv, $"  {c}x{h}x{w}  {count,8:N0} images ({(c == 1 ? "grey" : "colour")}), e.g. {Path.GetRelativePath(listing.Root, example)}"));
        }
        if (options.Height is null && sizes.Keys.Select(k => (k.H, k.W)).Distinct().Count() > 1)
        {
            Console.WriteLine("The images differ in size: pass --image-size HxW (and --crop resize|center|random) to train on them.");
        }
        else
        {
            var set = ImageFolder.Load(listing, options);
            Console.WriteLine(string.Create(inv, $"Loaded as {set.Count:N0} images of {set.Channels}x{set.Height}x{set.Width} (channels x height x width), pixels in [0, 1]"));
        }
        return 0;
    }
}
