#!/usr/bin/env python3
"""hostile.py - misbehaving "registries" for fixkb hardening tests (stdlib only).

One process, one listening port per behaviour (a registry is host:port, its API
is at /v2/, so behaviours cannot share a port). Prints one line when ready:

    READY HEADERS_FOREVER=127.0.0.1:P BIG_BODY=127.0.0.1:P ... OTHER=127.0.0.2:P

rig.sh exports each as RIG_HOSTILE_<NAME>. Every request on every listener is
logged to --log as one line; the Authorization header is logged as its scheme
only (none|basic|bearer|other), form bodies as whether they carry a secret
field, the query as its key names: never a value.

    HOSTILE listener=REALM_OTHER_HOST peer=127.0.0.1 method=GET path=/v2/
            query_keys= host=127.0.0.1:P authz=none form_secret=no ua=curl/7.88.1

Behaviours (any path unless noted):
  HEADERS_FOREVER     200 status line, then header lines forever (stops at 1 GiB or 300 s)
  BIG_BODY            200 with a 100 MB body (Content-Length); a path containing
                      "chunked" sends it chunked with no length instead
  SLOWLORIS           a 401 Basic response dribbled one byte per second
  REDIRECT_LOOP       302 Location: the same path (a loop)
  REDIRECT_OTHER_HOST 307 Location: http://127.0.0.2:OTHER<same path>
  REALM_OTHER_HOST    401 Bearer realm="http://127.0.0.2:OTHER/token",service="hostile"
  TLS_HTTP_REALM      HTTPS (CA-signed server.crt): 401 Bearer realm="http://127.0.0.1:TOKEN_SINK/token"
  TOKEN_SINK          plain http; /token -> 200 dummy token; other paths -> 200 with any
                      Bearer, else 401 Bearer realm=its own /token
  OTHER               on 127.0.0.2: /token -> 200 dummy token, else 401 Basic
  TOKEN_NOT_JSON      401 Bearer realm=its own /token; /token -> 200 text/html, not JSON
  TOKEN_HUGE          same, /token -> 200 JSON of 50 MB ({"token":"AAAA..."})
  TOKEN_10K           same, /token -> 200 {"token": <10 kB>, "access_token": same, ...};
                      a request with any Bearer gets 200
  BAD_UTF8            401 Bearer challenge whose service, an extra header, the reason phrase
                      and the body carry invalid UTF-8; /token -> 401 with invalid UTF-8 in
                      the `details` and a header
  GARBAGE             answers any request with non-HTTP bytes, then closes
  EMPTY_REPLY         reads the request, closes without answering
"""
import argparse
import json
import os
import socket
import ssl
import sys
import threading
import time
import urllib.parse

BEHAVIOURS = ["HEADERS_FOREVER", "BIG_BODY", "SLOWLORIS", "REDIRECT_LOOP", "REDIRECT_OTHER_HOST",
              "REALM_OTHER_HOST", "TLS_HTTP_REALM", "TOKEN_SINK", "OTHER", "TOKEN_NOT_JSON",
              "TOKEN_HUGE", "TOKEN_10K", "BAD_UTF8", "GARBAGE", "EMPTY_REPLY"]

ADDR = {}        # name -> "host:port"
LOGLOCK = threading.Lock()
LOGF = None
MAX_STREAM_SECONDS = 300


def log(line):
    with LOGLOCK:
        if LOGF:
            LOGF.write(line + "\n")
            LOGF.flush()


def clean(s, n=120):
    s = "".join(c if 33 <= ord(c) < 127 else "_" for c in s)
    return s[:n]


def read_request(conn):
    conn.settimeout(15)
    buf = b""
    while b"\r\n\r\n" not in buf:
        d = conn.recv(4096)
        if not d:
            return None
        buf += d
        if len(buf) > 65536:
            return None
    head, rest = buf.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) < 2:
        return None
    hdrs = {}
    for l in lines[1:]:
        if ":" in l:
            k, v = l.split(":", 1)
            hdrs[k.strip().lower()] = v.strip()
    body = rest
    try:
        n = min(int(hdrs.get("content-length", "0")), 1 << 20)
    except ValueError:
        n = 0
    while len(body) < n:
        d = conn.recv(65536)
        if not d:
            break
        body += d
    return parts[0], parts[1], hdrs, body[:n]


