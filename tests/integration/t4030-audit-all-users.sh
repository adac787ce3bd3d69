#!/bin/bash
# t4030 — `fixkb audit --all-users`: every home is audited, read-only, and
# nothing leads out of it. Run as root in a private mount namespace
# (unshare -m) whose /etc/passwd is a bind-mounted fake listing two fake
# users with homes under $TEST_DIR, so the machine's own users are never
# touched:
#   - alice's home holds symlinks out of it (absolute, relative with "..",
#     a symlinked directory with a Dockerfile and credentials): nothing
#     behind them is read or reported;
#   - bob's home holds plaintext credentials, a file owned by alice, and a
#     credsStore naming a helper that would leave a mark if it ever ran;
#   - the same config files in the current user's home and in alice's give
#     the same "who sends what" (credplan for the current user, the audit's
#     mirror of it for others);
#   - no file under either home, nor outside, changes: content, mode,
#     owner, mtime, ctime — and not even the access time of a file or a
#     directory (they get an atime in 2001 first, so relatime would bump
#     it). A symlink's own atime is left out: the kernel updates it on
#     every lookup through it (readlink and path walks alike; O_NOATIME
#     does not apply), so deciding where a link leads cannot avoid it; and
#     so are the atimes of the current user's own files, which
#     src/docker/credplan.c reads with a plain open();
#   - and again with the homes bind-mounted read-only: the same report.
. "$TEST_LIB"
unset DOCKER_CONFIG
if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null || ! unshare -m true 2>/dev/null; then
	[ -z "${FIXKB_REQUIRE_RIG:-}" ] || { echo "Bail out! --all-users needs root and unshare -m (FIXKB_REQUIRE_RIG is set)"; exit 1; }
	skip_all "needs root and a private mount namespace (unshare -m)"
fi
b64() { printf '%s' "$1" | base64 -w0; }
H="$TEST_DIR/homes"
OUTSIDE="$TEST_DIR/outside"
BIN="$TEST_DIR/bin"
MARK="$TEST_DIR/helper-ran"
mkdir -p "$H/alice/.docker" "$H/alice/.config/containers" "$H/alice/proj/.docker" \
	"$H/bob/.docker" "$OUTSIDE/.docker" "$BIN"
export PATH="$BIN:$PATH"
printf '#!/bin/sh\ntouch %s\ncat >/dev/null\necho "{\\"Username\\":\\"u\\",\\"Secret\\":\\"s\\"}"\n' "$MARK" > "$BIN/docker-credential-marker"
chmod +x "$BIN/docker-credential-marker"

# outside any home: credentials that must never be read
printf '{"auths":{"outside.example.com":{"auth":"%s"}}}\n' "$(b64 "out:$CANARY")" > "$OUTSIDE/.docker/config.json"
printf 'FROM alpine\nARG OUTSIDE_TOKEN\n' > "$OUTSIDE/Dockerfile"

# alice: the same files as the current user's home, plus ways out
SAME_CFG="{\"auths\":{\"ghcr.io\":{\"auth\":\"$(b64 "alice:ghp_$(printf '%036d' 1)")\"},\"docker.io\":{\"auth\":\"$(b64 "alice:dckr_pat_$(printf '%027d' 1)")\"}},\"credHelpers\":{\"quay.io\":\"nosuchhelper\"}}"
SAME_AUTH="{\"auths\":{\"ghcr.io\":{\"auth\":\"$(b64 "alice:ghp_$(printf '%036d' 2)")\"}}}"
for d in "$HOME" "$H/alice"; do
	mkdir -p "$d/.docker" "$d/.config/containers"
	printf '%s\n' "$SAME_CFG" > "$d/.docker/config.json"
	printf '%s\n' "$SAME_AUTH" > "$d/.config/containers/auth.json"
	chmod 600 "$d/.docker/config.json" "$d/.config/containers/auth.json"
done
ln -s "$OUTSIDE/.docker/config.json" "$H/alice/.dockercfg"              # absolute, out
ln -s ../../outside/.docker/config.json "$H/alice/.bashrc"             # relative, out
ln -s "$OUTSIDE" "$H/alice/projects-link"                              # a directory, out
ln -s ../bob/.docker/config.json "$H/alice/proj/config.json"           # into bob's home
printf 'FROM alpine\nCOPY . /srv\n' > "$H/alice/proj/Dockerfile"
printf '{"auths":{"reg.alice.example":{"auth":"%s"}}}\n' "$(b64 "alice:$CANARY")" > "$H/alice/proj/.docker/config.json"
chown -R 1501:1501 "$H/alice"

