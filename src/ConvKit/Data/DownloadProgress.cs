namespace ConvKit.Data;

/// <summary>Progress of one file download, reported by <see cref="DatasetDownloader"/> after each chunk.</summary>
/// <param name="Url">The URL being downloaded.</param>
/// <param name="FileName">The dataset file name.</param>
/// <param name="BytesReceived">Bytes received so far.</param>
/// <param name="TotalBytes">The size announced by the server (Content-Length), or null when it sent none.</param>
public readonly record struct DownloadProgress(string Url, string FileName, long BytesReceived, long? TotalBytes);