def authz_kind(h):
    a = h.get("authorization", "")
    if not a:
        return "none"
    s = a.split(" ", 1)[0].lower()
    return s if s in ("basic", "bearer") else "other"


def response(status, reason, headers=(), body=b"", ctype=b"application/json"):
    if isinstance(reason, str):
        reason = reason.encode()
    out = b"HTTP/1.1 %d %s\r\n" % (status, reason)
    out += b"Content-Type: " + ctype + b"\r\n"
    out += b"Content-Length: %d\r\n" % len(body)
    out += b"Docker-Distribution-Api-Version: registry/2.0\r\n"
    out += b"Connection: close\r\n"
    for h in headers:
        out += (h.encode() if isinstance(h, str) else h) + b"\r\n"
    return out + b"\r\n" + body


UNAUTH = b'{"errors":[{"code":"UNAUTHORIZED","message":"authentication required","detail":null}]}'


def dummy_token(tok="hostile-dummy-token"):
    return json.dumps({"token": tok, "access_token": tok, "expires_in": 300,
                       "issued_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}).encode()


def bearer_challenge(realm_hostport, service="hostile", scheme="http"):
    return 'Www-Authenticate: Bearer realm="%s://%s/token",service="%s"' % (scheme, realm_hostport, service)


def stream(conn, first, gen):
    """send `first`, then chunks from gen until the client leaves or the caps hit."""
    start = time.time()
    conn.settimeout(30)
    conn.sendall(first)
    for chunk in gen:
        if time.time() - start > MAX_STREAM_SECONDS:
            return
        conn.sendall(chunk)


def serve(name, conn, peer):
    req = read_request(conn)
    if req is None:
        log("HOSTILE listener=%s peer=%s method=- path=- query_keys= host= authz=none form_secret=no ua="
            % (name, peer[0]))
        return
    method, target, h, body = req
    u = urllib.parse.urlsplit(target)
    path = u.path
    qkeys = sorted(set(k for k, _ in urllib.parse.parse_qsl(u.query, keep_blank_values=True)))
    form_secret = "no"
    if body:
        fkeys = set(k for k, _ in urllib.parse.parse_qsl(body.decode("latin-1"), keep_blank_values=True))
        if fkeys & {"password", "refresh_token", "client_secret"}:
            form_secret = "yes"
    log("HOSTILE listener=%s peer=%s method=%s path=%s query_keys=%s host=%s authz=%s form_secret=%s ua=%s" % (
        name, peer[0], clean(method, 16), clean(path), ",".join(clean(k, 32) for k in qkeys),
        clean(h.get("host", ""), 64), authz_kind(h), form_secret, clean(h.get("user-agent", ""), 60)))
    me = ADDR[name]
    send = conn.sendall

    if name == "HEADERS_FOREVER":
        def gen():
            i = 0
            line = b"X-Fill-%d: " + b"a" * 90 + b"\r\n"
            while i < 10_000_000:
                i += 1
                yield b"".join(line % (i + k) for k in range(100))
                i += 100
        stream(conn, b"HTTP/1.1 200 OK\r\nDocker-Distribution-Api-Version: registry/2.0\r\n", gen())
    elif name == "BIG_BODY":
        size = 100 * 1000 * 1000
        chunk = b"A" * 65536
        if "chunked" in path:
            def gen():
                sent = 0
                while sent < size:
                    yield b"%x\r\n" % len(chunk) + chunk + b"\r\n"
                    sent += len(chunk)
                yield b"0\r\n\r\n"
            stream(conn, b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
                   b"Docker-Distribution-Api-Version: registry/2.0\r\nConnection: close\r\n\r\n", gen())
        else:
            def gen():
                left = size
                while left > 0:
                    n = min(left, len(chunk))
                    yield chunk[:n]
                    left -= n
            stream(conn, b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
                   b"Docker-Distribution-Api-Version: registry/2.0\r\nConnection: close\r\n\r\n" % size, gen())
    elif name == "SLOWLORIS":
        data = response(401, "Unauthorized", ['Www-Authenticate: Basic realm="slow"'], UNAUTH)
        def gen():
            for i in range(1, len(data)):
                time.sleep(1)
                yield data[i:i + 1]
        stream(conn, data[:1], gen())
    elif name == "REDIRECT_LOOP":
        send(response(302, "Found", ["Location: %s" % target]))
    elif name == "REDIRECT_OTHER_HOST":
        send(response(307, "Temporary Redirect", ["Location: http://%s%s" % (ADDR["OTHER"], target)]))
    elif name == "REALM_OTHER_HOST":
        send(response(401, "Unauthorized", [bearer_challenge(ADDR["OTHER"])], UNAUTH))
    elif name == "TLS_HTTP_REALM":
        send(response(401, "Unauthorized", [bearer_challenge(ADDR["TOKEN_SINK"])], UNAUTH))
    elif name in ("TOKEN_SINK", "OTHER"):
        if path == "/token":
            send(response(200, "OK", [], dummy_token()))
        elif name == "TOKEN_SINK" and authz_kind(h) == "bearer":
            send(response(200, "OK", [], b"{}"))
        elif name == "TOKEN_SINK":
            send(response(401, "Unauthorized", [bearer_challenge(me)], UNAUTH))
        else:
            send(response(401, "Unauthorized", ['Www-Authenticate: Basic realm="other-host"'], UNAUTH))
    elif name in ("TOKEN_NOT_JSON", "TOKEN_HUGE", "TOKEN_10K"):
        if path == "/token":
            if name == "TOKEN_NOT_JSON":
                send(response(200, "OK", [], b"<html><body>Sign in to continue</body></html>\n",
                              ctype=b"text/html; charset=utf-8"))
            elif name == "TOKEN_10K":
                send(response(200, "OK", [], dummy_token("T" * 10240)))
            else:
                size = 50 * 1000 * 1000
                head = b'{"token":"'
                tail = b'","expires_in":300}'
                n = size - len(head) - len(tail)
                chunk = b"A" * 65536
                def gen():
                    left = n
                    while left > 0:
                        k = min(left, len(chunk))
                        yield chunk[:k]
                        left -= k
                    yield tail
                stream(conn, b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
                       b"Connection: close\r\n\r\n" % size + head, gen())
        elif name == "TOKEN_10K" and authz_kind(h) == "bearer":
            send(response(200, "OK", [], b"{}"))
        else:
            send(response(401, "Unauthorized", [bearer_challenge(me)], UNAUTH))
    elif name == "BAD_UTF8":
        if path == "/token":
            send(response(401, b"Unauthorized \xff", [b"X-Bad: caf\xc3\x28 \xff\xfe"],
                          b'{"details":"incorrect \xff\xfe password \xc3\x28 \xed\xa0\x80"}'))
        else:
            send(response(401, b"Unauthorized \xc3\x28", [
                b'Www-Authenticate: Bearer realm="http://' + me.encode() + b'/token",service="bad\xff\xfeutf8"',
                b"X-Bad: \xc0\xaf\xe2\x82"],
                b'{"errors":[{"code":"UNAUTHORIZED","message":"auth \xff\xfe required \xc3\x28","detail":null}]}'))
    elif name == "GARBAGE":
        send(b"SSH-2.0-OpenSSH_9.2\r\n\x00\x01\x02\xff\xfe garbage \r\n\r\n")
    elif name == "EMPTY_REPLY":
        pass


def handle(name, conn, peer, tlsctx):
    try:
        if tlsctx is not None:
            conn.settimeout(10)
            conn = tlsctx.wrap_socket(conn, server_side=True)
        serve(name, conn, peer)
    except (OSError, ssl.SSLError, ValueError):
        pass
    finally:
        try:
            conn.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        conn.close()


def listener(name, sock, tlsctx):
    while True:
        try:
            conn, peer = sock.accept()
        except OSError:
            continue
        threading.Thread(target=handle, args=(name, conn, peer, tlsctx), daemon=True).start()


def main():
    global LOGF
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--other-host", default="127.0.0.2")
    ap.add_argument("--cert", required=True, help="server cert (CA-signed) for TLS_HTTP_REALM")
    ap.add_argument("--key", required=True)
    ap.add_argument("--log", required=True)
    args = ap.parse_args()
    LOGF = open(args.log, "a", buffering=1)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)
    socks = {}
    for name in BEHAVIOURS:
        host = args.other_host if name == "OTHER" else args.host
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((host, 0))
        s.listen(64)
        socks[name] = s
        ADDR[name] = "%s:%d" % (host, s.getsockname()[1])
    for name, s in socks.items():
        threading.Thread(target=listener, args=(name, s, ctx if name == "TLS_HTTP_REALM" else None),
                         daemon=True).start()
    print("READY " + " ".join("%s=%s" % (n, ADDR[n]) for n in BEHAVIOURS), flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