# bob: plaintext at 0644, a file alice owns, a helper that must not run
printf '{"auths":{"https://index.docker.io/v1/":{"auth":"%s"}},"credHelpers":{"reg.bob.example":"marker"}}\n' \
	"$(b64 "bob:$CANARY")" > "$H/bob/.docker/config.json"
chmod 644 "$H/bob/.docker/config.json"
printf 'export DOCKER_AUTH_CONFIG=x\n' > "$H/bob/.profile"
chown -R 1502:1502 "$H/bob"
chown 1501 "$H/bob/.docker/config.json"

cat > "$TEST_DIR/passwd" <<EOF
root:x:0:0:root:$HOME:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
alice:x:1501:1501::$H/alice:/bin/bash
bob:x:1502:1502::$H/bob:/bin/bash
ghost:x:1503:1503::$H/ghost:/bin/bash
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
EOF

# every file and directory under the homes and outside: an atime in 2001
find "$H" "$OUTSIDE" "$HOME" -exec touch -h -a -d '2001-01-01 00:00:00' {} + 2>/dev/null
# Every entry's type, mode, owner, size, atime, mtime, ctime and content
# hash, read with O_NOATIME so that looking does not move what we look at.
state() {
	python3 - "$H" "$OUTSIDE" "$HOME" <<'PY'
import hashlib, os, stat, sys
def walk(p):
    st = os.lstat(p)
    # the current user's own files are read by src/docker (credplan), with
    # plain open(): their atimes are not part of the promise
    own = p.startswith(sys.argv[3] + "/")
    atime = "-" if stat.S_ISLNK(st.st_mode) or own else st.st_atime_ns
    line = "%s %o %d:%d %d %s %d %d" % (p, st.st_mode, st.st_uid, st.st_gid, st.st_size,
                                        atime, st.st_mtime_ns, st.st_ctime_ns)
    if stat.S_ISREG(st.st_mode):
        fd = os.open(p, os.O_RDONLY | os.O_NOATIME)
        h = hashlib.sha256()
        while True:
            b = os.read(fd, 65536)
            if not b: break
            h.update(b)
        os.close(fd)
        line += " " + h.hexdigest()
    print(line)
    if stat.S_ISDIR(st.st_mode):
        fd = os.open(p, os.O_RDONLY | os.O_DIRECTORY | os.O_NOATIME)
        names = sorted(e.name for e in os.scandir(fd))
        os.close(fd)
        for n in names:
            walk(os.path.join(p, n))
for root in sys.argv[1:]:
    walk(root)
PY
}
# the check can fail: a plain read does move an atime on this file system
printf x > "$TEST_DIR/probe"; touch -a -d '2001-01-01' "$TEST_DIR/probe"
a0=$(stat -c %X "$TEST_DIR/probe"); cat "$TEST_DIR/probe" >/dev/null; a1=$(stat -c %X "$TEST_DIR/probe")
ok "self-check: reading a file moves its 2001 atime here ($a0 -> $a1)" test "$a0" != "$a1"
before=$(state)

