#!/usr/bin/env python3
"""tokenserver.py - a small Docker/OCI registry token issuer for the fixkb test rig.

Standard library only. RS256 JWTs are signed by libcrypto through ctypes
(a foreign call releases the GIL, so concurrent token requests sign in
parallel, as a real issuer does); where libcrypto cannot be loaded, with
pow() on the RSA key that `openssl rsa -text` prints (no `cryptography`
module needed), which holds the GIL: requests then sign one at a time.
Both give the same bytes (PKCS#1 v1.5 is deterministic; checked at start).
The libtrust `kid` is the one distribution 2.8 expects (or an x5c header).
Requests are served by one thread each (ThreadingHTTPServer, listen
backlog 128), so a delay_ms sleep overlaps across requests.

    tokenserver.py --port 0 --key token.key --cert token.crt \
        --issuer fixkb-token-issuer --service fixkb-registry \
        --user alice:alicepw --user reader:readerpw:pull \
        [--no-post | --post-status 404|405|400|401] [--deny-anonymous] \
        [--refresh-tokens] [--header kid|x5c] [--log FILE]

Prints "READY <port>" on stdout once it listens. Token endpoint: /token
(GET with Basic, ?service=&scope=...; POST OAuth2 form). Control endpoint:
/__ctl (see tests/rig/README.md). One line per token request goes to --log
(and stderr):

    TOKEN method=POST status=200 grant=password scope=repository:fixkb/tiny:pull
          service=fixkb-registry client_id=containerd-client access_type= offline_token=
          account= user=alice auth=form path=/token

Several scopes are joined with "|" in the log line.
"""
import argparse
import base64
import binascii
import ctypes
import ctypes.util
import datetime
import hashlib
import json
import os
import re
import secrets
import subprocess
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# ---------------------------------------------------------------- RSA / JWT

DIGESTINFO_SHA256 = bytes.fromhex("3031300d060960864801650304020105000420")


def _openssl(*args, data=None):
    env = dict(os.environ, OPENSSL_CONF="/dev/null")
    return subprocess.run(["openssl", *args], input=data, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, check=True, env=env).stdout


class RSAKey:
    def __init__(self, keyfile):
        text = _openssl("rsa", "-in", keyfile, "-noout", "-text").decode()
        fields = {}
        cur = None
        for line in text.splitlines():
            m = re.match(r"^(\w+):\s*(.*)$", line)
            if m:
                cur = m.group(1)
                rest = m.group(2).strip()
                fields[cur] = rest
                continue
            if cur is not None and line.startswith(" "):
                fields[cur] += line.strip()

        def num(name):
            v = fields[name]
            m = re.match(r"^(\d+)\s*\(0x[0-9a-f]+\)", v)
            if m:
                return int(m.group(1))
            return int(v.replace(":", ""), 16)

        self.n = num("modulus")
        self.e = num("publicExponent")
        self.d = num("privateExponent")
        self.p = num("prime1")
        self.q = num("prime2")
        self.dp = num("exponent1")
        self.dq = num("exponent2")
        self.qinv = num("coefficient")
        self.k = (self.n.bit_length() + 7) // 8
        self.spki_der = _openssl("rsa", "-in", keyfile, "-pubout", "-outform", "DER")
        # self-test: a signature must verify with the public exponent
        em = self._encode(b"self-test")
        s = self._private(int.from_bytes(em, "big"))
        if pow(s, self.e, self.n) != int.from_bytes(em, "big"):
            raise SystemExit("tokenserver: RSA self-test failed for " + keyfile)
        self.native = None
        try:
            native = NativeSigner(keyfile)
            if native.sign(b"self-test") == s.to_bytes(self.k, "big"):
                self.native = native
            else:
                sys.stderr.write("tokenserver: libcrypto's signature differs from pow(); signing with pow()\n")
        except OSError as e:
            sys.stderr.write("tokenserver: signing with pow() (serially): %s\n" % e)

    def _encode(self, msg):
        t = DIGESTINFO_SHA256 + hashlib.sha256(msg).digest()
        return b"\x00\x01" + b"\xff" * (self.k - len(t) - 3) + b"\x00" + t

    def _private(self, m):
        m1 = pow(m, self.dp, self.p)
        m2 = pow(m, self.dq, self.q)
        h = (self.qinv * (m1 - m2)) % self.p
        return m2 + h * self.q

    def sign(self, msg):
        if self.native:
            return self.native.sign(msg)
        s = self._private(int.from_bytes(self._encode(msg), "big"))
        return s.to_bytes(self.k, "big")

    def libtrust_kid(self):
        h = hashlib.sha256(self.spki_der).digest()[:30]
        b = base64.b32encode(h).decode().rstrip("=")
        return ":".join(b[i:i + 4] for i in range(0, len(b), 4))


