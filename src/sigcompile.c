#include "sigcompile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Offsets of the "(" of capturing groups 1..max in re, in order. Skips
 * escapes, bracket expressions and "(?" groups. Returns how many. */
static int capturing_groups(const char *re, size_t *offs, int max)
{
	size_t i = 0, n = strlen(re);
	int k = 0;

	while (i < n) {
		char c = re[i];

		if (c == '\\') {
			i += 2;
			continue;
		}
		if (c == '[') {
			i++;
			if (i < n && re[i] == '^')
				i++;
			if (i < n && re[i] == ']')
				i++;
			while (i < n && re[i] != ']') {
				if (re[i] == '[' && i + 1 < n && (re[i + 1] == ':' || re[i + 1] == '.' || re[i + 1] == '=')) {
					/* [:alpha:] [.x.] [=x=]: ends at the matching ":]" */
					char end[3] = { re[i + 1], ']', '\0' };
					const char *close = strstr(re + i + 2, end);

					i = close ? (size_t)(close - re) + 2 : n;
					continue;
				}
				if (re[i] == '\\')
					i++;
				i++;
			}
			i++;
			continue;
		}
		if (c == '(' && !(i + 1 < n && re[i + 1] == '?')) {
			if (k < max)
				offs[k] = i;
			k++;
		}
		i++;
	}
	return k;
}

char *sig_name_groups(const char *regex, int cap_registry, int cap_status, int cap_url,
		      struct err *e)
{
	const char *names[3] = { "registry", "status", "url" };
	int caps[3] = { cap_registry, cap_status, cap_url };
	size_t offs[64], len = strlen(regex), i, o = 0;
	/* each of the three names adds "?<registry>" at most: 11 bytes */
	size_t size = len + 3 * 16 + 1;
	int ngroups, k;
	char *out;

	ngroups = capturing_groups(regex, offs, 64);
	for (k = 0; k < 3; k++)
		if (caps[k] < 0 || caps[k] > ngroups || caps[k] > 64) {
			err_set(e, "capture %s refers to group %d, but the regex has %d groups",
				names[k], caps[k], ngroups);
			return NULL;
		}
	out = malloc(size);
	if (!out) {
		err_set(e, "out of memory");
		return NULL;
	}
	for (i = 0; i < len; i++) {
		out[o++] = regex[i];
		for (k = 0; k < 3; k++)
			if (caps[k] > 0 && offs[caps[k] - 1] == i)
				o += (size_t)snprintf(out + o, size - o, "?<%s>", names[k]);
	}
	out[o] = '\0';
	return out;
}

int sig_set_compile(struct sig_set *out, const struct kb *kb,
		    const struct matcher_pattern *extra, size_t nextra, struct err *e)
{
	struct matcher_pattern *pats = NULL;
	size_t i, j, n = 0, total = 0;
	int rc = -1;

	for (i = 0; i < kb_count(kb); i++)
		total += kb_entry_at(kb, i)->n_signatures;
	total += nextra;
	out->refs = calloc(total ? total : 1, sizeof(*out->refs));
	out->regexes = calloc(total ? total : 1, sizeof(*out->regexes));
	pats = calloc(total ? total : 1, sizeof(*pats));
	if (!out->refs || !out->regexes || !pats) {
		err_set(e, "out of memory");
		goto cleanup;
	}
	for (i = 0; i < kb_count(kb); i++) {
		const struct kb_entry *en = kb_entry_at(kb, i);

		for (j = 0; j < en->n_signatures; j++) {
			const struct kb_signature *sg = &en->signatures[j];

			out->regexes[n] = sig_name_groups(sg->regex, sg->cap_registry,
							  sg->cap_status, sg->cap_url, e);
			if (!out->regexes[n]) {
				err_prefix(e, "%s: /signatures/%zu", en->id, j);
				goto cleanup;
			}
			out->refs[n].entry = en;
			out->refs[n].sig = sg;
			pats[n].id = (int)n;
			pats[n].literal = sg->literal;
			pats[n].regex = out->regexes[n];
			out->n = ++n;
		}
	}
	for (i = 0; i < nextra; i++) {
		out->regexes[n] = strdup(extra[i].regex);
		if (!out->regexes[n]) {
			err_set(e, "out of memory");
			goto cleanup;
		}
		pats[n].id = (int)n;
		pats[n].literal = extra[i].literal;
		pats[n].regex = out->regexes[n];
		out->n = ++n;
	}
	if (matcher_compile(&out->m, pats, n, e) < 0)
		goto cleanup;
	rc = 0;
cleanup:
	free(pats);
	if (rc < 0)
		sig_set_release(out);
	return rc;
}

void sig_set_release(struct sig_set *s)
{
	size_t i;

	matcher_free(s->m);
	for (i = 0; s->regexes && i < s->n; i++)
		free(s->regexes[i]);
	free(s->regexes);
	free(s->refs);
	s->m = NULL;
	s->regexes = NULL;
	s->refs = NULL;
	s->n = 0;
}
