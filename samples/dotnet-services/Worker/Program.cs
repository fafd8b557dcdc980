using System.Net.Http.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// Posts "tick <n>" to the message board every Interval (from the configuration: environment
// variables Api and Interval, or --Api=… arguments) and says so in its log.
var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddHttpClient();
builder.Services.AddHostedService<Ticker>();
builder.Build().Run();   // returns on SIGTERM (the service's stop signal)

sealed class Ticker(IHttpClientFactory http, IConfiguration config, ILogger<Ticker> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var api = new Uri(config["Api"] ?? "http://server:5000/");
        var interval = TimeSpan.FromSeconds(config.GetValue("Interval", 1.0));
        using var client = http.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(5);   // a cut link must not stall a tick for HttpClient's default 100 s
        for (var n = 1; !stoppingToken.IsCancellationRequested; n++)
        {
            try
            {
                var response = await client.PostAsJsonAsync(new Uri(api, "messages"), new { From = Environment.MachineName, Text = $"tick {n}" }, stoppingToken);
                log.LogInformation("tick {N}: {Status}", n, (int)response.StatusCode);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !stoppingToken.IsCancellationRequested)
            {
                log.LogWarning("tick {N}: {Error}", n, e.Message);   // the API is down, unreachable or too slow: try again
            }
            try { await Task.Delay(interval, stoppingToken); }
            catch (OperationCanceledException) { }
        }
    }
}
