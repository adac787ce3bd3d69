#include "matchmemo.h"

#include <string.h>

int matchmemo_same(const struct matchmemo *m, const char *msg, size_t len)
{
	return m->valid && m->len == len && memcmp(m->msg, msg, len) == 0;
}

void matchmemo_begin(struct matchmemo *m, size_t len)
{
	m->valid = 0;
	m->n = 0;
	m->keep = len <= MATCHMEMO_MSG_MAX;
}

void matchmemo_add(struct matchmemo *m, size_t pattern, const size_t *ov, uint32_t pairs)
{
	struct matchmemo_hit *h;

	if (!m->keep)
		return;
	if (m->n == MATCHMEMO_HITS || pairs > MATCHMEMO_PAIRS) {
		m->keep = 0;
		return;
	}
	h = &m->hits[m->n++];
	h->pattern = pattern;
	h->pairs = pairs;
	memcpy(h->ov, ov, 2 * pairs * sizeof(*ov));
}

void matchmemo_commit(struct matchmemo *m, const char *msg, size_t len)
{
	if (!m->keep || len > MATCHMEMO_MSG_MAX)
		return;
	memcpy(m->msg, msg, len);
	m->len = len;
	m->valid = 1;
}
