/* fuzz-matcher — build logs through the matcher, with the embedded KB's
 * signatures compiled as explain compiles them (sig_set_compile), or
 * KB-shaped patterns when the KB cannot be loaded. Every match's captures
 * and registry are read; the URL and host canonicalisers run on the raw
 * input too. */
#include "fuzz.h"

#include "kb.h"
#include "logline.h"
#include "matcher.h"
#include "util/sensitive.h"
#include "sigcompile.h"

static const struct matcher_pattern fallback[] = {
	{ 1, "failed to fetch oauth token",
	  "failed to fetch oauth token: unexpected status from (?<method>GET|POST) "
	  "request to (?<url>https?://\\S+): (?<status>\\d{3})", 0 },
	{ 2, "pull access denied for",
	  "pull access denied for (?<registry>[^ ,]+), repository does not exist or may "
	  "require 'docker login'", 0 },
	{ 3, "error getting credentials",
	  "error getting credentials - err: exec: \"docker-credential-"
	  "(?<helper>[A-Za-z0-9._-]+)\": executable file not found", 0 },
	{ 4, "incorrect username", "(?i)unauthorized: incorrect username or password", 1 },
	{ 5, "pinging container registry",
	  "pinging container registry (?<registry>[^: ]+:\\d+): Get \"https://\\1/v2/\"", 0 },
};

static struct kb *kb;
static struct sig_set sigs = SIG_SET_INIT;
static struct matcher *fb;
static const struct matcher *m;
static struct matcher_scratch *scratch;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct err e = ERR_INIT;

	(void)argc;
	(void)argv;
	sensitive_wipe_json_allocations();
	if (kb_load_embedded(&kb, &e) == 0 && sig_set_compile(&sigs, kb, NULL, 0, &e) == 0 &&
	    sigs.n > 0) {
		m = sigs.m;
	} else {
		fprintf(stderr, "fuzz-matcher: KB signatures unavailable (%s); KB-shaped patterns\n",
			e.msg);
		err_clear(&e);
		if (matcher_compile(&fb, fallback, sizeof(fallback) / sizeof(fallback[0]), &e) < 0) {
			fprintf(stderr, "fuzz-matcher: %s\n", e.msg);
			abort();
		}
		m = fb;
	}
	if (matcher_scratch_new(&scratch, m, &e) < 0) {
		fprintf(stderr, "fuzz-matcher: %s\n", e.msg);
		abort();
	}
	return 0;
}

static int on_match(const struct matcher_match *mm, void *arg)
{
	struct matcher_span sp;
	char reg[256], buf[64];
	size_t i;

	(*(unsigned long *)arg)++;
	fuzz_assert(mm->whole.set && mm->whole.off + mm->whole.len <= mm->msg_len);
	for (i = 0; i < MATCHER_CAP_COUNT; i++) {
		if (mm->cap[i].set)
			fuzz_assert(mm->cap[i].off + mm->cap[i].len <= mm->msg_len);
		(void)matcher_match_copy(mm, &mm->cap[i], buf, sizeof(buf));
		fuzz_assert(strlen(buf) < sizeof(buf));
	}
	if (matcher_match_group(mm, "registry", &sp) == 0 && sp.set)
		fuzz_assert(sp.off + sp.len <= mm->msg_len);
	(void)matcher_match_group(mm, "helper", &sp);
	if (matcher_match_registry(mm, reg, sizeof(reg)) == 0)
		fuzz_assert(reg[0] && strlen(reg) < sizeof(reg));
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct matcher_stats st;
	struct err e = ERR_INIT;
	unsigned long matches = 0;
	char host[256];
	FILE *fp;
	char *s;

	if (size) {
		fp = fmemopen((void *)data, size, "r");
		fuzz_assert(fp);
		memset(&st, 0, sizeof(st));
		fuzz_assert(matcher_scan_stream(m, scratch, fp, on_match, &matches, &st, &e) == 0);
		fuzz_assert(st.bytes == size && st.matches == matches);
		fclose(fp);
	}
	s = fuzz_dup(data, size);
	if (matcher_registry_from_url(s, size, host, sizeof(host)) == 0)
		fuzz_assert(host[0] && strlen(host) < sizeof(host));
	if (matcher_registry_canon(s, size, host, sizeof(host)) == 0)
		fuzz_assert(host[0] && strlen(host) < sizeof(host));
	(void)matcher_registry_canon(s, size, host, 4);
	free(s);
	return 0;
}
