"""What a level's mock phone screen holds, for the pages that describe or start one."""

from django import template

from prep import mocks
from prep.models import Level

register = template.Library()


@register.simple_tag
def mock_choices(level: Level) -> list[mocks.ProblemChoice]:
    """`{% mock_choices level as choices %}`: the numbers of problems a mock at `level` may hold,
    each with its minutes; it reads the level's phone screen, which the pages prefetch."""
    return mocks.problem_choices(level)
