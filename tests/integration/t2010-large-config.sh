#!/bin/bash
# t2010 — a 50 MB config.json that docker and skopeo read is read by fixkb
# too (it was "malformed: too large" at the old 4 MiB cap); only a file
# past DOCKERCFG_FILE_MAX (256 MiB) is "too large". Cross-checked with the
# real docker CLI (`docker manifest inspect`, daemonless) and skopeo on the
# same file against the rig registry.
. "$TEST_LIB"
rig_start
R=$RIG_BASIC_REGISTRY
CFG="$DOCKER_CONFIG/config.json"
pj() { json_get "$RUN_OUT" "probes.0.$1"; }
now_ms() { date +%s%3N; }

# 20 000 other registries, the rig's, an unused credHelpers entry (so
# docker uses the file store) and 50 MB of plugin metadata
python3 - "$CFG" "$R" "$RIG_USER:$RIG_PASS" <<'EOF'
import base64, json, sys
path, reg, up = sys.argv[1:4]
auths = {"reg-%06d.example.com" % i: {"auth": base64.b64encode(b"u%d:p%d" % (i, i)).decode()}
         for i in range(20000)}
auths[reg] = {"auth": base64.b64encode(up.encode()).decode()}
cfg = {"auths": auths, "credHelpers": {"unused.invalid": "unused"},
       "plugins": {"fixkb-padding": {"blob": "x" * 50000000}}}
with open(path, "w") as f:
    json.dump(cfg, f, indent="\t")
EOF
size=$(stat -c %s "$CFG")
ok "the config is over 50 MB ($size bytes)" test "$size" -gt 50000000

if command -v docker >/dev/null 2>&1; then
	docker manifest inspect --insecure "$R/$RIG_REPO:$RIG_TAG" >"$TEST_DIR/docker.out" 2>&1
	is "$?" 0 "the real docker CLI reads it (manifest inspect with its credential)"
else
	tap_skip "no docker CLI here"
fi
skopeo inspect --tls-verify=false "docker://$R/$RIG_REPO:$RIG_TAG" >"$TEST_DIR/skopeo.out" 2>&1
is "$?" 0 "skopeo reads it too"

t0=$(now_ms)
run_fixkb probe config_auth --registry "$R" --format json
took=$(( $(now_ms) - t0 ))
echo "# measured: config_auth on a $size-byte config.json: $took ms"
is "$(pj code)" plaintext_credentials "fixkb reads it: plaintext_credentials, not config_malformed"
is "$(pj evidence.consumers.docker/buildkit.username)" "$RIG_USER" "docker/buildkit: the rig user, from the big file"
is "$(pj evidence.consumers.containers/image.username)" "$RIG_USER" "containers/image: the same"
unlike "$RUN_OUT" 'too large' "nothing says too large"
run_fixkb probe config_auth --registry reg-019999.example.com --format json
is "$(pj evidence.consumers.docker/buildkit.username)" u19999 "the 20 000th registry is found"

# past the cap: a sparse file, nothing written to disk
printf '{"auths":{}}' > "$CFG"
truncate -s 300M "$CFG"
run_fixkb probe config_auth --registry "$R" --format json
is "$(pj status)/$(pj code)" fail/config_malformed "past 256 MiB: config_malformed"
like "$(pj detail)" 'too large \(more than 268435456 bytes\)' "says too large, with the cap"
rm -f "$CFG"

done_testing
