"""Lead validation throughput through the Python binding: leads per second
for dict input (``LeadSchema.validate``), JSON input (``validate_json``) and
JSON Lines (``validate_jsonl``). Not a test; run it by hand:

    python benches/bench_lead.py

Build the extension in release mode first (``maturin develop --release``)
for meaningful numbers.
"""

from __future__ import annotations

import json
import time

from halo_core import LeadSchema

LEADS = [
    {
        "first_name": f"Ada{i}",
        "last_name": "Lovelace",
        "email": f"ada{i}@example.com",
        "phone": "+44 20 7946 0000",
        "company": "Analytical Engines",
        "title": "Engineer",
    }
    for i in range(1000)
]


def rate(label: str, count: int, run) -> None:
    run()  # warm up
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    print(f"{label:<28} {count / best:>12,.0f} leads/s")


def main() -> None:
    schema = LeadSchema()
    texts = [json.dumps(lead).encode() for lead in LEADS]
    jsonl = b"\n".join(texts)
    rate("dict (validate)", len(LEADS), lambda: [schema.validate(d) for d in LEADS])
    rate("JSON bytes (validate_json)", len(texts), lambda: [schema.validate_json(t) for t in texts])
    rate("JSON Lines (validate_jsonl)", len(texts), lambda: schema.validate_jsonl(jsonl))


if __name__ == "__main__":
    main()
