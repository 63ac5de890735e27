"""ML breadth, beyond the guide: the bank of questions by topic, a candidate's own answers with
drafts, rating a question into a review card that comes back on Today, and what the bank shares
with the rest of the catalogue: the sync, the admin, export and import, account deletion.

Tests build their own small bank (the shipped one archived) so no content edit breaks them; the
last section pins the shipped bank's facts."""

import json
import re
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from prep import portability
from prep.models import (
    Activity,
    BreadthAnswer,
    BreadthQuestion,
    BreadthTopic,
    Problem,
    Rating,
    Review,
    ReviewCard,
    Story,
    SyncRecord,
)
from prep.portability import OWNED_MODELS
from tests.factories import UserFactory
from tests.test_load_catalog import FIXTURES, _edit, _index, _load
from tests.test_load_catalog import fixtures as fixtures
from tests.test_query_budgets import TODAY_QUERIES

pytestmark = pytest.mark.usefixtures("catalog")

LIST_URL = reverse("prep:breadth")
RATE_URL = reverse("prep:review-rate")
TODAY_URL = reverse("prep:home")
NOTES = "AUC is the chance a random positive outranks a random **negative**."

# Measured on SQLite: the session and the user, then the questions with their answers and
# review dates in one query; the same with three questions or sixty.
LIST_QUERIES = 3
# The session and the user, the question, the candidate's answer, the review card and its
# history.
DETAIL_QUERIES = 6


def _detail(question: BreadthQuestion) -> str:
    return reverse("prep:breadth-detail", args=[question.slug])


def _notes(question: BreadthQuestion) -> str:
    return reverse("prep:breadth-notes", args=[question.slug])


