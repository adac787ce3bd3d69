#include "matcher.h"

#include "hslib.h"   /* <hs/hs.h>, libhs loaded on first compile */
#include "logjoin.h"
#include "logline.h"
#include "matchmemo.h"
#include "util/bytescan.h"

#define PCRE2_CODE_UNIT_WIDTH 8
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
	size_t lit;                     /* index of its literal in lits */
	pcre2_code *code;
	int group[MATCHER_CAP_COUNT];   /* group number, or 0 if absent */
};

struct mlit {
	char *text;
	size_t len;
	size_t first, count;            /* its patterns: by_lit[first..+count) */
	int joins;                      /* a pattern of it is not single_line */
};

struct matcher {
	size_t n, nlit;
	struct mpat *pat;
	struct mlit *lits;               /* distinct literals (ASCII case folded) */
	size_t *by_lit;                  /* pattern indices grouped by literal */
	hs_database_t *lit_db;           /* every literal, caseless; id = lit index */
	pcre2_match_context *mctx;
	uint32_t max_groups;
};

/* One bit per byte of a block: where a literal hit ended. */
#define HIT_WORDS (LOGLINE_BUF_SIZE / 64)

struct matcher_scratch {
	const struct matcher *m;
	hs_scratch_t *hs;
	pcre2_match_data *md;
	char *msg;               /* LOGLINE_MAX: one normalised message */
	char *clean;             /* LOGLINE_BUF_SIZE: a cleaned block */
	char *tmp;               /* LOGLINE_MAX: scratch for joining lines */
	uint64_t *hit_bits;      /* HIT_WORDS */
	uint64_t *join_bits;     /* HIT_WORDS: the hits of literals that join */
	unsigned char *lit_seen; /* nlit flags for one message */
	size_t *todo;            /* n: patterns to confirm on one message */
	size_t ntodo;
	const char *prefix;      /* the scanned line's prefix (timestamps, ...), or NULL */
	size_t prefix_len;
	struct matchmemo *memo;  /* the last message matched, and its matches */
};

/* ---- compiling ---- */

void matcher_free(struct matcher *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < m->n; i++)
		pcre2_code_free(m->pat[i].code);
	for (i = 0; i < m->nlit; i++)
		free(m->lits[i].text);
	free(m->pat);
	free(m->lits);
	free(m->by_lit);
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

