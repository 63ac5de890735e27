"""The catalogue models: constraints, natural keys, links and the small verbs pages rely on."""

import pytest
from django.core import serializers
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from prep.models import (
    DesignStage,
    LearnCard,
    ListEntry,
    ListSection,
    PhoneScreenSegment,
    Problem,
    ProblemList,
)
from tests.factories import (
    CompanyFactory,
    DesignStageFactory,
    LearnCardFactory,
    LearnChapterFactory,
    LevelFactory,
    ListEntryFactory,
    ListSectionFactory,
    LoopFactory,
    PhoneScreenSegmentFactory,
    ProblemFactory,
    ProblemListFactory,
)

pytestmark = pytest.mark.django_db


def test_a_problem_can_be_in_a_list_only_once():
    entry = ListEntryFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        ListEntryFactory(problem_list=entry.problem_list, problem=entry.problem)

    assert entry.problem_list.entries.count() == 1


def test_the_same_problem_can_be_in_two_lists():
    entry = ListEntryFactory()

    ListEntryFactory(problem=entry.problem)

    assert entry.problem.lists.count() == 2


def test_segment_positions_are_unique_per_level():
    segment = PhoneScreenSegmentFactory(position=1)

    with pytest.raises(IntegrityError), transaction.atomic():
        PhoneScreenSegmentFactory(level=segment.level, position=1)

    # Another level may use the same position.
    PhoneScreenSegmentFactory(position=1)
    assert PhoneScreenSegment.objects.filter(level=segment.level).count() == 1


def test_two_problems_cannot_share_a_leetcode_number():
    problem = ProblemFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        ProblemFactory(leetcode_id=problem.leetcode_id)


def test_a_company_has_one_list_per_window_and_any_number_without_one():
    company = CompanyFactory()
    ProblemListFactory(kind=ProblemList.Kind.COMPANY, company=company, window="six-months")
    ProblemListFactory(kind=ProblemList.Kind.COMPANY, company=company, window="all-time")
    ProblemListFactory.create_batch(2, kind=ProblemList.Kind.COMPANY, company=company)

    with pytest.raises(IntegrityError), transaction.atomic():
        ProblemListFactory(kind=ProblemList.Kind.COMPANY, company=company, window="six-months")

    assert company.problem_lists.count() == 4


def test_a_company_has_one_loop_per_level():
    loop = LoopFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        LoopFactory(company=loop.company, level=loop.level)

    # Another company may have a loop at the same level.
    LoopFactory(level=loop.level)
    assert loop.level.loops.count() == 2


def test_two_sections_of_one_list_cannot_share_a_slug():
    section = ListSectionFactory(slug="stack")

    with pytest.raises(IntegrityError), transaction.atomic():
        ListSectionFactory(problem_list=section.problem_list, slug="stack")


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(ProblemFactory, id="problem"),
        pytest.param(ProblemListFactory, id="problem-list"),
        pytest.param(ListEntryFactory, id="list-entry"),
        pytest.param(ListSectionFactory, id="list-section"),
        pytest.param(LearnCardFactory, id="learn-card"),
        pytest.param(LearnChapterFactory, id="learn-chapter"),
        pytest.param(PhoneScreenSegmentFactory, id="phone-screen-segment"),
    ],
)
def test_natural_key_finds_the_same_row(make):
    obj = make()
    # A twin with different keys, so a lookup that ignored part of the key would find two rows.
    make()
    manager = type(obj)._default_manager

    assert manager.get_by_natural_key(*obj.natural_key()) == obj


def test_natural_keys_tell_apart_sections_of_different_lists_with_the_same_slug():
    first = ListSectionFactory(slug="graphs")
    second = ListSectionFactory(slug="graphs")

    found = ListSection.objects.get_by_natural_key(*second.natural_key())

    assert found == second
    assert found != first


def test_a_list_entry_serialized_by_natural_keys_loads_back_onto_the_same_row():
    entry = ListEntryFactory(section=None)
    data = serializers.serialize(
        "python", [entry], use_natural_foreign_keys=True, use_natural_primary_keys=True
    )

    assert "pk" not in data[0] or data[0]["pk"] is None
    (loaded,) = serializers.deserialize("python", data)
    assert loaded.object.pk == entry.pk


