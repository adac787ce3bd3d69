#include "util/msg.h"

#include <stdarg.h>
#include <stdio.h>

/* format(printf, 2, 0): lets the compiler check vmsg's callers' formats,
 * and tells clang's -Wformat-nonliteral that fmt is one. */
static void vmsg(const char *prefix, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static void vmsg(const char *prefix, const char *fmt, va_list ap)
{
	fputs("fixkb: ", stderr);
	if (prefix)
		fputs(prefix, stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

FILE *msg_stream(void)
{
	return stderr;
}

int msg_usage(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(NULL, fmt, ap);
	va_end(ap);
	fputs("fixkb: try 'fixkb --help'\n", stderr);
	return EXIT_USAGE;
}

int msg_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("error: ", fmt, ap);
	va_end(ap);
	return EXIT_USAGE;
}

void msg_note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(NULL, fmt, ap);
	va_end(ap);
}

void msg_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("warning: ", fmt, ap);
	va_end(ap);
}

void msg_verbose(const struct settings *s, const char *fmt, ...)
{
	va_list ap;

	if (!s || !s->verbose)
		return;
	va_start(ap, fmt);
	vmsg(NULL, fmt, ap);
	va_end(ap);
}

const char *msg_mark(const struct settings *s, enum mark m)
{
	static const char *plain[] = { "\xe2\x9c\x93", "!", "\xe2\x9c\x97", "-", "\xc2\xb7" };
	static const char *colour[] = {
		"\033[32m\xe2\x9c\x93\033[0m", "\033[33m!\033[0m",
		"\033[31m\xe2\x9c\x97\033[0m", "\033[2m-\033[0m", "\033[2m\xc2\xb7\033[0m",
	};

	if ((unsigned)m > MARK_INFO)
		m = MARK_INFO;
	return s && s->color ? colour[m] : plain[m];
}

const char *msg_bold(const struct settings *s, const char *text)
{
	static char out[512];

	if (!s || !s->color)
		return text;
	snprintf(out, sizeof(out), "\033[1m%s\033[0m", text);
	return out;
}
