#include "matcher.h"

#include "logline.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <hs/hs.h>
#include <pcre2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>

/* Backtracking budget per PCRE2 match: a bad KB regex on a long line must
 * not stall explain. No match is reported when it runs out. */
#define MATCHER_MATCH_LIMIT 1000000

static const char *const cap_names[MATCHER_CAP_COUNT] = {
	"registry", "status", "url", "method",
};

struct mpat {
	int id;
	char *literal;
	size_t lit_len;
	pcre2_code *code;
	int group[MATCHER_CAP_COUNT];   /* group number, or 0 if absent */
	int prefilter;
};

struct matcher {
	size_t n;
	struct mpat *pat;
	hs_database_t *re_db;    /* every regex; id = pattern index */
	hs_database_t *lit_db;   /* every distinct literal, caseless */
	pcre2_match_context *mctx;
	uint32_t max_groups;
};

struct matcher_scratch {
	const struct matcher *m;
	hs_scratch_t *re_s;
	hs_scratch_t *lit_s;     /* separate: regex scans run inside lit scans */
	pcre2_match_data *md;
	char *msg;               /* LOGLINE_MAX: one normalised message */
	char *clean;             /* LOGLINE_BUF_SIZE: a cleaned block */
	size_t *hits;            /* n: regex ids flagged on one message */
	size_t nhits;
};

/* ---- compiling ---- */

static void pat_release(struct mpat *p)
{
	free(p->literal);
	pcre2_code_free(p->code);
}

void matcher_free(struct matcher *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < m->n; i++)
		pat_release(&m->pat[i]);
	free(m->pat);
	hs_free_database(m->re_db);
	hs_free_database(m->lit_db);
	pcre2_match_context_free(m->mctx);
	free(m);
}

static int check_literal(const char *lit, size_t i, struct err *e)
{
	if (!lit || !*lit)
		return err_set(e, "pattern %zu: literal is empty", i);
	if (strpbrk(lit, "\r\n\x1b"))
		return err_set(e, "pattern %zu: literal contains CR, LF or ESC", i);
	return 0;
}

static int compile_pcre(struct mpat *mp, const char *regex, size_t i,
			uint32_t *max_groups, struct err *e)
{
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE off;
	uint32_t groups = 0;
	int code, k, num;

	mp->code = pcre2_compile((PCRE2_SPTR)regex, PCRE2_ZERO_TERMINATED, 0,
				 &code, &off, NULL);
	if (!mp->code) {
		pcre2_get_error_message(code, msg, sizeof(msg));
		return err_set(e, "pattern %zu: regex: %s at offset %zu", i,
			       (const char *)msg, (size_t)off);
	}
	/* Without JIT (unsupported CPU, no memory) PCRE2 interprets. */
	(void)pcre2_jit_compile(mp->code, PCRE2_JIT_COMPLETE);
	pcre2_pattern_info(mp->code, PCRE2_INFO_CAPTURECOUNT, &groups);
	if (groups > *max_groups)
		*max_groups = groups;
	for (k = 0; k < MATCHER_CAP_COUNT; k++) {
		num = pcre2_substring_number_from_name(mp->code,
						       (PCRE2_SPTR)cap_names[k]);
		mp->group[k] = num > 0 ? num : 0;
	}
	return 0;
}

static unsigned int re_flags(const struct mpat *mp)
{
	return HS_FLAG_SINGLEMATCH | (mp->prefilter ? HS_FLAG_PREFILTER : 0);
}

