"""One factory per model, for tests that need rows the real catalogue does not have."""

import factory
from django.contrib.auth.models import User
from django.utils import timezone

from prep import models


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("correct horse battery staple")


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Company

    slug = factory.Sequence(lambda n: f"company-{n}")
    name = factory.Sequence(lambda n: f"Company {n}")


class LevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Level
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"level-{n}")
    name = factory.Sequence(lambda n: f"L{n}")
    title = "Engineer"

    @factory.post_generation
    def loop(level, create, extracted, **kwargs):
        """Give the level a loop at the typical company (Meta), which every company without a
        loop of its own borrows: `loop__rounds=(coding, ml_design, behavioral)`, default
        (2, 1, 1); `loop=False` for a level with no loop at all."""
        if not create or extracted is False:
            return
        coding, ml_design, behavioral = kwargs.get("rounds", (2, 1, 1))
        meta, _ = models.Company.objects.get_or_create(
            slug=models.Loop.TYPICAL_COMPANY, defaults={"name": "Meta"}
        )
        models.Loop.objects.create(
            slug=f"{meta.slug}-{level.slug}",
            company=meta,
            level=level,
            onsite_coding_rounds=coding,
            onsite_ml_design_rounds=ml_design,
            onsite_behavioral_rounds=behavioral,
        )


class LoopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Loop

    slug = factory.Sequence(lambda n: f"loop-{n}")
    company = factory.SubFactory(CompanyFactory)
    level = factory.SubFactory("tests.factories.LevelFactory", loop=False)
    onsite_coding_rounds = 2
    onsite_ml_design_rounds = 1
    onsite_behavioral_rounds = 1


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Topic

    slug = factory.Sequence(lambda n: f"topic-{n}")
    name = factory.Sequence(lambda n: f"Topic {n}")


class ProblemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Problem

    leetcode_id = factory.Sequence(lambda n: 100_000 + n)
    slug = factory.Sequence(lambda n: f"problem-{n}")
    title = factory.Sequence(lambda n: f"Problem {n}")
    difficulty = models.Problem.Difficulty.MEDIUM


class ProblemListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ProblemList

    slug = factory.Sequence(lambda n: f"list-{n}")
    name = factory.Sequence(lambda n: f"List {n}")
    short_name = factory.Sequence(lambda n: f"L{n}")
    kind = models.ProblemList.Kind.ROADMAP
    position = factory.Sequence(lambda n: 100 + n)


class ListSectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ListSection

    problem_list = factory.SubFactory(ProblemListFactory)
    slug = factory.Sequence(lambda n: f"section-{n}")
    name = factory.Sequence(lambda n: f"Section {n}")


class ListEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ListEntry

    problem_list = factory.SubFactory(ProblemListFactory)
    problem = factory.SubFactory(ProblemFactory)
    position = factory.Sequence(lambda n: n + 1)


class LearnCardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.LearnCard

    slug = factory.Sequence(lambda n: f"card-{n}")
    name = factory.Sequence(lambda n: f"Card {n}")
    position = factory.Sequence(lambda n: 100 + n)


class LearnChapterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.LearnChapter

    card = factory.SubFactory(LearnCardFactory)
    slug = factory.Sequence(lambda n: f"chapter-{n}")
    name = factory.Sequence(lambda n: f"Chapter {n}")
    position = factory.Sequence(lambda n: n + 1)


class DesignStageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.DesignStage

    slug = factory.Sequence(lambda n: f"stage-{n}")
    name = factory.Sequence(lambda n: f"Stage {n}")
    position = factory.Sequence(lambda n: 100 + n)
    minutes = 5
    summary = "What this stage is for."
    guidance = "How to do it well."
    checklist = "First thing\nSecond thing"


class PracticePromptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.PracticePrompt

    slug = factory.Sequence(lambda n: f"prompt-{n}")
    title = factory.Sequence(lambda n: f"Design system {n}")
    position = factory.Sequence(lambda n: 100 + n)
    brief = "Build it."


class PhoneScreenSegmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.PhoneScreenSegment

    level = factory.SubFactory(LevelFactory)
    position = factory.Sequence(lambda n: n + 1)
    kind = models.PhoneScreenSegment.Kind.CODING
    minutes = 35
    description = "Two coding problems"


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Profile

    user = factory.SubFactory(UserFactory)
    target_company = factory.SubFactory(CompanyFactory)
    target_level = factory.SubFactory(LevelFactory)


class ProblemProgressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ProblemProgress

    user = factory.SubFactory(UserFactory)
    problem = factory.SubFactory(ProblemFactory)
    status = models.Status.ATTEMPTED


class ProblemEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ProblemEvent

    user = factory.SubFactory(UserFactory)
    problem = factory.SubFactory(ProblemFactory)
    old_status = models.Status.NOT_STARTED
    status = models.Status.ATTEMPTED


class ChapterDoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ChapterDone

    user = factory.SubFactory(UserFactory)
    chapter = factory.SubFactory(LearnChapterFactory)


class CardDoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.CardDone

    user = factory.SubFactory(UserFactory)
    card = factory.SubFactory(LearnCardFactory)


class StageStudiedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.StageStudied

    user = factory.SubFactory(UserFactory)
    stage = factory.SubFactory(DesignStageFactory)


class ShareLinkFactory(factory.django.DjangoModelFactory):
    """A share link with a live token, kept on `link.token` (the database has only its hash).

    Pass `issue=False` for a row that never had a token, like one a failed create leaves behind.
    """

    class Meta:
        model = models.ShareLink
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)

    @factory.post_generation
    def issue(link, create, extracted, **kwargs):
        link.token = link.issue() if create and extracted is not False else None


class DesignAttemptFactory(factory.django.DjangoModelFactory):
    """An open practice session; pass `ended_at` for a finished one."""

    class Meta:
        model = models.DesignAttempt

    user = factory.SubFactory(UserFactory)
    prompt = factory.SubFactory(PracticePromptFactory)


class StageWorkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.StageWork

    attempt = factory.SubFactory(DesignAttemptFactory)
    stage = factory.SubFactory(DesignStageFactory)
    notes = "What I would say."
    is_done = True


class FocusAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.FocusArea

    slug = factory.Sequence(lambda n: f"area-{n}")
    name = factory.Sequence(lambda n: f"Area {n}")
    position = factory.Sequence(lambda n: 100 + n)
    probes = "What the interviewer wants to learn."
    scope_e4 = "Scope at E4."
    scope_e5 = "Scope at E5."
    scope_e6 = "Scope at E6."


class StoryFactory(factory.django.DjangoModelFactory):
    """A story; `StoryFactory(focus_areas=[area, ...])` tags it."""

    class Meta:
        model = models.Story
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Story {n}")
    situation = "Two teams wanted different things."
    task = "Agree on one plan before the launch."
    action = "I brought them together."
    result = "We shipped on time."

    @factory.post_generation
    def focus_areas(story, create, extracted, **kwargs):
        if create and extracted:
            story.focus_areas.set(extracted)


class MockRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.MockRound

    user = factory.SubFactory(UserFactory)
    level = factory.SubFactory(LevelFactory)
    company = factory.SubFactory(CompanyFactory)
    started_at = factory.LazyFunction(timezone.now)


class MockProblemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.MockProblem

    mock = factory.SubFactory(MockRoundFactory)
    problem = factory.SubFactory(ProblemFactory)
    position = factory.Sequence(lambda n: n + 1)
