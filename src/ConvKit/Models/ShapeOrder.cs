namespace ConvKit.Models;

/// <summary>How <c>Summary()</c> prints image shapes.</summary>
public enum ShapeOrder
{
    /// <summary>(None, channels, height, width): ConvKit's and PyTorch's layout.</summary>
    ChannelsFirst,

    /// <summary>(None, height, width, channels): Keras' default display, for comparing with Keras' tables.</summary>
    ChannelsLast,
}
