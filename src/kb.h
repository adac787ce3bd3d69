/* kb.h — the knowledge base: loading, validation and typed access.
 *
 * An entry is one JSON file, kb/<category>/<slug>.json (docs/kb-format.md).
 * Every entry is validated against the schema compiled into the binary
 * (kb/schema.json, embedded; a schema.json inside a kb directory is not
 * consulted, so the typed accessors can rely on it) and then checked
 * semantically (kb_check.c): id equals path, cause is a cause code, probe
 * and action names exist, workaround ids are unique, command placeholders
 * are known, conditions name a tied probe or a context fact, a signature's
 * "also" lists neither its own entry nor one twice and its priors add up to
 * at most 1; once every entry is in, each "also" must name an existing
 * entry of another cause (kb_load.c links them). kb lint (the
 * *_lint loaders, kb_check_text) also compiles every signature exactly as
 * explain runs it and runs its examples through the matcher
 * (sigcompile.h sig_check); kb_load leaves that to explain, whose own
 * compile names a signature it cannot run by file and JSON pointer.
 *
 * The embedded KB is checked at build time (src/kbgen.c runs the *_lint
 * loader on it and fails the build on any problem) and compiled into the
 * binary as its typed view (kb_compact.h), so kb_load_embedded copies
 * that view instead of parsing, validating and building: each entry's
 * JSON document is parsed only when kb_entry_json asks for it. A KB read
 * from a directory ($FIXKB_KB_DIR, the installed one) can be edited, so
 * it is always validated as above.
 *
 * Files: kb.c (the struct, its memory, access), kb_load.c (directory,
 * installed, the embedded texts for lint), kb_compact.c (the embedded
 * typed view; kb_load), kb_build.c (the typed view), kb_check.c (checks),
 * kb_emit.c (the typed view as C, for kbgen).
 *
 * Ownership: struct kb owns every parsed document and every array below;
 * each const char * in the structs is borrowed from a json_t the kb owns
 * (or from the binary's constant data) and lives until kb_free(). Nothing
 * here prints. */
#ifndef FIXKB_SRC_KB_H
#define FIXKB_SRC_KB_H

#include <jansson.h>
#include <stddef.h>

#include "util/err.h"
#include "util/settings.h"

#define KB_FILE_MAX (1024 * 1024)   /* bigger entry files are rejected */

/* A bilingual text; zh may equal en (the seed's "中文步骤" are English).
 * Both NULL for an absent optional text. */
struct kb_text {
	const char *en;
	const char *zh;
};

/* Bilingual lists of lines (workaround steps). */
struct kb_lines {
	const char **en;
	size_t n_en;
	const char **zh;
	size_t n_zh;
};

enum kb_effect { KB_INDICATED, KB_NOT_APPLICABLE };

/* One condition of a workaround: a probe condition (probe set; status,
 * code and evidence optional), a context condition (context set), or a
 * fact about this machine (env: a variable set or not; program: on $PATH
 * or not). It holds when the probe ran with that status and code and its
 * evidence object has every key/value of `evidence` (top level, equal
 * JSON values), when the context fact is present, or when the machine
 * is so (rank.h: only when the evidence comes from this machine). */
struct kb_condition {
	const char *probe;
	const char *status;       /* "ok", "warn", "fail", "skip", "error" or NULL */
	const char *code;         /* or NULL */
	const json_t *evidence;   /* object, or NULL */
	const char *context;      /* a fact from kb_context_facts, or NULL */
	const char *env;          /* a variable name, or NULL; with env_set */
	int env_set;              /* 1: holds when env is set (non-empty); 0: when it is not */
	const char *program;      /* a program name ({helper} allowed), or NULL; with on_path */
	int on_path;              /* 1: holds when program is on $PATH; 0: when it is not */
	enum kb_effect effect;
	struct kb_text why;
};

struct kb_workaround {
	const char *id;
	const char *provenance;       /* "ai_generated", "fixkb", "human" */
	double success;               /* 0..1 */
	const char *success_source;   /* "seed", "estimate", "documented: <url>" */
	struct kb_text title;
	struct kb_lines steps;
	const char *command;          /* shell line with placeholders (kb-format.md), or NULL */
	struct kb_lines requires;     /* printed before the command; n_en 0: none */
	const char *action;           /* a name from actions.h, or NULL */
	struct kb_text notes;         /* fixkb's review of the workaround, or NULLs */
	/* The seed's text kept as history ("wrong_as_written"), never
	 * offered: rank leaves it out, kb show shows it beside
	 * superseded_by. NULL: a workaround to offer. */
	const char *history;
	const char *superseded_by;
	struct kb_condition *conditions;
	size_t n_conditions;
};