def _htmx(page: str, **extra: str) -> dict:
    return {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": f"http://testserver{page}", **extra}


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _section(html: str, title_id: str) -> str:
    found = re.search(rf'<section[^>]*aria-labelledby="{title_id}".*?</section>', html, re.S)
    assert found, f"no section {title_id}"
    return found.group(0)


def _question(topic: BreadthTopic, n: int, **fields) -> BreadthQuestion:
    values = {
        "slug": f"{topic.slug}-q{n}",
        "title": f"{topic.name} question {n}",
        "question": f"Explain idea {n} of {topic.name.lower()}.",
        "hints": f"First point {n}\nSecond point {n}",
        "position": n,
    }
    return BreadthQuestion.objects.create(topic=topic, **{**values, **fields})


@pytest.fixture
def bank(catalog) -> dict:
    """The shipped bank archived, and two topics of our own: Metrics with two questions, Models
    with one (its source a link)."""
    BreadthTopic.objects.update(is_archived=True)
    metrics = BreadthTopic.objects.create(slug="t-metrics", name="Metrics", position=1)
    models = BreadthTopic.objects.create(slug="t-models", name="Models", position=2)
    return {
        "metrics": metrics,
        "auc": _question(metrics, 1, title="ROC AUC", source_name="A named paper"),
        "calibration": _question(metrics, 2, title="Calibration"),
        "attention": _question(
            models,
            1,
            title="Attention",
            source_name="Attention Is All You Need",
            source_url="https://arxiv.org/abs/1706.03762",
        ),
    }


def _answer(user, question: BreadthQuestion, notes: str = NOTES) -> BreadthAnswer:
    return BreadthAnswer.objects.create(user=user, question=question, notes=notes)


def _rate(client, question: BreadthQuestion, rating: str = "good", headers=None, **extra):
    data = {"rating": rating, "question": question.slug, **extra}
    return client.post(RATE_URL, data, **(headers or {}))


# --- The bank: questions by topic, and how many you answered -----------------------------------


def test_the_bank_lists_questions_by_topic_with_how_many_are_answered(alice_client, alice, bank):
    _answer(alice, bank["calibration"])

    html = _page(alice_client, LIST_URL)

    assert "1 of 3 answered" in html
    metrics, models = _section(html, "topic-t-metrics"), _section(html, "topic-t-models")
    assert metrics.index("ROC AUC") < metrics.index("Calibration")
    assert "Attention" in models
    assert "ROC AUC" not in models
    calibration = re.search(r'id="question-t-metrics-q2".*?</li>', metrics, re.S).group(0)
    assert "Answered" in calibration
    assert "Not answered yet" in re.search(r'id="question-t-metrics-q1".*?</li>', html, re.S)[0]


def test_the_bank_says_it_goes_beyond_the_guide(alice_client, bank):
    html = _page(alice_client, LIST_URL)

    assert "Beyond the guide." in html
    assert "our own suggestion" in html


def test_empty_notes_do_not_count_as_answered(alice_client, alice, bank):
    _answer(alice, bank["auc"], notes="")

    assert "0 of 3 answered" in _page(alice_client, LIST_URL)


def test_another_users_answers_do_not_count(alice_client, bank, charlie):
    _answer(charlie, bank["auc"])

    assert "0 of 3 answered" in _page(alice_client, LIST_URL)


def test_the_list_shows_when_a_rated_question_is_next_due(alice_client, alice, bank):
    ReviewCard.objects.create(user=alice, question=bank["auc"], due_on=date(2031, 3, 4))

    html = _page(alice_client, LIST_URL)

    assert 'next review <time datetime="2031-03-04">' in html


@pytest.mark.parametrize(
    ("show", "listed", "not_listed"),
    [("answered", ["Calibration"], ["ROC AUC", "Attention"]), ("unanswered", ["ROC AUC"], [])],
)
def test_the_list_filters_by_answered(alice_client, alice, bank, show, listed, not_listed):
    _answer(alice, bank["calibration"])

    html = _page(alice_client, f"{LIST_URL}?show={show}")

    assert "1 of 3 answered" in html  # the count is over the whole bank
    body = html.split('aria-label="Filter questions"', 1)[1]
    for title in listed:
        assert f">{title}</a>" in body
    for title in not_listed:
        assert f">{title}</a>" not in body


def test_a_filter_that_is_not_a_choice_is_400_and_lists_nothing(alice_client, bank):
    response = alice_client.get(f"{LIST_URL}?show=everything")

    assert response.status_code == 400
    html = response.content.decode()
    assert "“everything” is not a choice" in html
    assert ">ROC AUC</a>" not in html


def test_archived_questions_and_topics_leave_the_list(alice_client, bank):
    BreadthQuestion.objects.filter(pk=bank["auc"].pk).update(is_archived=True)
    BreadthTopic.objects.filter(slug="t-models").update(is_archived=True)

    html = _page(alice_client, LIST_URL)

    assert "0 of 1 answered" in html
    assert ">Calibration</a>" in html
    assert ">ROC AUC</a>" not in html
    assert ">Attention</a>" not in html


def test_anonymous_visitors_are_sent_to_log_in(client, bank):
    for url in (LIST_URL, _detail(bank["auc"])):
        response = client.get(url)
        assert response.status_code == 302
        assert urlsplit(response["Location"]).path == reverse("login")


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_pages_answer_only_get_even_when_anonymous(client, bank, method):
    for url in (LIST_URL, _detail(bank["auc"])):
        assert getattr(client, method)(url).status_code == 405


@pytest.mark.parametrize("extra", [3, 60])
def test_the_list_costs_the_same_however_big_the_bank(
    alice_client, alice, bank, extra, django_assert_max_num_queries
):
    topic = bank["metrics"]
    for n in range(10, 10 + extra):
        question = _question(topic, n)
        _answer(alice, question)
        ReviewCard.objects.create(user=alice, question=question, due_on=date(2031, 1, 1))

    with django_assert_max_num_queries(LIST_QUERIES):
        html = _page(alice_client, LIST_URL)

    assert f"{extra} of {extra + 3} answered" in html


# --- A question's page: your answer, with drafts ------------------------------------------------


def test_a_question_page_has_the_question_a_notes_form_and_folded_points(alice_client, bank):
    html = _page(alice_client, _detail(bank["attention"]))

    assert "<h1>Attention</h1>" in html
    assert "Explain idea 1 of models." in html
    form = re.search(r"<form[^>]*data-draft=[^>]*>", html).group(0)
    assert 'data-draft="breadth:t-models-q1"' in form
    assert f'action="{_notes(bank["attention"])}"' in form
    assert '<label for="id_notes">Your answer</label>' in html
    points = re.search(r'<details class="breadth-hints">.*?</details>', html, re.S).group(0)
    assert "<li>First point 1</li>" in points
    assert "<li>Second point 1</li>" in points
    assert '<a href="https://arxiv.org/abs/1706.03762"' in html
    assert "our own suggestion" in html


def test_further_reading_without_a_link_is_named_as_text(alice_client, bank):
    html = _page(alice_client, _detail(bank["auc"]))

    assert "Further reading: A named paper." in html


def test_saving_an_answer_shows_it_and_counts_as_work(alice_client, alice, bank):
    question = bank["auc"]

    response = alice_client.post(_notes(question), {"notes": NOTES})

    assert response.status_code == 302
    assert response["Location"] == _detail(question)
    assert BreadthAnswer.objects.get(user=alice, question=question).notes == NOTES
    assert Activity.objects.filter(user=alice, item=f"breadthquestion:{question.pk}").exists()
    html = _page(alice_client, response["Location"])
    assert "Saved your answer." in html
    assert 'data-saved-draft="breadth:t-metrics-q1"' in html  # the browser drops its draft
    assert "random <strong>negative</strong>" in html


def test_saving_again_updates_the_one_answer(alice_client, alice, bank):
    question = bank["auc"]
    alice_client.post(_notes(question), {"notes": "First go."})

    alice_client.post(_notes(question), {"notes": "Second go."})

    assert list(BreadthAnswer.objects.filter(user=alice).values_list("notes", flat=True)) == [
        "Second go."
    ]


def test_saving_the_same_text_again_is_not_new_work(alice_client, alice, bank):
    question = bank["auc"]
    alice_client.post(_notes(question), {"notes": NOTES})

    alice_client.post(_notes(question), {"notes": NOTES})

    assert Activity.objects.filter(user=alice).count() == 1


def test_notes_over_the_limit_are_400_with_a_message_and_nothing_saved(alice_client, bank):
    question = bank["auc"]

    plain = alice_client.post(_notes(question), {"notes": "x" * 20_001})
    htmx = alice_client.post(_notes(question), {"notes": "x" * 20_001}, **_htmx(_detail(question)))

    assert plain.status_code == 400
    page = plain.content.decode()
    assert "at most 20000 characters (it has 20001)" in page
    assert "data-draft-unsaved" in page  # the text stays in the form as a draft
    assert htmx.status_code == 400
    assert "at most 20000 characters" in htmx.content.decode()
    assert "<html" not in htmx.content.decode()
    assert not BreadthAnswer.objects.exists()


def test_anonymous_notes_are_not_saved(client, bank):
    response = client.post(_notes(bank["auc"]), {"notes": NOTES})

    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("login")
    assert not BreadthAnswer.objects.exists()


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_notes_take_only_post_even_when_anonymous(client, bank, method):
    assert getattr(client, method)(_notes(bank["auc"])).status_code == 405


def test_a_stranger_never_sees_or_changes_your_answer(alice_client, alice, bank, charlie):
    _answer(charlie, bank["auc"], notes="Charlie's secret take on AUC")

    html = _page(alice_client, _detail(bank["auc"]))
    alice_client.post(_notes(bank["auc"]), {"notes": "Mine."})

    assert "Charlie's secret take" not in html
    assert BreadthAnswer.objects.get(user=charlie).notes == "Charlie's secret take on AUC"
    assert BreadthAnswer.objects.get(user=alice).notes == "Mine."


def test_an_archived_question_is_yours_to_read_if_you_answered_it(
    alice_client, alice, bank, charlie
):
    question = bank["auc"]
    _answer(alice, question)
    BreadthQuestion.objects.filter(pk=question.pk).update(is_archived=True)
    stranger = Client()
    stranger.force_login(charlie)

    mine = _page(alice_client, _detail(question))
    theirs = stranger.get(_detail(question))
    theirs_saved = stranger.post(_notes(question), {"notes": "Charlie's take"})

    assert "no longer in the bank" in mine
    assert "random <strong>negative</strong>" in mine
    assert theirs.status_code == 404
    assert theirs_saved.status_code == 404
    assert not BreadthAnswer.objects.filter(user=charlie).exists()


def test_an_unknown_question_is_404(alice_client):
    assert alice_client.get(reverse("prep:breadth-detail", args=["no-such"])).status_code == 404


def test_a_question_page_costs_the_same_with_a_long_history(
    alice_client, alice, bank, django_assert_max_num_queries
):
    question = bank["auc"]
    _answer(alice, question)
    card = ReviewCard.objects.create(user=alice, question=question, due_on=date(2031, 1, 1))
    Review.objects.bulk_create(
        Review(
            card=card,
            rating=3,
            reviewed_on=date(2030, 1, 1) + timedelta(days=n),
            due_on=date(2031, 1, 1),
        )
        for n in range(40)
    )

    with django_assert_max_num_queries(DETAIL_QUERIES):
        html = _page(alice_client, _detail(question))

    assert html.count("<strong>Good</strong>") == 20  # the latest twenty


# --- Rating a question: a review card, back on Today when due -----------------------------------


def test_rating_a_question_makes_a_card_and_goes_back_to_its_rating(alice_client, alice, bank):
    question = bank["auc"]

    response = _rate(alice_client, question, "hard", next=_detail(question))

    assert response.status_code == 302
    assert response["Location"] == f"{_detail(question)}#rate-question-t-metrics-q1"
    card = ReviewCard.objects.get(user=alice)
    assert card.question == question
    assert card.problem is None
    assert card.story is None
    assert card.reviews.get().rating == Rating.HARD
    assert Activity.objects.filter(user=alice, item=f"breadthquestion:{question.pk}").exists()


def test_rating_from_the_question_page_returns_only_its_review_panel(alice_client, alice, bank):
    question = bank["auc"]
    headers = _htmx(_detail(question), HTTP_HX_TARGET="question-reviews")

    response = _rate(alice_client, question, "good", headers=headers)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith('<div id="question-reviews"')
    card = ReviewCard.objects.get(user=alice)
    assert f'Next review: <strong><time datetime="{card.due_on:%Y-%m-%d}">' in html
    assert "<strong>Good</strong>" in html


def test_the_question_page_offers_the_rating_and_shows_the_next_review(alice_client, alice, bank):
    question = bank["auc"]
    _rate(alice_client, question, "good")
    card = ReviewCard.objects.get(user=alice)

    html = _page(alice_client, _detail(question))

    assert "<legend>How did ROC AUC go?</legend>" in html
    assert '<input type="hidden" name="question" value="t-metrics-q1">' in html
    assert f'Next review: <strong><time datetime="{card.due_on:%Y-%m-%d}">' in html


def test_rating_twice_in_a_day_keeps_one_card_and_one_review(alice_client, alice, bank):
    _rate(alice_client, bank["auc"], "again")
    _rate(alice_client, bank["auc"], "easy")

    card = ReviewCard.objects.get(user=alice)
    assert list(card.reviews.values_list("rating", flat=True)) == [Rating.EASY]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"rating": "good", "question": "no-such-question"}, "no such question"),
        (
            {"rating": "good", "question": "t-metrics-q1", "problem": "two-sum"},
            "Rate one problem or one story",
        ),
        ({"rating": "meh", "question": "t-metrics-q1"}, "is not a rating"),
    ],
    ids=["unknown", "with-a-problem", "bad-rating"],
)
def test_bad_question_ratings_are_400_with_a_message_and_save_nothing(
    alice_client, bank, data, message
):
    plain = alice_client.post(RATE_URL, data)
    htmx = alice_client.post(RATE_URL, data, **_htmx(TODAY_URL))

    assert plain.status_code == htmx.status_code == 400
    assert message in plain.content.decode()
    assert message in htmx.content.decode()
    assert "<html" not in htmx.content.decode()
    assert not ReviewCard.objects.exists()


