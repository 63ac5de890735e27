def test_healthz_answers_ok_in_a_real_browser(page, live_server):
    response = page.goto(live_server.url + "/healthz")

    assert response is not None
    assert response.status == 200
    assert "ok" in page.locator("body").inner_text().lower()
