/* matchmemo.h — the last message the matcher confirmed, and what
 * matched in it. A log says the same thing many times: BuildKit prints
 * "[internal] load metadata for <image>" for every build step that
 * resolves it, a retry loop prints its error once per attempt, and after
 * the timestamps are cut those messages are byte for byte the same.
 * Matching is a pure function of the message, so a message equal to the
 * last one reuses its matches (pattern and capture offsets) instead of
 * running Vectorscan and PCRE2 again; the caller's callback still runs
 * for each line. Only short messages with few matches are kept. */
#ifndef FIXKB_SRC_MATCHMEMO_H
#define FIXKB_SRC_MATCHMEMO_H

#include <stddef.h>
#include <stdint.h>

#define MATCHMEMO_MSG_MAX 512
#define MATCHMEMO_HITS 8
#define MATCHMEMO_PAIRS 16

struct matchmemo_hit {
	size_t pattern;
	uint32_t pairs;                   /* of ov */
	size_t ov[2 * MATCHMEMO_PAIRS];   /* PCRE2's ovector for the message */
};

struct matchmemo {
	int valid;       /* msg[0..len) and hits describe one message */
	int keep;        /* the message being matched can still be kept */
	size_t len, n;
	char msg[MATCHMEMO_MSG_MAX];
	struct matchmemo_hit hits[MATCHMEMO_HITS];
};

/* Whether msg[0..len) is the kept message. */
int matchmemo_same(const struct matchmemo *m, const char *msg, size_t len);
/* A new message of len bytes is about to be matched: the old one is
 * dropped. */
void matchmemo_begin(struct matchmemo *m, size_t len);
/* One match in it (ov as PCRE2 left it, pairs pairs). */
void matchmemo_add(struct matchmemo *m, size_t pattern, const size_t *ov, uint32_t pairs);
/* Every pattern was tried on msg: keep it, unless it was too long or
 * had too many matches or groups. */
void matchmemo_commit(struct matchmemo *m, const char *msg, size_t len);

#endif
