using System.CommandLine;
using ConvKit.Cli;

return CliApp.Run(args);
