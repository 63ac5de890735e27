"""Companies for the candidate: the Companies page, company lists' snapshots, the cross-company
columns and filters of list pages, and each company's loop.

The data is made here with factories on a bare catalogue (the real lists archived), and company
lists are filled by importing small files through the importer, as an admin would.
"""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from prep.models import Company, ListEntry, Problem, ProblemList, Status
from prep.snapshots import snapshot_import, snapshot_plan
from tests.factories import (
    CompanyFactory,
    LevelFactory,
    LoopFactory,
    ProblemFactory,
    ProblemListFactory,
    ProblemProgressFactory,
    ProfileFactory,
)

HEADER = "ID,URL,Title,Difficulty,Acceptance %,Frequency %\n"
JULY = datetime.date(2026, 7, 12)
OCTOBER = datetime.date(2026, 10, 1)


def _file(*rows: tuple) -> bytes:
    """A snehasishroy-format file of (problem, frequency) rows."""
    lines = [
        f"{p.leetcode_id},https://leetcode.com/problems/{p.slug},{p.title},Medium,50.0%,{f}%"
        for p, f in rows
    ]
    return (HEADER + "\n".join(lines) + "\n").encode()


def _import(company, window, as_of, *rows) -> ProblemList:
    plan = snapshot_plan(_file(*rows), f"{window}.csv", company=company, window=window, as_of=as_of)
    return snapshot_import(plan).problem_list


@pytest.fixture
def world(bare_catalogue, alice):
    """Two companies: Acme asks six problems over six months; Zeta asks three of them, all
    time. alice aims at Acme and solved p[0] and p[4]."""
    Company.objects.exclude(slug="meta").update(is_archived=True)  # Meta's loops are typical
    acme, zeta = CompanyFactory(name="Acme", slug="acme"), CompanyFactory(name="Zeta", slug="zeta")
    p = ProblemFactory.create_batch(6)
    six = [(problem, 100 - 10 * i) for i, problem in enumerate(p)]
    acme_six = _import(acme, "six-months", JULY, *six)
    zeta_all = _import(zeta, "all-time", JULY, (p[4], 100), (p[0], 50), (p[5], 50))
    level = LevelFactory(name="E5")
    ProfileFactory(user=alice, target_company=acme, target_level=level)
    for problem in (p[0], p[4]):
        ProblemProgressFactory(user=alice, problem=problem, status=Status.SOLVED)

    class World:
        pass

    world = World()
    world.acme, world.zeta, world.p = acme, zeta, p
    world.acme_six, world.zeta_all, world.level = acme_six, zeta_all, level
    return world


# --- The Companies page -----------------------------------------------------------------------


def test_companies_page_counts_solved_problems_on_each_primary_list(alice_client, world):
    response = alice_client.get(reverse("prep:companies"))

    assert response.status_code == 200
    html = response.content.decode()
    # Acme's six-month list has only 6 problems, fewer than 50, but it is Acme's only list.
    assert 'id="company-acme"' in html
    assert "Your target" in html
    assert "Acme: most frequent, last six months" in html
    assert "2 of 6" in html
    assert "Zeta: most frequent, all time" in html
    assert "2 of 3" in html


def test_companies_page_puts_the_target_first(alice_client, world):
    html = alice_client.get(reverse("prep:companies")).content.decode()

    assert html.index('id="company-acme"') < html.index('id="company-zeta"')


