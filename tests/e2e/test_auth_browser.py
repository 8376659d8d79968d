"""Sign-in through a real OpenID Connect provider (oidc-provider-mock on loopback), in Chromium.

Nobody sees a number before signing in; a viewer sees only what was shared with them and has no
way to change anything, whatever URL they type; an editor imports and shares a dataset, and the
viewer then sees it; an admin sees the audit trail; a link with filters survives the sign-in.
"""

from __future__ import annotations

import json
import time
import urllib.request
from urllib.parse import quote

import pytest

from funnel.access import AccessStore, Role, User
from funnel.store import Store
from tests.e2e.conftest import Server, shot, wait_idle

pytestmark = pytest.mark.e2e
oidc_provider_mock = pytest.importorskip("oidc_provider_mock")

UPLOAD = ("Deal ID,Stage,Amount,Created\nA1,Lead,100,2024-03-01\nA2,Won,250,2024-03-02\n"
          "A3,Lead,50,2024-03-03\n")
PEOPLE = {"ann": "ann@corp.example", "eddie": "eddie@corp.example", "boss": "boss@corp.example"}


def _put_user(idp: str, sub: str, email: str) -> None:
    body = json.dumps({"email": email, "email_verified": True, "name": sub.title()}).encode()
    req = urllib.request.Request(f"{idp}/users/{quote(sub)}", data=body, method="PUT",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.status == 204


@pytest.fixture(scope="module")
def signed_in_server(tmp_path_factory):
    with oidc_provider_mock.run_server_in_thread() as idp_server:
        idp = f"http://127.0.0.1:{idp_server.server_port}"
        for sub, email in PEOPLE.items():
            _put_user(idp, sub, email)
        data_dir = tmp_path_factory.mktemp("store_auth")
        # roles before the server starts: the domain makes everyone a viewer, Eddie is an editor
        store = Store(data_dir / "funnel.duckdb")
        access = AccessStore(store)
        setup = User("setup@corp.example", Role.ADMIN)
        access.set_domain_rule(setup, "@corp.example", "viewer")
        access.set_role(setup, "eddie@corp.example", "editor")
        store.close()
        srv = Server(data_dir)
        secrets = data_dir / "secrets.toml"
        secrets.write_text(
            "[auth]\n"
            f'redirect_uri = "http://127.0.0.1:{srv.port}/oauth2callback"\n'
            'cookie_secret = "a-test-cookie-secret-of-enough-length"\n'
            'client_id = "funnel-audit"\nclient_secret = "test-secret"\n'
            f'server_metadata_url = "{idp}/.well-known/openid-configuration"\n'
            "[funnel]\nadmins = [\"boss@corp.example\"]\n", encoding="utf-8")
        srv.extra_args = (f"--secrets.files={secrets}",)
        srv.start()
        try:
            yield srv
        finally:
            srv.stop()


def _sign_in(browser, srv: Server, sub: str, path: str = "/", button: str = "Sign in", signed_in: str = "Signed in as"):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(srv.url + path)
    wait_idle(page, timeout=180_000)
    page.get_by_role("button", name=button).click()
    page.wait_for_selector("input[name=sub]", timeout=30_000)
    page.fill("input[name=sub]", sub)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_selector(f"text={signed_in}", timeout=60_000)
    if path != "/":  # the first signed-in run sends the browser back to the link it came from
        deadline = time.monotonic() + 60
        while path not in page.url and time.monotonic() < deadline:
            page.wait_for_timeout(250)
        assert path in page.url, (path, page.url)
        page.wait_for_selector(f"text={signed_in}", timeout=60_000)
    wait_idle(page)
    return context, page


def _main_text(page) -> str:
    return page.inner_text("[data-testid='stMain']")


def test_roles_sharing_and_links_through_real_sign_in(browser, signed_in_server, tmp_path):
    srv = signed_in_server
    # 1. nobody sees a number before signing in, whatever the link says
    anon = browser.new_page()
    anon.goto(srv.url + "/funnel?ds=1&lang=en")
    wait_idle(anon, timeout=180_000)
    text = anon.inner_text("body")
    assert "Sign in" in text and "B2B" not in text and anon.locator(".js-plotly-plot").count() == 0
    shot(anon, "auth_sign_in")
    anon.close()

    # 2. the viewer: no dataset was shared with her; the samples (no owner) stay hidden even by URL
    ann_ctx, ann = _sign_in(browser, srv, "ann", "/funnel?ds=1")
    assert "viewer" in ann.inner_text("[data-testid='stSidebar']")
    assert "B2B" not in ann.inner_text("body")
    ann.goto(srv.url + "/data?ds=2")
    wait_idle(ann)
    main = _main_text(ann)
    assert "need the editor role" in main
    assert ann.locator("input[type='file']").count() == 0 and "Rename" not in main
    ann.goto(srv.url + "/admin")
    wait_idle(ann)
    shot(ann, "auth_viewer_nothing_shared")
    sidebar = ann.inner_text("[data-testid='stSidebar']")
    assert "Overview" in sidebar and "Users and access" not in sidebar  # no admin page for her
    main = _main_text(ann)
    assert "Only admins" in main and "Users and access" not in main  # typing its URL shows nothing of it

    # 3. the editor imports a file (he owns it) and shares it with the viewer
    ed_ctx, ed = _sign_in(browser, srv, "eddie", "/data")
    shot(ed, "auth_editor_data")
    csv = tmp_path / "q1_deals.csv"
    csv.write_text(UPLOAD, encoding="utf-8")
    ed.locator("input[type='file']").first.set_input_files(str(csv))
    wait_idle(ed)
    ed.get_by_role("button", name="Import", exact=True).click()
    wait_idle(ed)
    ed.wait_for_function("document.body.innerText.includes('q1_deals')", timeout=60_000)
    wait_idle(ed)  # the import's own rerun has finished: the widgets below are not replaced under us
    assert "B2B" not in ed.inner_text("[data-testid='stSidebar']")  # the samples are not his
    ed.get_by_text("q1_deals —").first.click()
    share_box = ed.get_by_role("textbox", name="Share with").first
    share_box.fill("ann@corp.example")
    share_box.press("Enter")  # commit the text first, so the button's rerun cannot read it empty
    wait_idle(ed)
    assert share_box.input_value() == "ann@corp.example"  # the rerun of Enter kept it
    ed.get_by_role("button", name="Share", exact=True).first.click()
    wait_idle(ed, timeout=120_000)
    # the share's own st.rerun() redraws the Data page; on a loaded machine (two test workers and a
    # Spark JVM on two cores) that took over 30 s once
    ed.wait_for_function("document.body.innerText.includes('ann@corp.example')", timeout=90_000)
    shot(ed, "auth_editor_shared")
    new_id = ed.evaluate("new URLSearchParams(location.search).get('ds')")
    assert new_id and new_id.isdigit()
    ed_ctx.close()

    # 4. the viewer now sees that dataset (3 deals), and still nothing else by a typed URL
    ann.goto(srv.url + f"/overview?ds={new_id}")
    wait_idle(ann)
    ann.wait_for_function("document.body.innerText.includes('q1_deals')", timeout=60_000)
    ann.goto(srv.url + "/overview?ds=1")
    wait_idle(ann)
    assert "B2B" not in ann.inner_text("body")
    ann_ctx.close()

    # 5. the admin sees everything, the admin page and the audit trail of the editor's work;
    #    and a link with filters survives the sign-in round trip
    boss_ctx, boss = _sign_in(browser, srv, "boss", "/funnel?lang=ru", button="Войти",
                                 signed_in="Вы вошли как")
    assert "lang=ru" in boss.url and "/funnel" in boss.url
    assert "Воронка" in _main_text(boss)  # the Russian funnel page, as the link said
    boss.goto(srv.url + "/admin?lang=ru")
    wait_idle(boss)
    boss.wait_for_function("document.body.innerText.includes('открыт доступ')", timeout=60_000)
    shot(boss, "auth_admin")
    trail = _main_text(boss)
    assert "eddie@corp.example" in trail and "импорт" in trail and "открыт доступ" in trail
    shot(boss, "auth_admin")
    boss_ctx.close()
