#!/usr/bin/env bash
# gen-huge-clean.sh PATH [MB] — write a large build log with no registry-access
# failure in it (default ~20 MB) to PATH, for `fixkb explain` to scan and
# report nothing. Generated at test time rather than committed.
#
# The log repeats a block of realistic CI output: GitHub Actions timestamps,
# GitLab section markers, ANSI colour, '\r' progress redraws, BuildKit steps,
# successful pulls and pushes, plus near misses that must not match (a test
# expecting "401 Unauthorized", an npm E401, "Permission denied" on a local
# file, an app's "secret ... not found", exit 137, no space left on device,
# a missing build-context file, a wrong tag), and now and then one very long
# line (longer than the 64 KiB a line is cut to).
set -euo pipefail

out=${1:?usage: gen-huge-clean.sh PATH [MB]}
mb=${2:-20}

LC_ALL=C awk -v target=$((mb * 1024 * 1024)) '
BEGIN {
	esc = sprintf("%c", 27); cr = sprintf("%c", 13)
	n = 0
	b[n++] = "##[group]Run docker/build-push-action@v6"
	b[n++] = "##[endgroup]"
	b[n++] = "#0 building with \"builder-%B\" instance using docker-container driver"
	b[n++] = "#1 [internal] load build definition from Dockerfile"
	b[n++] = "#1 transferring dockerfile: %Nb done"
	b[n++] = "#2 [internal] load metadata for docker.io/library/node:20-alpine"
	b[n++] = "#2 DONE 0.%Ns"
	b[n++] = "#5 [internal] load build context"
	b[n++] = "#5 transferring context: %N.21MB 0.1s done"
	b[n++] = "#8 [4/6] RUN npm ci"
	b[n++] = "#8 12.40 added %N packages, and audited %N packages in 12s"
	b[n++] = "#8 12.41 npm warn deprecated inflight@1.0.6: This module is not supported, and leaks memory."
	b[n++] = "#9 [5/6] RUN go test ./..."
	b[n++] = "#9 3.10 --- PASS: TestAuthMiddleware/missing_token (0.00s)"
	b[n++] = "#9 3.11     middleware_test.go:48: got status 401 Unauthorized as expected"
	b[n++] = "#9 3.11 ok  \tgithub.com/acme/api/internal/http\t0.031s"
	b[n++] = "#10 exporting to image"
	b[n++] = "#10 writing image sha256:%H done"
	b[n++] = "#10 naming to docker.io/library/app:latest done"
	b[n++] = "#10 DONE 1.2s"
	b[n++] = esc "[0Ksection_start:17110%N:step_script" cr esc "[0K" esc "[0K" esc "[36;1mExecuting \"step_script\" stage of the job script" esc "[0;m" esc "[0;m"
	b[n++] = esc "[32;1m$ docker pull registry.gitlab.com/acme/ci/node:20" esc "[0;m"
	b[n++] = "20: Pulling from acme/ci/node"
	b[n++] = "Digest: sha256:%H"
	b[n++] = "Status: Image is up to date for registry.gitlab.com/acme/ci/node:20"
	b[n++] = "Login Succeeded"
	b[n++] = "The push refers to repository [ghcr.io/acme/api]"
	b[n++] = "%B: Layer already exists"
	b[n++] = "1.%N.0: digest: sha256:%H size: 1573"
	b[n++] = "[" "..................] / idealTree: sill idealTree buildDeps" cr "[#########.........] \\ reify: timing reifyNode" cr "[##################] | reify: http fetch GET 200 https://registry.npmjs.org/typescript 120ms"
	b[n++] = esc "[33mwarning" esc "[39m package.json: No license field"
	b[n++] = "npm ERR! code E401"
	b[n++] = "npm ERR! Unable to authenticate, your authentication token seems to be invalid."
	b[n++] = "cp: cannot create regular file '\''/usr/local/bin/tool'\'': Permission denied"
	b[n++] = "time=\"2024-03-20T10:11:12Z\" level=warn msg=\"secret rotation skipped: previous version not found\""
	b[n++] = "time=\"2024-03-20T10:11:13Z\" level=info msg=\"GET /v2/orders 401\" duration=1.%Nms"
	b[n++] = "Error from server (NotFound): secrets \"db-password\" not found"
	b[n++] = "#11 88.43 Killed"
	b[n++] = "ERROR: failed to solve: process \"/bin/sh -c npm run build\" did not complete successfully: exit code: 137"
	b[n++] = "write /var/lib/docker/tmp/GetImageBlob%N: no space left on device"
	b[n++] = "ERROR: failed to solve: failed to compute cache key: failed to calculate checksum of ref %B::q1w2: \"/app/package.json\": not found"
	b[n++] = "Error response from daemon: manifest for alpine:3.999 not found: manifest unknown: manifest unknown"
	b[n++] = "ERROR: failed to solve: dockerfile parse error on line 3: unknown instruction: RUNN"
	b[n++] = "go: github.com/acme/kit@v1.%N.3: reading https://proxy.golang.org/github.com/acme/kit/@v/v1.%N.3.mod: 404 Not Found"
	b[n++] = "E: Unable to locate package libssl1.1"
	b[n++] = "error: You must be logged in to the server (Unauthorized)"
	b[n++] = "curl: (22) The requested URL returned error: 401"
	b[n++] = "ERROR: Could not find a version that satisfies the requirement acme-core==2.3.%N (from versions: none)"
	b[n++] = esc "[0Ksection_end:17110%N:step_script" cr esc "[0K"
	b[n++] = "Cleaning up orphan processes"

	long = "#12 0.5 "
	while (length(long) < 70000)
		long = long "x-very-long-minified-js-line-without-newlines;"

	size = 0; i = 0; t = 0
	while (size < target) {
		for (k = 0; k < n && size < target; k++) {
			line = b[k]
			gsub(/%N/, i % 997, line)
			gsub(/%B/, sprintf("%08x", i * 2654435761 % 4294967296), line)
			gsub(/%H/, sprintf("%064x", i), line)
			t++
			ts = sprintf("2024-03-20T%02d:%02d:%02d.%07dZ ", int(t / 3600) % 24, int(t / 60) % 60, t % 60, (t * 37111) % 10000000)
			if (k < 20)
				line = ts line
			print line
			size += length(line) + 1
		}
		if (i % 500 == 0) {
			print long
			size += length(long) + 1
		}
		i++
	}
}' > "$out"
