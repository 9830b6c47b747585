using System.CommandLine;

namespace ConvKit.Cli;

/// <summary>The <c>convkit</c> command: builds the command tree and maps errors to exit codes.</summary>
public static class CliApp
{
    /// <summary>Exit code for a user mistake (bad option, missing or corrupt file).</summary>
    public const int UserError = 2;

    /// <summary>Exit code for an unexpected failure.</summary>
    public const int InternalError = 3;

    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("ConvKit: convolutional neural networks in pure C#.");
        root.Subcommands.Add(Commands.TrainCommand.Create());
        root.Subcommands.Add(Commands.EvaluateCommand.Create());
        root.Subcommands.Add(Commands.PredictCommand.Create());
        root.Subcommands.Add(Commands.SummaryCommand.Create());
        root.Subcommands.Add(Commands.FilterCommand.Create());
        root.Subcommands.Add(Commands.ExplainCommand.Create());
        root.Subcommands.Add(Commands.DatasetCommand.Create());
        return root;
    }

    public static int Run(string[] args)
    {
        var root = BuildRoot();
        try
        {
            var parse = root.Parse(args);
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (UserMessage(e) is { } message)
        {
            Console.Error.WriteLine($"convkit: error: {message}");
            return UserError;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"convkit: internal error: {e.GetType().Name}: {e.Message}");
            if (Environment.GetEnvironmentVariable("CONVKIT_DEBUG") == "1")
            {
                Console.Error.WriteLine(e);
            }
            return InternalError;
        }
    }

    /// <summary>The one-line message for an exception caused by user input, or null for a bug.</summary>
    internal static string? UserMessage(Exception e) => e switch
    {
        UserErrorException u => u.Message,
        ConvKitException c => c.Message,
        FileNotFoundException f => f.Message,
        DirectoryNotFoundException d => d.Message,
        UnauthorizedAccessException a => a.Message,
        _ => null,
    };
}
