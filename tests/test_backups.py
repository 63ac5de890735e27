"""make backup and make restore: back up, wipe, restore, and every row is back.

Runs on the test database of whichever engine the suite runs on (SQLite by default, PostgreSQL
in CI through pg_dump and pg_restore)."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from prep.models import ProblemProgress, Story
from tests.factories import ProblemProgressFactory, ShareLinkFactory, StoryFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _every_row() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


@pytest.fixture
def people(catalog):
    users = UserFactory.create_batch(3)
    for user in users:
        ProblemProgressFactory.create_batch(4, user=user)
        StoryFactory(user=user, title=f"{user.username}'s story")
    ShareLinkFactory(user=users[0])
    return users


def test_a_backup_restores_every_row_after_a_wipe(people, tmp_path):
    before = _every_row()
    output = StringIO()

    call_command("backup", output=tmp_path / "backup", stdout=output)
    call_command("flush", interactive=False, verbosity=0)
    assert ProblemProgress.objects.count() == 0
    call_command("restore", tmp_path / "backup", interactive=False, stdout=StringIO())

    assert _every_row() == before
    assert Story.objects.filter(title=f"{people[0].username}'s story").exists()
    assert "Backed up the" in output.getvalue()


def test_a_restore_also_undoes_rows_added_since_the_backup(people, tmp_path):
    call_command("backup", output=tmp_path / "backup", stdout=StringIO())
    UserFactory.create_batch(2)

    call_command("restore", tmp_path / "backup", interactive=False, stdout=StringIO())

    assert {u.pk for u in apps.get_model("auth", "User").objects.all()} == {u.pk for u in people}


def test_the_site_can_write_after_a_restore(people, tmp_path):
    call_command("backup", output=tmp_path / "backup", stdout=StringIO())
    call_command("restore", tmp_path / "backup", interactive=False, stdout=StringIO())

    newcomer = UserFactory()  # Sequences (PostgreSQL) came back with the rows.

    assert newcomer.pk > max(u.pk for u in people)


def test_restoring_a_file_that_is_not_a_backup_changes_nothing(people, tmp_path):
    junk = tmp_path / "junk"
    junk.write_bytes(b"not a database at all" * 100)
    before = _every_row()

    with pytest.raises(CommandError):
        call_command("restore", junk, interactive=False, stdout=StringIO())

    assert _every_row() == before


def test_restoring_a_missing_file_says_so(db, tmp_path):
    with pytest.raises(CommandError, match="No backup file"):
        call_command("restore", tmp_path / "nope", interactive=False)


def test_a_backup_never_overwrites_a_file(people, tmp_path):
    (tmp_path / "backup").write_text("precious")

    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", output=tmp_path / "backup")

    assert (tmp_path / "backup").read_text() == "precious"


def test_restore_asks_first_and_a_no_changes_nothing(people, tmp_path, monkeypatch):
    call_command("backup", output=tmp_path / "backup", stdout=StringIO())
    UserFactory()
    before = _every_row()
    monkeypatch.setattr("builtins.input", lambda prompt: "no")

    with pytest.raises(CommandError, match="cancelled"):
        call_command("restore", tmp_path / "backup", stdout=StringIO())

    assert _every_row() == before
    assert connection.vendor in {"sqlite", "postgresql"}


def test_a_backup_is_readable_by_its_owner_only(people, tmp_path):
    call_command("backup", output=tmp_path / "backup", stdout=StringIO())

    assert (tmp_path / "backup").stat().st_mode & 0o777 == 0o600