/* Decides, per regex, whether Vectorscan runs it exactly or prefilters. */
static int classify(struct matcher *m, const char *const *regex, struct err *e)
{
	hs_compile_error_t *ce = NULL;
	hs_expr_info_t *info = NULL;
	size_t i;
	int rc = 0;

	for (i = 0; i < m->n; i++) {
		if (hs_expression_info(regex[i], re_flags(&m->pat[i]), &info, &ce) ==
		    HS_SUCCESS) {
			free(info);
			continue;
		}
		hs_free_compile_error(ce);
		ce = NULL;
		m->pat[i].prefilter = 1;
		if (hs_expression_info(regex[i], re_flags(&m->pat[i]), &info, &ce) ==
		    HS_SUCCESS) {
			free(info);
			continue;
		}
		rc = err_set(e, "pattern %zu: vectorscan: %s", i, ce->message);
		hs_free_compile_error(ce);
		break;
	}
	return rc;
}

static int compile_regex_db(struct matcher *m, const char *const *regex,
			    struct err *e)
{
	hs_compile_error_t *ce = NULL;
	unsigned int *flags = NULL, *ids = NULL;
	size_t i, tries;
	int rc = -1;

	flags = calloc(m->n, sizeof(*flags));
	ids = calloc(m->n, sizeof(*ids));
	if (!flags || !ids) {
		err_set(e, "compiling patterns: out of memory");
		goto cleanup;
	}
	/* hs_expression_info does not catch everything (an empty match, a
	 * pattern too large): a failing regex falls back to prefilter mode
	 * once, then is reported. */
	for (tries = 0; tries <= m->n; tries++) {
		for (i = 0; i < m->n; i++) {
			flags[i] = re_flags(&m->pat[i]);
			ids[i] = (unsigned int)i;
		}
		if (hs_compile_multi(regex, flags, ids, (unsigned int)m->n,
				     HS_MODE_BLOCK, NULL, &m->re_db, &ce) == HS_SUCCESS) {
			rc = 0;
			goto cleanup;
		}
		if (ce->expression < 0) {
			err_set(e, "compiling patterns: vectorscan: %s", ce->message);
			goto cleanup;
		}
		i = (size_t)ce->expression;
		if (m->pat[i].prefilter) {
			err_set(e, "pattern %zu: vectorscan: %s", i, ce->message);
			goto cleanup;
		}
		m->pat[i].prefilter = 1;
		hs_free_compile_error(ce);
		ce = NULL;
	}
	err_set(e, "compiling patterns: vectorscan gave up");
cleanup:
	hs_free_compile_error(ce);
	free(flags);
	free(ids);
	return rc;
}

static int ascii_ieq(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];

		if (x >= 'A' && x <= 'Z')
			x = (unsigned char)(x + 32);
		if (y >= 'A' && y <= 'Z')
			y = (unsigned char)(y + 32);
		if (x != y)
			return 0;
	}
	return 1;
}

/* One caseless database of the distinct literals, written as regexes with
 * every byte that is not alphanumeric escaped as \xHH. */
static int compile_literal_db(struct matcher *m, struct err *e)
{
	hs_compile_error_t *ce = NULL;
	const char **expr = NULL;
	char **owned = NULL;
	unsigned int *flags = NULL, *ids = NULL;
	size_t i, j, k, nlit = 0;
	int rc = -1;

	expr = calloc(m->n, sizeof(*expr));
	owned = calloc(m->n, sizeof(*owned));
	flags = calloc(m->n, sizeof(*flags));
	ids = calloc(m->n, sizeof(*ids));
	if (!expr || !owned || !flags || !ids) {
		err_set(e, "compiling patterns: out of memory");
		goto cleanup;
	}
	for (i = 0; i < m->n; i++) {
		const struct mpat *p = &m->pat[i];
		char *x;

		for (j = 0; j < i; j++)
			if (m->pat[j].lit_len == p->lit_len &&
			    ascii_ieq(m->pat[j].literal, p->literal, p->lit_len))
				break;
		if (j < i)
			continue;
		x = malloc(p->lit_len * 4 + 1);
		if (!x) {
			err_set(e, "compiling patterns: out of memory");
			goto cleanup;
		}
		for (j = 0, k = 0; j < p->lit_len; j++) {
			unsigned char c = (unsigned char)p->literal[j];

			if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9')) {
				x[k++] = (char)c;
			} else {
				x[k++] = '\\';
				x[k++] = 'x';
				x[k++] = "0123456789abcdef"[c >> 4];
				x[k++] = "0123456789abcdef"[c & 15];
			}
		}
		x[k] = '\0';
		owned[nlit] = x;
		expr[nlit] = x;
		flags[nlit] = HS_FLAG_CASELESS;
		ids[nlit] = (unsigned int)nlit;
		nlit++;
	}
	if (hs_compile_multi(expr, flags, ids, (unsigned int)nlit, HS_MODE_BLOCK,
			     NULL, &m->lit_db, &ce) != HS_SUCCESS) {
		err_set(e, "compiling literals: vectorscan: %s", ce->message);
		goto cleanup;
	}
	rc = 0;
