#include "fix/udiff.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* One text cut into lines; each line keeps its newline. ch[] and eq[]
 * are 1-based with a zero sentinel at 0 and n + 1. */
struct side {
	size_t n;
	const char **p;
	size_t *len;
	size_t *eq;        /* equivalence class: equal lines, equal numbers */
	unsigned char *ch; /* changed (removed from a, added in b) */
};

static int split_lines(struct side *s, const char *t, size_t len)
{
	size_t i, n = 0, start = 0;

	for (i = 0; i < len; i++)
		n += t[i] == '\n';
	n += len && t[len - 1] != '\n';
	s->n = n;
	s->p = calloc(n + 1, sizeof(*s->p));
	s->len = calloc(n + 1, sizeof(*s->len));
	s->eq = calloc(n + 2, sizeof(*s->eq));
	s->ch = calloc(n + 2, 1);
	if (!s->p || !s->len || !s->eq || !s->ch)
		return -1;
	for (i = 0, n = 0; i < len; i++) {
		if (t[i] == '\n' || i + 1 == len) {
			s->p[n] = t + start;
			s->len[n++] = i + 1 - start;
			start = i + 1;
		}
	}
	return 0;
}

static void side_release(struct side *s)
{
	free(s->p);
	free(s->len);
	free(s->eq);
	free(s->ch);
}

static uint64_t line_hash(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
	return h;
}

/* Numbers the distinct lines of both sides (open addressing on a hash). */
static int classify(struct side *a, struct side *b)
{
	size_t cap = 16, total = a->n + b->n, i, h, next = 1;
	struct { const char *p; size_t len, id; } *tab;
	struct side *s;
	int k;

	while (cap < 2 * total + 2)
		cap *= 2;
	tab = calloc(cap, sizeof(*tab));
	if (!tab)
		return -1;
	for (k = 0; k < 2; k++) {
		s = k ? b : a;
		for (i = 0; i < s->n; i++) {
			h = (size_t)line_hash(s->p[i], s->len[i]) & (cap - 1);
			while (tab[h].id && (tab[h].len != s->len[i] ||
					     memcmp(tab[h].p, s->p[i], s->len[i]) != 0))
				h = (h + 1) & (cap - 1);
			if (!tab[h].id) {
				tab[h].p = s->p[i];
				tab[h].len = s->len[i];
				tab[h].id = next++;
			}
			s->eq[i + 1] = tab[h].id;
		}
	}
	free(tab);
	return 0;
}

/* ---- Myers' greedy O(ND) search on a[lo..), b[lo..) ---- */

struct core {
	const size_t *a, *b;   /* eq classes, 0-based views */
	long n, m;
};

/* The trace keeps, for each d, the furthest x on each diagonal k of d's
 * parity (k = -d, -d+2, .., d): row d starts at d(d+1)/2. */
static size_t row_at(long d)
{
	return (size_t)d * (size_t)(d + 1) / 2;
}

static long trace_x(const int *trace, long d, long k)
{
	return trace[row_at(d) + (size_t)((k + d) / 2)];
}

/* Follows the trace back from (n, m), marking the removed and added lines. */
static void backtrack(const struct core *c, const int *trace, long d, unsigned char *cha,
		      unsigned char *chb)
{
	long x = c->n, y = c->m, k, pk, px;

	for (; d > 0; d--) {
		k = x - y;
		if (k == -d || (k != d && trace_x(trace, d - 1, k - 1) < trace_x(trace, d - 1, k + 1)))
			pk = k + 1;
		else
			pk = k - 1;
		px = trace_x(trace, d - 1, pk);
		if (pk == k + 1)
			chb[px - pk] = 1;   /* came down: b[prev_y] added */
		else
			cha[px] = 1;        /* came right: a[prev_x] removed */
		x = px;
		y = px - pk;
	}
}

/* trace grows to hold rows 0..d. */
static int trace_grow(int **trace, size_t *cap, long d)
{
	size_t want = row_at(d + 1), ncap = *cap ? *cap : 64;
	int *t;

	if (want <= *cap)
		return 0;
	while (ncap < want)
		ncap *= 2;
	t = realloc(*trace, ncap * sizeof(int));
	if (!t)
		return -1;
	*trace = t;
	*cap = ncap;
	return 0;
}

/* 1 when an edit of at most max steps was found and marked, 0 when not,
 * -1 out of memory. */
