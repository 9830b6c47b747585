namespace ConvKit;

/// <summary>
/// An error the user can act on: a wrong shape, a corrupt or truncated file, a missing dataset. Its message
/// names what is wrong (which layer or file, what was found and what was expected).
/// </summary>
public class ConvKitException : Exception
{
    public ConvKitException(string message) : base(message)
    {
    }

    public ConvKitException(string message, Exception inner) : base(message, inner)
    {
    }

    public ConvKitException()
    {
    }
}
