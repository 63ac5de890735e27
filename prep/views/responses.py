"""Responses every write view gives the same way: a readable 400, and the way back after a
plain form post (JavaScript off)."""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import reswap, retarget


def form_errors(form) -> str:
    """Every error of a form as one sentence-like line, for a 400 page or fragment."""
    return " ".join(e for errors in form.errors.values() for e in errors)


def bad_request(request: HttpRequest, message: str) -> HttpResponse:
    """A 400 that says what was wrong: in the page's error region for htmx, a page otherwise."""
    if request.htmx:
        response = render(request, "prep/_error.html", {"message": message}, status=400)
        return reswap(retarget(response, "#htmx-errors"), "innerHTML")
    return render(request, "prep/bad_request.html", {"message": message}, status=400)


def confirmed(request: HttpRequest) -> bool:
    """Whether a destructive post says it was confirmed: by the confirmation page's form, by a
    static script's dialog (data-confirm) or by htmx's (hx-confirm with hx-vals)."""
    return request.POST.get("confirmed") == "yes"


def confirm_page(
    request: HttpRequest, *, title: str, message: str, button: str, cancel_url: str
) -> HttpResponse:
    """Ask first, without JavaScript: the same post again, with `confirmed=yes`."""
    context = {
        "title": title,
        "message": message,
        "button": button,
        "cancel_url": cancel_url,
        "action": request.path,
    }
    return render(request, "prep/confirm.html", context)


def back(request: HttpRequest, anchor: str = "") -> HttpResponse:
    """Redirect a plain form post back to the page it came from (only ever this site)."""
    target = request.POST.get("next", "")
    # A local path only: never another site, and never a bare word, which redirect() would
    # take for a URL name and fail to reverse.
    if not target.startswith("/") or not url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        target = "/"
    return HttpResponseRedirect(target.split("#")[0] + anchor)