def test_an_archived_question_never_worked_on_cannot_be_rated(alice_client, bank):
    BreadthQuestion.objects.filter(pk=bank["auc"].pk).update(is_archived=True)

    response = _rate(alice_client, bank["auc"])

    assert response.status_code == 404
    assert not ReviewCard.objects.exists()


def test_anonymous_question_rating_is_sent_to_log_in(client, bank):
    response = _rate(client, bank["auc"])

    assert urlsplit(response["Location"]).path == reverse("login")
    assert not ReviewCard.objects.exists()


def _today_reviews(html: str) -> str:
    return _section(html, "reviews-title")


def test_a_due_question_is_listed_on_today_with_the_other_reviews(
    alice_client, alice, alice_e5, bank
):
    today = alice_e5.today()
    ReviewCard.objects.create(user=alice, question=bank["auc"], due_on=today - timedelta(days=1))
    ReviewCard.objects.create(user=alice, question=bank["calibration"], due_on=today)
    ReviewCard.objects.create(
        user=alice, question=bank["attention"], due_on=today + timedelta(days=1)
    )

    reviews = _today_reviews(_page(alice_client, TODAY_URL))

    assert f'<a href="{_detail(bank["auc"])}">ROC AUC</a>' in reviews
    assert f'<a href="{_detail(bank["calibration"])}">Calibration</a>' in reviews
    assert "Attention" not in reviews
    assert "ML breadth question · 10 min · due since" in reviews
    assert "<legend>How did ROC AUC go?</legend>" in reviews