cleanup:
	hs_free_compile_error(ce);
	for (i = 0; owned && i < nlit; i++)
		free(owned[i]);
	free(owned);
	free(expr);
	free(flags);
	free(ids);
	return rc;
}

int matcher_compile(struct matcher **out, const struct matcher_pattern *p,
		    size_t n, struct err *e)
{
	struct matcher *m = NULL;
	const char **regex = NULL;
	size_t i;
	int rc = -1;

	*out = NULL;
	if (n > MATCHER_MAX_PATTERNS)
		return err_set(e, "compiling patterns: %zu patterns, at most %d",
			       n, MATCHER_MAX_PATTERNS);
	if (hs_valid_platform() != HS_SUCCESS)
		return err_set(e, "compiling patterns: vectorscan does not support this cpu");
	m = calloc(1, sizeof(*m));
	if (!m)
		return err_set(e, "compiling patterns: out of memory");
	m->mctx = pcre2_match_context_create(NULL);
	if (!m->mctx) {
		err_set(e, "compiling patterns: out of memory");
		goto cleanup;
	}
	pcre2_set_match_limit(m->mctx, MATCHER_MATCH_LIMIT);
	if (n == 0) {
		rc = 0;
		goto cleanup;
	}
	m->pat = calloc(n, sizeof(*m->pat));
	regex = calloc(n, sizeof(*regex));
	if (!m->pat || !regex) {
		err_set(e, "compiling patterns: out of memory");
		goto cleanup;
	}
	m->n = n;
	for (i = 0; i < n; i++) {
		struct mpat *mp = &m->pat[i];

		if (check_literal(p[i].literal, i, e) < 0)
			goto cleanup;
		if (!p[i].regex || !*p[i].regex) {
			err_set(e, "pattern %zu: regex is empty", i);
			goto cleanup;
		}
		mp->id = p[i].id;
		mp->lit_len = strlen(p[i].literal);
		mp->literal = strdup(p[i].literal);
		if (!mp->literal) {
			err_set(e, "compiling patterns: out of memory");
			goto cleanup;
		}
		if (compile_pcre(mp, p[i].regex, i, &m->max_groups, e) < 0)
			goto cleanup;
		regex[i] = p[i].regex;
	}
	if (classify(m, regex, e) < 0 || compile_regex_db(m, regex, e) < 0 ||
	    compile_literal_db(m, e) < 0)
		goto cleanup;
	rc = 0;
cleanup:
	free(regex);
	if (rc == 0)
		*out = m;
	else
		matcher_free(m);
	return rc;
}

size_t matcher_count(const struct matcher *m)
{
	return m->n;
}

int matcher_prefiltered(const struct matcher *m, size_t i)
{
	return i < m->n && m->pat[i].prefilter;
}

/* ---- scratch ---- */

void matcher_scratch_free(struct matcher_scratch *s)
{
	if (!s)
		return;
	hs_free_scratch(s->re_s);
	hs_free_scratch(s->lit_s);
	pcre2_match_data_free(s->md);
	free(s->msg);
	free(s->clean);
	free(s->hits);
	free(s);
}

