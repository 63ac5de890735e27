from django.conf import settings
from django.contrib import admin
from django.contrib.auth import urls as auth_urls
from django.contrib.auth import views as auth_views
from django.urls import include, path

from prep.limits import by_ip, by_post, limited
from prep.views import accounts

# Logging in and asking for a reset mail are rate-limited (prep/limits.py, settings.RATE_LIMITS).
# Per address every attempt counts; per username only failed ones, so an attacker spraying
# one username from many addresses is stopped, while that user's own logins never count.
login_limits = {
    "limits": [(by_ip, "login-ip")],
    "failures": [(by_post("username"), "login-username")],
}
login = limited("login", **login_limits)(auth_views.LoginView.as_view())
# The admin's login is a door to the same accounts.
admin.site.login = limited("admin-login", **login_limits)(admin.site.login)
password_reset = limited(
    "password-reset", [(by_ip, "password-reset-ip"), (by_post("email"), "password-reset-email")]
)(auth_views.PasswordResetView.as_view())

# Django's logout and password pages; the password-reset ones only when the site can mail a
# reset link (settings.PASSWORD_RESET_ENABLED).
account_urls = [
    path("login/", login, name="login"),
    *(
        pattern
        for pattern in auth_urls.urlpatterns
        if pattern.name not in {"login", "password_reset"}
        and (settings.PASSWORD_RESET_ENABLED or not pattern.name.startswith("password_reset"))
    ),
]
if settings.PASSWORD_RESET_ENABLED:
    account_urls.append(path("password_reset/", password_reset, name="password_reset"))

# A database outage answers 503 with Retry-After; any other error, the plain 500 page.
handler500 = "prep.http.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/signup/", accounts.signup, name="signup"),
    path("accounts/", include(account_urls)),
    path("healthz", accounts.healthz, name="healthz"),
    path("", include("prep.urls")),
]
