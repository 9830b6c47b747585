using ConvKit.Serialization;
using ConvKit.Tests.Data;

namespace ConvKit.Tests.TestSupport;

/// <summary>Reads a PyTorch golden fixture from tests/fixtures/golden (see its README).</summary>
public sealed class Golden
{
    private readonly SafeTensorsFile _file;

    private Golden(SafeTensorsFile file) => _file = file;

    public static Golden Load(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "fixtures", "golden", name + ".safetensors");
        if (!File.Exists(path))
        {
            path = Path.Combine(SharedData.RepositoryRoot, "tests", "fixtures", "golden", name + ".safetensors");
        }
        return new Golden(SafeTensorsFile.Load(path));
    }

    public float[] this[string name] => _file.GetFloat32(name);

    public int[] Shape(string name) => _file.GetShape(name);

    public int[] Labels(string name) => _file.GetInt64(name).Select(v => (int)v).ToArray();

    public string Meta(string key) => _file.Metadata[key];

    public int Int(string key) => int.Parse(_file.Metadata[key], System.Globalization.CultureInfo.InvariantCulture);

    public bool Has(string name) => _file.Contains(name);
}
