"""The app's models, one module per concern, all under the `prep` app label.

Every name is re-exported here, so `from prep.models import Problem` works wherever it did
before the split, and migrations and fixtures (`prep.problem`) see one app.
"""

from prep.models.breadth import BreadthAnswer, BreadthQuestion, BreadthTopic
from prep.models.catalogue import (
    CatalogueItem,
    CatalogueQuerySet,
    CodingStep,
    Company,
    DesignStage,
    FocusArea,
    LearnCard,
    LearnChapter,
    Level,
    ListEntry,
    ListSection,
    Loop,
    PhoneScreenSegment,
    PracticePrompt,
    Problem,
    ProblemList,
    Resource,
    Topic,
)
from prep.models.coach import Activity, Rating, Review, ReviewCard, record_activity
from prep.models.limits import RateCount
from prep.models.practice import DesignAttempt, MockProblem, MockRound, StageWork, Story, Timed
from prep.models.progress import (
    SOLVED_STATUSES,
    CardDone,
    ChapterDone,
    ProblemEvent,
    ProblemProgress,
    Profile,
    StageStudied,
    Status,
    set_done,
)
from prep.models.sharing import (
    SHARE_PREFIX_LENGTH,
    SHARE_TOKEN_BYTES,
    SHARE_TOKEN_LENGTH,
    ShareLink,
)
from prep.models.snapshots import ListSnapshot, SnapshotEntry
from prep.models.sync import CatalogueVersion, SyncRecord

__all__ = [
    "SHARE_PREFIX_LENGTH",
    "SHARE_TOKEN_BYTES",
    "SHARE_TOKEN_LENGTH",
    "SOLVED_STATUSES",
    "Activity",
    "BreadthAnswer",
    "BreadthQuestion",
    "BreadthTopic",
    "CardDone",
    "CatalogueItem",
    "CatalogueQuerySet",
    "CatalogueVersion",
    "ChapterDone",
    "CodingStep",
    "Company",
    "DesignAttempt",
    "DesignStage",
    "FocusArea",
    "LearnCard",
    "LearnChapter",
    "Level",
    "ListEntry",
    "ListSection",
    "ListSnapshot",
    "Loop",
    "MockProblem",
    "MockRound",
    "PhoneScreenSegment",
    "PracticePrompt",
    "Problem",
    "ProblemEvent",
    "ProblemList",
    "ProblemProgress",
    "Profile",
    "RateCount",
    "Rating",
    "Resource",
    "Review",
    "ReviewCard",
    "ShareLink",
    "SnapshotEntry",
    "StageStudied",
    "StageWork",
    "Status",
    "Story",
    "SyncRecord",
    "Timed",
    "Topic",
    "record_activity",
    "set_done",
]
