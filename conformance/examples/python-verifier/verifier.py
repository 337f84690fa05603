"""A device-session token verifier (SPEC.md §1.3, §3–§5), written from the SPEC alone.

Standard library plus `cryptography` (Debian: python3-cryptography) for Ed25519 and P-256.
`verify(kind, token, options, store)` answers {"valid": True, "result": {...}} or
{"valid": False, "code": "ERR_...", "cause"?: "ERR_..."}; `thumbprint(jwk)` answers the RFC 7638
thumbprint. driver.py puts both behind the conformance harness protocol.
"""
import base64
import hashlib
import json
import re
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

MAX_TOKEN_BYTES = 8192  # §4.2
TYP = {  # §4.4
    "proof": "ds-proof+jwt",
    "session": "ds-session+jwt",
    "secure": "ds-secure+jwt",
    "action": "ds-action+jwt",
    "access": "ds-access+jwt",
}
MAX_LIFETIME = {"session": 3600, "action": 86400, "access": 86400, "secure": 3600}  # §5.3–§5.6
DEFAULT_ALGS = ["EdDSA", "ES256"]  # §3.3
PRIVATE_MEMBERS = ("d", "p", "q", "dp", "dq", "qi", "oth", "k")  # §4.5
ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,128}$")  # §1.4
ACTION_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")  # §1.5
B64_RE = re.compile(r"^[A-Za-z0-9_-]*$")
COMPACT_RE = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")  # §4.1
METHOD_RE = re.compile(r"^[A-Z]+$")  # §5.2: htm in upper case
# §4.5.1: y of the 8 Ed25519 points of small order (identity, order 2, 4 and 8).
ED25519_P = 2**255 - 19
_Y8 = 0x5FC536D880238B13933C6D305ACDFD5F098EFF289F4C345B027B2C28F95E826
ED25519_SMALL_ORDER_Y = {0, 1, ED25519_P - 1, _Y8, ED25519_P - _Y8}
SCOPE_RE = re.compile(r"^[a-z][a-z0-9_]*( [a-z][a-z0-9_]*)*$")  # §5.6: space-separated names


class Reject(Exception):
    """A failed verification step: its SPEC §11 code (and the inner code for a secure token)."""

    def __init__(self, code, cause=None):
        super().__init__(code)
        self.code = code
        self.cause = cause


def b64decode(s):
    """§1.3: base64url without padding, canonical (unused low bits zero), else None."""
    if not isinstance(s, str) or not B64_RE.match(s) or len(s) % 4 == 1:
        return None
    raw = base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
    return raw if b64encode(raw) == s else None


