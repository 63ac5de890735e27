"""Keep secrets that travel in URLs out of the logs.

Two kinds of address are as good as a password to whoever reads them:
- a mentor's share link, /share/<token>/...;
- a password-reset link, /accounts/reset/<uidb64>/<token>/ (Django's own).

Django logs the path of every 4xx and 5xx response ("Not Found: /share/<token>/"), CSRF failures
("Forbidden (...): /share/<token>/"), runserver and gunicorn log every request line. A token in
a log line would outlive the candidate revoking it, so the filter is on the handler that writes
every line (settings.LOGGING) and on gunicorn's own loggers (gunicorn.conf.py): whatever logger
a record comes from, its secrets are replaced before it is written.
"""

import logging
import re

# The mentor's /share/<token>/..., not the candidate's /settings/share/... controls.
SHARE_PATH = re.compile(r"(?<!/settings)(/share/)[^/\s?#\"']+")
# Django's password-reset confirmation: /reset/<uidb64>/<token>/ (the token may be the literal
# "set-password" after the first visit; the uid alone names an account, so both go).
RESET_PATH = re.compile(r"(/reset/)[^/\s?#\"']+/[^/\s?#\"']+")


def redact(text: str) -> str:
    return RESET_PATH.sub(r"\1[redacted]/[redacted]", SHARE_PATH.sub(r"\1[redacted]", text))


def _has_secret(text: str) -> bool:
    return "/share/" in text or "/reset/" in text


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _has_secret(message):
            record.msg, record.args = redact(message), ()
        request = getattr(record, "request", None)
        if request is not None and _has_secret(getattr(request, "path", "") or ""):
            # Error reporters read the request itself; hand them none rather than the token.
            record.request = None
        if record.name == "django.security.DisallowedHost":
            # A stranger's Host header is not our bug: one line, not a traceback (whose frames
            # would also carry the request and its path).
            record.exc_info = record.exc_text = None
            record.request = None
        if record.exc_info and record.exc_info[1] is not None:
            # A traceback's text carries the request line in some exceptions' messages.
            text = logging.Formatter().formatException(record.exc_info)
            if _has_secret(text):
                record.exc_text = redact(text)
                record.exc_info = None
        return True


# The name settings used before reset links were covered; kept for any logging config that
# still names it.
RedactShareTokens = RedactSecrets
