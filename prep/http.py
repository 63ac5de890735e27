"""HTTP plumbing shared by the views."""

import sys
import time
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.options import TO_FIELD_VAR
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.template import loader
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.csrf import csrf_failure as django_csrf_failure
from django_htmx.http import HttpResponseClientRedirect

# Where a form's unsaved text waits, in the session, while its writer logs in again.
STASH_KEY = "prep_unsaved_form"
# Enough for the longest notes field (20,000 characters) with room to spare; a bigger body is not
# a user's typing and is not kept.
STASH_MAX_CHARS = 60_000
# The forms whose text is kept over a login (each page that shows one puts it back).
TEXT_FORMS = {
    "prep:problem-progress",
    "prep:stage-work",
    "prep:story-create",
    "prep:story-edit",
    "prep:breadth-notes",
}
NOT_SAVED = "Your session had ended, so your last change was not saved. Log in and make it again."
TEXT_KEPT = (
    "Your session had ended, so what you typed was not saved yet. Log in, and it is waiting "
    "on the page for you to save."
)


def _page_path(request: HttpRequest, url: str | None) -> str | None:
    """The local path (and query) of `url` when it is a page of this site, else None."""
    if not url or not url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    parts = urlsplit(url)
    if not parts.path.startswith("/"):
        return None
    try:
        resolve(parts.path)
    except Resolver404:
        return None
    if parts.path == resolve_url(settings.LOGIN_URL):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def page_before(request: HttpRequest) -> str:
    """The page a POST came from, so a login can send the user back to it (never to the POST-only
    address itself). htmx says which page it is on; a plain form relies on the Referer, which
    browsers send to the same origin; without either, the home page."""
    htmx = getattr(request, "htmx", None)
    if htmx and htmx.current_url:
        return _page_path(request, htmx.current_url) or _form_page(request)
    return _page_path(request, request.headers.get("referer")) or _form_page(request)


def _form_page(request: HttpRequest) -> str:
    """The page that shows the text form posted to, for a browser that sends no Referer."""
    try:
        match = resolve(request.path)
    except Resolver404:
        return "/"
    if match.view_name == "prep:problem-progress":
        return reverse("prep:problem-detail", kwargs=match.kwargs)
    if match.view_name == "prep:stage-work":
        return reverse("prep:prompt-detail", kwargs={"slug": match.kwargs["slug"]})
    if match.view_name == "prep:breadth-notes":
        return reverse("prep:breadth-detail", kwargs=match.kwargs)
    if match.view_name in {"prep:story-create", "prep:story-edit"}:
        return request.path
    if match.view_name.startswith("prep:share-link") or match.view_name == "prep:account-delete":
        return reverse("prep:settings")
    return "/"


def _stash(request: HttpRequest, page: str) -> bool:
    """Keep what a notes or story form held, for the page it came from to put back. The CSRF
    check has passed, so the text came from our own page. Ticks and the like are not kept: they
    are one click to make again, and the message says they were not saved."""
    try:
        if resolve(request.path).view_name not in TEXT_FORMS:
            return False
    except Resolver404:
        return False
    fields = {
        name: request.POST.getlist(name)
        for name in request.POST
        if name not in {"csrfmiddlewaretoken", "confirmed"}
    }
    if not any(value.strip() for values in fields.values() for value in values):
        return False
    if sum(len(value) for values in fields.values() for value in values) > STASH_MAX_CHARS:
        return False
    request.session[STASH_KEY] = {
        "page": page.split("?")[0],
        "action": request.path,
        "fields": fields,
    }
    return True


def take_unsaved(request: HttpRequest, action: str, prefix: str = "") -> dict | None:
    """What a form posted to `action` held when the session had ended, as a form's `initial`
    (names without `prefix`), once; None when nothing waits for this form."""
    stashed = request.session.get(STASH_KEY)
    if request.method != "GET" or not stashed or stashed.get("action") != action:
        return None  # A HEAD (a link checker, a monitor) must not use the text up.
    del request.session[STASH_KEY]
    messages.info(
        request,
        "Here is what you typed before your session ended. It is not saved yet: save it now.",
    )
    start = f"{prefix}-" if prefix else ""
    return {
        name.removeprefix(start): values if len(values) > 1 else values[0]
        for name, values in stashed["fields"].items()
        if name.startswith(start) and values
    }