def test_rating_a_due_question_on_today_moves_it_to_done_today(alice_client, alice, alice_e5, bank):
    ReviewCard.objects.create(user=alice, question=bank["auc"], due_on=alice_e5.today())

    response = _rate(alice_client, bank["auc"], "good", headers=_htmx(TODAY_URL))

    html = response.content.decode()
    assert response["HX-Retarget"] == "#today-panels"
    assert "ROC AUC" not in _today_reviews(html)
    done = _section(html, "done-title")
    assert "<legend>How did ROC AUC go?</legend>" in done
    card = ReviewCard.objects.get(user=alice)
    assert card.due_on > alice_e5.today()
    assert f'Next review: <time datetime="{card.due_on:%Y-%m-%d}">' in done
    assert "About 10 min of work so far today." in done


def test_an_archived_questions_card_waits_and_stays_off_today(alice_client, alice, alice_e5, bank):
    ReviewCard.objects.create(user=alice, question=bank["auc"], due_on=alice_e5.today())
    BreadthQuestion.objects.filter(pk=bank["auc"].pk).update(is_archived=True)

    assert "ROC AUC" not in _today_reviews(_page(alice_client, TODAY_URL))
    page = _page(alice_client, _detail(bank["auc"]))
    assert "Reviews are paused" in page
    assert "How did ROC AUC go?" not in page


