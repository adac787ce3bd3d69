#!/bin/bash
# t4020 — the walk and the build contexts end to end: which files a
# context would send (.dockerignore and <Dockerfile>.dockerignore as
# BuildKit applies them), nested contexts, .gitignore, node_modules and
# .git skipped, symlinks not followed, .env files, ignore files BuildKit
# refuses, Dockerfile rules.
. "$TEST_LIB"
unset DOCKER_CONFIG
b64() { printf '%s' "$1" | base64 -w0; }
T="$TEST_DIR/tree"
CREDS="{\"auths\":{\"registry.example.com\":{\"auth\":\"$(b64 "ci:$CANARY")\"}}}"
mkf() { mkdir -p "$(dirname "$T/$1")"; printf '%s\n' "$2" > "$T/$1"; }
creds() { mkf "$1" "$CREDS"; }
DF='FROM alpine:3.19'

# ctx1: an exception re-includes one config.json
mkf ctx1/Dockerfile "$DF"
mkf ctx1/.dockerignore $'**/config.json\n!keep/config.json'
creds ctx1/keep/config.json
creds ctx1/a/b/config.json
# ctx2: the Dockerfile-specific ignore file wins; app.Dockerfile has none
mkf ctx2/Dockerfile "$DF"
mkf ctx2/app.Dockerfile $'FROM alpine\nCOPY . /srv'
mkf ctx2/Dockerfile.dockerignore '.docker'
mkf ctx2/.dockerignore 'node_modules'
creds ctx2/.docker/config.json
# ctx3: nested contexts: the outer one excludes inner/, the inner one not
mkf outer/Dockerfile "$DF"
mkf outer/.dockerignore 'inner'
mkf outer/inner/Dockerfile "$DF"
creds outer/inner/.docker/config.json
# ctx4: a .env setting DOCKER_AUTH_CONFIG, inside a context and outside one
mkf ctx4/Dockerfile "$DF"
mkf ctx4/.env "DOCKER_AUTH_CONFIG=$CREDS"
mkf loose/.env.local "export DOCKER_AUTH_CONFIG='$CREDS'"
mkf loose/.env "NODE_ENV=production"
# ctx5: auth.json with and without credentials, a config.json that is no docker config
mkf ctx5/Dockerfile "$DF"
mkf ctx5/containers/auth.json "{\"auths\":{\"quay.io\":{\"auth\":\"$(b64 "robot:$CANARY")\"}}}"
mkf ctx5/empty/auth.json '{"auths":{}}'
mkf ctx5/app/config.json '{"name":"my-app","port":8080}'
# ctx6: what the walk must not enter or follow
mkf ctx6/Dockerfile "$DF"
mkf ctx6/.gitignore $'gen/\n.docker/'
mkf ctx6/gen/Dockerfile $'FROM alpine\nARG GEN_TOKEN'
creds ctx6/.docker/config.json
mkf ctx6/node_modules/pkg/Dockerfile $'FROM alpine\nARG NM_TOKEN'
mkf ctx6/.git/hooks/Dockerfile $'FROM alpine\nARG GIT_TOKEN'
creds elsewhere/config.json
ln -s ../elsewhere/config.json "$T/ctx6/config.json"
ln -s ../elsewhere "$T/ctx6/linkdir"
# ctx7: an ignore file BuildKit refuses
mkf ctx7/Dockerfile "$DF"
mkf ctx7/.dockerignore $'.git\n!'
creds ctx7/config.json
# ctx8: Dockerfile rules
mkf ctx8/Dockerfile $'FROM node:20\nCOPY .npmrc /root/.npmrc\nENV GITHUB_TOKEN=x\nRUN npm ci'
mkf ctx8/.dockerignore '.npmrc'

cd "$TEST_DIR" || exit 1
run_fixkb audit --context tree --format json
is "$RUN_RC" 1 "findings: exit 1"
got=$(printf '%s' "$RUN_OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
for f in d["findings"]:
    print("%s|%s|%s" % (f["rule"], f.get("file", ""), f.get("subject", "")))' | sort)
want=$(sort <<'EOF'
credential-in-build-context|tree/ctx1/keep/config.json|Dockerfile: keep/config.json
credential-in-build-context|tree/ctx2/.docker/config.json|app.Dockerfile: .docker/config.json
credential-in-build-context|tree/outer/inner/.docker/config.json|Dockerfile: .docker/config.json
credential-in-build-context|tree/ctx4/.env|Dockerfile: .env
credential-in-build-context|tree/ctx5/containers/auth.json|Dockerfile: containers/auth.json
credential-in-build-context|tree/ctx6/.docker/config.json|Dockerfile: .docker/config.json
docker-auth-config-exported|tree/ctx4/.env|DOCKER_AUTH_CONFIG
docker-auth-config-exported|tree/loose/.env.local|DOCKER_AUTH_CONFIG
dockerfile-copies-credentials|tree/ctx8/Dockerfile|COPY .npmrc
dockerfile-secret-arg|tree/ctx8/Dockerfile|ENV GITHUB_TOKEN
EOF
)
is "$got" "$want" "exactly the expected findings"
[ "$got" = "$want" ] || diff <(echo "$want") <(echo "$got") | sed 's/^/# /'
msg() { printf '%s' "$RUN_OUT" | python3 -c '
import json, sys
for f in json.load(sys.stdin)["findings"]:
    if f.get("file") == sys.argv[1] and f["rule"] == sys.argv[2]:
        print(f["message"]); break' "$1" "$2"; }
like "$(msg tree/ctx2/.docker/config.json credential-in-build-context)" 'context of tree/ctx2/app.Dockerfile, not excluded by .dockerignore: the COPY/ADD of the whole context at tree/ctx2/app.Dockerfile:2' \
	"app.Dockerfile uses .dockerignore (no app.Dockerfile.dockerignore) and copies everything"
like "$(msg tree/ctx1/keep/config.json credential-in-build-context)" 'not excluded by .dockerignore: the builder receives it' \
	"ctx1: a context without COPY . still receives it"
like "$(msg tree/loose/.env.local docker-auth-config-exported)" 'tree/loose/.env.local:1 sets DOCKER_AUTH_CONFIG \(sha256:' ".env: fingerprinted, with its line"
is "$(json_get "$RUN_OUT" walk.build_contexts)" 9 "nine contexts (gen/, node_modules and .git not walked)"
is "$(json_get "$RUN_OUT" walk.dockerfiles)" 10 "ten Dockerfiles"
like "$(json_get "$RUN_OUT" notes)" "BuildKit refuses '[^']*ctx7/.dockerignore' \(illegal exclusion pattern" "ctx7: the refused ignore file is a note"
unlike "$RUN_OUT" 'GEN_TOKEN|NM_TOKEN|GIT_TOKEN' "gitignored dirs, node_modules and .git are not walked"
unlike "$RUN_OUT" 'elsewhere|linkdir' "symlinks are not followed"

# the same tree, text and github, and the finding ids stable across runs
run_fixkb audit --context tree --format json
ids1=$(json_get "$RUN_OUT" findings | python3 -c 'import json,sys; print(sorted(f["id"] for f in json.load(sys.stdin)))')
cd "$T" || exit 1
run_fixkb audit --context . --format json
ids2=$(json_get "$RUN_OUT" findings | python3 -c 'import json,sys; print(sorted(f["id"] for f in json.load(sys.stdin)))')
is "$ids2" "$ids1" "finding ids do not depend on where fixkb runs from"
like "$(json_get "$RUN_OUT" findings.0.file)" '^ctx' "paths are shown relative to the working directory"

done_testing