/* A signature that matches "" would match every line with its literal. */
static int matches_empty(const pcre2_code *code)
{
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(code, NULL);
	int rc;

	if (!md)
		return 0;
	rc = pcre2_match(code, (PCRE2_SPTR)"", 0, 0, 0, md, NULL);
	pcre2_match_data_free(md);
	return rc >= 0;
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
	if (matches_empty(mp->code))
		return err_set(e, "pattern %zu: regex matches an empty string", i);
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

/* Gives pattern i its literal, sharing one with an earlier pattern when
 * they are equal ignoring ASCII case. */
static int add_literal(struct matcher *m, size_t i, const char *lit, int single_line,
		       struct err *e)
{
	size_t len = strlen(lit), j;

	for (j = 0; j < m->nlit; j++)
		if (m->lits[j].len == len && ascii_ieq(m->lits[j].text, lit, len))
			break;
	if (j == m->nlit) {
		m->lits[j].text = strdup(lit);
		if (!m->lits[j].text)
			return err_set(e, "compiling patterns: out of memory");
		m->lits[j].len = len;
		m->nlit++;
	}
	m->lits[j].count++;
	m->lits[j].joins |= !single_line;
	m->pat[i].lit = j;
	return 0;
}

/* by_lit: pattern indices grouped by literal, in pattern order. */
static int index_literals(struct matcher *m, struct err *e)
{
	size_t i, *fill;

	m->by_lit = calloc(m->n, sizeof(*m->by_lit));
	fill = calloc(m->nlit, sizeof(*fill));
	if (!m->by_lit || !fill) {
		free(fill);
		return err_set(e, "compiling patterns: out of memory");
	}
	for (i = 1; i < m->nlit; i++)
		m->lits[i].first = m->lits[i - 1].first + m->lits[i - 1].count;
	for (i = 0; i < m->n; i++) {
		struct mlit *l = &m->lits[m->pat[i].lit];

		m->by_lit[l->first + fill[m->pat[i].lit]++] = i;
	}
	free(fill);
	return 0;
}

static int compile_literal_db(struct matcher *m, struct err *e)
{
	hs_compile_error_t *ce = NULL;
	const char **expr = NULL;
	unsigned int *flags = NULL, *ids = NULL;
	size_t *lens = NULL, i;
	int rc = -1;

	expr = calloc(m->nlit, sizeof(*expr));
	flags = calloc(m->nlit, sizeof(*flags));
	ids = calloc(m->nlit, sizeof(*ids));
	lens = calloc(m->nlit, sizeof(*lens));
	if (!expr || !flags || !ids || !lens) {
		err_set(e, "compiling patterns: out of memory");
		goto cleanup;
	}
	for (i = 0; i < m->nlit; i++) {
		expr[i] = m->lits[i].text;
		lens[i] = m->lits[i].len;
		flags[i] = HS_FLAG_CASELESS;
		ids[i] = (unsigned int)i;
	}
	if (hs_compile_lit_multi(expr, flags, ids, lens, (unsigned int)m->nlit,
				 HS_MODE_BLOCK, NULL, &m->lit_db, &ce) != HS_SUCCESS) {
		err_set(e, "compiling literals: vectorscan: %s", ce->message);
		goto cleanup;
	}
	rc = 0;
cleanup:
	hs_free_compile_error(ce);
	free(expr);
	free(flags);
	free(ids);
	free(lens);
	return rc;
}

int matcher_compile(struct matcher **out, const struct matcher_pattern *p,
		    size_t n, struct err *e)
{
	struct matcher *m = NULL;
	size_t i;
	int rc = -1;

	*out = NULL;
	if (n > MATCHER_MAX_PATTERNS)
		return err_set(e, "compiling patterns: %zu patterns, at most %d",
			       n, MATCHER_MAX_PATTERNS);
	if (hslib_load(e) < 0)
		return err_prefix(e, "compiling patterns");
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
	m->lits = calloc(n, sizeof(*m->lits));
	if (!m->pat || !m->lits) {
		err_set(e, "compiling patterns: out of memory");
		goto cleanup;
	}
	m->n = n;
	for (i = 0; i < n; i++) {
		if (check_literal(p[i].literal, i, e) < 0)
			goto cleanup;
		if (!p[i].regex || !*p[i].regex) {
			err_set(e, "pattern %zu: regex is empty", i);
			goto cleanup;
		}
		m->pat[i].id = p[i].id;
		if (compile_pcre(&m->pat[i], p[i].regex, i, &m->max_groups, e) < 0 ||
		    add_literal(m, i, p[i].literal, p[i].single_line, e) < 0)
			goto cleanup;
	}
	if (index_literals(m, e) < 0 || compile_literal_db(m, e) < 0)
		goto cleanup;
	rc = 0;
cleanup:
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

/* ---- scratch ---- */

void matcher_scratch_free(struct matcher_scratch *s)
{
	if (!s)
		return;
	hs_free_scratch(s->hs);
	pcre2_match_data_free(s->md);
	free(s->msg);
	free(s->clean);
	free(s->tmp);
	free(s->hit_bits);
	free(s->join_bits);
	free(s->lit_seen);
	free(s->todo);
	free(s->memo);
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
	if (m->lit_db && hs_alloc_scratch(m->lit_db, &s->hs) != HS_SUCCESS) {
		err_set(e, "matcher scratch: vectorscan could not allocate scratch");
		goto cleanup;
	}
	s->md = pcre2_match_data_create(m->max_groups + 1, NULL);
	/* zeroed: PCRE2's JIT may read whole words past the subject's end
	 * (valgrind reports those bytes as uninitialised otherwise) */
	s->msg = calloc(1, LOGLINE_MAX);
	s->lit_seen = calloc(m->nlit ? m->nlit : 1, 1);
	s->todo = calloc(m->n ? m->n : 1, sizeof(*s->todo));
	s->memo = calloc(1, sizeof(*s->memo));
	if (!s->md || !s->msg || !s->lit_seen || !s->todo || !s->memo) {
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

/* A literal in the message: queue its patterns, once. */
static int on_message_literal(unsigned int id, unsigned long long from,
			      unsigned long long to, unsigned int flags, void *ctx)
{
	struct matcher_scratch *s = ctx;
	const struct mlit *l = &s->m->lits[id];
	size_t k;

	(void)from;
	(void)to;
	(void)flags;
	if (s->lit_seen[id])
		return 0;
	s->lit_seen[id] = 1;
	for (k = 0; k < l->count; k++)
		s->todo[s->ntodo++] = s->m->by_lit[l->first + k];
	return 0;
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
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

/* Reports one match of pattern index pi in msg (ov: its ovector, pairs
 * pairs) to cb: its return. */
static int report(const struct matcher *m, const struct matcher_scratch *s, size_t pi,
		  const char *msg, size_t len, unsigned long line, const size_t *ov,
		  uint32_t pairs, matcher_cb cb, void *arg)
{
	const struct mpat *p = &m->pat[pi];
	struct matcher_match mm;
	int k;

	memset(&mm, 0, sizeof(mm));
	mm.pattern = pi;
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
	mm.prefix = s->prefix;
	mm.prefix_len = s->prefix_len;
	return cb(&mm, arg);
}

/* The message the memo holds again: its matches, without matching. */
static int replay(const struct matcher *m, const struct matcher_scratch *s, const char *msg,
		  size_t len, unsigned long line, matcher_cb cb, void *arg)
{
	size_t i;

	for (i = 0; i < s->memo->n; i++) {
		const struct matchmemo_hit *h = &s->memo->hits[i];

		if (report(m, s, h->pattern, msg, len, line, h->ov, h->pairs, cb, arg))
			return 1;
	}
	return 0;
}

int matcher_scan_line(const struct matcher *m, struct matcher_scratch *s,
		      const char *msg, size_t len, unsigned long line,
		      matcher_cb cb, void *arg, struct err *e)
{
	size_t i;
	int rc = 0;

	if (!m->lit_db || len == 0)
		return 0;
	if (s->m != m)
		return err_set(e, "matcher scratch used with another matcher");
	if (matchmemo_same(s->memo, msg, len))
		return replay(m, s, msg, len, line, cb, arg);
	matchmemo_begin(s->memo, len);
	s->ntodo = 0;
	if (hs_scan(m->lit_db, msg, (unsigned int)len, 0, s->hs, on_message_literal,
		    s) != HS_SUCCESS)
		return err_set(e, "scanning a line: vectorscan failed");
	/* Pattern order, whatever order the literals were found in. */
	if (s->ntodo > 1)
		qsort(s->todo, s->ntodo, sizeof(*s->todo), cmp_size);
	for (i = 0; i < s->ntodo; i++) {
		const struct mpat *p = &m->pat[s->todo[i]];
		uint32_t pairs, groups = 0;
		const size_t *ov;

		s->lit_seen[p->lit] = 0;
		if (rc)
			continue;   /* stopped: only reset the flags */
		if (pcre2_match(p->code, (PCRE2_SPTR)msg, len, 0, 0, s->md, m->mctx) < 0)
			continue;   /* no match, or over the backtracking budget */
		ov = pcre2_get_ovector_pointer(s->md);
		pairs = pcre2_get_ovector_count(s->md);
		pcre2_pattern_info(p->code, PCRE2_INFO_CAPTURECOUNT, &groups);
		matchmemo_add(s->memo, s->todo[i], ov, groups + 1 < pairs ? groups + 1 : pairs);
		if (report(m, s, s->todo[i], msg, len, line, ov, pairs, cb, arg))
			rc = 1;
	}
	if (!rc)
		matchmemo_commit(s->memo, msg, len);
	return rc;
}

/* ---- streams ---- */

static int on_block_literal(unsigned int id, unsigned long long from,
			    unsigned long long to, unsigned int flags, void *ctx)
{
	struct matcher_scratch *s = ctx;
	uint64_t bit = 1ULL << ((to - 1) & 63);

	(void)from;
	(void)flags;
	/* to >= 1: literals are never empty. Any order is fine. */
	s->hit_bits[(to - 1) >> 6] |= bit;
	if (s->m->lits[id].joins)
		s->join_bits[(to - 1) >> 6] |= bit;
	return 0;
}

/* Whether a literal that joins lines hit in [from, to) of the block. */
static int joins_in(const uint64_t *bits, size_t from, size_t to)
{
	size_t w, last;
	uint64_t mask;

	if (from >= to)
		return 0;
	last = (to - 1) >> 6;
	for (w = from >> 6; w <= last; w++) {
		mask = ~0ULL;
		if (w == from >> 6)
			mask &= ~0ULL << (from & 63);
		if (w == last && (to & 63))
			mask &= ~0ULL >> (64 - (to & 63));
		if (bits[w] & mask)
			return 1;
	}
	return 0;
}

/* The message at the line starting at start: joined with its neighbours
 * (logjoin.h) unless only single-line patterns' literals hit the line
 * from pos on (an earlier hit on it would have been looked at first). */
static size_t message_at(struct matcher_scratch *s, const char *buf, size_t len, size_t start,
			 size_t pos, size_t floor, struct logjoin_span *sp)
{
	const char *nl = memchr(buf + pos, '\n', len - pos);
	size_t end = nl ? (size_t)(nl - buf) : len;

	if (joins_in(s->join_bits, pos, end))
		return logjoin_message(buf, len, start, floor, sp, s->msg, LOGLINE_MAX, s->tmp);
	sp->first = start;
	sp->end = end;
	sp->lines = 1;
	return logline_normalise(buf + start, end - start > LOGLINE_MAX ? LOGLINE_MAX : end - start,
				 s->msg, LOGLINE_MAX);
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

/* Every line of buf[0..len) with a literal hit, in order: join its
 * logical message (logjoin.h), normalised, and confirm its patterns
 * there, reported at the message's first line; the message's other lines
 * are not looked at again. Clears every hit bit, even when stopped or
 * failing. 0, 1 stopped, -1. */
static int scan_hit_lines(const struct matcher *m, struct matcher_scratch *s,
			  const char *buf, size_t len, unsigned long first_no,
			  matcher_cb cb, void *arg, struct matcher_stats *st,
			  struct err *e)
{
	size_t w, pos, start, done_end = 0, cur_pos = 0, msg_len, prev_w = SIZE_MAX;
	unsigned long cur_no = first_no;
	struct logjoin_span sp;
	const char *ls;
	uint64_t word;
	int rc = 0;

	for (w = 0; w <= (len - 1) >> 6; w++) {
		word = s->hit_bits[w];
		if (!word)
			continue;
		s->hit_bits[w] = 0;
		/* join bits are read from a hit onwards only, so the previous
		 * word with hits (where any join bit is) is done with */
		if (prev_w != SIZE_MAX)
			s->join_bits[prev_w] = 0;
		prev_w = w;
		while (word && rc == 0) {
			pos = (w << 6) + (size_t)__builtin_ctzll(word);
			word &= word - 1;
			if (pos < done_end)
				continue;   /* in the line just looked at */
			ls = memrchr(buf + done_end, '\n', pos - done_end);
			start = ls ? (size_t)(ls - buf) + 1 : done_end;
			msg_len = message_at(s, buf, len, start, pos, done_end, &sp);
			cur_no += logline_count_newlines(buf + cur_pos, sp.first - cur_pos);
			cur_pos = sp.first;
			done_end = sp.end < len ? sp.end + 1 : sp.end;
			st->candidates++;
			/* the message's first line, as the log has it */
			s->prefix = buf + sp.first;
			s->prefix_len = logline_prefix_len(buf + sp.first,
							   len - sp.first < 128 ? len - sp.first : 128);
			rc = matcher_scan_line(m, s, s->msg, msg_len, cur_no, cb, arg, e);
			s->prefix = NULL;
			s->prefix_len = 0;
		}
	}
	if (prev_w != SIZE_MAX)
		s->join_bits[prev_w] = 0;
	return rc;
}

int matcher_scan_stream(const struct matcher *m, struct matcher_scratch *s,
			FILE *fp, matcher_cb cb, void *arg,
			struct matcher_stats *st, struct err *e)
{
	return matcher_scan_stream_until(m, s, fp, 0, cb, arg, st, e);
}

int matcher_scan_stream_until(const struct matcher *m, struct matcher_scratch *s,
			      FILE *fp, double deadline_ms, matcher_cb cb, void *arg,
			      struct matcher_stats *st, struct err *e)
{
	struct matcher_scratch *own = NULL;
	struct logline_reader *r = NULL;
	struct logline_block b;
	struct matcher_stats local = { 0, 0, 0, 0 };
	struct count_arg ca;
	const char *buf;
	size_t len;
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
	if (!s->clean)
		s->clean = malloc(LOGLINE_BUF_SIZE);
	if (!s->tmp)
		s->tmp = malloc(LOGLINE_MAX);
	if (!s->hit_bits)
		s->hit_bits = calloc(HIT_WORDS, sizeof(*s->hit_bits));
	if (!s->join_bits)
		s->join_bits = calloc(HIT_WORDS, sizeof(*s->join_bits));
	if (!s->clean || !s->tmp || !s->hit_bits || !s->join_bits) {
		err_set(e, "scanning log: out of memory");
		goto cleanup;
	}
	if (logline_reader_new(&r, fp, e) < 0)
		goto cleanup;
	logline_reader_set_deadline(r, deadline_ms);
	logline_reader_set_boundary(r, logjoin_boundary, s->tmp);
	ca.cb = cb;
	ca.arg = arg;
	ca.st = st;
	rc = 0;
	while (rc == 0) {
		got = logline_next_block(r, &b, e);
		if (got <= 0) {
			rc = got == LOGLINE_DEADLINE ? MATCHER_DEADLINE : got;
			break;
		}
		if (!m->lit_db)
			continue;
		buf = b.text;
		len = b.len;
		if (bytescan_find2(b.text, b.len, 0x1b, '\r')) {
			len = logline_clean_block(b.text, b.len, s->clean);
			buf = s->clean;
		}
		if (len == 0)
			continue;
		if (hs_scan(m->lit_db, buf, (unsigned int)len, 0, s->hs,
			    on_block_literal, s) != HS_SUCCESS) {
			rc = err_set(e, "scanning log: vectorscan failed");
			break;
		}
		rc = scan_hit_lines(m, s, buf, len, b.first_no, count_cb, &ca, st, e);
	}
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

/* ---- backend ---- */

static char backend[96];
static once_flag backend_once = ONCE_FLAG_INIT;

static void backend_init(void)
{
	char pver[64] = "";
	struct err e = ERR_INIT;
	const char *hv = hslib_load(&e) == 0 ? hs_version() : "unavailable";
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