class ExpiredSessionMiddleware:
    """Send a user whose session ended to the login page, and back to the page they were on.

    A GET keeps Django's behaviour (the login page, then the page asked for). A request that
    changes something (a tick, a save) cannot be replayed after a login, and its address often
    answers POST only, so instead:
    - the login's `next` is the page the user was on;
    - a message on the login page says the change was not saved;
    - a plain form's text is kept in the session, and the page puts it back into the form once
      the user has logged in (drafts.js also keeps it in the browser while JavaScript runs);
    - htmx gets a full-page redirect, so the login form is not swapped into a table row.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 302 or request.user.is_authenticated:
            return response
        if urlsplit(response["Location"]).path != resolve_url(settings.LOGIN_URL):
            return response
        if getattr(response, "session_ended", False):  # csrf_failure has answered already.
            return response
        htmx = getattr(request, "htmx", None)
        if request.method in ("GET", "HEAD"):
            if not htmx:
                return response
            return HttpResponseClientRedirect(redirect_to_login(page_before(request))["Location"])
        return expired_session(request)


def expired_session(request: HttpRequest) -> HttpResponse:
    """Answer a change made after the session ended (see ExpiredSessionMiddleware)."""
    page = page_before(request)
    htmx = getattr(request, "htmx", None)
    if htmx:
        messages.warning(request, NOT_SAVED)
        return HttpResponseClientRedirect(redirect_to_login(page)["Location"])
    messages.warning(request, TEXT_KEPT if _stash(request, page) else NOT_SAVED)
    return HttpResponseRedirect(redirect_to_login(page)["Location"])


def _is_app_page(path: str) -> bool:
    """Whether `path` belongs to the signed-in part of the app (not login, sign-up or reset)."""
    try:
        return resolve(path).namespace == "prep"
    except Resolver404:
        return False


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form posted after logging out in another tab fails the CSRF check (logging out changes
    the token). When nobody is logged in any more, that is an ended session: say so and offer
    the login, rather than a bare 403. The text is not kept: without a valid token it may not
    have come from our page. Anything else is Django's own 403."""
    user = getattr(request, "user", None)
    if user is not None and not user.is_authenticated and _is_app_page(request.path):
        messages.warning(request, NOT_SAVED)
        location = redirect_to_login(page_before(request))["Location"]
        if getattr(request, "htmx", None):
            response = HttpResponseClientRedirect(location)
        else:
            response = HttpResponseRedirect(location)
        response.session_ended = True
        return response
    return django_csrf_failure(request, reason)


# --- Outages ----------------------------------------------------------------------------------

# Seconds a client is asked to wait before trying again while the database is unreachable.
OUTAGE_RETRY_AFTER = 30


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500. A database that does not answer (down, restarting, out of connections) is an
    outage, not a bug: 503 with Retry-After, so browsers, htmx and monitors know to try again,
    and service resumes by itself when the database is back (each request connects afresh).

    Renders without touching the database (no user, no session, no messages), since that is
    what just failed."""
    error = sys.exc_info()[1]
    outage = isinstance(error, (OperationalError, InterfaceError))
    template = "503.html" if outage else "500.html"
    response = HttpResponse(loader.get_template(template).render(), status=503 if outage else 500)
    if outage:
        response["Retry-After"] = str(OUTAGE_RETRY_AFTER)
    return response


# --- Headers ----------------------------------------------------------------------------------

# A mentor's page is the candidate's progress behind an unguessable link: never cached, never
# indexed, and its address (the token) never sent on as a Referer.
SHARE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex, nofollow",
    "Referrer-Policy": "no-referrer",
}


class PrivatePagesMiddleware:
    """Keep personal pages out of every cache.

    - A signed-in user's responses are `Cache-Control: private, no-store`: a shared proxy must
      not keep them, and the browser must not show them from its cache after a log-out.
    - Anything under /share/, including the 404 of a path no share view matches, carries the
      share pages' headers.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith("/share/"):
            for name, value in SHARE_HEADERS.items():
                response[name] = value
        elif getattr(request, "user", None) is not None and request.user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


# --- Session lifetime -------------------------------------------------------------------------