int matcher_scratch_new(struct matcher_scratch **out, const struct matcher *m,
			struct err *e)
{
	struct matcher_scratch *s;
	int rc = -1;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return err_set(e, "matcher scratch: out of memory");
	s->m = m;
	if ((m->re_db && hs_alloc_scratch(m->re_db, &s->re_s) != HS_SUCCESS) ||
	    (m->lit_db && hs_alloc_scratch(m->lit_db, &s->lit_s) != HS_SUCCESS)) {
		err_set(e, "matcher scratch: vectorscan could not allocate scratch");
		goto cleanup;
	}
	s->md = pcre2_match_data_create(m->max_groups + 1, NULL);
	s->msg = malloc(LOGLINE_MAX);
	s->hits = calloc(m->n ? m->n : 1, sizeof(*s->hits));
	if (!s->md || !s->msg || !s->hits) {
		err_set(e, "matcher scratch: out of memory");
		goto cleanup;
	}
	rc = 0;
cleanup:
	if (rc == 0)
		*out = s;
	else
		matcher_scratch_free(s);
	return rc;
}

/* ---- one message ---- */

static int on_regex_hit(unsigned int id, unsigned long long from,
			unsigned long long to, unsigned int flags, void *ctx)
{
	struct matcher_scratch *s = ctx;

	(void)from;
	(void)to;
	(void)flags;
	s->hits[s->nhits++] = id;   /* SINGLEMATCH: each id at most once */
	return 0;
}

static int contains_caseless(const char *h, size_t hn, const char *nd, size_t nn)
{
	size_t i;

	if (nn > hn)
		return 0;
	for (i = 0; i + nn <= hn; i++)
		if (ascii_ieq(h + i, nd, nn))
			return 1;
	return 0;
}

static void set_span(struct matcher_span *sp, const size_t *ov, uint32_t pairs,
		     int group)
{
	sp->set = 0;
	sp->off = sp->len = 0;
	if (group <= 0 || (uint32_t)group >= pairs ||
	    ov[2 * group] == PCRE2_UNSET)
		return;
	sp->set = 1;
	sp->off = ov[2 * group];
	sp->len = ov[2 * group + 1] - ov[2 * group];
}

int matcher_scan_line(const struct matcher *m, struct matcher_scratch *s,
		      const char *msg, size_t len, unsigned long line,
		      matcher_cb cb, void *arg, struct err *e)
{
	struct matcher_match mm;
	size_t i, j, id;
	int rc, k;

	if (!m->re_db || len == 0)
		return 0;
	if (s->m != m)
		return err_set(e, "matcher scratch used with another matcher");
	s->nhits = 0;
	if (hs_scan(m->re_db, msg, (unsigned int)len, 0, s->re_s, on_regex_hit, s) !=
	    HS_SUCCESS)
		return err_set(e, "scanning a line: vectorscan failed");
	/* Pattern order, whatever order Vectorscan reported in. */
	for (i = 1; i < s->nhits; i++)
		for (j = i; j > 0 && s->hits[j - 1] > s->hits[j]; j--) {
			id = s->hits[j];
			s->hits[j] = s->hits[j - 1];
			s->hits[j - 1] = id;
		}
	for (i = 0; i < s->nhits; i++) {
		const struct mpat *p = &m->pat[s->hits[i]];
		const size_t *ov;
		uint32_t pairs;

		if (!contains_caseless(msg, len, p->literal, p->lit_len))
			continue;
		rc = pcre2_match(p->code, (PCRE2_SPTR)msg, len, 0, 0, s->md, m->mctx);
		if (rc < 0)
			continue;   /* no match, or over the backtracking budget */
		ov = pcre2_get_ovector_pointer(s->md);
		pairs = pcre2_get_ovector_count(s->md);
		memset(&mm, 0, sizeof(mm));
		mm.pattern = s->hits[i];
		mm.id = p->id;
		mm.line = line;
		mm.msg = msg;
		mm.msg_len = len;
		mm.whole.set = 1;
		mm.whole.off = ov[0];
		mm.whole.len = ov[1] > ov[0] ? ov[1] - ov[0] : 0;
		for (k = 0; k < MATCHER_CAP_COUNT; k++)
			set_span(&mm.cap[k], ov, pairs, p->group[k]);
		mm.priv_code = p->code;
		mm.priv_ovector = ov;
		if (cb(&mm, arg))
			return 1;
	}
	return 0;
}

