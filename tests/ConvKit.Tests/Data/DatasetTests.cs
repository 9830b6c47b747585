using System.Security.Cryptography;
using ConvKit.Data;
using ConvKit.Tests.IO;

namespace ConvKit.Tests.Data;

public class DatasetTests
{
    private static readonly DatasetResolver NoWhereElse = new();

    [SharedDataFact]
    public void LoadsRealMnist()
    {
        var data = Dataset.Load("mnist", SharedData.Root, allowDownload: false, NoWhereElse);
        Assert.Equal("mnist", data.Name);
        Assert.Equal(Path.Combine(SharedData.Root!, "mnist"), data.Directory);
        Assert.Equal(60000, data.Train.Count);
        Assert.Equal(10000, data.Test.Count);
        Assert.Equal((1, 28, 28), (data.Train.Channels, data.Train.Height, data.Train.Width));
        Assert.Equal(60000 * 784, data.Train.Images.Length);
        Assert.Equal(5, data.Train.Labels[0]); // the famous first training digit
        Assert.Equal(7, data.Test.Labels[0]);
        Assert.Equal(0f, data.Train.Images.Min());
        Assert.Equal(1f, data.Train.Images.Max());
        Assert.Equal(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"], data.ClassNames);
        // Every class is present with roughly a tenth of the images.
        Assert.All(data.Train.Labels.GroupBy(l => l), g => Assert.InRange(g.Count(), 5000, 7000));
    }

    [SharedDataFact]
    public void CatalogChecksumsMatchTheSharedFiles()
    {
        foreach (var info in DatasetCatalog.All)
        {
            foreach (var f in info.Files)
            {
                DatasetDownloader.Verify(SharedData.DataFile(info.Name, f.FileName), f);
            }
        }
    }

    [SharedDataFact]
    public void SharedMnistFilesAreTheOriginals()
    {
        // The gzip MD5s that Keras and torchvision check for the files from the original MNIST site.
        var md5 = new Dictionary<string, string>
        {
            ["train-images-idx3-ubyte.gz"] = "f68b3c2dcbeaaa9fbdd348bbdeb94873",
            ["train-labels-idx1-ubyte.gz"] = "d53e105ee54ea40749a09fcbcd1e9432",
            ["t10k-images-idx3-ubyte.gz"] = "9fb629c4189551a2d022fa330f9573f3",
            ["t10k-labels-idx1-ubyte.gz"] = "ec29112dd5afa0611ce80d1b7f02629c",
        };
        foreach (var (name, expected) in md5)
        {
            Assert.Equal(expected, Convert.ToHexStringLower(MD5.HashData(File.ReadAllBytes(SharedData.DataFile("mnist", name)))));
        }
    }

    [SharedDataFact]
    public void FashionMnistLabelsAndClassNames()
    {
        var dir = NoWhereElse.Resolve("fashion-mnist", SharedData.Root, allowDownload: false);
        var labels = Idx.ReadLabels(DatasetResolver.FindFile(dir, DatasetCatalog.FashionMnist.TrainLabels)!);
        Assert.Equal(60000, labels.Count);
        Assert.Equal(9, labels.Labels[0]); // the first training image is an ankle boot
        Assert.Equal("Ankle boot", DatasetCatalog.FashionMnist.ClassNames[9]);
        Assert.Equal(10, DatasetCatalog.FashionMnist.ClassNames.Count);
        Assert.All(labels.Labels.GroupBy(l => l), g => Assert.Equal(6000, g.Count())); // balanced classes
    }

    [Fact]
    public void LoadsAndChecksASyntheticDataset()
    {
        using var dir = new TempDirectory();
        var info = TinyDataset.Info();
        TinyDataset.WriteTo(dir.Path, gzip: false);
        var data = Dataset.LoadDirectory(info, dir.Path);
        Assert.Equal(5, data.Train.Count);
        Assert.Equal(3, data.Test.Count);
        Assert.Equal(12, data.Train.SampleSize);
        Assert.Equal(4 / 255f, data.Train.Images[1]);
        Assert.Equal([0, 2, 1], data.Test.Labels);

        // A label outside the classes is refused with the file and the item.
        File.WriteAllBytes(dir.File("t10k-labels-idx1-ubyte"), IdxTests.IdxBytes(0x801, [3], [0, 3, 1]));
        var e = Assert.Throws<ConvKitException>(() => Dataset.LoadDirectory(info, dir.Path));
        Assert.Contains("t10k-labels-idx1-ubyte: label 3 of item 1 is outside 0..2", e.Message);

        // Images of the wrong size are refused.
        File.WriteAllBytes(dir.File("t10k-labels-idx1-ubyte"), TinyDataset.TestLabels);
        File.WriteAllBytes(dir.File("t10k-images-idx3-ubyte"), IdxTests.IdxBytes(0x803, [3, 3, 4], new byte[36]));
        e = Assert.Throws<ConvKitException>(() => Dataset.LoadDirectory(info, dir.Path));
        Assert.Contains("images are 3x4, expected 4x3 for tiny", e.Message);
    }
}
