using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using ConvKit.Data;
using ConvKit.Losses;
using ConvKit.Models;
using ConvKit.Optimizers;
using ConvKit.Tensors;
using ConvKit.Training;
using ConvKit.Zoo;

namespace ConvKit.Cli.Commands;

/// <summary><c>convkit train</c>: trains a built-in model on a dataset, reports test accuracy, saves the model and its pictures.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Built-in model: " + string.Join(", ", ModelZoo.Names) + ".", DefaultValueFactory = _ => "seed-mnist" };
        var dataset = CommonOptions.Dataset();
        var data = CommonOptions.Data();
        var epochs = new Option<int>("--epochs") { Description = "Passes over the training data.", DefaultValueFactory = _ => 5 };
        var batch = new Option<int>("--batch-size") { Description = "Samples per training step.", DefaultValueFactory = _ => 64 };
        var split = new Option<double>("--validation-split") { Description = "Fraction of the training data held out for validation (the last samples, as Keras).", DefaultValueFactory = _ => 0.2 };
        var seed = new Option<int>("--seed") { Description = "Seed of weights, shuffling and dropout.", DefaultValueFactory = _ => 1 };
        var optimizer = new Option<string>("--optimizer") { Description = "adam, adamw or sgd.", DefaultValueFactory = _ => "adam" };
        var lr = new Option<float?>("--learning-rate") { Description = "Learning rate (default: Keras' default for the optimizer)." };
        var schedule = new Option<string>("--lr-schedule") { Description = "Learning-rate schedule: constant, cosine (to zero over the run) or step (x0.1 at 50% and 75% of the run).", DefaultValueFactory = _ => "constant" };
        var limit = new Option<int?>("--limit") { Description = "Use only the first N training images (quick runs)." };
        var output = new Option<string?>("--out") { Description = "Where to save the trained model (safetensors with the architecture in its metadata)." };
        var pictures = new Option<string?>("--pictures") { Description = "Folder for predictions.png and history.png (default: beside --out, or the current folder)." };
        var noPictures = new Option<bool>("--no-pictures") { Description = "Do not write the pictures." };
        var json = CommonOptions.Json();
        var noDownload = CommonOptions.NoDownload();
        var threads = CommonOptions.Threads();
        var folder = new FolderDatasetOptions();
        dataset.Description = "Dataset name: mnist, fashion-mnist, or folder (--data DIR holds one sub-folder of images per class).";
        var command = new Command("train", "Train a built-in model and report its test accuracy.")
        {
            model, dataset, data, epochs, batch, split, seed, optimizer, lr, schedule, limit, output, pictures, noPictures, json, noDownload, threads,
        };
        folder.AddTo(command, training: true);
        command.SetAction(r => Run(folder.Read(r), new TrainSettings(
            r.GetValue(model)!, r.GetValue(dataset)!, r.GetValue(data), r.GetValue(epochs), r.GetValue(batch), r.GetValue(split), r.GetValue(seed),
            r.GetValue(optimizer)!, r.GetValue(lr), r.GetValue(schedule)!, r.GetValue(limit), r.GetValue(output), r.GetValue(pictures), !r.GetValue(noPictures),
            r.GetValue(json), !r.GetValue(noDownload), r.GetValue(threads))));
        return command;
    }

    private sealed record TrainSettings(string Model, string Dataset, string? Data, int Epochs, int BatchSize, double ValidationSplit, int Seed,
        string Optimizer, float? LearningRate, string Schedule, int? Limit, string? Out, string? Pictures, bool WritePictures, bool Json, bool AllowDownload, int? Threads);

    private static Func<int, float, float>? LearningRateSchedule(string name, int totalSteps) => name.ToLowerInvariant() switch
    {
        "constant" => null,
        "cosine" => LearningRateSchedules.Cosine(totalSteps),
        "step" => (step, lr) => lr * (step > totalSteps * 3 / 4 ? 0.01f : step > totalSteps / 2 ? 0.1f : 1f),
        _ => throw new UserErrorException($"Unknown --lr-schedule '{name}'. Known: constant, cosine, step."),
    };

    private static int Run(FolderDatasetSettings folderSettings, TrainSettings s)
    {
        CommonOptions.ApplyThreads(s.Threads);
        if (s.Epochs < 1 || s.BatchSize < 1)
        {
            throw new UserErrorException($"--epochs and --batch-size must be at least 1, got {s.Epochs} and {s.BatchSize}.");
        }
        if (s.ValidationSplit is < 0 or >= 1)
        {
            throw new UserErrorException($"--validation-split must be in [0, 1), got {s.ValidationSplit}.");
        }
        if (s.Out is not null)
        {
            var dir = Path.GetDirectoryName(Path.GetFullPath(s.Out))!;
            if (!Directory.Exists(dir))
            {
                throw new UserErrorException($"Cannot save to '{s.Out}': the folder '{dir}' does not exist.");
            }
        }
        var log = s.Json ? Console.Error : Console.Out;
        _ = folderSettings.ToAugmenter(s.Seed, channels: 3);   // a bad --augment fails before any loading
        var ds = TrainingData.Load(s.Dataset, s.Data, s.AllowDownload, folderSettings, s.Seed, log);
        var augmentation = folderSettings.ToAugmenter(s.Seed, ds.Train.Channels);
        var train = ds.Train;
        if (s.Limit is { } limit)
        {
            if (limit < 2)
            {
                throw new UserErrorException($"--limit must be at least 2, got {limit}.");
            }
            train = train.Subset(0, Math.Min(limit, train.Count));
        }
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Dataset {ds.Name} from {ds.Directory}: {train.Count:N0} training and {ds.Test.Count:N0} test images ({train.Channels}x{train.Height}x{train.Width}, {train.ClassCount} classes)"));

        var net = ModelZoo.Create(s.Model, new Shape(train.Channels, train.Height, train.Width), train.ClassCount, s.Seed);
        log.Write(net.Summary());
        var opt = ConvKit.Optimizers.Optimizer.FromName(s.Optimizer, s.LearningRate);
        var trainSamples = train.Count - (int)(train.Count * s.ValidationSplit);
        opt.Schedule = LearningRateSchedule(s.Schedule, s.Epochs * ((trainSamples + s.BatchSize - 1) / s.BatchSize));
        net.Compile(opt, new SparseCategoricalCrossentropy(), ["accuracy"]);

        var clock = Stopwatch.StartNew();
        var history = net.Fit(train, new FitOptions
        {
            Epochs = s.Epochs,
            BatchSize = s.BatchSize,
            ValidationSplit = s.ValidationSplit,
            Progress = log,
            Callbacks = [new TerminateOnNaN()],
            Augmentation = augmentation,
        });
        var trainSeconds = clock.Elapsed.TotalSeconds;

        var (testLoss, testAccuracy) = net.Evaluate(ds.Test);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Test accuracy: {testAccuracy:0.0000}  test loss: {testLoss:0.0000}  ({ds.Test.Count:N0} images)"));

        if (s.Out is not null)
        {
            net.Save(s.Out, includeOptimizer: true);
            log.WriteLine($"Saved the model to {s.Out}");
        }
        var written = new List<string>();
        if (s.WritePictures)
        {
            var folder = s.Pictures ?? (s.Out is not null ? Path.GetDirectoryName(Path.GetFullPath(s.Out))! : Directory.GetCurrentDirectory());
            Directory.CreateDirectory(folder);
            var samplePath = Path.Combine(folder, "predictions.png");
            var samples = TrainingPictures.SavePredictions(samplePath, net, ds.Test, ds.ClassNames, count: 4, seed: s.Seed);
            foreach (var (index, truth, predicted) in samples)
            {
                log.WriteLine($"  test #{index}: true {ds.ClassNames[truth]}, predicted {ds.ClassNames[predicted]}");
            }
            var historyPath = Path.Combine(folder, "history.png");
            TrainingPictures.SaveHistory(historyPath, history);
            written.Add(samplePath);
            written.Add(historyPath);
            log.WriteLine($"Wrote {samplePath} (4 random test digits with true and predicted labels) and {historyPath} (loss and accuracy per epoch)");
        }

        if (s.Json)
        {
            var result = new JsonObject
            {
                ["model"] = s.Model,
                ["dataset"] = ds.Name,
                ["epochs"] = history.Epochs,
                ["batch_size"] = s.BatchSize,
                ["train_samples"] = (int)Math.Round(history.SamplesPerSecond.Count > 0 ? history.SamplesPerSecond[0] * history.EpochSeconds[0] : 0),
                ["test_accuracy"] = testAccuracy,
                ["test_loss"] = testLoss,
                ["epoch_seconds"] = new JsonArray(history.EpochSeconds.Select(v => (JsonNode)v).ToArray()),
                ["train_images_per_second"] = history.SamplesPerSecond.Sum() / Math.Max(1, history.Epochs),
                ["history"] = new JsonObject(history.Metrics.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)new JsonArray(kv.Value.Select(v => (JsonNode)v).ToArray())))),
                ["total_seconds"] = trainSeconds,
                ["threads"] = Kernels.Cpu.Threading.CpuThreads.Count,
                ["model_file"] = s.Out,
                ["pictures"] = new JsonArray(written.Select(p => (JsonNode)p).ToArray()),
            };
            Console.Out.WriteLine(result.ToJsonString());
        }
        return 0;
    }
}
