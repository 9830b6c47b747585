namespace ConvKit.Filters;

/// <summary>
/// How pixels outside the image are made up when a kernel overhangs the border. The names and the
/// index rules are OpenCV's (<c>cv::BorderTypes</c>); the diagrams show the row <c>abcdefgh</c> extended
/// by three pixels on each side, the image between the bars.
/// </summary>
public enum BorderMode
{
    /// <summary><c>iii|abcdefgh|iii</c>: a constant value <c>i</c> (<see cref="FilterOptions.BorderValue"/>, 0 by default).</summary>
    Constant,

    /// <summary><c>aaa|abcdefgh|hhh</c>: the edge pixel repeated.</summary>
    Replicate,

    /// <summary><c>cba|abcdefgh|hgf</c>: mirrored, the edge pixel repeated.</summary>
    Reflect,

    /// <summary><c>dcb|abcdefgh|gfe</c>: mirrored about the edge pixel, which is not repeated. OpenCV's default.</summary>
    Reflect101,

    /// <summary><c>fgh|abcdefgh|abc</c>: the image tiled periodically.</summary>
    Wrap,
}
