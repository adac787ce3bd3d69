/* jsonmemo.c — see jsonmemo.h. A slot keeps a copy of the text it was
 * parsed from: a hit is an exact match (length, flags, bytes; memcmp of a
 * few KiB costs far less than hashing them would save). */
#include "util/jsonmemo.h"

#include <stdlib.h>
#include <string.h>

struct slot {
	char *text;      /* owned copy, wiped on release; NULL: empty slot */
	size_t len, flags;
	json_t *doc;
};

static struct slot slots[JSONMEMO_SLOTS];
static size_t next_slot;
static int at_exit;

static void slot_release(struct slot *s)
{
	if (s->text) {
		explicit_bzero(s->text, s->len);
		free(s->text);
	}
	json_decref(s->doc);
	memset(s, 0, sizeof(*s));
}

json_t *jsonmemo_loadb(const char *text, size_t len, size_t flags, json_error_t *je)
{
	struct slot *s;
	json_t *doc;
	size_t i;

	if (len > JSONMEMO_TEXT_MAX)
		return json_loadb(text, len, flags, je);
	if (!at_exit)
		at_exit = atexit(jsonmemo_clear) == 0 ? 1 : -1;
	for (i = 0; i < JSONMEMO_SLOTS; i++) {
		s = &slots[i];
		if (s->doc && s->len == len && s->flags == flags &&
		    memcmp(s->text, text, len) == 0)
			return json_incref(s->doc);
	}
	doc = json_loadb(text, len, flags, je);
	if (!doc || at_exit < 0)
		return doc;   /* without the atexit wipe, nothing is kept */
	s = &slots[next_slot];
	slot_release(s);
	s->text = malloc(len ? len : 1);
	if (!s->text)
		return doc;   /* not remembered */
	memcpy(s->text, text, len);
	s->len = len;
	s->flags = flags;
	s->doc = json_incref(doc);
	next_slot = (next_slot + 1) % JSONMEMO_SLOTS;
	return doc;
}

void jsonmemo_clear(void)
{
	size_t i;

	for (i = 0; i < JSONMEMO_SLOTS; i++)
		slot_release(&slots[i]);
	next_slot = 0;
}
