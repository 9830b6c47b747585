namespace ConvKit.Cli;

/// <summary>
/// A mistake the user can fix (a bad option, a missing file, an image of the wrong size). The CLI prints its
/// message on one line, without a stack trace, and exits with a non-zero code.
/// </summary>
public sealed class UserErrorException : Exception
{
    public UserErrorException(string message) : base(message)
    {
    }

    public UserErrorException(string message, Exception inner) : base(message, inner)
    {
    }

    public UserErrorException()
    {
    }
}
