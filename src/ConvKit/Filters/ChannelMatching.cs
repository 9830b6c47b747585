namespace ConvKit.Filters;

/// <summary>How <see cref="FilterMatcher"/> treats the input channels of a learned filter.</summary>
public enum ChannelMatching
{
    /// <summary>Average the C channel slices of each filter into one KH × KW kernel, then match it (one result per filter).</summary>
    Averaged,

    /// <summary>Match every channel slice on its own (C results per filter).</summary>
    PerChannel,
}
