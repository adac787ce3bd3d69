/* cmd_kb.c — list, show and lint the knowledge base. */
#include "cmd/cmd_kb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cause.h"
#include "cmd/cmd.h"
#include "cmd/cmd_kb_stats.h"
#include "config.h"
#include "kb.h"
#include "util/msg.h"
#include "rank.h"
#include "render/report.h"

#define WRAP_WIDTH 78

struct labels {
	const char *cause, *provenance, *status, *fix_rate, *confidence, *evidence,
		   *first_seen, *tags, *versions, *root_cause, *review, *docs, *probes,
		   *signatures, *workarounds, *dead_ends, *success, *fail, *note,
		   *indicated_when, *na_when, *action, *version_head, *requires, *history;
};

static const struct labels labels_en = {
	"cause", "provenance", "status", "fix rate", "confidence", "evidence",
	"first seen", "tags", "Versions", "Root cause", "fixkb review", "Docs", "Probes",
	"Signatures", "Workarounds", "Dead ends (don't bother)", "success", "fail", "note",
	"indicated when", "not applicable when", "fix action",
	"Version              Status      Introduced  Deprecated  Notes",
	"first", "history: the seed's text, kept as written; fixkb's review finds it wrong as "
	"written, so it is never offered: see",
};

static const struct labels labels_zh = {
	"原因", "来源", "状态", "修复率", "置信度", "证据数",
	"首次发现", "标签", "版本", "根本原因", "fixkb 审核", "官方文档", "关联探测",
	"错误特征", "解决方法", "无效做法(不必尝试)", "成功率", "失败率", "备注",
	"适用条件", "不适用条件", "修复动作",
	"版本                 状态        引入        弃用        备注",
	"前提", "历史:种子条目的原文,按原样保留;fixkb 审核认为按原文操作是错误的,因此从不推荐:请看",
};

static const struct labels *labels_for(const struct settings *s)
{
	return s->lang == LANG_ZH ? &labels_zh : &labels_en;
}

static void kb_usage(FILE *f)
{
	fprintf(f, "usage: fixkb kb list\n"
		"       fixkb kb show ID\n"
		"       fixkb kb lint [DIR]\n"
		"       fixkb kb stats\n\n"
		"The knowledge base: one JSON file per known failure (docs/kb-format.md).\n\n"
		"  list       every entry: id, code, cause, status, title\n"
		"  show ID    one entry: versions, root cause, docs, workarounds, dead ends\n"
		"  lint [DIR] validate every entry of DIR (default: the kb fixkb loads)\n"
		"             against kb/schema.json and the probe, action and cause tables;\n"
		"             prints 'file: field: problem' and exits 1 on any invalid entry\n"
		"  stats      each fix action's stated success rate beside what fixkb observed\n"
		"             applying it here (fixkb fix --apply records each verified result)\n\n"
		"global options: --format text|json, --lang en|zh, -v (where the kb came from)\n"
		"kb source: $FIXKB_KB_DIR, else %s if it exists, else the copy built into fixkb\n",
		FIXKB_INSTALLED_KB_DIR);
}

/* ---- text helpers ---- */

/* Prints text indented, wrapped at spaces; non-ASCII text (Chinese) is
 * printed on one line as is. */
static void print_wrapped(const char *indent, const char *text)
{
	size_t width = WRAP_WIDTH - strlen(indent), n;
	const char *p = text, *brk;

	for (brk = text; *brk; brk++) {
		if ((unsigned char)*brk >= 0x80) {
			/* byte widths mean nothing for CJK: let the terminal wrap */
			printf("%s%s\n", indent, text);
			return;
		}
	}
	while (*p) {
		n = strlen(p);
		if (n <= width) {
			printf("%s%s\n", indent, p);
			return;
		}
		brk = NULL;
		for (size_t i = width; i > 0; i--) {
			if (p[i] == ' ') {
				brk = p + i;
				break;
			}
		}
		if (!brk)
			brk = strchr(p + width, ' ');
		if (!brk) {
			printf("%s%s\n", indent, p);
			return;
		}
		printf("%s%.*s\n", indent, (int)(brk - p), p);
		p = brk + 1;
	}
}

