from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from prep import reviews
from prep.forms import ProfileForm, SignupForm
from prep.http import OUTAGE_RETRY_AFTER
from prep.limits import by_ip, limited
from prep.models import Company, Level, Profile


@require_http_methods(["GET", "HEAD", "POST"])
@limited("signup", [(by_ip, "signup-ip")])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("prep:home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome, {user.username}. Your account is ready.")
        return redirect("prep:onboarding")
    status = 400 if request.method == "POST" else 200
    return render(request, "registration/signup.html", {"form": form}, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def onboarding(request: HttpRequest) -> HttpResponse:
    form, saved = profile_form(request)
    # A new candidate's zone starts as their browser's (a static script; UTC without it).
    form.fields["time_zone"].widget.attrs["data-detect-time-zone"] = ""
    if saved:
        messages.success(request, "Your target is set. Here is your plan.")
        return redirect("prep:home")
    status = 400 if request.method == "POST" else 200
    return render(request, "prep/onboarding.html", {"form": form}, status=status)


def profile_form(request: HttpRequest) -> tuple[ProfileForm, bool]:
    """The target form bound to the user's profile, saved if posted and valid; True if saved."""
    profile = Profile.objects.filter(user=request.user).first()
    initial = None
    if profile is None:
        # Meta first, and the middle level, until the candidate says otherwise.
        initial = {
            "target_company": Company.objects.active().first(),
            "target_level": Level.objects.active().filter(slug="e5").first(),
        }
    form = ProfileForm(request.POST or None, instance=profile, initial=initial)
    if request.method != "POST" or not form.is_valid():
        return form, False
    # update_or_create: two first submissions at once make one profile, not an IntegrityError.
    profile, _ = Profile.objects.update_or_create(user=request.user, defaults=form.cleaned_data)
    reviews.cap_to_interview(request.user, profile)
    return form, True


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        response = JsonResponse({"status": "error", "database": "unavailable"}, status=503)
        response["Retry-After"] = str(OUTAGE_RETRY_AFTER)
        return response
    return JsonResponse({"status": "ok", "database": "ok"})
