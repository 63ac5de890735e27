from django.conf import settings
from django.contrib import admin
from django.contrib.auth import urls as auth_urls
from django.urls import include, path

from prep.views import accounts

# Django's login, logout and password pages; the password-reset ones only when the site can
# mail a reset link (settings.PASSWORD_RESET_ENABLED).
account_urls = [
    pattern
    for pattern in auth_urls.urlpatterns
    if settings.PASSWORD_RESET_ENABLED or not pattern.name.startswith("password_reset")
]

# A database outage answers 503 with Retry-After; any other error, the plain 500 page.
handler500 = "prep.http.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/signup/", accounts.signup, name="signup"),
    path("accounts/", include(account_urls)),
    path("healthz", accounts.healthz, name="healthz"),
    path("", include("prep.urls")),
]