/* "- text" wrapped, the continuation lines under the text. */
static void print_bullet(const char *bullet, const char *text)
{
	char indent[32];
	size_t n = strlen(bullet);

	snprintf(indent, sizeof(indent), "%*s", (int)(n < sizeof(indent) ? n : sizeof(indent) - 1), "");
	for (const char *p = text; *p; p++)
		if ((unsigned char)*p >= 0x80) {
			printf("%s%s\n", bullet, text);
			return;
		}
	printf("%s", bullet);
	/* the first line is printed after the bullet: wrap it like the rest */
	{
		size_t width = WRAP_WIDTH - n;
		const char *p = text, *brk = NULL;

		if (strlen(p) > width)
			for (size_t i = width; i > 0 && !brk; i--)
				if (p[i] == ' ')
					brk = p + i;
		if (!brk) {
			printf("%s\n", p);
			return;
		}
		printf("%.*s\n", (int)(brk - p), p);
		print_wrapped(indent, brk + 1);
	}
}

static const char *dash(const char *s)
{
	return s ? s : "—";
}

/* Prints s left-aligned in width columns (counting code points, so "—"
 * and CJK text pad like ASCII would; CJK glyphs are wider, close enough). */
static void print_cell(const char *s, int width)
{
	int n = 0;
	const char *p;

	for (p = s; *p; p++)
		if (((unsigned char)*p & 0xC0) != 0x80)
			n++;
	printf("%s%*s", s, n < width ? width - n : 1, "");
}

static void print_condition(const struct settings *s, const struct kb_condition *c)
{
	const struct labels *L = labels_for(s);
	char what[256];

	if (c->context) {
		snprintf(what, sizeof(what), "context %s", c->context);
	} else if (c->env) {
		snprintf(what, sizeof(what), "$%s %s", c->env, c->env_set ? "set" : "unset");
	} else if (c->program) {
		snprintf(what, sizeof(what), "%s %s", c->program,
			 c->on_path ? "on $PATH" : "not on $PATH");
	} else {
		int n = snprintf(what, sizeof(what), "%s", c->probe);

		if (c->status && n >= 0 && (size_t)n < sizeof(what))
			n += snprintf(what + n, sizeof(what) - (size_t)n, " %s", c->status);
		if (c->code && n >= 0 && (size_t)n < sizeof(what))
			n += snprintf(what + n, sizeof(what) - (size_t)n, " %s", c->code);
		if (c->evidence && n >= 0 && (size_t)n < sizeof(what)) {
			char *ev = json_dumps(c->evidence, JSON_COMPACT);

			snprintf(what + n, sizeof(what) - (size_t)n, " %s", ev ? ev : "");
			free(ev);
		}
	}
	printf("     %s %s: %s\n", c->effect == KB_INDICATED ? L->indicated_when : L->na_when,
	       what, kb_text_get(&c->why, s->lang));
}

static void print_attribution(const struct kb_workaround *w)
{
	if (strcmp(w->success_source, "seed") == 0)
		printf("[seed, %s]", w->provenance);
	else if (strcmp(w->provenance, "fixkb") == 0)
		printf("[fixkb, %s]", w->success_source);
	else
		printf("[%s, %s]", w->provenance, w->success_source);
}

static void print_workaround(const struct settings *s, const struct kb_workaround *w, size_t i)
{
	const struct labels *L = labels_for(s);
	const char **steps = s->lang == LANG_ZH ? w->steps.zh : w->steps.en;
	size_t n = s->lang == LANG_ZH ? w->steps.n_zh : w->steps.n_en, j;

	printf("  %zu. %3.0f%% %s  ", i + 1, w->success * 100, L->success);
	print_attribution(w);
	printf("  (%s)\n", w->id);
	if (w->history)
		printf("     %s %s\n", L->history, w->superseded_by);
	print_wrapped("     ", kb_text_get(&w->title, s->lang));
	for (j = 0; j < n; j++) {
		if (n == 1 && strcmp(steps[j], kb_text_get(&w->title, s->lang)) == 0)
			continue;   /* the seed repeats the title as its only step */
		print_bullet("     - ", steps[j]);
	}
	n = s->lang == LANG_ZH ? w->requires.n_zh : w->requires.n_en;
	for (j = 0; j < n; j++)
		printf("     %s: %s\n", L->requires,
		       (s->lang == LANG_ZH ? w->requires.zh : w->requires.en)[j]);
	if (w->command)
		printf("     $ %s\n", w->command);
	if (w->action)
		printf("     %s: %s (fixkb fix)\n", L->action, w->action);
	for (j = 0; j < w->n_conditions; j++)
		print_condition(s, &w->conditions[j]);
	if (w->notes.en) {
		printf("     %s:\n", L->note);
		print_wrapped("       ", kb_text_get(&w->notes, s->lang));
	}
}