/* ---- streams ---- */

struct scan_state {
	const struct matcher *m;
	struct matcher_scratch *s;
	matcher_cb cb;
	void *arg;
	struct err *e;
	struct matcher_stats *st;
	const char *buf;        /* the block being scanned (raw or cleaned) */
	size_t len;
	size_t cur_pos;         /* a line start in buf ... */
	unsigned long cur_no;   /* ... and its line number */
	size_t done_end;        /* lines before this offset are done */
	int result;             /* 1 stopped, -1 failed */
};

static int on_literal_hit(unsigned int id, unsigned long long from,
			  unsigned long long to, unsigned int flags, void *ctx)
{
	struct scan_state *ss = ctx;
	const char *ls, *le;
	size_t start, end, cut, msg_len;
	int rc;

	(void)id;
	(void)from;
	(void)flags;
	if (to <= ss->done_end)
		return 0;   /* in a line already looked at */
	ls = memrchr(ss->buf + ss->done_end, '\n', (size_t)to - 1 - ss->done_end);
	start = ls ? (size_t)(ls - ss->buf) + 1 : ss->done_end;
	le = memchr(ss->buf + to, '\n', ss->len - (size_t)to);
	end = le ? (size_t)(le - ss->buf) : ss->len;
	if (start >= ss->cur_pos) {
		ss->cur_no += logline_count_newlines(ss->buf + ss->cur_pos,
						     start - ss->cur_pos);
	} else {
		/* Not expected (Vectorscan reports in offset order): recount. */
		ss->cur_no -= logline_count_newlines(ss->buf + start,
						     ss->cur_pos - start);
	}
	ss->cur_pos = start;
	ss->done_end = le ? end + 1 : end;
	cut = end - start > LOGLINE_MAX ? LOGLINE_MAX : end - start;
	msg_len = logline_normalise(ss->buf + start, cut, ss->s->msg, LOGLINE_MAX);
	ss->st->candidates++;
	rc = matcher_scan_line(ss->m, ss->s, ss->s->msg, msg_len, ss->cur_no,
			       ss->cb, ss->arg, ss->e);
	if (rc != 0) {
		ss->result = rc;
		return 1;   /* terminate hs_scan */
	}
	return 0;
}

/* Callback wrapper counting matches. */
struct count_arg {
	matcher_cb cb;
	void *arg;
	struct matcher_stats *st;
};

static int count_cb(const struct matcher_match *mm, void *arg)
{
	struct count_arg *ca = arg;

	ca->st->matches++;
	return ca->cb(mm, ca->arg);
}

/* Copies the block's lines, cut to LOGLINE_MAX and cleaned where they
 * hold ESC or '\r', into s->clean; returns the length. Line for line. */
static size_t clean_block(const char *p, size_t n, char *out)
{
	const char *end = p + n, *esc, *cr, *nl, *line_end;
	size_t o = 0, len;

	esc = memchr(p, 0x1b, n);
	cr = memchr(p, '\r', n);
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		line_end = nl ? nl : end;
		len = (size_t)(line_end - p);
		if (len > LOGLINE_MAX)
			len = LOGLINE_MAX;
		if ((esc && esc < line_end) || (cr && cr < line_end)) {
			o += logline_clean(p, len, out + o, len);
			if (esc && esc < line_end)
				esc = memchr(line_end, 0x1b, (size_t)(end - line_end));
			if (cr && cr < line_end)
				cr = memchr(line_end, '\r', (size_t)(end - line_end));
		} else {
			memcpy(out + o, p, len);
			o += len;
		}
		if (nl)
			out[o++] = '\n';
		p = nl ? nl + 1 : end;
	}
	return o;
}

