#include "fix/gojson.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int full(struct err *e, const struct buf *b)
{
	if (b->truncated)
		return err_set(e, "JSON text too large (more than %zu bytes)", b->max);
	return err_set(e, "out of memory");
}

#define PUT(b, p, n) do { if (buf_append((b), (p), (n)) < 0) return -1; } while (0)

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len, i;
	unsigned long cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, cp = c & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

/* The escape Go writes for the byte c, or NULL to write it as is. */
static const char *short_escape(unsigned char c)
{
	switch (c) {
	case '"': return "\\\"";
	case '\\': return "\\\\";
	case '\n': return "\\n";
	case '\r': return "\\r";
	case '\t': return "\\t";
	case '\b': return "\\b";
	case '\f': return "\\f";
	case '<': return "\\u003c";
	case '>': return "\\u003e";
	case '&': return "\\u0026";
	default: return NULL;
	}
}

static int put_string(struct buf *b, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	const char *esc;
	char u[8];
	size_t i = 0, start = 0, len;

	PUT(b, "\"", 1);
	while (i < n) {
		esc = short_escape(s[i]);
		len = esc || s[i] < 0x20 ? 1 : utf8_len(s + i, n - i);
		if (!esc && s[i] >= 0x20 && len == 1) {
			i++;
			continue;
		}
		if (len == 3 && s[i] == 0xe2 && s[i + 1] == 0x80 && (s[i + 2] == 0xa8 || s[i + 2] == 0xa9)) {
			PUT(b, str + start, i - start);
			PUT(b, s[i + 2] == 0xa8 ? "\\u2028" : "\\u2029", 6);
		} else if (len > 1) {
			i += len;
			continue;
		} else {
			PUT(b, str + start, i - start);
			if (esc) {
				PUT(b, esc, strlen(esc));
			} else if (s[i] < 0x20) {
				snprintf(u, sizeof(u), "\\u%04x", s[i]);
				PUT(b, u, 6);
			} else {
				PUT(b, "\\ufffd", 6);   /* invalid UTF-8: one per byte, as Go */
			}
			len = 1;
		}
		i += len;
		start = i;
	}
	PUT(b, str + start, n - start);
	PUT(b, "\"", 1);
	return 0;
}

int gojson_string(struct buf *out, const char *s, size_t n, struct err *e)
{
	return put_string(out, s, n) < 0 ? full(e, out) : 0;
}

/* v as "%.{p}e" with the fewest digits p that read back as v: the
 * significant digits (no point, no trailing zeros) into d, the decimal
 * exponent of the first one into *x. */
static void shortest_digits(double v, char d[24], int *x)
{
	char t[40], *p, *q;
	int prec;
	size_t n = 0;

	for (prec = 1; prec <= 17; prec++) {
		snprintf(t, sizeof(t), "%.*e", prec - 1, v);
		if (strtod(t, NULL) == v)
			break;
	}
	p = t + (t[0] == '-');
	for (q = p; *q && *q != 'e'; q++)
		if (*q != '.' && n < 23)
			d[n++] = *q;
	while (n > 1 && d[n - 1] == '0')
		n--;
	d[n] = '\0';
	*x = atoi(q + 1);
}

void gojson_real(char out[32], double v)
{
	char d[24];
	double a = fabs(v);
	int x, len, w = 0, i;

	if (isnan(v) || isinf(v)) {
		snprintf(out, 32, "null");
		return;
	}
	shortest_digits(v, d, &x);
	len = (int)strlen(d);
	if (signbit(v))
		out[w++] = '-';
	if (a != 0 && (a < 1e-6 || a >= 1e21)) {
		/* Go's 'e' form, then "e-07" cleaned to "e-7" */
		w += snprintf(out + w, (size_t)(32 - w), "%c%s%s", d[0], len > 1 ? "." : "", d + 1);
		snprintf(out + w, (size_t)(32 - w), "e%c%0*d", x < 0 ? '-' : '+',
			 x < 0 && x > -10 ? 1 : 2, x < 0 ? -x : x);
		return;
	}
	if (x < 0) {
		w += snprintf(out + w, (size_t)(32 - w), "0.");
		for (i = -1; i > x && w < 30; i--)
			out[w++] = '0';
		snprintf(out + w, (size_t)(32 - w), "%s", d);
	} else if (x >= len - 1) {
		w += snprintf(out + w, (size_t)(32 - w), "%s", d);
		for (i = len - 1; i < x && w < 31; i++)
			out[w++] = '0';
		out[w] = '\0';
	} else {
		snprintf(out + w, (size_t)(32 - w), "%.*s.%s", x + 1, d, d + x + 1);
	}
}

static int put_indent(struct buf *b, int depth)
{
	PUT(b, "\n", 1);
	while (depth-- > 0)
		PUT(b, "\t", 1);
	return 0;
}

static int put_value(struct buf *b, const json_t *v, int depth);

static int put_object(struct buf *b, const json_t *v, int depth)
{
	const char *k;
	json_t *x;
	int first = 1;

	if (json_object_size(v) == 0) {
		PUT(b, "{}", 2);
		return 0;
	}
	PUT(b, "{", 1);
	json_object_foreach((json_t *)v, k, x) {
		if (!first)
			PUT(b, ",", 1);
		first = 0;
		if (put_indent(b, depth + 1) < 0 || put_string(b, k, strlen(k)) < 0)
			return -1;
		PUT(b, ": ", 2);
		if (put_value(b, x, depth + 1) < 0)
			return -1;
	}
	if (put_indent(b, depth) < 0)
		return -1;
	PUT(b, "}", 1);
	return 0;
}

static int put_array(struct buf *b, const json_t *v, int depth)
{
	size_t i;

	if (json_array_size(v) == 0) {
		PUT(b, "[]", 2);
		return 0;
	}
	PUT(b, "[", 1);
	for (i = 0; i < json_array_size(v); i++) {
		if (i)
			PUT(b, ",", 1);
		if (put_indent(b, depth + 1) < 0 || put_value(b, json_array_get(v, i), depth + 1) < 0)
			return -1;
	}
	if (put_indent(b, depth) < 0)
		return -1;
	PUT(b, "]", 1);
	return 0;
}

static int put_value(struct buf *b, const json_t *v, int depth)
{
	char t[32];

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return put_object(b, v, depth);
	case JSON_ARRAY:
		return put_array(b, v, depth);
	case JSON_STRING:
		return put_string(b, json_string_value(v), json_string_length(v));
	case JSON_INTEGER:
		return buf_appendf(b, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	case JSON_REAL:
		gojson_real(t, json_real_value(v));
		return buf_appends(b, t);
	case JSON_TRUE:
		return buf_appends(b, "true");
	case JSON_FALSE:
		return buf_appends(b, "false");
	default:
		return buf_appends(b, "null");
	}
}

int gojson_dump(struct buf *out, const json_t *v, struct err *e)
{
	return put_value(out, v, 0) < 0 ? full(e, out) : 0;
}