def b64encode(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _no_duplicates(pairs):
    obj = {}
    for k, v in pairs:
        if k in obj:
            raise ValueError("duplicate member")
        obj[k] = v
    return obj


def _no_constants(name):
    raise ValueError(f"not JSON: {name}")


def json_object(raw):
    """§4.3: UTF-8 JSON object with no duplicate member names at any depth, else None."""
    try:
        value = json.loads(
            raw.decode("utf-8"), object_pairs_hook=_no_duplicates, parse_constant=_no_constants
        )
    except (UnicodeDecodeError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def parse(token, kind, algorithms):
    """The common steps S1–S5 (§5.1): answers (header, payload, signing input, signature)."""
    if not isinstance(token, str) or len(token.encode("utf-8")) > MAX_TOKEN_BYTES:
        raise Reject("ERR_TOKEN_TOO_LARGE")
    parts = token.split(".")
    if len(parts) != 3 or parts[2] == "":
        raise Reject("ERR_TOKEN_MALFORMED")
    raw = [b64decode(p) for p in parts]
    if any(r is None for r in raw):
        raise Reject("ERR_TOKEN_MALFORMED")
    header, payload = json_object(raw[0]), json_object(raw[1])
    if header is None or payload is None:
        raise Reject("ERR_TOKEN_MALFORMED")
    if header.get("typ") != TYP[kind]:
        raise Reject("ERR_TYP_MISMATCH")
    if "crit" in header:
        raise Reject("ERR_CRIT_UNSUPPORTED")
    if not isinstance(header.get("alg"), str) or header["alg"] not in algorithms:
        raise Reject("ERR_ALG_NOT_ALLOWED")
    return header, payload, f"{parts[0]}.{parts[1]}".encode("ascii"), raw[2]


def key_alg(jwk):
    """The alg a public JWK is for (§3.3), or None when it is not a valid one (§4.5)."""
    if not isinstance(jwk, dict) or any(m in jwk for m in PRIVATE_MEMBERS):
        return None
    x = b64decode(jwk.get("x"))
    if jwk.get("kty") == "OKP" and jwk.get("crv") == "Ed25519" and x is not None and len(x) == 32:
        # §4.5.1: y (sign bit cleared) canonical and not a small-order point.
        y_ed = int.from_bytes(x, "little") & ((1 << 255) - 1)
        if y_ed >= ED25519_P or y_ed in ED25519_SMALL_ORDER_Y:
            return None
        return "EdDSA"
    y = b64decode(jwk.get("y"))
    if (
        jwk.get("kty") == "EC" and jwk.get("crv") == "P-256"
        and x is not None and len(x) == 32 and y is not None and len(y) == 32
    ):
        try:  # a point off the curve is not a P-256 key
            ec.EllipticCurvePublicNumbers(
                int.from_bytes(x, "big"), int.from_bytes(y, "big"), ec.SECP256R1()
            ).public_key()
        except ValueError:
            return None
        return "ES256"
    return None


def signature_ok(jwk, alg, data, signature):
    """Ed25519, or ES256 with the 64-byte r || s form (§4.8)."""
    if len(signature) != 64:
        return False
    try:
        if alg == "EdDSA":
            Ed25519PublicKey.from_public_bytes(b64decode(jwk["x"])).verify(signature, data)
        else:
            numbers = ec.EllipticCurvePublicNumbers(
                int.from_bytes(b64decode(jwk["x"]), "big"),
                int.from_bytes(b64decode(jwk["y"]), "big"),
                ec.SECP256R1(),
            )
            der = encode_dss_signature(
                int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
            )
            numbers.public_key().verify(der, data, ec.ECDSA(hashes.SHA256()))
        return True
    except (InvalidSignature, ValueError):
        return False


# RFC 7638 §3.2: the required members of each key type, in lexicographic order.
THUMBPRINT_MEMBERS = {"OKP": ("crv", "kty", "x"), "EC": ("crv", "kty", "x", "y"),
                      "RSA": ("e", "kty", "n"), "oct": ("k", "kty")}


def thumbprint(jwk):
    """RFC 7638 SHA-256 thumbprint of the required members only (§3.1, §4.5); any other member
    (alg, kid, even a private d) is left out. A key without them is ERR_JWK_INVALID."""
    names = THUMBPRINT_MEMBERS.get(jwk.get("kty")) if isinstance(jwk, dict) else None
    if names is None or any(not isinstance(jwk.get(n), str) for n in names):
        raise Reject("ERR_JWK_INVALID")
    canonical = json.dumps({n: jwk[n] for n in names}, separators=(",", ":"), sort_keys=True)
    return b64encode(hashlib.sha256(canonical.encode("utf-8")).digest())


def is_int(v):
    # §1.2: integers are compared by value, so 1.0 and 1.7672256e9 are integers too.
    if isinstance(v, bool):
        return False
    return isinstance(v, int) or (isinstance(v, float) and v.is_integer())


def is_str(v):
    return isinstance(v, str)


def is_id(v):
    return isinstance(v, str) and ID_RE.match(v) is not None


def is_action(v):
    return isinstance(v, str) and ACTION_RE.match(v) is not None


def is_iss(v):
    # §4.6, counted in UTF-16 code units as §1.2 says (an emoji counts two)
    return isinstance(v, str) and 1 <= len(v.encode("utf-16-le")) // 2 <= 2048


def is_cnf(v):
    return isinstance(v, dict) and isinstance(v.get("jkt"), str) and len(v["jkt"]) == 43 \
        and b64decode(v["jkt"]) is not None


# Required claims of each kind and their types (§4.6, §5.2–§5.6).
CLAIMS = {
    "proof": {"htm": lambda v: is_str(v) and METHOD_RE.match(v) is not None, "htu": is_str, "iat": is_int, "jti": is_id, "nonce": is_str, "ver": is_int},
    "session": {
        "iss": is_iss, "aud": is_str, "sub": is_id, "did": is_id, "cnf": is_cnf,
        "iat": is_int, "exp": is_int, "jti": is_id, "ver": is_int,
    },
    "secure": {
        "tok": lambda v: is_str(v) and COMPACT_RE.match(v) is not None, "act": is_action,
        "iat": is_int, "exp": is_int, "jti": is_id, "ver": is_int,
    },
    "action": {
        "iss": is_iss, "aud": is_str, "sub": is_id, "aid": is_id, "act": is_action,
        "iat": is_int, "exp": is_int, "jti": is_id, "ver": is_int,
    },
    "access": {
        "iss": is_iss, "aud": is_str, "sub": is_str, "scope": lambda v: is_str(v) and SCOPE_RE.match(v) is not None,
        "iat": is_int, "exp": is_int, "jti": is_id, "ver": is_int,
    },
}


def check_claims(kind, payload):
    """Present, then `ver` is 1, then typed (§4.6)."""
    rules = CLAIMS[kind]
    if any(name not in payload for name in rules):
        raise Reject("ERR_CLAIM_MISSING")
    if not is_int(payload["ver"]) or payload["ver"] != 1:
        raise Reject("ERR_VERSION_UNSUPPORTED")
    if any(not ok(payload[name]) for name, ok in rules.items() if name != "ver"):
        raise Reject("ERR_CLAIM_INVALID")


def check_time(iat, exp, now, tol, max_lifetime):
    """§4.7."""
    lifetime = exp - iat
    if lifetime <= 0 or lifetime > max_lifetime:
        raise Reject("ERR_LIFETIME_EXCEEDED")
    if iat > now + tol:
        raise Reject("ERR_TOKEN_NOT_YET_VALID")
    if now >= exp + tol:
        raise Reject("ERR_TOKEN_EXPIRED")


def device_key(header, data, signature):
    """§5.2 steps 2–3 and §5.4 steps 2–3: the `jwk` header is valid, agrees with alg, verifies."""
    alg = key_alg(header.get("jwk"))
    if alg is None:
        raise Reject("ERR_JWK_INVALID")
    if alg != header["alg"]:
        raise Reject("ERR_ALG_NOT_ALLOWED")
    if not signature_ok(header["jwk"], alg, data, signature):
        raise Reject("ERR_SIGNATURE_INVALID")
    return {n: header["jwk"][n] for n in ("kty", "crv", "x", "y") if n in header["jwk"]}


def service_token(kind, token, o, now, algorithms):
    """§5.3 steps 1–6 (and §5.5, §5.6): a token signed by a key of the configured JWKS."""
    header, payload, data, signature = parse(token, kind, algorithms)
    keys = [k for k in (o.get("jwks") or {}).get("keys", []) if isinstance(k, dict)]
    key = next((k for k in keys if "kid" in header and k.get("kid") == header["kid"]), None)
    if key is None:
        raise Reject("ERR_KEY_UNKNOWN")
    if key_alg(key) != header["alg"]:
        raise Reject("ERR_ALG_NOT_ALLOWED")
    if not signature_ok(key, header["alg"], data, signature):
        raise Reject("ERR_SIGNATURE_INVALID")
    check_claims(kind, payload)
    if payload["iss"] != o.get("issuer"):
        raise Reject("ERR_ISSUER_MISMATCH")
    audience = o.get("issuer") if kind == "access" else o.get("audience")
    if payload["aud"] != audience:
        raise Reject("ERR_AUDIENCE_MISMATCH")
    if now is not None:
        check_time(payload["iat"], payload["exp"], now, o.get("clockTolerance", 30), MAX_LIFETIME[kind])
    return payload


def normalize_htu(url):
    """§5.2.1: scheme and host lower-cased, default port dropped, no query or fragment."""
    try:
        u = urlsplit(url)
        port = u.port
    except ValueError:
        return None
    scheme = u.scheme.lower()
    if scheme not in ("http", "https") or not u.hostname:
        return None
    default = {"http": 80, "https": 443}[scheme]
    host = u.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port in (None, default) else f"{host}:{port}"
    return f"{scheme}://{netloc}{u.path or '/'}"


def consume(store, key, until):
    """§5.7.1: records `key` until `until`; True iff it was not already recorded."""
    if key in store:
        return False
    store[key] = until
    return True


def verify_proof(token, o, store):
    """§5.2."""
    now = o["now"]
    header, payload, data, signature = parse(token, "proof", o.get("algorithms", DEFAULT_ALGS))
    jwk = device_key(header, data, signature)
    check_claims("proof", payload)
    htu = payload["htu"]
    target = normalize_htu(o.get("url", ""))
    if payload["htm"] != o.get("method") or "?" in htu or "#" in htu or normalize_htu(htu) != target:
        raise Reject("ERR_PROOF_TARGET_MISMATCH")
    if payload["iat"] > now + 10:
        raise Reject("ERR_TOKEN_NOT_YET_VALID")
    if payload["iat"] < now - 60:
        raise Reject("ERR_TOKEN_EXPIRED")
    if payload["nonce"] not in o.get("nonces", []):
        raise Reject("ERR_NONCE_INVALID")
    jkt = thumbprint(jwk)
    if "expectedJkt" in o and o["expectedJkt"] != jkt:
        raise Reject("ERR_KEY_MISMATCH")
    if not consume(store, ("proof", payload["jti"]), now + 120):
        raise Reject("ERR_REPLAYED")
    return {
        "kind": "proof", "jwk": jwk, "jkt": jkt, "alg": header["alg"], "method": payload["htm"],
        "url": payload["htu"], "nonce": payload["nonce"], "issuedAt": payload["iat"],
        "jti": payload["jti"],
    }


def session_result(p):
    return {
        "kind": "session", "sessionId": p["sub"], "deviceId": p["did"], "clientId": p["aud"],
        "jkt": p["cnf"]["jkt"], "issuedAt": p["iat"], "expiresAt": p["exp"], "jti": p["jti"],
    }


def verify_secure(token, o, store):
    """§5.4."""
    now, tol = o["now"], o.get("clockTolerance", 30)
    header, payload, data, signature = parse(token, "secure", o.get("algorithms", DEFAULT_ALGS))
    jwk = device_key(header, data, signature)
    check_claims("secure", payload)
    try:
        inner = service_token("session", payload["tok"], o, None, o.get("sessionAlgorithms", DEFAULT_ALGS))
        check_time(inner["iat"], inner["exp"], payload["iat"], tol, MAX_LIFETIME["session"])
    except Reject as e:
        raise Reject("ERR_INNER_TOKEN_INVALID", e.code) from None
    if thumbprint(jwk) != inner["cnf"]["jkt"]:
        raise Reject("ERR_BINDING_MISMATCH")
    check_time(payload["iat"], payload["exp"], now, tol, o.get("maxLifetime", 3600))
    if payload["act"] != o.get("action"):
        raise Reject("ERR_ACTION_MISMATCH")
    scope = ("secure", inner["iss"], inner["aud"], payload["jti"])
    if not consume(store, scope, payload["exp"] + tol):
        raise Reject("ERR_REPLAYED")
    return {
        **session_result(inner), "kind": "secure", "action": payload["act"],
        "secureJti": payload["jti"], "secureIssuedAt": payload["iat"],
        "secureExpiresAt": payload["exp"],
    }


def verify(kind, token, o, store):
    """Verifies `token` as `kind` with the options of a token vector; `store` is the replay store."""
    try:
        if kind == "proof":
            result = verify_proof(token, o, store)
        elif kind == "secure":
            result = verify_secure(token, o, store)
        else:
            p = service_token(kind, token, o, o["now"], o.get("algorithms", DEFAULT_ALGS))
            result = session_result(p) if kind == "session" else {
                "kind": kind, "clientId": p["sub"] if kind == "access" else p["aud"],
                "issuedAt": p["iat"], "expiresAt": p["exp"], "jti": p["jti"],
                **({"scope": p["scope"]} if kind == "access" else
                   {"sessionId": p["sub"], "actionId": p["aid"], "action": p["act"]}),
            }
        return {"valid": True, "result": result}
    except Reject as e:
        return {"valid": False, "code": e.code, **({"cause": e.cause} if e.cause else {})}