@pytest.mark.usefixtures("user_pages_built")
def test_today_costs_the_same_with_many_due_questions(
    alice_client, alice, alice_e5, bank, django_assert_max_num_queries
):
    topic = bank["metrics"]
    for n in range(10, 40):
        ReviewCard.objects.create(user=alice, question=_question(topic, n), due_on=alice_e5.today())
    _page(alice_client, TODAY_URL)  # What only changes with the catalogue is then built.

    with CaptureQueriesContext(connection) as many:
        _page(alice_client, TODAY_URL)
    with django_assert_max_num_queries(TODAY_QUERIES):
        html = _page(alice_client, TODAY_URL)

    assert "ML breadth question" in _today_reviews(html)
    one = ReviewCard.objects.filter(question__topic=topic).order_by("pk").first()
    ReviewCard.objects.filter(question__topic=topic).exclude(pk=one.pk).delete()
    with CaptureQueriesContext(connection) as single:
        html = _page(alice_client, TODAY_URL)
    assert "ML breadth question" in _today_reviews(html)
    assert len(many) == len(single)


# --- A card is about exactly one thing ---------------------------------------------------------


def test_a_card_is_about_one_problem_story_or_question(alice, bank):
    problem = Problem.objects.get(slug="two-sum")
    story = Story.objects.create(user=alice, title="A story")
    with transaction.atomic(), pytest.raises(IntegrityError):
        ReviewCard.objects.create(
            user=alice, problem=problem, question=bank["auc"], due_on=date(2030, 1, 1)
        )
    with transaction.atomic(), pytest.raises(IntegrityError):
        ReviewCard.objects.create(
            user=alice, story=story, question=bank["auc"], due_on=date(2030, 1, 1)
        )
    ReviewCard.objects.create(user=alice, question=bank["auc"], due_on=date(2030, 1, 1))
    with transaction.atomic(), pytest.raises(IntegrityError):
        ReviewCard.objects.create(user=alice, question=bank["auc"], due_on=date(2030, 1, 2))


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_every_existing_card():
    call_command("flush", interactive=False, verbosity=0)
    before, after = [("prep", "0016_practiceprompt_covers")], [("prep", "0017_breadth")]
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(before)
        old = executor.loader.project_state(before).apps
        user = old.get_model("auth", "User").objects.create(username="veteran")
        problem = old.get_model("prep", "Problem").objects.create(
            slug="old-one", leetcode_id=9300, title="Old one", difficulty="easy"
        )
        story = old.get_model("prep", "Story").objects.create(user=user, title="Told")
        Card = old.get_model("prep", "ReviewCard")
        Card.objects.create(user=user, problem=problem, due_on=date(2030, 1, 2))
        Card.objects.create(user=user, story=story, due_on=date(2030, 1, 3))

        MigrationExecutor(connection).migrate(after)

        cards = ReviewCard.objects.values_list(
            "problem__slug", "story__title", "question", "due_on"
        )
        assert sorted(cards, key=str) == sorted(
            [("old-one", None, None, date(2030, 1, 2)), (None, "Told", None, date(2030, 1, 3))],
            key=str,
        )
    finally:
        MigrationExecutor(connection).migrate(latest)


