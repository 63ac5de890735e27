import functools
import re
from datetime import timedelta

import markdown as markdown_lib
import nh3
from django import template
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince

from prep import companies
from prep.forms import ReviewRatingForm
from prep.models import Status

register = template.Library()


# What a screen reader says for an image whose writer gave it no description.
IMAGE_WITHOUT_ALT = "Image with no description"
# nh3's output is canonical: lower-case names, every value double-quoted with " escaped inside.
_IMG = re.compile(r'<img((?:\s+[a-z-]+(?:="[^"]*")?)*)\s*/?>')
_ATTRIBUTE = re.compile(r'\s+([a-z-]+)(?:="([^"]*)")?')


@register.filter
def markdown(text: str) -> SafeString:
    """Render a user's Markdown notes; nh3 strips anything that could run script.

    Every image gets a text alternative (its alt, else its title, else IMAGE_WITHOUT_ALT), and
    every code block can take keyboard focus, so a block wider than the page can be scrolled
    without a mouse."""
    return mark_safe(_rendered(text or ""))


# The HTML depends on nothing but the text, so the last few hundred texts' HTML is kept: the
# mentor's dashboard shows up to seventy notes, each about a millisecond to render. Notes are at
# most 20,000 characters (forms.NOTES_MAX), so the store stays within a few megabytes.
MARKDOWN_KEPT = 256


@functools.lru_cache(maxsize=MARKDOWN_KEPT)
def _rendered(text: str) -> str:
    html = markdown_lib.markdown(text, extensions=["fenced_code", "tables", "sane_lists"])
    html = nh3.clean(
        html,
        link_rel="noopener noreferrer nofollow",
        set_tag_attribute_values={"pre": {"tabindex": "0"}},
    )
    return _IMG.sub(_with_alt, html)


def _with_alt(match: re.Match) -> str:
    attributes = dict(_ATTRIBUTE.findall(match.group(1)))
    if attributes.get("alt", "").strip():
        return match.group(0)
    # Values are still escaped as nh3 wrote them, so they go back in as they are.
    attributes["alt"] = attributes.get("title", "").strip() or IMAGE_WITHOUT_ALT
    return "<img" + "".join(f' {name}="{value}"' for name, value in attributes.items()) + ">"


@register.filter
def lookup(mapping, key):
    return mapping.get(key) if mapping else None


@register.simple_tag
def status_choices() -> list[tuple[str, str]]:
    return Status.choices


@register.simple_tag
def rating_choices() -> list[tuple[str, str]]:
    return [(name, name.title()) for name in ReviewRatingForm.RATINGS]


TRACK_LABELS = {
    "learn": "Learn card",
    "roadmap": "NeetCode roadmap",
    "company": "Company list",
    "class_design": "Class design",
    "ml_design": "ML system design",
    "stories": "Behavioral",
    "mocks": "Mock interview",
}


@register.filter
def ago(moment) -> str:
    """ "just now" for the last minute, else "3 minutes ago", "2 days, 4 hours ago"."""
    if moment is None:
        return ""
    if timezone.now() - moment < timedelta(minutes=1):
        return "just now"
    return f"{timesince(moment)} ago"


@register.filter
def track_label(track: str) -> str:
    return TRACK_LABELS.get(track, track)


@register.filter
def item_kind(key: str) -> str:
    """ "problem:12" -> "problem"."""
    return str(key).split(":", 1)[0]


@register.filter
def hours(minutes: int) -> int:
    """Minutes as whole hours, at least 1 for any time at all."""
    minutes = max(0, int(minutes or 0))
    return max(1, round(minutes / 60)) if minutes else 0


@register.filter
def duration(minutes: int) -> str:
    """85 -> "1 h 25 min", 45 -> "45 min", 120 -> "2 h"."""
    minutes = max(0, int(minutes or 0))
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"


@register.simple_tag(takes_context=True)
def here(context) -> str:
    """The page the user is looking at, also when rendering an htmx fragment for it."""
    request = context["request"]
    htmx = getattr(request, "htmx", None)
    if htmx and htmx.current_url_abs_path:
        return htmx.current_url_abs_path
    return request.get_full_path()


@register.simple_tag(takes_context=True)
def list_rows(context, entries) -> SafeString:
    """A list page's rows, written by the page's `prep.list_rows.RowRenderer`."""
    return context["renderer"].render_all(entries)


@register.filter
def possessive(name: str) -> SafeString:
    """{{ company.name|possessive }}: "Google's", "Databricks'"."""
    # Escape the name, not the apostrophe, so the page reads as if "'s" were typed there.
    return mark_safe(companies.possessive(str(conditional_escape(name))))


@register.filter
def status_label(value: str) -> str:
    return Status(value).label if value in Status.values else value


@register.filter
def mmss(seconds: int) -> str:
    seconds = max(0, int(seconds or 0))
    return f"{seconds // 60}:{seconds % 60:02d}"


@register.filter
def minutes(seconds: int) -> str:
    value = (seconds or 0) / 60
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"
