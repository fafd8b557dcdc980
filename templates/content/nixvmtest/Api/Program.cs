var app = WebApplication.CreateBuilder(args).Build();

app.MapGet("/health", () => "ok");
app.MapGet("/hello/{name}", (string name) => $"Hello, {name}, from {Environment.MachineName}");

app.Run();   // returns on SIGTERM, the service's stop signal
