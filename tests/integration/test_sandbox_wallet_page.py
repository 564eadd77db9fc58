"""The customer wallet page in a real browser (Debian's chromium through Playwright): it shows the
rotating code and balance, and approving a pending app_confirm step-up by a click approves the
charge at the wallet."""

from __future__ import annotations

import os

import re
import time
from pathlib import Path

import httpx
import pytest

from tests.sandbox_fixtures import RunningSandbox, SignedClient

CHROMIUM = Path("/usr/bin/chromium")
DOCS_SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "wallet-page.png"
UPDATE_ENV = "PAYTERM_UPDATE_SCREENSHOTS"  # =1: refresh the documented screenshot from this run
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def test_wallet_page_serves_html_and_state(sandbox_server: RunningSandbox) -> None:
    page = httpx.get(sandbox_server.url + "/wallet/alice")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "/static/wallet.js" in page.text and "http" not in page.text.replace("http-equiv", "")
    state = httpx.get(sandbox_server.url + "/wallet/alice/state").json()
    assert re.fullmatch(r"99\d{16}", state["payment_code"])
    assert state["qr_svg"].startswith("<svg") and state["balance"] == "¥50,000"
    assert httpx.get(sandbox_server.url + "/wallet/alice/state").json()["payment_code"] == state["payment_code"]
    assert httpx.get(sandbox_server.url + "/wallet/nobody").status_code == 404
    assert httpx.get(sandbox_server.url + "/static/wallet.css").headers["content-type"].startswith("text/css")
    assert httpx.get(sandbox_server.url + "/static/..%2Fcli.py").status_code == 404


def _wait_for_chromium(timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not CHROMIUM.exists():
        if time.monotonic() > deadline:
            pytest.fail(f"{CHROMIUM} is not installed (apt-get install chromium)")
        time.sleep(2)


@pytest.mark.browser
def test_approve_in_browser(enrolled: SignedClient, sandbox_server: RunningSandbox, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    _wait_for_chromium()
    sandbox_server.set_risk(velocity_count=100)
    done = enrolled.charge(1280, sandbox_server.payment_code("dave"), reference="COFFEE")
    assert done.json()["status"] == "step_up_required"
    sandbox_server.admin("POST", f"/wallet/dave/step-ups/{done.json()['id']}", json={"decision": "approve"})
    charge = enrolled.charge(3480, sandbox_server.payment_code("dave"), reference="LUNCH").json()
    assert charge["status"] == "step_up_required" and charge["step_up"]["method"] == "app_confirm"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                    is_mobile=True, has_touch=True)
            page.goto(f"{sandbox_server.url}/wallet/dave")
            expect(page.locator("#balance")).to_have_text("¥18,720")
            approve = page.locator(f"#approve-{charge['id']}")
            expect(approve).to_be_visible()
            # the customer sees whom they pay and how much, and no payment code while asked
            prompt = page.locator(f".stepup[data-charge-id='{charge['id']}']")
            expect(prompt.locator("h3")).to_have_text("Confirm this payment?")
            expect(prompt.locator(".payee")).to_have_text("To PayTerm Demo Mart Shibuya Store")
            expect(prompt.locator(".amount")).to_have_text("¥3,480")
            expect(page.locator("#qr svg")).to_be_hidden()
            expect(page.locator("#code")).to_be_hidden()
            shot = DOCS_SCREENSHOT if os.environ.get(UPDATE_ENV) == "1" else tmp_path / "wallet-page.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.read_bytes().startswith(b"\x89PNG")
            approve.click()
            expect(page.locator(f"#approve-{charge['id']}")).to_have_count(0)
            expect(page.locator("#balance")).to_have_text("¥15,240")
            expect(page.locator("#code")).to_have_text(re.compile(r"^99\d\d( \d{4}){3} \d\d$"))
            expect(page.locator("#qr svg")).to_be_visible()
        finally:
            browser.close()
    got = enrolled.call("GET", f"/v1/charges/{charge['id']}")
    enrolled.verify(got)
    assert got.json()["status"] == "approved"


def test_a_pending_step_up_names_the_payee_and_the_amount(enrolled: SignedClient,
                                                           sandbox_server: RunningSandbox) -> None:
    sandbox_server.set_risk(velocity_count=100)
    charge = enrolled.charge(3480, sandbox_server.payment_code("dave"), reference="LUNCH").json()
    assert charge["status"] == "step_up_required"
    pending = httpx.get(sandbox_server.url + "/wallet/dave/state").json()["step_ups"]
    mine = next(s for s in pending if s["charge_id"] == charge["id"])
    assert (mine["payee"], mine["amount"]) == ("PayTerm Demo Mart Shibuya Store", "¥3,480")