class NativeSigner:
    """RS256 (PKCS#1 v1.5, SHA-256) with libcrypto's EVP_DigestSign on the
    PEM key. Raises OSError when libcrypto or the key cannot be used."""

    def __init__(self, keyfile):
        path = ctypes.util.find_library("crypto")
        if not path:
            raise OSError("libcrypto not found")
        lib = ctypes.CDLL(path)
        vp, sz = ctypes.c_void_p, ctypes.c_size_t
        for name, res, args in (
                ("BIO_new_mem_buf", vp, (ctypes.c_char_p, ctypes.c_int)),
                ("BIO_free", ctypes.c_int, (vp,)),
                ("PEM_read_bio_PrivateKey", vp, (vp, vp, vp, vp)),
                ("EVP_PKEY_free", None, (vp,)),
                ("EVP_sha256", vp, ()),
                ("EVP_MD_CTX_new", vp, ()),
                ("EVP_MD_CTX_free", None, (vp,)),
                ("EVP_DigestSignInit", ctypes.c_int, (vp, vp, vp, vp, vp)),
                ("EVP_DigestSign", ctypes.c_int, (vp, vp, ctypes.POINTER(sz), ctypes.c_char_p, sz))):
            fn = getattr(lib, name)
            fn.restype, fn.argtypes = res, args
        self.lib = lib
        pem = open(keyfile, "rb").read()
        bio = lib.BIO_new_mem_buf(pem, len(pem))
        if not bio:
            raise OSError("BIO_new_mem_buf failed")
        self.pkey = lib.PEM_read_bio_PrivateKey(bio, None, None, None)
        lib.BIO_free(bio)
        if not self.pkey:
            raise OSError("cannot read the private key in " + keyfile)

    def sign(self, msg):
        lib = self.lib
        ctx = lib.EVP_MD_CTX_new()
        if not ctx:
            raise MemoryError("EVP_MD_CTX_new")
        try:
            n = ctypes.c_size_t(0)
            if lib.EVP_DigestSignInit(ctx, None, lib.EVP_sha256(), None, self.pkey) != 1 or \
               lib.EVP_DigestSign(ctx, None, ctypes.byref(n), msg, len(msg)) != 1:
                raise OSError("EVP_DigestSign failed")
            out = ctypes.create_string_buffer(n.value)
            if lib.EVP_DigestSign(ctx, out, ctypes.byref(n), msg, len(msg)) != 1:
                raise OSError("EVP_DigestSign failed")
            return out.raw[:n.value]
        finally:
            lib.EVP_MD_CTX_free(ctx)


def b64url(b):
    return base64.urlsafe_b64encode(b).decode().rstrip("=")