struct kb_dead_end {
	struct kb_text what;
	double fail;                  /* 0..1 */
	struct kb_text why;
	const char *provenance;       /* or NULL */
	struct kb_text notes;         /* or NULLs */
};

struct kb_version {
	const char *name;
	const char *status;
	const char *introduced;       /* NULL shows as "—" */
	const char *deprecated;
	const char *notes;
};

struct kb_entry;

/* Another cause a signature's message supports: the entry with that id. */
struct kb_also {
	const char *id;                /* "<category>/<slug>" */
	const struct kb_entry *entry;  /* resolved once every entry is loaded */
	double prior;                  /* 0..1 */
};

/* A signature may support more than its entry's cause: `prior` says how
 * often its message means the entry's cause, `also` lists the other
 * entries (causes) the same message supports, each with its prior (what
 * the printing clients' code proves: BuildKit says "failed to fetch oauth
 * token" only when it sent credentials, so that message never supports
 * no_credentials). explain turns one match into one finding per cause,
 * ranked by prior. `source` names where the text comes from: the
 * printing tool's file and function, or "reports:" and two independent
 * reports for a vendor's server text. */
struct kb_signature {
	const char *literal;          /* must occur in any matching line */
	const char *regex;            /* PCRE2, groups numbered from 1 (sigcompile.h) */
	int cap_registry;             /* capture group numbers, 0 = none */
	int cap_status;
	int cap_url;
	const char **examples;        /* log lines the regex must match */
	size_t n_examples;
	const char *source;           /* where the text comes from */
	double prior;                 /* 0..1, or < 0: the entry's confidence */
	struct kb_also *also;
	size_t n_also;
};

struct kb_entry {
	const char *id;               /* "<category>/<slug>" */
	const char *path;             /* the file it came from (or "embedded:<rel>") */
	const char *code;
	struct kb_text title;
	const char *cause;            /* a code from cause.h */
	const char *provenance;
	const char *status;
	double fix_rate;
	double confidence;
	long long evidence;
	const char *first_seen;       /* YYYY-MM-DD */
	struct kb_text root_cause;
	struct kb_text review;        /* fixkb's notes on the entry, or NULLs */
	const char **tags;
	size_t n_tags;
	const char **docs;
	size_t n_docs;
	const char **probes;
	size_t n_probes;
	struct kb_version *versions;
	size_t n_versions;
	struct kb_signature *signatures;
	size_t n_signatures;
	struct kb_workaround *workarounds;
	size_t n_workarounds;
	struct kb_dead_end *dead_ends;
	size_t n_dead_ends;
	/* The whole entry as written (bilingual): kb_entry_json(). */
};

struct kb;

/* The context facts a condition may name ("base_image_pull", "ci",
 * "github_actions", ...): whoever ranks (explain, doctor) supplies the
 * facts that hold. Terminated by a row with a NULL name. */
struct kb_fact {
	const char *name;
	const char *meaning;
};
extern const struct kb_fact kb_context_facts[];
int kb_context_fact_known(const char *fact);

/* Resolves and loads the KB: $FIXKB_KB_DIR if set and non-empty, else the
 * installed directory (FIXKB_INSTALLED_KB_DIR) if it exists, else the copy
 * embedded in the binary (checked when it was built). Any invalid entry
 * of a directory fails the load, naming the file and field (signatures
 * are not compiled: see above). A directory whose entry files are the
 * embedded texts byte for byte, with nothing else kb_load_dir would
 * report (an unedited installed KB), gets the embedded typed view with
 * its own paths, without parsing. *out belongs to the caller (kb_free). */
int kb_load(struct kb **out, struct err *e);

/* Called once per problem with the file, the field (a JSON pointer such as
 * "/workarounds/0/action", or "/" for the whole file) and the problem. */
typedef void (*kb_problem_fn)(void *ctx, const char *file, const char *field,
			      const char *problem);

/* Loads every <category>/<slug>.json under dir (for `kb lint`). Every
 * problem goes to fn (may be NULL); returns 0 when all entries are valid,
 * else -1 with the first problem in e. On -1, *out is still set when
 * the directory could be read (holding the valid entries) so lint can
 * count them; the caller frees it either way. */
int kb_load_dir(struct kb **out, const char *dir, kb_problem_fn fn, void *ctx,
		struct err *e);

/* The embedded copy only: its typed view, built and checked with the
 * binary (kb_compact.h); fails only when out of memory. */
