"""The site's URLs plus the trivial view every benchmark figure is a multiple of."""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.http import require_safe

from bench.pages import TRIVIAL_PATH
from config.urls import handler500
from config.urls import urlpatterns as site_urlpatterns


@require_safe
def trivial(request: HttpRequest) -> HttpResponse:
    """The floor: the site's middleware, a URL match and a response, and nothing else."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path(TRIVIAL_PATH.strip("/") + "/", trivial, name="bench-trivial")]
urlpatterns += site_urlpatterns

__all__ = ["handler500", "urlpatterns"]
