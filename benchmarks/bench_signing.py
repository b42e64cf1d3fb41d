"""What signing costs: ``portfolio verify`` of a 5,000-evidence portfolio, and one save, signed and unsigned.

Run ``python benchmarks/bench_signing.py``. One portfolio of 5,000 pieces of evidence is built with
every audit entry signed (schema 3); its unsigned twin is the same document with the signatures
taken out and the chain recomputed (what a file from before signing holds). Both are verified
in-process by ``services.verify.verify_file`` against anchors naming the signing key (read, hash
chain, record digests; for the signed one also every signature, its anchor and the signer's
receipts), and both get ``evidence add`` through ``PortfolioService`` in a warm process, the
signed one with the tip's signature checked and a new entry signed and receipted.

Floors: for verify, one libsodium Ed25519 verification per signed entry, done in a tight loop;
for the save, one signature and one verification. Targets: signed verify at most 1 s; a signed
save at most 2 ms slower than the unsigned one (median).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_store import AS_OF, build  # noqa: E402

from portfolio_tui import locations  # noqa: E402
from portfolio_tui.domain import audit_chain  # noqa: E402
from portfolio_tui.domain.signatures import AUDIT, Anchor, Anchors, signed_bytes  # noqa: E402
from portfolio_tui.services import verify  # noqa: E402
from portfolio_tui.services.portfolios import PortfolioService  # noqa: E402
from portfolio_tui.store import keys, portfolio_store, sealing  # noqa: E402

VERIFY_TARGET_S = 1.0
SAVE_TARGET_MS = 2.0


def unsigned_twin(signed: Path, path: Path) -> None:
    doc = json.loads(signed.read_text())
    head = audit_chain.GENESIS
    for _, entry in audit_chain.ordered(doc["audit"]):
        entry.pop("key"), entry.pop("sig")
        entry["prev"] = head
        entry["hash"] = head = audit_chain.entry_hash(entry)
    doc["meta"]["1"]["schema_version"] = 2
    path.write_text(json.dumps(doc))


def time_verify(path: Path, anchors: Anchors, rounds: int) -> tuple[float, int]:
    samples, breaks = [], 0
    for _ in range(rounds):
        keys._verify_key.cache_clear()
        start = time.perf_counter()
        report = verify.verify_file(path, anchors)
        samples.append(time.perf_counter() - start)
        breaks = len(report.breaks)
    return statistics.median(samples), breaks


def time_saves(signed: Path, unsigned: Path, rounds: int) -> tuple[float, float]:
    """Median ms of ``evidence add`` to each file, the two taking turns so that the machine's load
    falls on both alike; unsigned is the same store with signing and its checks switched off."""
    services = {True: PortfolioService(signed, actor="bench"), False: PortfolioService(unsigned, actor="bench")}
    samples: dict[bool, list[float]] = {True: [], False: []}
    for i in range(rounds + 3):
        for sign in (True, False):
            if not sign:
                portfolio_store.keys = SimpleNamespace(own_signer=lambda: None, seal_signed=keys.seal_signed)
                portfolio_store.sealing = SimpleNamespace(refuse_unsound=lambda *a: None, repair=sealing.repair)
            try:
                start = time.perf_counter()
                services[sign].add_evidence(title=f"Observation with two customers ({i})", date="2025-03-04",
                                            kind="observation", criteria=["S1", "B2"],
                                            description="Observed by my line manager.", hours="1", as_of=AS_OF)
                samples[sign].append(time.perf_counter() - start)
            finally:
                portfolio_store.keys, portfolio_store.sealing = keys, sealing
    return statistics.median(samples[True][3:]) * 1000, statistics.median(samples[False][3:]) * 1000


def floors(signer: keys.Signer, entries: list[dict]) -> tuple[float, float]:
    """Raw libsodium: every signature of ``entries`` verified in a loop; one sign plus one verify."""
    from nacl.signing import VerifyKey

    key = VerifyKey(base64.b64decode(signer.public))
    pairs = [(signed_bytes(AUDIT, e), base64.b64decode(e["sig"])) for e in entries]
    start = time.perf_counter()
    for message, sig in pairs:
        key.verify(message, sig)
    verify_floor = time.perf_counter() - start
    message = pairs[-1][0]
    start = time.perf_counter()
    for _ in range(200):
        key.verify(message, base64.b64decode(signer.sign(message)))
    return verify_floor, (time.perf_counter() - start) / 200 * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--evidence", type=int, default=5000, help="pieces of evidence in the portfolio")
    parser.add_argument("--rounds", type=int, default=30, help="saves timed on each side")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-signing-"))
    os.environ[locations.HOME_ENV] = str(folder / "home")  # the bench's own key and receipts, not yours
    try:
        return _run(args, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _run(args: argparse.Namespace, folder: Path) -> int:
    signed, unsigned = folder / "signed.json", folder / "unsigned.json"
    build(signed, args.evidence)
    unsigned_twin(signed, unsigned)
    signer = keys.own_signer()
    anchors = Anchors((Anchor("bench", signer.public),))
    entries = list(json.loads(signed.read_text())["audit"].values())

    verify_signed, signed_breaks = time_verify(signed, anchors, 3)
    verify_unsigned, _ = time_verify(unsigned, anchors, 3)
    save_signed, save_unsigned = time_saves(signed, unsigned, args.rounds)
    verify_floor, save_floor = floors(signer, entries)
    added = save_signed - save_unsigned

    print(f"portfolio: {args.evidence} pieces of evidence, {len(entries)} audit entries, all signed")
    print(f"verify signed     {verify_signed:7.3f} s   (unsigned {verify_unsigned:.3f} s; {signed_breaks} breaks)")
    print(f"  floor           {verify_floor:7.3f} s   ({len(entries)} Ed25519 verifications)   ratio "
          f"{verify_signed / verify_floor:.1f}x   target <= {VERIFY_TARGET_S:.1f} s: "
          f"{'met' if verify_signed <= VERIFY_TARGET_S else 'MISSED'}")
    print(f"save signed       {save_signed:7.2f} ms  (unsigned {save_unsigned:.2f} ms; signing adds {added:.2f} ms)")
    print(f"  floor           {save_floor:7.2f} ms  (one sign + one verify)   ratio {added / save_floor:.1f}x   "
          f"target <= {SAVE_TARGET_MS:.1f} ms added: {'met' if added <= SAVE_TARGET_MS else 'MISSED'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