int kb_load_embedded(struct kb **out, struct err *e);
/* 1 when kb_load_dir(dir) would load exactly the embedded texts: the
 * same <category>/<slug>.json files, byte for byte, and nothing it would
 * report (an entry outside a category, a nested directory); else 0,
 * also when something cannot be read. kb_load takes the embedded view
 * for such a directory. */
int kb_dir_is_embedded(const char *dir);

/* kb lint: kb_load_dir and kb_load_embedded plus the signature checks
 * (compiled as explain compiles them, examples run through the matcher).
 * The embedded one reports its problems through fn too. */
int kb_load_dir_lint(struct kb **out, const char *dir, kb_problem_fn fn, void *ctx,
		     struct err *e);
int kb_load_embedded_lint(struct kb **out, kb_problem_fn fn, void *ctx, struct err *e);

/* Validates one entry's text as kb lint would, as if it were the file
 * <rel> ("cat/slug.json") of a kb directory; reports through fn. Returns
 * the number of problems. For tests and tools. */
size_t kb_check_text(const char *rel, const char *text, size_t len, kb_problem_fn fn,
		     void *ctx);

void kb_free(struct kb *kb);

/* SHA-256 (64 hex digits and a NUL into out) of every entry in id order,
 * each as "<id>\n" and its JSON with sorted keys, compact, then "\n":
 * equal for the embedded, installed and FIXKB_KB_DIR copies of one kb,
 * whatever their file layout. The compiled embedded view carries it from
 * the build (kbgen computes it with this function); any other kb is
 * hashed here, parsing every entry's document. 0, or -1 when out of
 * memory. */
int kb_digest(const struct kb *kb, char out[65]);

/* Where the KB came from: "FIXKB_KB_DIR /path", "installed /usr/...",
 * "embedded, N entries". Borrowed. */
const char *kb_origin(const struct kb *kb);

/* Entries sorted by id. */
size_t kb_count(const struct kb *kb);
const struct kb_entry *kb_entry_at(const struct kb *kb, size_t i);
const struct kb_entry *kb_find(const struct kb *kb, const char *id);
/* The entry for a cause: the first (by id) whose cause matches and whose
 * probes include `probe`; failing that (or with probe NULL) the first
 * with that cause; NULL if no entry has it. */
const struct kb_entry *kb_find_by_cause(const struct kb *kb, const char *cause,
					const char *probe);
/* Does the entry tie this probe? */
int kb_entry_has_probe(const struct kb_entry *en, const char *probe);
/* The whole entry as written (bilingual), borrowed from kb; en must be
 * one of kb's entries. The embedded KB parses it on the first call (the
 * text passed the checks when the binary was built). NULL when en is not
 * kb's or out of memory. */
const json_t *kb_entry_json(const struct kb *kb, const struct kb_entry *en);

/* ---- building a kb: for the loaders (kb_load.c, kb_build.c) only ---- */

struct kb *kb_new(void);                       /* NULL on OOM; kb_free it */
/* Zeroed memory that lives as long as the kb; NULL on OOM. */
void *kb_alloc(struct kb *kb, size_t n, size_t size);
char *kb_strdup(struct kb *kb, const char *s);
/* Room for one more entry (zeroed, not yet counted); NULL on OOM. Valid
 * until the next kb_entry_slot. */
struct kb_entry *kb_entry_slot(struct kb *kb);
/* The slot, filled from doc, becomes the next entry; the kb keeps a
 * reference to doc. */
void kb_entry_commit(struct kb *kb, json_t *doc);
/* The slot becomes the next entry whose document is the JSON text
 * (borrowed: static data), parsed by kb_entry_json on first use. */
void kb_entry_commit_text(struct kb *kb, const char *text, size_t len);
/* The kb keeps a reference to doc until kb_free (documents its entries
 * borrow from, beyond their own); 0, or -1 when out of memory. */
int kb_keep_json(struct kb *kb, json_t *doc);
void kb_sort(struct kb *kb);                   /* by id */
/* Entry i, to fill in what needs every entry loaded (kb_load.c's links). */
struct kb_entry *kb_entry_mut(struct kb *kb, size_t i);
void kb_set_origin(struct kb *kb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* kb_digest's answer, known in advance (borrowed: static data). */
void kb_set_digest(struct kb *kb, const char *hex);

/* The text in lang; zh falls back to en when absent. NULL when both are. */
const char *kb_text_get(const struct kb_text *t, enum out_lang lang);

/* A deep copy of json in which every {"en": …, "zh": …} object is
 * replaced by its value in lang. New reference, owned by the caller. */
json_t *kb_json_resolve_lang(const json_t *json, enum out_lang lang);

#endif
