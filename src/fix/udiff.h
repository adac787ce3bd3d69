/* udiff.h — a unified diff of two texts, as `diff -u` prints it.
 *
 *   --- a/<name>
 *   +++ b/<name>
 *   @@ -l,s +l,s @@
 *    context
 *   -old
 *   +new
 *   \ No newline at end of file
 *
 * Hunks carry UDIFF_CONTEXT lines of context; two changes with at most
 * 2 * UDIFF_CONTEXT unchanged lines between them share a hunk; a range
 * of one line prints as "l", an empty one as "l,0" with l the line
 * before it (GNU diff's forms, which patch(1) expects); within a run of
 * changed lines the removed ones come first. The edit is a minimal one
 * (Myers' O(ND) algorithm on lines), and each run of changes is then
 * slid as GNU diff slides it: back to merge with an earlier run, forward
 * as far as the lines allow, then back again to line up with a change in
 * the other text. When two minimal edits differ by more than a slide,
 * the one chosen can differ from GNU diff's; it is still minimal and
 * `patch` applies it (tests/unit/t-fix-udiff.c measures both against
 * diff -u on random edits).
 *
 * Lines are compared with their newline, so a last line without one
 * differs from the same line with one. Inputs may hold any bytes (NULs
 * included). Edits larger than UDIFF_MAX_EDITS lines (after the common
 * head and tail are cut) are shown as every remaining line removed and
 * added, still a correct diff. The diff shows the texts as given: mask
 * secrets first (fix/masktext.h). Pure: safe to fuzz. */
#ifndef FIXKB_FIX_UDIFF_H
#define FIXKB_FIX_UDIFF_H

#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"

#define UDIFF_CONTEXT 3
#define UDIFF_MAX_EDITS 2000

/* Appends the diff of a → b to out (nothing when they are equal), with
 * headers "--- a/<name>" and "+++ b/<name>". Returns the number of hunks,
 * or -1 with a message (out of memory, out's cap). */
int udiff_text(struct buf *out, const char *name, const char *a, size_t alen, const char *b,
	       size_t blen, struct err *e);

#endif