static void print_entry_text(const struct settings *s, const struct kb_entry *en)
{
	const struct labels *L = labels_for(s);
	size_t i;

	printf("%s  %s\n", msg_bold(s, en->id), en->code);
	print_wrapped("", kb_text_get(&en->title, s->lang));
	printf("%s: %s", L->cause, en->cause);
	if (cause_describe(en->cause))
		printf(" (%s)", cause_describe(en->cause));
	printf("\n%s: %s · %s: %s · %s %.0f%% · %s %.0f%% · %s %lld · %s %s\n",
	       L->provenance, en->provenance, L->status, en->status,
	       L->fix_rate, en->fix_rate * 100, L->confidence, en->confidence * 100,
	       L->evidence, en->evidence, L->first_seen, en->first_seen);
	if (en->n_tags) {
		printf("%s:", L->tags);
		for (i = 0; i < en->n_tags; i++)
			printf(" %s", en->tags[i]);
		printf("\n");
	}
	if (en->n_versions) {
		printf("\n%s\n  %s\n", msg_bold(s, L->versions), L->version_head);
		for (i = 0; i < en->n_versions; i++) {
			const struct kb_version *v = &en->versions[i];

			printf("  ");
			print_cell(v->name, 21);
			print_cell(v->status, 12);
			print_cell(dash(v->introduced), 12);
			print_cell(dash(v->deprecated), 12);
			printf("%s\n", dash(v->notes));
		}
	}
	printf("\n%s\n", msg_bold(s, L->root_cause));
	print_wrapped("  ", kb_text_get(&en->root_cause, s->lang));
	if (en->review.en) {
		printf("\n%s\n", msg_bold(s, L->review));
		print_wrapped("  ", kb_text_get(&en->review, s->lang));
	}
	printf("\n%s\n", msg_bold(s, L->docs));
	for (i = 0; i < en->n_docs; i++)
		printf("  %s\n", en->docs[i]);
	if (en->n_probes) {
		printf("\n%s:", msg_bold(s, L->probes));
		for (i = 0; i < en->n_probes; i++)
			printf(" %s", en->probes[i]);
		printf("\n");
	}
	printf("\n%s\n", msg_bold(s, L->signatures));
	for (i = 0; i < en->n_signatures; i++)
		printf("  \"%s\"  /%s/\n", en->signatures[i].literal, en->signatures[i].regex);
	printf("\n%s\n", msg_bold(s, L->workarounds));
	for (i = 0; i < en->n_workarounds; i++)
		print_workaround(s, &en->workarounds[i], i);
	if (en->n_dead_ends) {
		printf("\n%s\n", msg_bold(s, L->dead_ends));
		for (i = 0; i < en->n_dead_ends; i++) {
			const struct kb_dead_end *d = &en->dead_ends[i];

			printf("  %s %3.0f%% %s  %s\n", msg_mark(s, MARK_FAIL), d->fail * 100, L->fail,
			       kb_text_get(&d->what, s->lang));
			print_wrapped("     ", kb_text_get(&d->why, s->lang));
			if (d->notes.en) {
				printf("     %s:\n", L->note);
				print_wrapped("       ", kb_text_get(&d->notes, s->lang));
			}
		}
	}
}

/* ---- subcommands ---- */

static json_t *doc_new(const char *command, const struct kb *kb)
{
	return json_pack("{s:s, s:s, s:s}", "fixkb", FIXKB_VERSION, "command", command,
			 "kb", kb_origin(kb));
}

static int print_doc(json_t *doc)
{
	int rc = doc && report_print_json(stdout, doc) == 0 ? EXIT_OK : msg_error("out of memory");

	json_decref(doc);
	return rc;
}

