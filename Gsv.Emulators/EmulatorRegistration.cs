using Gsv.Emulators.Cms;
using Gsv.Emulators.Keycloak;
using Gsv.Emulators.Langflow;
using Gsv.Emulators.Ragflow;
using Gsv.Emulators.Saleor;

namespace Gsv.Emulators;

public static class EmulatorRegistration
{
    public static WebApplicationBuilder AddEmulatorServices(this WebApplicationBuilder builder, EmulatorKind kind)
    {
        switch (kind)
        {
            case EmulatorKind.Keycloak: builder.AddKeycloakEmulator(); break;
            case EmulatorKind.Saleor: builder.AddSaleorEmulator(); break;
            case EmulatorKind.Langflow: builder.AddLangflowEmulator(); break;
            case EmulatorKind.Ragflow: builder.AddRagflowEmulator(); break;
            case EmulatorKind.Cms: builder.AddCmsEmulator(); break;
        }

        return builder;
    }

    public static WebApplication MapEmulator(this WebApplication app, EmulatorKind kind)
    {
        switch (kind)
        {
            case EmulatorKind.Keycloak: app.MapKeycloakEmulator(); break;
            case EmulatorKind.Saleor: app.MapSaleorEmulator(); break;
            case EmulatorKind.Langflow: app.MapLangflowEmulator(); break;
            case EmulatorKind.Ragflow: app.MapRagflowEmulator(); break;
            case EmulatorKind.Cms: app.MapCmsEmulator(); break;
        }

        return app;
    }
}