# run_ns [ro] ARGS...: fixkb in a private mount namespace with the fake
# passwd (and the homes read-only with "ro"); kept for the canary sweep.
run_ns() {
	local ro=""
	[ "$1" = ro ] && { ro=1; shift; }
	RUN_N=$((RUN_N + 1))
	local o="$OUT_DIR/$RUN_N.out" e="$OUT_DIR/$RUN_N.err"
	printf 'unshare %s\n' "$*" > "$OUT_DIR/$RUN_N.cmd"
	(cd "$TEST_DIR" && timeout 60 unshare -m -- bash -c '
		set -e
		mount --bind "$1" /etc/passwd
		if [ -n "$2" ]; then
			mount --bind "$3" "$3"; mount -o remount,bind,ro "$3"
			mount --bind "$4" "$4"; mount -o remount,bind,ro "$4"
		fi
		shift 4
		exec "$@"' _ "$TEST_DIR/passwd" "$ro" "$H" "$HOME" "$FIXKB" "$@" </dev/null >"$o" 2>"$e")
	RUN_RC=$?
	RUN_OUT=$(cat "$o")
	RUN_ERR=$(cat "$e")
}

run_ns audit --all-users --format json
is "$RUN_RC" 1 "--all-users as root: findings, exit 1"
REPORT=$RUN_OUT
after=$(state)
is "$after" "$before" "nothing under the homes or outside changed: content, mode, owner, mtime, ctime, atime (of files and dirs)"
[ "$after" = "$before" ] || diff <(echo "$before") <(echo "$after") | sed 's/^/# /'
ok "the helper of another user was never run" test ! -e "$MARK"
is "$(json_get "$REPORT" scope.users | python3 -c 'import json,sys; print(" ".join(u["user"]+("*" if u["current"] else "") for u in json.load(sys.stdin)))')" \
	"root* alice bob" "homes: the current user, alice and bob (not daemon, nobody, nor ghost without a home)"
like "$(json_get "$REPORT" notes)" "ghost: home '[^']*/homes/ghost' is not a directory" "ghost's missing home is a note"

got=$(printf '%s' "$REPORT" | python3 -c '
import json, sys
for f in json.load(sys.stdin)["findings"]:
    print("%s|%s|%s|%s" % (f.get("user", ""), f["rule"], f.get("file", ""), f.get("registry", "")))' | sort)
want=$(sort <<EOF
alice|credential-in-build-context|~alice/proj/.docker/config.json|
alice|helper-missing|~alice/.docker/config.json|
alice|hub-key-unread|~alice/.docker/config.json|docker.io
alice|plaintext-credentials|~alice/.config/containers/auth.json|ghcr.io
alice|plaintext-credentials|~alice/.docker/config.json|docker.io
alice|plaintext-credentials|~alice/.docker/config.json|ghcr.io
alice|shadowed-credentials|~alice/.docker/config.json|ghcr.io
bob|account-password|~bob/.docker/config.json|docker.io
bob|credential-file-permissions|~bob/.docker/config.json|
bob|docker-auth-config-exported|~bob/.profile|
bob|plaintext-credentials|~bob/.docker/config.json|docker.io
root|helper-missing|~/.docker/config.json|
root|hub-key-unread|~/.docker/config.json|docker.io
root|plaintext-credentials|~/.config/containers/auth.json|ghcr.io
root|plaintext-credentials|~/.docker/config.json|docker.io
root|plaintext-credentials|~/.docker/config.json|ghcr.io
root|shadowed-credentials|~/.docker/config.json|ghcr.io
EOF
)
is "$got" "$want" "exactly the expected findings, each with its user"
[ "$got" = "$want" ] || diff <(echo "$want") <(echo "$got") | sed 's/^/# /'
unlike "$REPORT" 'outside.example.com|OUTSIDE_TOKEN|reg.bob.example.*sent by' "nothing behind a symlink out of a home is reported"
like "$(json_get "$REPORT" notes)" "alice/.dockercfg': a symlink leads out of '[^']*/homes/alice'" "the absolute link out is refused, with a note"
like "$(json_get "$REPORT" notes)" "alice/.bashrc': '..' leads out of" "the relative link out is refused, with a note"
like "$(printf '%s' "$REPORT" | python3 -c '
import json, sys
for f in json.load(sys.stdin)["findings"]:
    if f["rule"] == "credential-file-permissions": print(f["message"])')" \
	'readable by group and others, owned by uid 1501, not bob' "bob's config.json: 0644 and owned by alice"

# credplan (current user) and the mirror (alice) agree on who sends what
who() {
	printf '%s' "$REPORT" | python3 -c '
import json, sys
for c in json.load(sys.stdin)["credentials"]:
    if c.get("user") == sys.argv[1]:
        print(c["registry"], c["where"].split("/")[-1], c["key"], ",".join(c["used_by"]) or "-")' "$1" | sort
}
is "$(who alice)" "$(who root)" "the mirror of credplan for other users agrees with credplan itself"
like "$(who alice)" 'ghcr.io auth.json ghcr.io containers/image' "podman sends alice's auth.json"

# again, with both homes bind-mounted read-only
run_ns ro audit --all-users --format json
is "$RUN_RC" 1 "read-only homes: exit 1"
strip() { printf '%s' "$1" | python3 -c 'import json,sys; d=json.load(sys.stdin); [d.pop(k) for k in ("generated","walk")]; print(json.dumps(d, sort_keys=True))'; }
is "$(strip "$RUN_OUT")" "$(strip "$REPORT")" "read-only homes: the same report (nothing needed writing)"
is "$(state)" "$before" "and still nothing changed"

run_ns audit --all-users --context "$OUTSIDE" --format json
like "$RUN_OUT" 'OUTSIDE_TOKEN' "an explicit --context outside the homes is walked"

done_testing
