#include "render/audit_github.h"

#include <stdio.h>
#include <string.h>

#include "render/render_ci.h"
#include "util/jsontext.h"

/* The relative URI back to a path (%XX decoded). */
static void uri_path(char *out, size_t n, const char *uri)
{
	size_t w = 0;
	unsigned v;

	for (; *uri && w + 1 < n; uri++) {
		if (uri[0] == '%' && uri[1] && uri[2] && sscanf(uri + 1, "%2x", &v) == 1) {
			out[w++] = (char)v;
			uri += 2;
		} else {
			out[w++] = *uri;
		}
	}
	out[w] = '\0';
}

void audit_render_github(FILE *f, const json_t *doc)
{
	const json_t *findings = json_object_get(doc, "findings"), *it;
	const char *sev, *uri, *cmd;
	char title[256], path[8192];
	json_int_t line;
	size_t i;

	for (i = 0; i < json_array_size(findings); i++) {
		it = json_array_get(findings, i);
		sev = jsontext_member(it, "severity");
		uri = jsontext_member(it, "uri");
		cmd = strcmp(sev, "critical") == 0 || strcmp(sev, "high") == 0 ? "error" :
		      strcmp(sev, "medium") == 0 ? "warning" : "notice";
		fprintf(f, "::%s ", cmd);
		/* uri is relative exactly when the file is under the working directory */
		if (*uri && strncmp(uri, "file://", 7) != 0) {
			fputs("file=", f);
			uri_path(path, sizeof(path), uri);
			render_github_escape(f, path, 1);
			line = json_integer_value(json_object_get(it, "line"));
			if (line > 0)
				fprintf(f, ",line=%lld", (long long)line);
			fputc(',', f);
		}
		snprintf(title, sizeof(title), "fixkb audit: %s (%s)", jsontext_member(it, "rule"), sev);
		fputs("title=", f);
		render_github_escape(f, title, 1);
		fputs("::", f);
		render_github_escape(f, jsontext_member(it, "message"), 0);
		fputc('\n', f);
	}
}
