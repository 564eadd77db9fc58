"""The worked Python example of docs/pos-integration.md, run as written against a register."""

from __future__ import annotations

import re
import ssl
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.pos.fake_core import FakeCore
from tests.pos.server_fixtures import RunningApi, start_api

DOC = Path(__file__).resolve().parents[2] / "docs" / "pos-integration.md"


def example_namespace() -> dict[str, Any]:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## A worked example in Python", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code is not None
    namespace: dict[str, Any] = {"__name__": "pos_example"}
    exec(compile(code.group(1), str(DOC), "exec"), namespace)  # noqa: S102 (our own documentation)
    return namespace


def pairing(api: RunningApi) -> dict[str, Any]:
    return {
        "endpoint": api.url,
        "poi_id": "PayTerm-test-1",
        "key_identifier": api.pairing.key_identifier,
        "passphrase": api.pairing.passphrase,
        "certificate_file": str(api.cert.cert_path),
    }


def test_the_example_pays_and_refunds(api: RunningApi, capsys: pytest.CaptureFixture[str]) -> None:
    example_namespace()["example"](pairing(api), sale_id="POS-A")
    out = capsys.readouterr().out
    assert "approved ch_0001" in out and "wallet=PayTerm%20Sandbox" in out
    assert "refunded 200" in out
    assert api.core.charges == 1


def test_the_example_recovers_a_lost_answer_with_transaction_status(tmp_path: Path) -> None:
    api, server = start_api(tmp_path, FakeCore(hold=True), wait=60.0)
    try:
        ns = example_namespace()
        p = pairing(api)
        register = ns["Register"](
            p["endpoint"], p["poi_id"], "POS-A", p["key_identifier"], p["passphrase"], p["certificate_file"]
        )
        tls = ssl.create_default_context(cafile=p["certificate_file"])
        tls.check_hostname = False
        register.http = httpx.Client(verify=tls, timeout=0.5)  # the POS loses the answer
        core = api.core
        asked: list[object] = []
        status = core.status

        def status_then_release(ref: Any) -> Any:
            # The payment ends only once the POS asks about it: the first answer was surely lost.
            asked.append(ref)
            outcome = status(ref)
            core.release()
            return outcome

        core.status = status_then_release  # type: ignore[method-assign]
        answer = register.pay(1200, "JPY", transaction_id="sale-1")
        assert answer["Response"]["Result"] == "Success"
        assert answer["POIData"]["POITransactionID"]["TransactionID"] == "ch_0001"
        assert asked  # asked while the payment still ran (InProgress), then got its own answer
        assert core.charges == 1
    finally:
        server.stop()
        api.store.close()