# --- The catalogue: synced like the rest, curated in the admin ----------------------------------


def test_an_unedited_question_takes_the_fixtures_new_text(fixtures):
    def change(data):
        data[_index(data, "prep.breadthquestion", slug="roc-auc")]["fields"]["title"] = "AUC"

    _edit(fixtures, "breadth.json", change)

    output = _load(fixtures)

    assert "breadth questions: 0 created, 1 updated, 0 archived" in output
    assert BreadthQuestion.objects.get(slug="roc-auc").title == "AUC"


def test_a_question_an_admin_edited_is_kept_and_named(fixtures):
    BreadthQuestion.objects.filter(slug="roc-auc").update(title="ROC AUC, our way")

    def change(data):
        data[_index(data, "prep.breadthquestion", slug="roc-auc")]["fields"]["title"] = "AUC"

    _edit(fixtures, "breadth.json", change)

    output = _load(fixtures)

    assert "question roc-auc (title; upstream changed title)" in output
    assert BreadthQuestion.objects.get(slug="roc-auc").title == "ROC AUC, our way"


def test_a_question_that_left_the_fixtures_is_archived_and_answers_stay(
    fixtures,
    alice,
):
    question = BreadthQuestion.objects.get(slug="roc-auc")
    _answer(alice, question)
    _edit(
        fixtures,
        "breadth.json",
        lambda data: data.pop(_index(data, "prep.breadthquestion", slug="roc-auc")),
    )

    output = _load(fixtures)

    assert "breadth questions: 0 created, 0 updated, 1 archived" in output
    assert BreadthQuestion.objects.get(slug="roc-auc").is_archived
    assert BreadthAnswer.objects.get(user=alice).notes == NOTES


def test_the_sync_records_every_breadth_row():
    recorded = set(
        SyncRecord.objects.filter(model="prep.breadthquestion").values_list("object_pk", flat=True)
    )

    assert recorded == set(BreadthQuestion.objects.values_list("pk", flat=True))


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def test_staff_edit_topics_and_questions_in_the_admin(staff_client):
    question = BreadthQuestion.objects.get(slug="roc-auc")

    listing = staff_client.get(reverse("admin:prep_breadthquestion_changelist"))
    page = staff_client.get(reverse("admin:prep_breadthquestion_change", args=[question.pk]))
    topics = staff_client.get(reverse("admin:prep_breadthtopic_changelist"))

    assert listing.status_code == page.status_code == topics.status_code == 200
    assert "ROC AUC" in listing.content.decode()
    assert "as shipped" in listing.content.decode()
    assert 'name="hints"' in page.content.decode()


