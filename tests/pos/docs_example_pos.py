"""The worked example of docs/pos-integration.md, as written, as a POS command for the conformance
kit: one sale, exit 0 when it reports paid.

    python tests/pos/docs_example_pos.py PAIRING AMOUNT
"""

from __future__ import annotations

import json
import re
import secrets
import sys
from pathlib import Path
from typing import Any

DOC = Path(__file__).resolve().parents[2] / "docs" / "pos-integration.md"


def main() -> int:
    section = DOC.read_text(encoding="utf-8").split("## A worked example in Python", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code is not None
    namespace: dict[str, Any] = {"__name__": "pos_example"}
    exec(compile(code.group(1), str(DOC), "exec"), namespace)  # noqa: S102 (our own documentation)
    p = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    register = namespace["Register"](p["endpoint"], p["poi_id"], "DOCS-POS", p["key_identifier"],
                                     p["passphrase"], p["certificate_file"])
    paid = register.pay(int(sys.argv[2]), "JPY", transaction_id=f"sale-{secrets.token_hex(4)}")
    return 0 if paid["Response"]["Result"] == "Success" else 1


if __name__ == "__main__":
    sys.exit(main())
