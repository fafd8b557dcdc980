using System.Collections.Concurrent;

// A small message board: the worker on another machine posts to it, the tests read it.
var app = WebApplication.CreateBuilder(args).Build();
var messages = new ConcurrentQueue<Message>();

app.MapGet("/health", () => "ok");
app.MapGet("/messages", () => messages.ToArray());
app.MapPost("/messages", (Message message) =>
{
    if (string.IsNullOrWhiteSpace(message.From)) return Results.BadRequest("a message needs From");
    messages.Enqueue(message);
    return Results.Ok(messages.Count);
});
app.Logger.LogInformation("message board ready");
app.Run();   // returns on SIGTERM (the service's stop signal): logs and coverage are written then

record Message(string From, string Text);
