/* outcomes.h — what happened each time fixkb applied a workaround, so the
 * knowledge base's success rates can stop being guesses.
 *
 * One JSON line per applied workaround in <statedir>/outcomes.jsonl
 * (fix/statedir.h: $XDG_STATE_HOME/fixkb, default ~/.local/state/fixkb):
 *
 *   {"entry":"cicd/docker-buildkit-ssh-auth-fail","workaround":"use-pat",
 *    "ok":true,"fixkb":"0.1.0","time":"2025-01-02T03:04:05Z"}
 *
 * Nothing else: no secret, no host name, no user, no path. The ids are
 * checked against the KB schema's patterns (entry "<category>/<slug>",
 * workaround "<slug>", both [a-z0-9-], kb/schema.json), so no free text
 * can slip in. The file is 0600 in a 0700 directory.
 *
 * Appending opens the file O_APPEND and writes each line with one
 * write(2): concurrent runs interleave whole lines, never parts of them
 * (O_APPEND makes the seek and the write one step on a local file). The
 * reader skips, and counts, lines it cannot use (cut short by a crash,
 * edited by hand, too long), so one bad line never hides the rest.
 * Ownership: outcomes_read's results belong to the struct; _release frees. */
#ifndef FIXKB_FIX_OUTCOMES_H
#define FIXKB_FIX_OUTCOMES_H

#include <stddef.h>

#include "util/err.h"

#define OUTCOMES_FILE "outcomes.jsonl"
/* Longer lines are skipped by the reader. */
#define OUTCOMES_LINE_MAX 1024
#define OUTCOMES_ID_MAX 128

struct outcomes_stat {
	char *entry;          /* owned */
	char *workaround;     /* owned */
	unsigned long runs;   /* times applied */
	unsigned long ok;     /* of which verified */
};

struct outcomes {
	struct outcomes_stat *v;   /* in order of first appearance */
	size_t n;
	unsigned long lines;       /* lines read */
	unsigned long skipped;     /* of which unusable */
};

#define OUTCOMES_INIT { NULL, 0, 0, 0 }

/* 1 when entry and workaround are ids the KB schema allows. */
int outcomes_ids_valid(const char *entry, const char *workaround);

/* <statedir>/outcomes.jsonl (not created). */
int outcomes_path(char *out, size_t n, struct err *e);

/* Appends one line to path (NULL: outcomes_path, its directory created
 * 0700). -1 for ids the schema does not allow, or with the path and
 * errno text. */
int outcomes_append(const char *path, const char *entry, const char *workaround, int ok,
		    struct err *e);

/* Sums path (NULL: outcomes_path) per (entry, workaround). A missing file
 * is an empty log (0). -1 only when the file exists and cannot be read. */
int outcomes_read(struct outcomes *o, const char *path, struct err *e);

/* The sums for one workaround, or NULL when it was never applied. */
const struct outcomes_stat *outcomes_find(const struct outcomes *o, const char *entry,
					  const char *workaround);

void outcomes_release(struct outcomes *o);

#endif
