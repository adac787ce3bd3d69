/* jsontext.c — UTF-8 checking for text bound for JSON. See jsontext.h. */
#include "util/jsontext.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Decodes one UTF-8 sequence at p (n bytes left); returns its length or 0
 * when it is invalid. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	size_t len, i;
	uint32_t cp;

	if (p[0] < 0x80)
		return 1;
	if ((p[0] & 0xE0) == 0xC0) {
		len = 2;
		cp = p[0] & 0x1F;
	} else if ((p[0] & 0xF0) == 0xE0) {
		len = 3;
		cp = p[0] & 0x0F;
	} else if ((p[0] & 0xF8) == 0xF0) {
		len = 4;
		cp = p[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3F);
	}
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

void jsontext_sanitize_utf8(char *s)
{
	unsigned char *p = (unsigned char *)s;
	size_t n = strlen(s), i = 0, l;

	while (i < n) {
		l = utf8_len(p + i, n - i);
		if (l == 0 || (l == 1 && p[i] < 0x20)) {
			p[i++] = '?';
			continue;
		}
		i += l;
	}
}

json_t *jsontext_string(const char *s, size_t len, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	char *out;
	size_t i = 0, w = 0, cut = len > max ? max : len;
	json_t *j;

	if (!s)
		return json_null();
	out = malloc(cut + 8);
	if (!out)
		return json_string("");
	while (i < cut) {
		size_t l = utf8_len(p + i, cut - i);

		if (l == 0 || (l == 1 && p[i] < 0x20 && p[i] != '\n' && p[i] != '\t')) {
			out[w++] = '?';
			i++;
			continue;
		}
		memcpy(out + w, p + i, l);
		w += l;
		i += l;
	}
	if (len > max) {
		memcpy(out + w, "\xe2\x80\xa6", 3);
		w += 3;
	}
	out[w] = '\0';
	j = json_string(out);
	free(out);
	return j ? j : json_string("");
}

const char *jsontext_member(const json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));

	return v ? v : "";
}
