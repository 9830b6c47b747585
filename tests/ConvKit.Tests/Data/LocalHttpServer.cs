using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ConvKit.Tests.Data;

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 and a free port, for download tests that must not touch the network.
/// Each request gets one response from <see cref="Handler"/> (status and body by path) and the connection is closed.
/// </summary>
public sealed class LocalHttpServer : IDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public LocalHttpServer(Func<string, (int Status, byte[] Body)> handler)
    {
        Handler = handler;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = Task.Run(AcceptLoop);
    }

    public Func<string, (int Status, byte[] Body)> Handler { get; set; }

    public int Port { get; }

    /// <summary>Base URL, e.g. <c>http://127.0.0.1:40123/</c>.</summary>
    public string Url => $"http://127.0.0.1:{Port}/";

    /// <summary>Paths requested so far, in order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>An HTTP client that never uses a proxy, so requests go straight to 127.0.0.1.</summary>
    public static HttpClient DirectClient() => new(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(5) })
    {
        Timeout = TimeSpan.FromSeconds(20),
    };

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            _ = Task.Run(() => Serve(client));
        }
    }

    private async Task Serve(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            var reader = new StreamReader(stream, Encoding.ASCII, false, 1024, leaveOpen: true);
            var requestLine = await reader.ReadLineAsync();
            if (requestLine is null)
            {
                return;
            }
            string? line;
            while (!string.IsNullOrEmpty(line = await reader.ReadLineAsync()))
            {
            }
            var path = Uri.UnescapeDataString(requestLine.Split(' ')[1]);
            Requests.Enqueue(path);
            var (status, body) = Handler(path);
            var head = $"HTTP/1.1 {status} {(status == 200 ? "OK" : status == 404 ? "Not Found" : "Error")}\r\n"
                     + $"Content-Length: {body.Length}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n";
            try
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
                await stream.WriteAsync(body);
                await stream.FlushAsync();
            }
            catch (IOException)
            {
                // The client gave up; nothing to do.
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(2));
        }
        catch (AggregateException)
        {
        }
        _stop.Dispose();
    }
}
