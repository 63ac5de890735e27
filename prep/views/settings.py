"""The settings page: the candidate's target, their share link, their data to take away or
restore (prep/portability.py), and deleting the account.

A share link's full URL is shown once, in the response that creates or rotates it: the database
keeps only a hash of its token, so the URL cannot be shown again later.
"""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from prep import portability
from prep.forms import DeleteAccountForm, ImportForm, ProfileForm, ShareOptionsForm
from prep.models import Profile, ShareLink
from prep.views.accounts import profile_form
from prep.views.responses import bad_request, confirm_page, confirmed


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def profile_settings(request: HttpRequest) -> HttpResponse:
    form, saved = profile_form(request)
    if saved:
        messages.success(request, "Settings saved.")
        return redirect("prep:home")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "prep/settings.html", settings_context(request, form=form), status=status
    )


def settings_context(request: HttpRequest, **extra) -> dict:
    link = ShareLink.objects.filter(user=request.user).first()
    return {
        # Unbound unless given: a share or delete post must not show up as target-form errors.
        "form": extra.pop("form", None) or ProfileForm(instance=_own_profile(request.user)),
        "share_link": link,
        "share_form": extra.pop("share_form", None) or ShareOptionsForm(instance=link),
        "delete_form": extra.pop("delete_form", None) or DeleteAccountForm(request.user),
        "import_form": extra.pop("import_form", None) or ImportForm(),
        **extra,
    }


def _own_profile(user) -> Profile | None:
    return Profile.objects.filter(user=user).first()


def _share_panel(request: HttpRequest, status: int = 200, **extra) -> HttpResponse:
    """The share panel alone for htmx, or the whole settings page for a plain form post."""
    context = settings_context(request, **extra)
    if request.htmx:
        return render(request, "prep/settings.html#share-panel", context, status=status)
    return render(request, "prep/settings.html", context, status=status)


def _share_url(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("prep:share-dashboard", args=[token]))


@require_POST
@login_required
def share_link_create(request: HttpRequest) -> HttpResponse:
    link = ShareLink.objects.filter(user=request.user).first() or ShareLink(user=request.user)
    if link.is_active and not confirmed(request):
        # A stale tab still showing "Create": issuing now would replace the live link.
        return _confirm_share(
            request,
            title="Replace your share link?",
            message="You already have a live link. A new one stops it working at once.",
            button="Replace the link",
        )
    form = ShareOptionsForm(request.POST, instance=link)
    if not form.is_valid():
        return _share_panel(request, status=400, share_form=form)
    with transaction.atomic():
        # Lock the row (or claim it) so two clicks issue one token after the other.
        ShareLink.objects.bulk_create([ShareLink(user=request.user)], ignore_conflicts=True)
        link = ShareLink.objects.select_for_update().get(user=request.user)
        form = ShareOptionsForm(request.POST, instance=link)
        form.is_valid()
        token = form.save().issue()
    # The full link is shown in this response only: the database keeps just its hash.
    return _share_panel(request, share_url=_share_url(request, token), just_issued=True)


@require_POST
@login_required
def share_link_rotate(request: HttpRequest) -> HttpResponse:
    if not confirmed(request):
        return _confirm_share(
            request,
            title="Rotate your share link?",
            message="The link you shared stops working at once, and a new one replaces it.",
            button="Rotate the link",
        )
    with transaction.atomic():
        link = get_object_or_404(ShareLink.objects.select_for_update(), user=request.user)
        token = link.issue()
    return _share_panel(request, share_url=_share_url(request, token), just_issued=True)


@require_POST
@login_required
def share_link_revoke(request: HttpRequest) -> HttpResponse:
    if not confirmed(request):
        return _confirm_share(
            request,
            title="Revoke your share link?",
            message="It stops working at once for whoever has it. You can create a new one later.",
            button="Revoke the link",
        )
    with transaction.atomic():
        link = get_object_or_404(ShareLink.objects.select_for_update(), user=request.user)
        link.revoke()
    if not request.htmx:
        messages.success(request, "Share link revoked. It stopped working immediately.")
        return redirect(reverse("prep:settings") + "#share")
    return _share_panel(request, revoked=True)


def _confirm_share(request: HttpRequest, **text: str) -> HttpResponse:
    get_object_or_404(ShareLink, user=request.user)  # Nothing to confirm without a link.
    if request.htmx:  # htmx sends confirmed=yes once its dialog is accepted.
        return bad_request(request, "Confirm first: nothing was changed.")
    return confirm_page(request, cancel_url=reverse("prep:settings") + "#share", **text)


@require_POST
@login_required
def share_link_options(request: HttpRequest) -> HttpResponse:
    with transaction.atomic():
        # Locked, so a stale copy can never write back a token that was rotated or revoked.
        link = get_object_or_404(ShareLink.objects.select_for_update(), user=request.user)
        form = ShareOptionsForm(request.POST, instance=link)
        if form.is_valid():
            form.save()
    if not form.is_valid():
        return _share_panel(request, status=400, share_form=form)
    if not request.htmx:
        messages.success(request, "Sharing options saved.")
        return redirect(reverse("prep:settings") + "#share")
    return _share_panel(request, options_saved=True)


@require_POST
@login_required
def account_delete(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.user, request.POST)
    if not form.is_valid():
        context = settings_context(request, delete_form=form)
        return render(request, "prep/settings.html", context, status=400)
    # The account, and django-axes' login attempts under its name, in one transaction.
    portability.erase_account(request.user)
    # Only once the account is gone: a failed delete must not leave the user logged out.
    logout(request)
    messages.success(request, "Your account and everything in it have been deleted.")
    return redirect("prep:home")


@require_safe
@login_required
@never_cache
def data_export(request: HttpRequest) -> HttpResponse:
    """Everything the candidate owns as one JSON file, downloaded; never kept by a cache."""
    document = portability.export_data(request.user)
    profile = _own_profile(request.user)
    day = profile.today() if profile else timezone.localdate()
    response = HttpResponse(
        json.dumps(document, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    filename = portability.export_filename(day)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_POST
@login_required
def data_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            counts = portability.import_data(request.user, form.document)
        except portability.ImportRefused as exc:
            form.add_error("file", str(exc))
    if not form.is_valid():
        context = settings_context(request, import_form=form)
        if request.htmx:
            return render(request, "prep/settings.html#data-panel", context, status=400)
        return render(request, "prep/settings.html", context, status=400)
    messages.success(request, portability.import_summary(counts))
    # Everything on every page may have changed: load a whole page, even for htmx.
    if request.htmx:
        return HttpResponseClientRedirect(reverse("prep:settings"))
    return redirect("prep:settings")
