"""HTTP plumbing shared by the views."""

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django_htmx.http import HttpResponseClientRedirect


class HtmxLoginRedirectMiddleware:
    """Send an htmx request whose session expired to the login page with a full page load.

    Without this, htmx follows the login redirect and swaps the login form into a table row.
    After logging in, the user returns to the page they were on, not to the fragment endpoint.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        htmx = getattr(request, "htmx", None)
        if not htmx or response.status_code != 302:
            return response
        login_path = resolve_url(settings.LOGIN_URL)
        if urlsplit(response["Location"]).path != login_path:
            return response
        back_to = htmx.current_url_abs_path or "/"
        return HttpResponseClientRedirect(redirect_to_login(back_to)["Location"])