def test_problem_url_is_its_leetcode_page():
    problem = ProblemFactory.build(slug="two-sum-ii-input-array-is-sorted")

    assert problem.url == "https://leetcode.com/problems/two-sum-ii-input-array-is-sorted/"


def test_learn_card_url_is_its_explore_page():
    card = LearnCardFactory.build(slug="fun-with-arrays")

    assert card.url == "https://leetcode.com/explore/learn/card/fun-with-arrays/"


def test_learn_chapter_url_goes_to_the_chapter_inside_its_card():
    chapter = LearnChapterFactory.build(
        card=LearnCardFactory.build(slug="fun-with-arrays"), leetcode_path="521/introduction"
    )

    assert (
        chapter.url == "https://leetcode.com/explore/learn/card/fun-with-arrays/521/introduction/"
    )


def test_learn_chapter_without_a_path_links_to_its_card():
    chapter = LearnChapterFactory.build(card=LearnCardFactory.build(slug="graph"), leetcode_path="")

    assert chapter.url == "https://leetcode.com/explore/learn/card/graph/"


@pytest.mark.parametrize(
    ("make", "model"),
    [
        pytest.param(ProblemFactory, Problem, id="problem"),
        pytest.param(ProblemListFactory, ProblemList, id="problem-list"),
        pytest.param(LearnCardFactory, LearnCard, id="learn-card"),
        pytest.param(DesignStageFactory, DesignStage, id="design-stage"),
    ],
)
def test_active_hides_archived_rows(make, model):
    shown = make()
    hidden = make(is_archived=True)

    active = set(model.objects.active())

    assert shown in active
    assert hidden not in active


def test_active_entries_hide_archived_entries_and_entries_of_archived_problems():
    problem_list = ProblemListFactory()
    shown = ListEntryFactory(problem_list=problem_list)
    ListEntryFactory(problem_list=problem_list, is_archived=True)
    ListEntryFactory(problem_list=problem_list, problem=ProblemFactory(is_archived=True))

    assert list(problem_list.entries.active()) == [shown]


def test_deleting_a_problem_a_list_holds_is_refused():
    entry = ListEntryFactory()

    with pytest.raises(ProtectedError), transaction.atomic():
        entry.problem.delete()

    assert Problem.objects.filter(pk=entry.problem.pk).exists()
    assert ListEntry.objects.filter(pk=entry.pk).exists()


def test_a_problem_no_list_holds_can_be_deleted():
    problem = ProblemFactory()

    problem.delete()

    assert not Problem.objects.filter(pk=problem.pk).exists()


def test_design_stage_checklist_has_one_item_per_non_blank_line():
    stage = DesignStageFactory(
        checklist="  Who are the users?  \n\nHow many of them?\r\n   \nLatency"
    )

    assert stage.checklist_items == ["Who are the users?", "How many of them?", "Latency"]


def test_phone_screen_minutes_add_up_the_segments():
    level = LevelFactory()
    for position, minutes in enumerate([2, 25, 15, 3], start=1):
        PhoneScreenSegmentFactory(level=level, position=position, minutes=minutes)

    assert level.phone_screen_minutes == 45


def test_a_level_without_segments_has_a_zero_minute_phone_screen():
    assert LevelFactory().phone_screen_minutes == 0


def test_phone_screen_minutes_leave_out_archived_segments():
    level = LevelFactory()
    PhoneScreenSegmentFactory(level=level, position=1, minutes=35)
    PhoneScreenSegmentFactory(level=level, position=2, minutes=10, is_archived=True)

    assert level.phone_screen_minutes == 35


@pytest.mark.parametrize(
    ("title", "label"),
    [("Senior engineer", "E5, senior engineer"), ("", "E5")],
)
def test_a_level_label_says_what_it_means(title, label):
    assert LevelFactory(name="E5", title=title).label == label