int matcher_scan_stream(const struct matcher *m, struct matcher_scratch *s,
			FILE *fp, matcher_cb cb, void *arg,
			struct matcher_stats *st, struct err *e)
{
	struct matcher_scratch *own = NULL;
	struct logline_reader *r = NULL;
	struct logline_block b;
	struct matcher_stats local = { 0, 0, 0, 0 };
	struct count_arg ca;
	struct scan_state ss;
	hs_error_t hr;
	int rc = -1, got;

	if (!st)
		st = &local;
	memset(st, 0, sizeof(*st));
	if (!s) {
		if (matcher_scratch_new(&own, m, e) < 0)
			return -1;
		s = own;
	}
	if (s->m != m) {
		err_set(e, "matcher scratch used with another matcher");
		goto cleanup;
	}
	if (!s->clean) {
		s->clean = malloc(LOGLINE_BUF_SIZE);
		if (!s->clean) {
			err_set(e, "scanning log: out of memory");
			goto cleanup;
		}
	}
	if (logline_reader_new(&r, fp, e) < 0)
		goto cleanup;
	ca.cb = cb;
	ca.arg = arg;
	ca.st = st;
	memset(&ss, 0, sizeof(ss));
	ss.m = m;
	ss.s = s;
	ss.cb = count_cb;
	ss.arg = &ca;
	ss.e = e;
	ss.st = st;
	for (;;) {
		got = logline_next_block(r, &b, e);
		if (got < 0)
			goto cleanup;
		if (got == 0)
			break;
		if (!m->lit_db)
			continue;
		ss.buf = b.text;
		ss.len = b.len;
		if (memchr(b.text, 0x1b, b.len) || memchr(b.text, '\r', b.len)) {
			ss.len = clean_block(b.text, b.len, s->clean);
			ss.buf = s->clean;
		}
		ss.cur_pos = 0;
		ss.cur_no = b.first_no;
		ss.done_end = 0;
		hr = hs_scan(m->lit_db, ss.buf, (unsigned int)ss.len, 0, s->lit_s,
			     on_literal_hit, &ss);
		if (ss.result < 0)
			goto cleanup;
		if (ss.result > 0) {
			rc = 1;
			goto done;
		}
		if (hr != HS_SUCCESS) {
			err_set(e, "scanning log: vectorscan failed (%d)", (int)hr);
			goto cleanup;
		}
	}
	rc = 0;
done:
	st->bytes = logline_bytes(r);
	st->lines = logline_lines(r);
cleanup:
	logline_reader_free(r);
	matcher_scratch_free(own);
	return rc;
}

/* ---- captures ---- */

int matcher_match_group(const struct matcher_match *mm, const char *name,
			struct matcher_span *out)
{
	const pcre2_code *code = mm->priv_code;
	uint32_t groups = 0;
	int num;

	num = pcre2_substring_number_from_name(code, (PCRE2_SPTR)name);
	if (num <= 0)
		return -1;
	pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &groups);
	set_span(out, mm->priv_ovector, groups + 1, num);
	return 0;
}

size_t matcher_match_copy(const struct matcher_match *mm,
			  const struct matcher_span *sp, char *out, size_t outcap)
{
	size_t n;

	if (outcap == 0)
		return 0;
	n = sp->set ? sp->len : 0;
	if (n > outcap - 1)
		n = outcap - 1;
	if (n)
		memcpy(out, mm->msg + sp->off, n);
	out[n] = '\0';
	return n;
}

static int host_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '-' || c == ':' ||
	       c == '[' || c == ']' || c == '_';
}