def test_answers_are_private_in_the_admin(staff_client, alice):
    _answer(alice, BreadthQuestion.objects.get(slug="roc-auc"), notes="Quokka notes on AUC")

    user_page = staff_client.get(reverse("admin:auth_user_change", args=[alice.pk]))
    question = BreadthQuestion.objects.get(slug="roc-auc")
    delete_page = staff_client.get(reverse("admin:prep_breadthquestion_delete", args=[question.pk]))

    assert BreadthAnswer in OWNED_MODELS
    assert "ML breadth answers: 1" in user_page.content.decode()
    for response in (user_page, delete_page):
        assert "Quokka notes" not in response.content.decode()
    with pytest.raises(NoReverseMatch):  # no admin page for answers at all
        reverse("admin:prep_breadthanswer_changelist")


# --- Your data: exported, imported, deleted with the account ------------------------------------


def test_answers_and_question_cards_travel_in_the_data_file(alice, bank):
    _answer(alice, bank["auc"])
    card = ReviewCard.objects.create(user=alice, question=bank["auc"], due_on=date(2030, 2, 3))
    Review.objects.create(
        card=card, rating=2, reviewed_on=date(2030, 2, 1), due_on=date(2030, 2, 3)
    )
    dave = UserFactory(username="dave")

    document = json.loads(json.dumps(portability.export_data(alice)))
    counts = portability.import_data(dave, portability.read_document(json.dumps(document).encode()))

    assert document["breadth_answers"][0]["question"] == "t-metrics-q1"
    assert document["review_cards"][0]["question"] == "t-metrics-q1"
    assert BreadthAnswer.objects.get(user=dave).notes == NOTES
    moved = ReviewCard.objects.get(user=dave)
    assert (moved.question, moved.due_on) == (bank["auc"], date(2030, 2, 3))
    assert moved.reviews.get().rating == Rating.HARD
    assert "1 ML breadth answer" in portability.import_summary(counts)


def test_a_file_from_before_the_breadth_bank_still_imports(alice, bank):
    """Format 1 files have no breadth answers and no question on their cards."""
    problem = Problem.objects.get(slug="two-sum")
    ReviewCard.objects.create(user=alice, problem=problem, due_on=date(2030, 2, 3))
    document = json.loads(json.dumps(portability.export_data(alice)))
    document["schema_version"] = 1
    del document["breadth_answers"]
    for row in document["review_cards"]:
        del row["question"]
    dave = UserFactory(username="dave")

    portability.import_data(dave, portability.read_document(json.dumps(document).encode()))

    assert ReviewCard.objects.get(user=dave).problem == problem


def test_a_file_naming_an_unknown_question_is_refused(alice, bank):
    _answer(alice, bank["auc"])
    document = json.loads(json.dumps(portability.export_data(alice)))
    document["breadth_answers"][0]["question"] = "no-such-question"

    document = portability.read_document(json.dumps(document).encode())

    with pytest.raises(portability.ImportRefused, match="ML breadth question “no-such-question”"):
        portability.import_data(UserFactory(username="dave"), document)


def test_deleting_the_account_deletes_its_answers_and_cards(alice, bank, bob):
    _answer(alice, bank["auc"])
    _answer(bob, bank["auc"])
    ReviewCard.objects.create(user=alice, question=bank["auc"], due_on=date(2030, 1, 1))

    portability.erase_account(alice)

    assert list(BreadthAnswer.objects.values_list("user__username", flat=True)) == ["bob"]
    assert not ReviewCard.objects.exists()
    assert BreadthQuestion.objects.filter(pk=bank["auc"].pk).exists()


# --- The shipped bank ---------------------------------------------------------------------------


def test_the_shipped_bank_is_a_few_dozen_questions_each_with_points():
    shipped = json.loads((FIXTURES / "breadth.json").read_text(encoding="utf-8"))
    questions = [e["fields"] for e in shipped if e["model"] == "prep.breadthquestion"]
    topics = {e["fields"]["slug"] for e in shipped if e["model"] == "prep.breadthtopic"}

    assert 40 <= len(questions) <= 60
    assert {q["topic"][0] for q in questions} == topics
    for question in questions:
        assert len(question["hints"].splitlines()) >= 3, question["slug"]
        assert question["question"].endswith((".", "?")), question["slug"]
        assert not question["source_url"] or question["source_url"].startswith("https://")
        assert not question["source_url"] or question["source_name"], question["slug"]
    titles = {q["title"] for q in questions}
    for must in ["Bias and variance", "Data leakage", "Calibration", "Two-tower retrieval"]:
        assert must in titles