static int kb_list(const struct settings *s, struct kb *kb)
{
	json_t *doc, *arr;
	size_t i;

	if (s->format == FORMAT_JSON) {
		doc = doc_new("kb list", kb);
		arr = json_array();
		for (i = 0; doc && arr && i < kb_count(kb); i++) {
			const struct kb_entry *en = kb_entry_at(kb, i);

			json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I}",
				"id", en->id, "code", en->code, "cause", en->cause,
				"title", kb_text_get(&en->title, s->lang),
				"provenance", en->provenance, "status", en->status,
				"workarounds", (json_int_t)en->n_workarounds,
				"dead_ends", (json_int_t)en->n_dead_ends));
		}
		if (doc)
			json_object_set_new(doc, "entries", arr);
		else
			json_decref(arr);
		return print_doc(doc);
	}
	for (i = 0; i < kb_count(kb); i++) {
		const struct kb_entry *en = kb_entry_at(kb, i);

		printf("%-44s %-28s %-28s %s\n", en->id, en->code, en->cause,
		       kb_text_get(&en->title, s->lang));
	}
	printf("%zu entr%s (%s)\n", kb_count(kb), kb_count(kb) == 1 ? "y" : "ies", kb_origin(kb));
	return EXIT_OK;
}

static int kb_show(const struct settings *s, struct kb *kb, const char *id)
{
	const struct kb_entry *en = kb_find(kb, id);
	struct ranking r = RANKING_INIT;
	struct err e = ERR_INIT;
	const json_t *raw;
	json_t *doc;

	if (!en)
		return msg_usage("kb show: no entry '%s' (see 'fixkb kb list')", id);
	if (s->format != FORMAT_JSON) {
		print_entry_text(s, en);
		return EXIT_OK;
	}
	raw = kb_entry_json(kb, en);
	doc = raw ? doc_new("kb show", kb) : NULL;
	if (!doc)
		return msg_error("out of memory");
	/* With no evidence the ranking is the prior: success rate. */
	if (rank_workarounds(&r, en, NULL, 0, NULL, 0, s->lang, &e) < 0) {
		json_decref(doc);
		return msg_error("%s", e.msg);
	}
	json_object_set_new(doc, "lang", json_string(s->lang == LANG_ZH ? "zh" : "en"));
	json_object_set_new(doc, "entry", kb_json_resolve_lang(raw, s->lang));
	json_object_set_new(doc, "ranked", json_pack("{s:o, s:o}",
		"workarounds", rank_workarounds_json(&r),
		"dead_ends", rank_dead_ends_json(en, s->lang)));
	json_object_set_new(doc, "raw", json_deep_copy(raw));
	ranking_release(&r);
	return print_doc(doc);
}

struct lint_state {
	json_t *problems;   /* JSON output, or NULL for text */
	size_t n;
};

static void lint_problem(void *ctx, const char *file, const char *field, const char *problem)
{
	struct lint_state *ls = ctx;

	ls->n++;
	if (ls->problems)
		json_array_append_new(ls->problems, json_pack("{s:s, s:s, s:s}", "file", file,
							      "field", field, "problem", problem));
	else
		printf("%s: %s: %s\n", file, field, problem);
}