int matcher_registry_canon(const char *host, size_t len, char *out,
			   size_t outcap)
{
	static const char *const hub[] = {
		"docker.io", "index.docker.io", "registry-1.docker.io",
		"registry.docker.io", "auth.docker.io", "registry.hub.docker.com",
		"hub.docker.com", "production.cloudflare.docker.com",
	};
	size_t i;

	if (len == 0 || len >= outcap)
		return -1;
	for (i = 0; i < len; i++) {
		char c = host[i];

		if (!host_char(c))
			return -1;
		out[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
	}
	out[len] = '\0';
	for (i = 0; i < sizeof(hub) / sizeof(hub[0]); i++) {
		if (strcmp(out, hub[i]) == 0) {
			if (outcap <= 9)
				return -1;
			memcpy(out, "docker.io", 10);
			break;
		}
	}
	return 0;
}

int matcher_registry_from_url(const char *url, size_t len, char *out,
			      size_t outcap)
{
	size_t i = 0, start, end, at;

	while (i < len && (url[i] == ' ' || url[i] == '"' || url[i] == '\''))
		i++;
	/* An optional scheme. */
	for (end = i; end < len && ((url[end] >= 'a' && url[end] <= 'z') ||
				    (url[end] >= 'A' && url[end] <= 'Z') ||
				    url[end] == '+' || url[end] == '-' || url[end] == '.');
	     end++)
		;
	if (end > i && end + 3 <= len && memcmp(url + end, "://", 3) == 0)
		i = end + 3;
	start = i;
	for (end = start; end < len && !strchr("/?# \t\"'", url[end]) && url[end];
	     end++)
		;
	/* Drop user info. */
	for (at = end; at > start; at--)
		if (url[at - 1] == '@') {
			start = at;
			break;
		}
	return matcher_registry_canon(url + start, end - start, out, outcap);
}

/* Whether s[0..n) holds "://" (a URL rather than a host or reference). */
static int has_scheme(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i + 3 <= n; i++)
		if (s[i] == ':' && s[i + 1] == '/' && s[i + 2] == '/')
			return 1;
	return 0;
}

int matcher_match_registry(const struct matcher_match *mm, char *out,
			   size_t outcap)
{
	const struct matcher_span *reg = &mm->cap[MATCHER_CAP_REGISTRY];
	const struct matcher_span *url = &mm->cap[MATCHER_CAP_URL];
	const char *p, *slash;
	size_t first;

	if (reg->set && reg->len > 0) {
		p = mm->msg + reg->off;
		if (has_scheme(p, reg->len))
			return matcher_registry_from_url(p, reg->len, out, outcap);
		slash = memchr(p, '/', reg->len);
		if (!slash)   /* a bare host */
			return matcher_registry_canon(p, reg->len, out, outcap);
		/* An image reference: its first component is a host only if it
		 * has a '.' or ':' or is localhost (docker's rule). */
		first = (size_t)(slash - p);
		if (memchr(p, '.', first) || memchr(p, ':', first) ||
		    (first == 9 && memcmp(p, "localhost", 9) == 0))
			return matcher_registry_canon(p, first, out, outcap);
		return matcher_registry_canon("docker.io", 9, out, outcap);
	}
	if (url->set && url->len > 0)
		return matcher_registry_from_url(mm->msg + url->off, url->len, out,
						 outcap);
	return -1;
}

/* ---- backend ---- */

static char backend[96];
static once_flag backend_once = ONCE_FLAG_INIT;

static void backend_init(void)
{
	char pver[64] = "";
	const char *hv = hs_version();
	size_t hl = strcspn(hv, " ");
	uint32_t jit = 0;

	pcre2_config(PCRE2_CONFIG_VERSION, pver);
	pver[strcspn(pver, " ")] = '\0';
	pcre2_config(PCRE2_CONFIG_JIT, &jit);
	snprintf(backend, sizeof(backend), "vectorscan %.*s + pcre2 %s%s",
		 (int)hl, hv, pver, jit ? " JIT" : "");
}

const char *matcher_backend(void)
{
	call_once(&backend_once, backend_init);
	return backend;
}
