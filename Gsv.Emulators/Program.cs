using Gsv.Emulators;

// One executable, five stand-ins: `--emulator keycloak|saleor|langflow|ragflow|cms` picks which system it speaks for.
var builder = WebApplication.CreateBuilder(args);
var emulator = EmulatorKinds.FromArgument(builder.Configuration["emulator"]);

// Telemetry and service discovery, but not the default /health endpoints: each emulator serves the real
// system's own health endpoints, and some of them (Langflow's /health) have a different shape.
builder.ConfigureOpenTelemetry();
builder.Services.AddServiceDiscovery();
builder.Services.AddProblemDetails();
builder.AddEmulatorServices(emulator);

var app = builder.Build();
app.MapEmulator(emulator);
app.Run();