def test_companies_page_needs_a_login(client, world):
    response = client.get(reverse("prep:companies"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_companies_page_refuses_post(alice_client, world):
    assert alice_client.post(reverse("prep:companies")).status_code == 405


def test_a_stranger_sees_their_own_counts_not_alices(client, charlie, world):
    client.force_login(charlie)

    html = client.get(reverse("prep:companies")).content.decode()

    assert "0 of 6" in html
    assert "2 of 6" not in html


# --- Company list pages: snapshot facts, primary list, news ------------------------------------


def test_a_company_list_page_names_its_window_snapshot_and_source(alice_client, world):
    html = alice_client.get(world.acme_six.get_absolute_url()).content.decode()

    assert "Last six months" in html
    assert "12 July 2026" in html
    assert "all 6 problems in the file" in html
    # The only list Acme has, so it counts, and the page says why.
    assert "This is Acme's primary list." in html


def test_the_all_time_list_counts_when_the_six_month_one_is_short(alice_client, world):
    all_time = _import(world.acme, "all-time", JULY, *[(p, 50) for p in world.p])

    html = alice_client.get(world.acme_six.get_absolute_url()).content.decode()

    assert "This list is for reference." in html
    assert "holds only 6 problems, fewer than 50" in html
    assert all_time.get_absolute_url() in html


def test_a_newer_snapshot_marks_new_problems_and_lists_the_dropped_ones(alice_client, world):
    p = world.p
    newcomer = ProblemFactory(title="Fresh Problem")
    _import(world.acme, "six-months", OCTOBER, (newcomer, 100), *[(x, 50) for x in p[1:]])

    html = alice_client.get(world.acme_six.get_absolute_url()).content.decode()

    row = html[html.index(f'id="problem-{newcomer.slug}"') :]
    assert 'class="badge badge-new"' in row[: row.index("</tr>")]
    old_row = html[html.index(f'id="problem-{p[1].slug}"') :]
    assert "badge-new" not in old_row[: old_row.index("</tr>")]
    assert "1 problem dropped out since the snapshot of 12 July 2026" in html
    assert p[0].title in html[html.index('class="card dropped"') :]
    # alice solved the dropped problem: her progress on it is untouched.
    assert alice_client.get(reverse("prep:companies")).status_code == 200
    assert world.p[0].progress.get().status == Status.SOLVED


def test_an_older_snapshot_stays_viewable(alice_client, world):
    _import(world.acme, "six-months", OCTOBER, *[(x, 50) for x in world.p[1:]])
    url = reverse("prep:list-snapshot", args=[world.acme_six.slug, "2026-07-12"])

    response = alice_client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert "An earlier snapshot" in html
    assert world.p[0].title in html
    assert "Solved" in html  # alice's status on p[0]
    list_page = alice_client.get(world.acme_six.get_absolute_url()).content.decode()
    assert url in list_page


@pytest.mark.parametrize("as_of", ["2026-13-01", "not-a-date", "2025-01-01"])
def test_a_snapshot_that_does_not_exist_is_404(alice_client, world, as_of):
    url = reverse("prep:list-snapshot", args=[world.acme_six.slug, as_of])

    assert alice_client.get(url).status_code == 404


def test_a_roadmap_has_no_snapshots_page(alice_client, world):
    roadmap = ProblemListFactory()
    url = reverse("prep:list-snapshot", args=[roadmap.slug, "2026-07-12"])

    assert alice_client.get(url).status_code == 404


def test_the_snapshot_page_needs_a_login_and_refuses_post(alice_client, world):
    url = reverse("prep:list-snapshot", args=[world.acme_six.slug, "2026-07-12"])

    assert Client().get(url).status_code == 302
    assert alice_client.post(url).status_code == 405


# --- List pages across companies -------------------------------------------------------------


def _roadmap(problems) -> ProblemList:
    roadmap = ProblemListFactory(name="Roadmap")
    for position, problem in enumerate(problems, 1):
        ListEntry.objects.create(problem_list=roadmap, problem=problem, position=position)
    return roadmap


def _titles(html: str, problems) -> list[str]:
    """The problems' titles in the order the page shows them."""
    found = [(html.find(f'id="problem-{p.slug}"'), p.title) for p in problems]
    return [title for at, title in sorted(found) if at >= 0]


def test_rows_show_which_other_companies_ask_the_problem(alice_client, world):
    html = alice_client.get(world.acme_six.get_absolute_url()).content.decode()

    row = html[html.index(f'id="problem-{world.p[4].slug}"') :]
    row = row[: row.index("</tr>")]
    assert "Asked at" in row
    assert "Zeta" in row
    assert "all time" in row
    # Its own company is not repeated on its own list.
    assert "Acme" not in row
    lonely = html[html.index(f'id="problem-{world.p[1].slug}"') :]
    assert "Asked at" not in lonely[: lonely.index("</tr>")]


def test_the_company_filter_keeps_the_problems_that_company_asks(alice_client, world):
    roadmap = _roadmap(world.p)

    response = alice_client.get(roadmap.get_absolute_url(), {"company": "zeta"})

    assert response.status_code == 200
    shown = _titles(response.content.decode(), world.p)
    assert shown == [world.p[0].title, world.p[4].title, world.p[5].title]


def test_sorting_by_frequency_follows_the_company_filtered_on(alice_client, world):
    roadmap = _roadmap(world.p)

    html = alice_client.get(
        roadmap.get_absolute_url(), {"sort": "frequency", "company": "zeta"}
    ).content.decode()

    # Zeta: p[4] 100, then p[0] and p[5] tied at 50 in list order.
    assert _titles(html, world.p) == [world.p[4].title, world.p[0].title, world.p[5].title]
    assert "Most frequent first at Zeta" in html


def test_sorting_by_frequency_without_a_filter_uses_the_target_company(alice_client, world):
    roadmap = _roadmap(list(reversed(world.p)))

    html = alice_client.get(roadmap.get_absolute_url(), {"sort": "frequency"}).content.decode()

    assert _titles(html, world.p) == [p.title for p in world.p]


@pytest.mark.parametrize("query", [{"company": "nowhere"}, {"sort": "popularity"}])
def test_bad_company_or_order_answers_400_with_a_message(alice_client, world, query):
    response = alice_client.get(world.acme_six.get_absolute_url(), query)

    assert response.status_code == 400
    assert "Some filters were not understood" in response.content.decode()


def test_htmx_filtering_returns_only_the_list_body(alice_client, world):
    response = alice_client.get(
        world.acme_six.get_absolute_url(),
        {"company": "zeta"},
        headers={"HX-Request": "true", "HX-Target": "list-body"},
    )

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="list-body">')
    assert "<h1>" not in html


# --- Dashboard and readiness ------------------------------------------------------------------


def test_readiness_uses_the_target_companys_primary_list(alice_client, world):
    html = alice_client.get(reverse("prep:dashboard")).content.decode()

    assert "Acme's most frequent problems solved (2 of 6)" in html
    assert "no class-design list for Acme" in html


def test_the_dashboard_lists_only_the_target_companys_lists(alice_client, world):
    html = alice_client.get(reverse("prep:dashboard")).content.decode()

    assert "Acme: most frequent, last six months" in html
    assert "Zeta: most frequent, all time" not in html


# --- Loops per company -----------------------------------------------------------------------


def test_a_company_without_a_loop_shows_metas_as_typical(alice_client, world):
    response = alice_client.get(reverse("prep:loops"), {"company": "zeta"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "There is no Zeta loop here yet" in html
    assert "typical big-tech loop" in html


def test_a_curated_loop_is_shown_as_the_companys_own(alice_client, world):
    LoopFactory(
        company=world.zeta, level=world.level, onsite_ml_design_rounds=3, source_name="Recruiter"
    )

    html = alice_client.get(reverse("prep:loops"), {"company": "zeta"}).content.decode()
    html = html[html.index(f'id="level-{world.level.slug}"') :]
    html = html[: html.index("</section>")]

    assert "3 ML system design rounds" in html
    assert "There is no Zeta loop here yet" not in html
    assert "Source: Recruiter" in html


def test_loops_for_an_unknown_company_answer_400(alice_client, world):
    response = alice_client.get(reverse("prep:loops"), {"company": "nowhere"})

    assert response.status_code == 400
    assert "There is no such company here" in response.content.decode()


# --- Choosing a company ----------------------------------------------------------------------


def test_every_shipped_company_can_be_chosen_in_settings(alice_client, alice_e5):
    html = alice_client.get(reverse("prep:settings")).content.decode()

    for company in Company.objects.active():
        assert f">{company.name}</option>" in html
    google = Company.objects.get(slug="google")
    level = alice_e5.target_level
    response = alice_client.post(
        reverse("prep:settings"), {"target_company": google.pk, "target_level": level.pk}
    )

    assert response.status_code == 302
    alice_e5.refresh_from_db()
    assert alice_e5.target_company == google


# --- Archiving a company, and names ending in s -----------------------------------------------


def test_archiving_a_company_hides_its_lists_and_chips(alice_client, world):
    Company.objects.filter(pk=world.zeta.pk).update(is_archived=True)

    assert alice_client.get(world.zeta_all.get_absolute_url()).status_code == 404
    html = alice_client.get(world.acme_six.get_absolute_url()).content.decode()
    row = html[html.index(f'id="problem-{world.p[4].slug}"') :]
    assert "Zeta" not in row[: row.index("</tr>")]
    assert "company-zeta" not in alice_client.get(reverse("prep:companies")).content.decode()


def test_a_company_name_ending_in_s_takes_a_bare_apostrophe(alice_client, world):
    Company.objects.filter(pk=world.acme.pk).update(name="Acmes")

    html = alice_client.get(reverse("prep:dashboard")).content.decode()

    assert "Acmes' most frequent problems solved" in html
    assert "Acmes's" not in html


def test_not_in_list_offers_roadmaps_and_the_relevant_companies_lists_only(alice_client, world):
    roadmap = _roadmap(world.p)
    other = CompanyFactory(name="Other")
    _import(other, "six-months", JULY, (world.p[0], 100))

    html = alice_client.get(roadmap.get_absolute_url()).content.decode()
    menu = html[html.index('name="not_in"') : html.index("</select>", html.index('name="not_in"'))]

    assert "Acme: most frequent, last six months" in menu  # the target company's
    assert "Other: most frequent" not in menu
    assert "Zeta: most frequent" not in menu


# --- What review found ------------------------------------------------------------------------


def test_a_stray_query_parameter_on_the_loops_page_is_not_an_error(alice_client, world):
    response = alice_client.get(reverse("prep:loops"), {"utm_source": "newsletter"})

    assert response.status_code == 200
    assert "at Acme" in response.content.decode()


def test_a_bookmarked_not_in_filter_still_works_after_changing_target(alice_client, alice, world):
    roadmap = _roadmap(world.p)
    url = roadmap.get_absolute_url()
    assert alice_client.get(url, {"not_in": world.acme_six.slug}).status_code == 200

    alice.profile.target_company = world.zeta
    alice.profile.save()
    response = alice_client.get(url, {"not_in": world.acme_six.slug})

    assert response.status_code == 200
    assert _titles(response.content.decode(), world.p) == []  # Acme's list holds all six


def test_most_frequent_first_on_a_company_list_follows_its_own_frequencies(alice_client, world):
    # Zeta's list, sorted: its own order (p[4] 100, then p[0] and p[5] at 50), whatever the
    # target company's list says.
    html = alice_client.get(world.zeta_all.get_absolute_url(), {"sort": "frequency"})

    shown = _titles(html.content.decode(), world.p)
    assert shown == [world.p[4].title, world.p[0].title, world.p[5].title]
    assert "by Zeta: most frequent, all time" in html.content.decode()


def test_a_target_with_no_list_shares_the_company_weight_too(alice_client, alice, world):
    alice.profile.target_company = CompanyFactory(name="Newco")
    alice.profile.save()

    html = alice_client.get(reverse("prep:dashboard")).content.decode()

    assert "Newco has no list of its most frequent problems yet" in html
    assert "most frequent problems solved" not in html


def test_a_problem_the_catalogue_archived_is_not_listed_as_dropped(alice_client, world):
    p = world.p
    _import(world.acme, "six-months", OCTOBER, *[(x, 50) for x in p[2:]])
    Problem.objects.filter(pk=p[0].pk).update(is_archived=True)

    html = alice_client.get(world.acme_six.get_absolute_url()).content.decode()
    old = alice_client.get(
        reverse("prep:list-snapshot", args=[world.acme_six.slug, "2026-07-12"])
    ).content.decode()

    assert "1 problem dropped out since the snapshot of 12 July 2026" in html
    assert p[0].title not in html[html.index('class="card dropped"') :]
    assert p[0].title not in old


def test_the_preview_warns_about_an_archived_list(world):
    ProblemList.objects.filter(pk=world.zeta_all.pk).update(is_archived=True)

    plan = snapshot_plan(
        _file((world.p[0], 100)), "z.csv", company=world.zeta, window="all-time", as_of=OCTOBER
    )

    assert any("archived" in line and "restored" in line for line in plan.overview())