SESSION_STARTED = "prep_session_started"
SESSION_SEEN = "prep_session_seen"
# How often a visit renews the idle window (each renewal is a session write).
SESSION_RENEW_SECONDS = 60 * 60


def start_session_clock(sender, request, user, **kwargs) -> None:
    """On login: the session's lifetime starts now (saved with the login, no extra write)."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SESSION_STARTED] = now
        request.session[SESSION_SEEN] = now


class SessionLifetimeMiddleware:
    """End a session after an idle period and after an absolute lifetime.

    Idle: the cookie and the session row expire SESSION_COOKIE_AGE (SESSION_IDLE_DAYS) after
    the last write; a visit rewrites the session at most hourly, which renews that window
    without a database write on every request.
    Absolute: SESSION_MAX_DAYS after the login, the user is logged out whatever their activity,
    and told why.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            started = request.session.get(SESSION_STARTED)
            if started is None:
                request.session[SESSION_STARTED] = started = now
            if now - started > settings.SESSION_MAX_DAYS * 24 * 60 * 60:
                logout(request)
                messages.info(
                    request,
                    f"For your security you are logged out {settings.SESSION_MAX_DAYS} days "
                    "after logging in. Log in again to carry on.",
                )
            elif now - request.session.get(SESSION_SEEN, 0) > SESSION_RENEW_SECONDS:
                request.session[SESSION_SEEN] = now
        return self.get_response(request)


# --- Hostile input ----------------------------------------------------------------------------

NUL_MESSAGE = (
    "The address or the form held a null character, which nothing here accepts. Remove it "
    "and try again."
)
BAD_PAGE_MESSAGE = "The request named the page it came from with an address that is not valid."
BLANK_TO_FIELD_MESSAGE = "The admin was asked to find a row by a field with no name."


class MalformedInputMiddleware:
    """Answer 400, with a readable page, to input no browser sends and the views cannot read.

    - A NUL character (\\x00) in the path, the query or a form field: PostgreSQL keeps no NUL in
      text, so a lookup with one raised ValueError in whichever view, form or admin filter met it
      first (a 500). Uploaded files are not read: their bytes are the view's to judge.
    - An HX-Current-URL that is not a URL (an unclosed "[" reads as a broken IPv6 host):
      django-htmx raises ValueError when a view or a template asks which page htmx is on.
    - A blank `_to_field` on an admin page: Django's admin skips its check of the field's name
      when the name is blank, then asks the model for a field named "" (FieldDoesNotExist).
      The admin's own links always name a field.

    Turning these away here is simpler than guarding every lookup.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        message = None
        if _holds_nul(request):
            message = NUL_MESSAGE
        elif not _readable_page(request):
            message = BAD_PAGE_MESSAGE
        elif _blank_to_field(request):
            message = BLANK_TO_FIELD_MESSAGE
        if message is None:
            return self.get_response(request)
        # Imported here: the views import this module.
        from prep.views.responses import bad_request

        return bad_request(request, message)


def _holds_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path:
        return True
    # request.POST is empty for any method but POST, and reading it here parses the body once,
    # as CsrfViewMiddleware does anyway.
    for data in (request.GET, request.POST):
        for name, values in data.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                return True
    return False


def _readable_page(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    if not htmx:
        return True
    try:
        htmx.current_url_abs_path  # noqa: B018  (cached: the views read it again for free)
    except ValueError:
        return False
    return True


def _blank_to_field(request: HttpRequest) -> bool:
    if not request.path.startswith(reverse("admin:index")):
        return False
    # Read as the admin reads it: the form's value, else the query's.
    return request.POST.get(TO_FIELD_VAR, request.GET.get(TO_FIELD_VAR)) == ""


def axes_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The username django-axes records (settings.AXES_USERNAME_CALLABLE): axes' own choice,
    cut to its username column.

    Django's login form does not enforce the username's length before it authenticates, so a
    long one reached axes' 255-character column, where PostgreSQL refused it (a 500). A real
    username is at most 150 characters, so cutting changes nothing for anyone who has one."""
    from axes.models import AccessAttempt

    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        username = credentials.get(field)
    else:
        username = getattr(request, "data", request.POST).get(field)
    if not isinstance(username, str):
        return username
    return username[: AccessAttempt._meta.get_field("username").max_length]
