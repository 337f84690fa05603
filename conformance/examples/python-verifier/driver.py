"""A conformance driver (harness protocol ds-conformance/1, role "verifier") for verifier.py.

    device-session conformance verifier --cmd "python3 conformance/examples/python-verifier/driver.py"

Reads one JSON request per line on stdin, writes one JSON response per line on stdout.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from verifier import Reject, thumbprint, verify  # noqa: E402


def send(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def replay_store(options, stores):
    """A named store lives across requests; otherwise each request gets a fresh one. Either
    way the jtis of `consumed` are recorded first (scoped like the token's own, SPEC §5.7.2)."""
    name = options.get("replayStore")
    store = stores.setdefault(name, {}) if isinstance(name, str) else {}
    return store


def consumed_keys(kind, token, options):
    """The store keys of `options.consumed` for this token: its kind, issuer and audience."""
    if kind == "proof":
        return [("proof", jti) for jti in options.get("consumed", [])]
    return [("secure", options.get("issuer"), options.get("audience"), jti)
            for jti in options.get("consumed", [])]


def handle(request, stores):
    kind = request.get("type")
    if kind == "verify":
        options = request.get("options") or {}
        store = replay_store(options, stores)
        for key in consumed_keys(request["kind"], request["token"], options):
            store.setdefault(key, float("inf"))
        return verify(request["kind"], request["token"], options, store)
    if kind == "thumbprint":
        try:
            return {"valid": True, "thumbprint": thumbprint(request.get("jwk"))}
        except Reject as e:
            return {"valid": False, "code": e.code}
    return None


def main():
    send({
        "type": "hello", "protocol": "ds-conformance/1", "role": "verifier",
        "implementation": {"name": "python-verifier (example)", "version": "0.1"},
        "capabilities": ["verify", "thumbprint"],
    })
    stores = {}
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        seq = request.get("seq")
        if request.get("type") == "shutdown":
            send({"seq": seq, "ok": True})
            return
        try:
            answer = handle(request, stores)
        except Exception as e:  # a bug here must not hang the suite: report it
            send({"seq": seq, "ok": False, "error": {"code": "ERR_INTERNAL", "message": repr(e)}})
            continue
        if answer is None:
            send({"seq": seq, "ok": False,
                  "error": {"code": "ERR_INVALID_INPUT", "message": f"unsupported {request.get('type')}"}})
        else:
            send({"seq": seq, "ok": True, **answer})


if __name__ == "__main__":
    main()