def cert_der_b64(certfile):
    pem = open(certfile).read()
    m = re.search(r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", pem, re.S)
    return "".join(m.group(1).split())


def rfc3339(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------- state

DEFAULTS = {
    "post_status": None,      # int: every POST answers this status (404 = no OAuth2 POST support)
    "get_status": None,       # int: every GET answers this status
    "deny_anonymous": False,  # GET without credentials -> 401 instead of an empty-access token
    "refresh_tokens": False,  # issue refresh_token on access_type=offline / offline_token=true
    "status_5xx": None,       # int: every token request (GET and POST) answers this status
    "rate_limited": False,    # every token request answers 429 with Retry-After and TOOMANYREQUESTS
    "delay_ms": 0,            # sleep before answering a token request
    "expires_in": 300,        # expires_in in the response and exp - iat in the JWT
    "token_fields": "both",   # "both" | "token" | "access_token": which fields carry the JWT
    "issued_at": None,        # str: override issued_at verbatim (e.g. "not-a-date")
    "header": "kid",          # "kid" | "x5c"
    "no_access": False,       # issue valid tokens with an empty access list (-> insufficient_scope)
    "bad_signature": False,   # corrupt the JWT signature (registry answers invalid_token)
    "anonymous_pull": False,  # a public image: anonymous tokens grant pull (as Docker Hub/ghcr do)
}
INT_OR_NULL = ("post_status", "get_status", "status_5xx")


class State:
    def __init__(self, startup):
        self.lock = threading.Lock()
        self.startup = dict(startup)
        self.cur = dict(startup)
        self.refresh = {}   # refresh token -> user
        self.counts = {"GET": 0, "POST": 0}

    def get(self):
        with self.lock:
            return dict(self.cur)

    def update(self, patch):
        if not isinstance(patch, dict):
            raise ValueError("control body must be a JSON object")
        new = dict(self.cur)
        for k, v in patch.items():
            if k not in DEFAULTS:
                raise ValueError("unknown control key: %s" % k)
            if k in INT_OR_NULL:
                if v is not None and (not isinstance(v, int) or isinstance(v, bool) or not 100 <= v <= 599):
                    raise ValueError("%s must be an HTTP status or null" % k)
            elif k in ("deny_anonymous", "refresh_tokens", "no_access", "bad_signature", "anonymous_pull",
                       "rate_limited"):
                if not isinstance(v, bool):
                    raise ValueError("%s must be true or false" % k)
            elif k in ("delay_ms", "expires_in"):
                if not isinstance(v, int) or isinstance(v, bool) or v < 0:
                    raise ValueError("%s must be an integer" % k)
            elif k == "token_fields":
                if v not in ("both", "token", "access_token"):
                    raise ValueError("token_fields must be both|token|access_token")
            elif k == "header":
                if v not in ("kid", "x5c"):
                    raise ValueError("header must be kid|x5c")
            elif k == "issued_at":
                if v is not None and not isinstance(v, str):
                    raise ValueError("issued_at must be a string or null")
            new[k] = v
        with self.lock:
            self.cur = new
            return dict(new)

    def reset(self):
        with self.lock:
            self.cur = dict(self.startup)
            self.refresh.clear()
            return dict(self.cur)


# ---------------------------------------------------------------- server

def parse_scope(s):
    """type:name:actions; the name may contain ':' (host:port)."""
    first = s.find(":")
    last = s.rfind(":")
    if first < 0 or last == first:
        return None
    return s[:first], s[first + 1:last], [a for a in s[last + 1:].split(",") if a]


class Issuer:
    def __init__(self, args):
        self.args = args
        self.key = RSAKey(args.key)
        self.kid = self.key.libtrust_kid()
        self.x5c = [cert_der_b64(args.cert)]
        self.users = {}
        for u in args.user:
            parts = u.split(":")
            if len(parts) < 2:
                raise SystemExit("--user NAME:PASS[:actions]")
            acts = set(parts[2].split(",")) if len(parts) > 2 and parts[2] else {"pull", "push", "*"}
            self.users[parts[0]] = (parts[1], acts)
        startup = dict(DEFAULTS)
        if args.no_post:
            startup["post_status"] = 404
        if args.post_status is not None:
            startup["post_status"] = args.post_status
        startup["deny_anonymous"] = args.deny_anonymous
        startup["refresh_tokens"] = args.refresh_tokens
        startup["header"] = args.header
        self.state = State(startup)
        self.loglock = threading.Lock()
        self.logf = open(args.log, "a", buffering=1) if args.log else None

    def log(self, line):
        with self.loglock:
            if self.logf:
                self.logf.write(line + "\n")
                self.logf.flush()
            sys.stderr.write(line + "\n")
            sys.stderr.flush()

    def check(self, user, pw):
        u = self.users.get(user)
        return u is not None and secrets.compare_digest(u[0].encode(), pw.encode())

    def access_for(self, user, scopes, st):
        out = []
        if st["no_access"]:
            return out
        if user is None:
            if not st["anonymous_pull"]:
                return out
            allowed = ("pull",)
        else:
            allowed = self.users[user][1]
        for s in scopes:
            p = parse_scope(s)
            if not p:
                continue
            typ, name, acts = p
            if typ == "repository":
                granted = [a for a in acts if a in allowed]
            elif typ == "registry" and name == "catalog" and "push" in allowed:
                granted = [a for a in acts if a == "*"]
            else:
                granted = []
            if granted:
                # merge with an earlier entry for the same resource
                for e in out:
                    if e["type"] == typ and e["name"] == name:
                        e["actions"] = sorted(set(e["actions"]) | set(granted))
                        break
                else:
                    out.append({"type": typ, "name": name, "actions": granted})
        return out

    def make_token(self, user, service, scopes, st):
        now = int(time.time())
        hdr = {"typ": "JWT", "alg": "RS256"}
        if st["header"] == "x5c":
            hdr["x5c"] = self.x5c
        else:
            hdr["kid"] = self.kid
        claims = {
            "iss": self.args.issuer,
            "sub": user or "",
            "aud": service or self.args.service,
            "exp": now + st["expires_in"],
            "nbf": now - 30,
            "iat": now,
            "jti": secrets.token_hex(16),
            "access": self.access_for(user, scopes, st),
        }
        si = (b64url(json.dumps(hdr, separators=(",", ":")).encode()) + "." +
              b64url(json.dumps(claims, separators=(",", ":")).encode()))
        sig = self.key.sign(si.encode())
        if st["bad_signature"]:
            sig = bytes([sig[0] ^ 1]) + sig[1:]
        return si + "." + b64url(sig), now


class Handler(BaseHTTPRequestHandler):
    server_version = "fixkb-tokenserver/1"
    sys_version = ""
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *a):  # silence the default access log
        pass

    @property
    def iss(self):
        return self.server.issuer

    def send(self, status, body, ctype="application/json", extra=None):
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        if isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def read_body(self, cap=1 << 20):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            # Go's http client sends a body of unknown length chunked:
            # containers/image's refresh-token POST does (no ContentLength).
            out = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return out
                out += self.rfile.read(size)
                self.rfile.readline()
                if len(out) > cap:
                    raise ValueError("body too large")
        n = int(self.headers.get("Content-Length") or 0)
        if n > cap:
            raise ValueError("body too large")
        return self.rfile.read(n) if n > 0 else b""

    # ---- control endpoint
    def do_ctl(self):
        path = urllib.parse.urlsplit(self.path).path
        try:
            if self.command == "GET" and path == "/__ctl":
                st = self.iss.state.get()
                st["counts"] = dict(self.iss.state.counts)
                return self.send(200, st)
            if self.command != "POST":
                return self.send(405, {"error": "use POST"})
            body = self.read_body()
            if path == "/__ctl/reset":
                st = self.iss.state.reset()
            elif path == "/__ctl/clear-log":
                if self.iss.args.log:
                    with self.iss.loglock:
                        open(self.iss.args.log, "w").close()
                st = self.iss.state.get()
            elif path == "/__ctl":
                st = self.iss.state.update(json.loads(body.decode() or "{}"))
            else:
                return self.send(404, {"error": "unknown control path"})
        except (ValueError, UnicodeDecodeError) as e:
            return self.send(400, {"error": str(e)})
        sys.stderr.write("CTL %s %s\n" % (path, json.dumps(st, sort_keys=True)))
        return self.send(200, st)

    # ---- token endpoint
    def handle_token(self):
        st = self.iss.state.get()
        u = urllib.parse.urlsplit(self.path)
        q = urllib.parse.parse_qs(u.query, keep_blank_values=True)
        method = self.command
        info = {"grant": "", "scope": [], "service": "", "client_id": "", "access_type": "",
                "offline_token": "", "account": "", "user": "", "auth": "none"}
        try:
            body = self.read_body() if method == "POST" else b""
        except ValueError:
            body = b""
        form = {}
        if method == "POST":
            form = urllib.parse.parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)

        def one(d, k):
            v = d.get(k)
            return v[0] if v else ""

        authz = self.headers.get("Authorization") or ""
        basic = None
        if authz[:6].lower() == "basic ":
            info["auth"] = "basic"
            try:
                dec = base64.b64decode(authz[6:].strip(), validate=True).decode("utf-8")
                if ":" in dec:
                    basic = tuple(dec.split(":", 1))
                else:
                    basic = (dec, "")
            except (binascii.Error, UnicodeDecodeError, ValueError):
                basic = ("", "")
        elif authz:
            info["auth"] = "other"

        status, resp = 500, {"details": "internal"}
        if method == "GET":
            info["scope"] = q.get("scope", [])
            info["service"] = one(q, "service")
            info["client_id"] = one(q, "client_id")
            info["offline_token"] = one(q, "offline_token")
            info["account"] = one(q, "account")
        else:
            info["grant"] = one(form, "grant_type")
            info["scope"] = [s for s in one(form, "scope").split(" ") if s]
            info["service"] = one(form, "service")
            info["client_id"] = one(form, "client_id")
            info["access_type"] = one(form, "access_type")
            if info["auth"] == "none" and (one(form, "password") or one(form, "refresh_token")):
                info["auth"] = "form"

        if st["delay_ms"]:
            time.sleep(st["delay_ms"] / 1000.0)

        user = None
        want_refresh = False
        extra = None
        if st["rate_limited"]:
            # The distribution error form (errcode TOOMANYREQUESTS) with a
            # Retry-After, as a rate-limiting token service answers.
            status, extra = 429, {"Retry-After": "60"}
            resp = {"errors": [{"code": "TOOMANYREQUESTS", "message": "token rate limit exceeded, retry later",
                                "detail": None}]}
        elif st["status_5xx"]:
            status, resp = st["status_5xx"], {"errors": [{"code": "UNAVAILABLE",
                                                          "message": "service unavailable", "detail": None}]}
        elif method == "POST" and st["post_status"]:
            status = st["post_status"]
            resp = {404: "404 page not found\n", 405: {"details": "method not allowed"},
                    400: {"error": "invalid_request"},
                    401: {"details": "incorrect username or password"}}.get(status, {"details": "error"})
        elif method == "GET" and st["get_status"]:
            status = st["get_status"]
            resp = {401: {"details": "incorrect username or password"}}.get(status, {"details": "error"})
        elif method == "GET":
            want_refresh = info["offline_token"] == "true"
            if basic is None:
                if st["deny_anonymous"]:
                    status, resp = 401, {"details": "authentication required"}
                else:
                    status = 200
            else:
                bu, bp = basic
                info["user"] = bu
                if self.iss.check(bu, bp):
                    status, user = 200, bu
                elif bp and bp in self.iss.state.refresh and bu in ("", "<token>"):
                    # BuildKit's fallback GET sends Basic ":<identity token>"
                    status, user = 200, self.iss.state.refresh[bp]
                    info["user"] = user
                else:
                    status, resp = 401, {"details": "incorrect username or password"}
        else:  # POST
            want_refresh = info["access_type"] == "offline"
            g = info["grant"]
            if g == "password":
                fu, fp = one(form, "username"), one(form, "password")
                info["user"] = fu
                if not fu:
                    status, resp = 400, {"error": "invalid_request",
                                         "error_description": "username is required"}
                elif self.iss.check(fu, fp):
                    status, user = 200, fu
                else:
                    status, resp = 401, {"details": "incorrect username or password"}
            elif g == "refresh_token":
                rt = one(form, "refresh_token")
                if st["refresh_tokens"] and rt in self.iss.state.refresh:
                    status, user = 200, self.iss.state.refresh[rt]
                    info["user"] = user
                else:
                    status, resp = 401, {"details": "invalid refresh token"}
            else:
                status, resp = 400, {"error": "unsupported_grant_type"}

        if status == 200:
            tok, now = self.iss.make_token(user, info["service"], info["scope"], st)
            resp = {}
            if st["token_fields"] in ("both", "token"):
                resp["token"] = tok
            if st["token_fields"] in ("both", "access_token"):
                resp["access_token"] = tok
            resp["expires_in"] = st["expires_in"]
            resp["issued_at"] = st["issued_at"] if st["issued_at"] is not None else rfc3339(now)
            if method == "POST":
                resp["scope"] = " ".join(info["scope"])
            if st["refresh_tokens"] and want_refresh and user:
                rt = secrets.token_urlsafe(24)
                with self.iss.state.lock:
                    self.iss.state.refresh[rt] = user
                resp["refresh_token"] = rt
        with self.iss.state.lock:
            self.iss.state.counts[method] = self.iss.state.counts.get(method, 0) + 1
        self.iss.log("TOKEN method=%s status=%d grant=%s scope=%s service=%s client_id=%s access_type=%s "
                     "offline_token=%s account=%s user=%s auth=%s path=%s" % (
                         method, status, info["grant"], "|".join(info["scope"]), info["service"],
                         info["client_id"], info["access_type"], info["offline_token"], info["account"],
                         info["user"], info["auth"], u.path))
        ctype = "text/plain; charset=utf-8" if isinstance(resp, str) else "application/json"
        self.send(status, resp, ctype, extra)

    def dispatch(self):
        path = urllib.parse.urlsplit(self.path).path
        if path == "/__ctl" or path.startswith("/__ctl/"):
            return self.do_ctl()
        if path == "/token" and self.command in ("GET", "POST"):
            return self.handle_token()
        if path == "/token":
            return self.send(405, {"details": "method not allowed"})
        if path == "/healthz":
            return self.send(200, {"ok": True})
        return self.send(404, "404 page not found\n", "text/plain; charset=utf-8")

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = dispatch


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--key", required=True)
    ap.add_argument("--cert", required=True)
    ap.add_argument("--issuer", default="fixkb-token-issuer")
    ap.add_argument("--service", default="fixkb-registry")
    ap.add_argument("--user", action="append", default=[])
    ap.add_argument("--no-post", action="store_true")
    ap.add_argument("--post-status", type=int)
    ap.add_argument("--deny-anonymous", action="store_true")
    ap.add_argument("--refresh-tokens", action="store_true")
    ap.add_argument("--header", choices=("kid", "x5c"), default="kid")
    ap.add_argument("--log")
    ap.add_argument("--print-kid", action="store_true", help="print the libtrust kid and exit")
    args = ap.parse_args()
    if args.print_kid:
        print(RSAKey(args.key).libtrust_kid())
        return
    issuer = Issuer(args)
    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer.allow_reuse_address = True
    ThreadingHTTPServer.request_queue_size = 128   # 20 registries' clients connect at once
    srv = ThreadingHTTPServer((args.host, args.port), Handler)
    srv.issuer = issuer
    print("READY %d" % srv.server_address[1], flush=True)
    try:
        srv.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