static int is_directory(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int kb_lint(const struct settings *s, const char *dir)
{
	struct lint_state ls = { NULL, 0 };
	struct kb *kb = NULL;
	struct err e = ERR_INIT;
	const char *env = getenv("FIXKB_KB_DIR"), *where;
	json_t *doc;
	int rc;

	if (!dir && env && env[0])
		dir = env;
	else if (!dir && is_directory(FIXKB_INSTALLED_KB_DIR))
		dir = FIXKB_INSTALLED_KB_DIR;
	if (dir && !is_directory(dir))
		return msg_error("kb lint: '%s' is not a directory", dir);
	if (s->format == FORMAT_JSON)
		ls.problems = json_array();
	if (dir)
		rc = kb_load_dir_lint(&kb, dir, lint_problem, &ls, &e);
	else
		rc = kb_load_embedded_lint(&kb, lint_problem, &ls, &e);
	if (rc < 0 && !kb) {
		json_decref(ls.problems);
		return msg_error("kb lint: %s", e.msg);
	}
	where = dir ? dir : kb_origin(kb);
	if (s->format == FORMAT_JSON) {
		doc = json_pack("{s:s, s:s, s:s, s:I, s:I, s:o}", "fixkb", FIXKB_VERSION,
				"command", "kb lint", "dir", where, "valid", (json_int_t)kb_count(kb),
				"problem_count", (json_int_t)ls.n, "problems", ls.problems);
		print_doc(doc);
	} else if (ls.n) {
		printf("kb lint: %zu problem%s; %zu valid entr%s in %s\n", ls.n, ls.n == 1 ? "" : "s",
		       kb_count(kb), kb_count(kb) == 1 ? "y" : "ies", where);
	} else {
		printf("kb lint: %zu entries valid (%s)\n", kb_count(kb), where);
	}
	kb_free(kb);
	return ls.n ? EXIT_PROBLEMS : EXIT_OK;
}

static int sub_help(const char *sub)
{
	if (strcmp(sub, "list") == 0)
		printf("usage: fixkb kb list [--format text|json] [--lang en|zh]\n\n"
		       "Lists every entry of the knowledge base: id, code, cause, title.\n");
	else if (strcmp(sub, "show") == 0)
		printf("usage: fixkb kb show ID [--format text|json] [--lang en|zh]\n\n"
		       "Shows one entry: versions, root cause, docs, signatures, workarounds with\n"
		       "their success rates, provenance and conditions, and the dead ends.\n"
		       "With --format json: \"entry\" (strings in --lang), \"ranked\" (the\n"
		       "workarounds ranked without evidence) and \"raw\" (the bilingual file).\n"
		       "Exits 2 for an unknown ID.\n");
	else if (strcmp(sub, "stats") == 0)
		printf("usage: fixkb kb stats [--format text|json]\n\n"
		       "For every workaround with a fix action (and any other fixkb applied), its\n"
		       "success rate as the entry states it, beside the verified results of\n"
		       "'fixkb fix --apply' on this machine, read from\n"
		       "$XDG_STATE_HOME/fixkb/outcomes.jsonl (one line per applied workaround:\n"
		       "entry, workaround, ok, fixkb version, time; no secret, no host).\n");
	else
		printf("usage: fixkb kb lint [DIR] [--format text|json]\n\n"
		       "Validates every DIR/<category>/<slug>.json against kb/schema.json (built\n"
		       "into fixkb) and the cause, probe and action tables, and compiles every\n"
		       "signature as explain runs it (PCRE2 through the matcher), each example\n"
		       "read as a log line. Prints one 'file: field: problem' line per problem\n"
		       "and exits 1 if there is any; exits 0 with the number of valid entries\n"
		       "otherwise. Without DIR it lints the kb fixkb would load ($FIXKB_KB_DIR,\n"
		       "installed, built in).\n");
	return EXIT_OK;
}

int cmd_kb(int argc, char **argv, const struct settings *s)
{
	const char *sub, *pos[2] = { NULL, NULL };
	struct kb *kb = NULL;
	struct err e = ERR_INIT;
	int npos = 0, i, rc;

	if (argc == 0) {
		kb_usage(msg_stream());
		return EXIT_USAGE;
	}
	sub = argv[0];
	if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0 || strcmp(sub, "help") == 0) {
		kb_usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(sub, "list") != 0 && strcmp(sub, "show") != 0 && strcmp(sub, "lint") != 0 &&
	    strcmp(sub, "stats") != 0)
		return msg_usage("kb: unknown subcommand '%s' (list, show, lint, stats)", sub);
	if (cmd_wants_help(argc - 1, argv + 1))
		return sub_help(sub);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			continue;
		if (argv[i][0] == '-' && argv[i][1])
			return msg_usage("kb %s: unknown option '%s'", sub, argv[i]);
		if (npos == 2)
			return msg_usage("kb %s: too many arguments", sub);
		pos[npos++] = argv[i];
	}
	if (strcmp(sub, "lint") == 0) {
		if (npos > 1)
			return msg_usage("kb lint: too many arguments (DIR)");
		return kb_lint(s, pos[0]);
	}
	if ((strcmp(sub, "list") == 0 || strcmp(sub, "stats") == 0) && npos > 0)
		return msg_usage("kb %s: unexpected argument '%s'", sub, pos[0]);
	if (strcmp(sub, "show") == 0 && npos != 1)
		return msg_usage("kb show: %s", npos ? "too many arguments (one ID)"
						     : "which entry? (fixkb kb show ID; see fixkb kb list)");
	if (kb_load(&kb, &e) < 0)
		return msg_error("loading the knowledge base: %s", e.msg);
	msg_verbose(s, "knowledge base: %s", kb_origin(kb));
	if (strcmp(sub, "list") == 0)
		rc = kb_list(s, kb);
	else if (strcmp(sub, "stats") == 0)
		rc = cmd_kb_stats(s, kb);
	else
		rc = kb_show(s, kb, pos[0]);
	kb_free(kb);
	return rc;
}
