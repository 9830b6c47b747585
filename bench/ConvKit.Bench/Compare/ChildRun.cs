using System.Diagnostics;

namespace ConvKit.Bench.Compare;

/// <summary>
/// Runs one benchmark program to completion, echoing its output as it comes (so a long run shows progress) and
/// keeping its lines for <see cref="RunResult.Parse"/>.
/// </summary>
public static class ChildRun
{
    /// <summary>This benchmark itself, as a program and leading arguments, for running a subcommand in a fresh process.</summary>
    public static (string FileName, string[] LeadingArgs) Self()
    {
        var process = Environment.ProcessPath ?? throw new InvalidOperationException("The benchmark's own executable path is unknown.");
        var assembly = typeof(ChildRun).Assembly.Location;
        // Under `dotnet ConvKit.Bench.dll` or `dotnet run` the process is the host; the assembly is the program.
        return Path.GetFileNameWithoutExtension(process).Equals("dotnet", StringComparison.OrdinalIgnoreCase)
            ? (process, [assembly])
            : (process, []);
    }

    /// <summary>
    /// Runs <paramref name="fileName"/> with <paramref name="args"/> and returns its standard output lines.
    /// Throws <see cref="InvalidOperationException"/> naming the program, its exit code and the end of its error output
    /// when it fails or cannot be started.
    /// </summary>
    public static IReadOnlyList<string> Run(string fileName, IEnumerable<string> args, string label, TextWriter echo)
    {
        ArgumentNullException.ThrowIfNull(echo);
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        var lines = new List<string>();
        var errors = new List<string>();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }
            lock (lines)
            {
                lines.Add(e.Data);
                echo.WriteLine($"  [{label}] {e.Data}");
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (errors)
                {
                    errors.Add(e.Data);
                }
            }
        };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"Could not start {label} ({fileName}): {ex.Message}", ex);
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            var tail = string.Join(Environment.NewLine, errors.TakeLast(8).Concat(lines.TakeLast(errors.Count == 0 ? 8 : 0)));
            throw new InvalidOperationException($"{label} ({fileName}) exited with code {process.ExitCode}:{Environment.NewLine}{tail}");
        }
        return lines;
    }
}
