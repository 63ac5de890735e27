"""Rendering a candidate's Markdown notes: safe, with a text for every image and code blocks
that can be scrolled from the keyboard."""

import re

import pytest
from django.template import Context, Template
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from prep.models import Problem, ProblemProgress
from prep.templatetags.prep_tags import IMAGE_WITHOUT_ALT, markdown


def _images(html: str) -> list[str]:
    return re.findall(r"<img[^>]*>", html)


def _alt(image: str) -> str:
    return re.search(r'\balt="([^"]*)"', image).group(1)


# --- Images -----------------------------------------------------------------------------------


def test_an_image_keeps_the_description_its_writer_gave():
    (image,) = _images(markdown("![Two pointers meeting in the middle](/sketch.png)"))

    assert _alt(image) == "Two pointers meeting in the middle"


def test_an_image_with_no_description_says_so():
    (image,) = _images(markdown("![](/sketch.png)"))

    assert _alt(image) == IMAGE_WITHOUT_ALT
    assert 'src="/sketch.png"' in image


def test_an_image_with_only_a_title_is_described_by_its_title():
    (image,) = _images(markdown('![](/sketch.png "The recursion tree")'))

    assert _alt(image) == "The recursion tree"


@pytest.mark.parametrize(
    "raw", ['<img src="/sketch.png">', '<IMG SRC=/sketch.png ALT="   ">', "<img src='/a.png' alt>"]
)
def test_an_image_typed_as_html_without_a_description_gets_one(raw):
    (image,) = _images(markdown(raw))

    assert _alt(image) == IMAGE_WITHOUT_ALT


def test_a_description_cannot_break_out_of_its_attribute():
    html = markdown('![a" onerror="alert(1)](/x.png) ![](/y.png "b\\" onload=\\"alert(2)")')

    images = _images(html)
    assert len(images) == 2
    for image in images:
        names = re.findall(r'\s([a-z-]+)="[^"]*"', image)
        assert set(names) <= {"alt", "src", "title"}, image


# --- Code blocks ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["```python\nleft, right = 0, len(xs) - 1\n```", "    indented = True"]
)
def test_a_code_block_can_take_keyboard_focus(text):
    html = markdown(text)

    assert html.startswith('<pre tabindex="0"><code')


def test_a_writer_cannot_move_a_code_block_up_the_tab_order():
    html = markdown('<pre tabindex="1" onfocus="alert(1)">x</pre>')

    assert html == '<pre tabindex="0">x</pre>'


def test_inline_code_is_left_out_of_the_tab_order():
    assert markdown("Use `heapq` here.") == "<p>Use <code>heapq</code> here.</p>"


# --- Still safe -------------------------------------------------------------------------------


def test_script_and_script_urls_are_removed():
    html = markdown('<script>alert(1)</script>[click](javascript:alert(2)) <b onclick="x">b</b>')

    assert "<script" not in html
    assert "javascript:" not in html
    assert "onclick" not in html


def test_in_a_template_the_rendered_notes_are_not_escaped_twice():
    html = Template("{% load prep_tags %}{{ notes|markdown }}").render(
        Context({"notes": "**bold** ![](/x.png)"})
    )

    assert f'<strong>bold</strong> <img alt="{IMAGE_WITHOUT_ALT}" src="/x.png">' in html


markdownish = st.lists(
    st.one_of(
        st.text(max_size=20),
        st.sampled_from(
            ["![", "](", ")", "<img", " alt=", '"', "'", ">", "```", "\n", "    ", "<pre", "`"]
        ),
    ),
    max_size=30,
).map("".join)


@settings(deadline=None)  # a busy test machine must not fail a rendering that is only slow
@given(markdownish)
def test_whatever_is_written_every_image_has_a_text_and_every_code_block_takes_focus(text):
    html = markdown(text)

    for image in _images(html):
        assert re.search(r'\balt="[^"]*\S[^"]*"', image), image
    assert html.count("<pre") == html.count('<pre tabindex="0">')


# --- On the page ------------------------------------------------------------------------------


@pytest.mark.usefixtures("catalog")
def test_the_problem_page_shows_notes_with_described_images_and_focusable_code(alice, alice_client):
    problem = Problem.objects.get(slug="two-sum")
    notes = "![Hash map of seen values](/map.png)\n\n```\nseen = {}\n```"
    ProblemProgress.objects.create(user=alice, problem=problem, notes=notes)

    html = alice_client.get(reverse("prep:problem-detail", args=["two-sum"])).content.decode()

    assert 'alt="Hash map of seen values"' in html
    assert '<pre tabindex="0"><code>seen = {}' in html


# --- Kept HTML --------------------------------------------------------------------------------


def test_a_text_seen_before_is_not_rendered_again_and_gives_the_same_html(monkeypatch):
    from prep.templatetags import prep_tags

    prep_tags._rendered.cache_clear()
    calls = []
    real = prep_tags.markdown_lib.markdown

    def counted(text, **options):
        calls.append(text)
        return real(text, **options)

    monkeypatch.setattr(prep_tags.markdown_lib, "markdown", counted)

    first = markdown("Use **two towers** <script>x</script>")
    again = markdown("Use **two towers** <script>x</script>")
    other = markdown("Use **one tower**")

    assert first == again
    assert "<strong>two towers</strong>" in first
    assert "<script" not in first
    assert "<strong>one tower</strong>" in other
    assert calls == ["Use **two towers** <script>x</script>", "Use **one tower**"]


def test_only_the_last_few_hundred_texts_are_kept():
    from prep.templatetags import prep_tags

    prep_tags._rendered.cache_clear()
    for n in range(prep_tags.MARKDOWN_KEPT + 50):
        markdown(f"note {n}")

    assert prep_tags._rendered.cache_info().currsize == prep_tags.MARKDOWN_KEPT
