using ConvKit.Models;
using ConvKit.Zoo;

namespace ConvKit.Cli.Commands;

/// <summary>Loads a model file given by the user, turning file problems into one-line errors.</summary>
internal static class ModelSource
{
    public static Model Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new UserErrorException($"Model file '{path}' does not exist. Train one with: convkit train --out {path}");
        }
        return Model.Load(path);
    }

    public static Model Create(string name) => ModelZoo.Create(name);
}
