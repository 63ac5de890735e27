"""After a tick, what changed is said in a polite live region that stays on the page (a region
replaced whole is not announced by screen readers)."""

import re

from django.urls import reverse

STATUS_URL = reverse("prep:problem-status")
NEETCODE = reverse("prep:list-detail", args=["neetcode-150"])
DASHBOARD = reverse("prep:dashboard")
ML_DESIGN = reverse("prep:ml-design")


def _htmx(page: str) -> dict:
    return {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": f"http://testserver{page}"}


def test_a_tick_on_a_list_says_what_was_saved_and_the_new_count(alice_client, alice_e5):
    response = alice_client.post(
        STATUS_URL,
        {"problem": "two-sum", "status": "solved", "list": "neetcode-150"},
        **_htmx(NEETCODE),
    )

    body = response.content.decode()
    status = re.search(r'<p id="list-status"[^>]*hx-swap-oob="innerHTML"[^>]*>(.*?)</p>', body)
    assert status, body[:500]
    assert status.group(1) == "Two Sum saved. 1 of 150 solved on this list."


def test_the_list_status_line_is_a_polite_live_region_on_the_page(alice_client, alice_e5):
    page = alice_client.get(NEETCODE).content.decode()

    assert re.search(r'<p id="list-status"[^>]*role="status"[^>]*aria-live="polite"', page)
    assert "Showing 150 of 150 problems." in page


def test_typing_in_the_search_filters_on_input_not_only_keyup(alice_client, alice_e5):
    page = alice_client.get(NEETCODE).content.decode()

    assert "input changed delay:300ms from:#id_q" in page


def test_a_tick_from_the_dashboard_is_announced_outside_the_redrawn_panels(alice_client, alice_e5):
    page = alice_client.get(DASHBOARD).content.decode()
    assert re.search(r'<p id="dashboard-status" class="visually-hidden" role="status">', page)

    response = alice_client.post(
        STATUS_URL, {"problem": "two-sum", "status": "solved"}, **_htmx(DASHBOARD)
    )

    body = response.content.decode()
    assert 'id="dashboard-panels"' in body
    assert re.search(r'<p id="dashboard-status"[^>]*hx-swap-oob="innerHTML">Saved\.', body)


def test_the_stages_studied_count_sits_in_a_region_that_stays(alice_client, alice_e5):
    page = alice_client.get(ML_DESIGN).content.decode()

    assert re.search(r'<span role="status"><strong id="stages-studied"', page)
