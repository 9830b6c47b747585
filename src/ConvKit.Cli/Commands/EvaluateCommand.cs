using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using ConvKit.Data;
using ConvKit.Losses;
using ConvKit.Optimizers;
using ConvKit.Tensors;

namespace ConvKit.Cli.Commands;

/// <summary><c>convkit evaluate</c>: test loss and accuracy of a saved model.</summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var modelFile = new Option<string>("--model-file") { Description = "A model saved by convkit train --out.", Required = true };
        var dataset = CommonOptions.Dataset();
        var data = CommonOptions.Data();
        var json = CommonOptions.Json();
        var noDownload = CommonOptions.NoDownload();
        var threads = CommonOptions.Threads();
        var command = new Command("evaluate", "Test loss and accuracy of a saved model on a dataset's test split.") { modelFile, dataset, data, json, noDownload, threads };
        command.SetAction(r =>
        {
            CommonOptions.ApplyThreads(r.GetValue(threads));
            var model = ModelSource.Load(r.GetValue(modelFile)!);
            var ds = Dataset.Load(r.GetValue(dataset)!, r.GetValue(data), !r.GetValue(noDownload));
            var test = ds.Test;
            var expected = new Shape(test.Channels, test.Height, test.Width);
            if (model.InputShapes[0] != expected)
            {
                throw new UserErrorException($"The model takes inputs of shape {model.InputShapes[0]}, but {ds.Name} images are {expected}.");
            }
            if (model.Loss is null)
            {
                model.Compile(new Adam(), new SparseCategoricalCrossentropy(), ["accuracy"]);
            }
            var (loss, accuracy) = model.Evaluate(test);
            if (r.GetValue(json))
            {
                Console.Out.WriteLine(new JsonObject
                {
                    ["model_file"] = r.GetValue(modelFile),
                    ["dataset"] = ds.Name,
                    ["test_samples"] = test.Count,
                    ["test_accuracy"] = accuracy,
                    ["test_loss"] = loss,
                }.ToJsonString());
            }
            else
            {
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Test accuracy: {accuracy:0.0000}  test loss: {loss:0.0000}  ({test.Count:N0} {ds.Name} test images)"));
            }
            return 0;
        });
        return command;
    }
}
