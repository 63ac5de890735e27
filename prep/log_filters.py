"""Keep share-link tokens out of the logs.

Django logs the path of every 4xx and 5xx response ("Not Found: /share/<token>/"), and runserver
logs every request line. A token in a log line would outlive the candidate revoking it, so the
token part of /share/ paths is replaced before any handler sees the record.
"""

import logging
import re

# The mentor's /share/<token>/..., not the candidate's /settings/share/... controls.
SHARE_PATH = re.compile(r"(?<!/settings)(/share/)[^/\s?#\"']+")


def redact(text: str) -> str:
    return SHARE_PATH.sub(r"\1[redacted]", text)


class RedactShareTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/share/" in message:
            record.msg, record.args = redact(message), ()
        request = getattr(record, "request", None)
        if request is not None and "/share/" in getattr(request, "path", ""):
            # Error reporters read the request itself; hand them a copy without the token.
            record.request = None
        return True