static int myers(const struct core *c, unsigned char *cha, unsigned char *chb, long max)
{
	long d, k, x, y, off = max + 1, *v = calloc((size_t)(2 * max + 3), sizeof(long));
	int *trace = NULL;
	size_t cap = 0;
	int found = 0;

	if (!v)
		return -1;
	for (d = 0; d <= max && !found; d++) {
		if (trace_grow(&trace, &cap, d) < 0) {
			found = -1;
			break;
		}
		for (k = -d; k <= d; k += 2) {
			if (k == -d || (k != d && v[off + k - 1] < v[off + k + 1]))
				x = v[off + k + 1];
			else
				x = v[off + k - 1] + 1;
			y = x - k;
			while (x < c->n && y < c->m && c->a[x] == c->b[y])
				x++, y++;
			v[off + k] = x;
			trace[row_at(d) + (size_t)((k + d) / 2)] = (int)x;
			if (x >= c->n && y >= c->m)
				found = 1;
		}
		if (found)
			backtrack(c, trace, d, cha, chb);
	}
	free(trace);
	free(v);
	return found;
}

/* Marks a minimal edit (or, past UDIFF_MAX_EDITS, everything between the
 * common head and tail). */
static int mark_changes(struct side *a, struct side *b)
{
	size_t pre = 0, suf = 0, i;
	struct core c;
	long max;
	int r;

	while (pre < a->n && pre < b->n && a->eq[pre + 1] == b->eq[pre + 1])
		pre++;
	while (suf < a->n - pre && suf < b->n - pre && a->eq[a->n - suf] == b->eq[b->n - suf])
		suf++;
	c.a = a->eq + 1 + pre;
	c.b = b->eq + 1 + pre;
	c.n = (long)(a->n - pre - suf);
	c.m = (long)(b->n - pre - suf);
	max = c.n + c.m < UDIFF_MAX_EDITS ? c.n + c.m : UDIFF_MAX_EDITS;
	r = myers(&c, a->ch + 1 + pre, b->ch + 1 + pre, max);
	if (r < 0)
		return -1;
	if (r == 0) {
		for (i = 0; i < (size_t)c.n; i++)
			a->ch[1 + pre + i] = 1;
		for (i = 0; i < (size_t)c.m; i++)
			b->ch[1 + pre + i] = 1;
	}
	return 0;
}

/* ---- sliding runs of changes, GNU diff's way ---- */

struct slider {
	struct side *s;       /* the side whose runs move */
	unsigned char *oc;    /* the other side's changes */
	size_t on;            /* the other side's line count */
	size_t i, j, start;   /* run is [start, i); j: the matching point in the other side */
};

/* j steps back over one unchanged line of the other side and the changed
 * ones before it. */
static void other_back(struct slider *t)
{
	do
		t->j--;
	while (t->j > 0 && t->oc[t->j]);
}

/* Moves the run [start, i) back while the line before it equals its last
 * line, merging with earlier runs. */
static void slide_back(struct slider *t)
{
	unsigned char *ch = t->s->ch;
	const size_t *eq = t->s->eq;

	while (t->start > 1 && eq[t->start - 1] == eq[t->i - 1]) {
		ch[--t->start] = 1;
		ch[--t->i] = 0;
		while (ch[t->start - 1])
			t->start--;
		other_back(t);
	}
}

/* Moves it forward while its first line equals the line after it;
 * returns where it last lined up with a run of the other side's changes
 * (n + 1: nowhere). */
static size_t slide_forward(struct slider *t)
{
	unsigned char *ch = t->s->ch;
	const size_t *eq = t->s->eq;
	size_t n = t->s->n, corresponding = t->j > 0 && t->oc[t->j - 1] ? t->i : n + 1;

	while (t->i <= n && eq[t->start] == eq[t->i]) {
		ch[t->start++] = 0;
		ch[t->i++] = 1;
		while (ch[t->i])
			t->i++;
		t->j++;
		while (t->j <= t->on && t->oc[t->j]) {
			t->j++;
			corresponding = t->i;
		}
	}
	return corresponding;
}

static void slide_runs(struct side *s, struct side *o)
{
	struct slider t = { s, o->ch, o->n, 1, 1, 0 };
	size_t runlength, corresponding;

	for (;;) {
		while (t.i <= s->n && !s->ch[t.i]) {
			while (t.j <= o->n && o->ch[t.j])
				t.j++;
			t.j++;
			t.i++;
		}
		if (t.i > s->n)
			break;
		t.start = t.i;
		while (s->ch[t.i])
			t.i++;
		while (t.j <= o->n && o->ch[t.j])
			t.j++;
		do {
			runlength = t.i - t.start;
			slide_back(&t);
			corresponding = slide_forward(&t);
		} while (runlength != t.i - t.start);
		while (corresponding < t.i) {
			s->ch[--t.start] = 1;
			s->ch[--t.i] = 0;
			other_back(&t);
		}
	}
}

/* ---- hunks ---- */

struct change {
	size_t a, del, b, ins;   /* 0-based starts and counts */
};

