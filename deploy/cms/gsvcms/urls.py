from django.http import JsonResponse
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls

from .api import api_router


def health(request):
    """The AppHost's health check: the process answers and the database has pages."""
    from wagtail.models import Page

    return JsonResponse({"status": "ok", "pages": Page.objects.live().count()})


urlpatterns = [
    path("health/", health),
    path("admin/", include(wagtailadmin_urls)),
    path("api/v2/", api_router.urls),
    path("", include(wagtail_urls)),
]