static int collect(struct change **out, size_t *nout, const struct side *a, const struct side *b)
{
	size_t i = 1, j = 1, cap = 0;
	struct change c, *nv;

	*out = NULL;
	*nout = 0;
	while (i <= a->n || j <= b->n) {
		if (i <= a->n && j <= b->n && !a->ch[i] && !b->ch[j]) {
			i++, j++;
			continue;
		}
		c.a = i - 1;
		c.b = j - 1;
		while (i <= a->n && a->ch[i])
			i++;
		while (j <= b->n && b->ch[j])
			j++;
		c.del = i - 1 - c.a;
		c.ins = j - 1 - c.b;
		if (*nout == cap) {
			cap = cap ? 2 * cap : 16;
			nv = realloc(*out, cap * sizeof(*nv));
			if (!nv)
				return -1;
			*out = nv;
		}
		(*out)[(*nout)++] = c;
	}
	return 0;
}

static int put_range(struct buf *o, size_t lo, size_t count)
{
	if (count == 0)
		return buf_appendf(o, "%zu,0", lo);
	if (count == 1)
		return buf_appendf(o, "%zu", lo + 1);
	return buf_appendf(o, "%zu,%zu", lo + 1, count);
}

static int put_line(struct buf *o, char mark, const char *p, size_t len)
{
	if (buf_append(o, &mark, 1) < 0 || buf_append(o, p, len) < 0)
		return -1;
	if (len == 0 || p[len - 1] != '\n')
		return buf_appends(o, "\n\\ No newline at end of file\n");
	return 0;
}

/* One hunk made of changes cs[0..k). */
static int put_hunk(struct buf *o, const struct side *a, const struct side *b,
		    const struct change *cs, size_t k)
{
	const struct change *first = &cs[0], *last = &cs[k - 1];
	size_t alo = first->a > UDIFF_CONTEXT ? first->a - UDIFF_CONTEXT : 0;
	size_t ahi = last->a + last->del + UDIFF_CONTEXT < a->n ? last->a + last->del + UDIFF_CONTEXT : a->n;
	size_t blo = alo + first->b - first->a, bhi = ahi + (last->b + last->ins) - (last->a + last->del);
	size_t x = alo, c, y;

	if (buf_appends(o, "@@ -") < 0 || put_range(o, alo, ahi - alo) < 0 ||
	    buf_appends(o, " +") < 0 || put_range(o, blo, bhi - blo) < 0 || buf_appends(o, " @@\n") < 0)
		return -1;
	for (c = 0; c <= k; c++) {
		size_t upto = c < k ? cs[c].a : ahi;

		for (; x < upto; x++)
			if (put_line(o, ' ', a->p[x], a->len[x]) < 0)
				return -1;
		if (c == k)
			break;
		for (y = 0; y < cs[c].del; y++, x++)
			if (put_line(o, '-', a->p[x], a->len[x]) < 0)
				return -1;
		for (y = 0; y < cs[c].ins; y++)
			if (put_line(o, '+', b->p[cs[c].b + y], b->len[cs[c].b + y]) < 0)
				return -1;
	}
	return 0;
}

static int put_hunks(struct buf *o, const char *name, const struct side *a,
		     const struct side *b, const struct change *cs, size_t n)
{
	size_t i = 0, k;
	int hunks = 0;

	if (n && buf_appendf(o, "--- a/%s\n+++ b/%s\n", name, name) < 0)
		return -1;
	while (i < n) {
		for (k = i + 1; k < n && cs[k].a - (cs[k - 1].a + cs[k - 1].del) <= 2 * UDIFF_CONTEXT; k++)
			;
		if (put_hunk(o, a, b, cs + i, k - i) < 0)
			return -1;
		hunks++;
		i = k;
	}
	return hunks;
}

int udiff_text(struct buf *out, const char *name, const char *a, size_t alen, const char *b,
	       size_t blen, struct err *e)
{
	struct side sa = { 0 }, sb = { 0 };
	struct change *cs = NULL;
	size_t n = 0;
	int rc = -1;

	if (split_lines(&sa, a, alen) < 0 || split_lines(&sb, b, blen) < 0 ||
	    classify(&sa, &sb) < 0 || mark_changes(&sa, &sb) < 0) {
		err_set(e, "diff of '%s': out of memory", name);
		goto cleanup;
	}
	slide_runs(&sa, &sb);
	slide_runs(&sb, &sa);
	if (collect(&cs, &n, &sa, &sb) < 0) {
		err_set(e, "diff of '%s': out of memory", name);
		goto cleanup;
	}
	rc = put_hunks(out, name, &sa, &sb, cs, n);
	if (rc < 0)
		err_set(e, out->truncated ? "diff of '%s': too large" : "diff of '%s': out of memory", name);
cleanup:
	free(cs);
	side_release(&sa);
	side_release(&sb);
	return rc;
}
