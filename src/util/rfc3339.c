#include "util/rfc3339.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* 1 when s[0..n) are all ASCII digits. */
static int digits(const char *s, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

int rfc3339_valid(const char *s)
{
	size_t l = strlen(s);
	const char *p;

	if (l < 20 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' ||
	    !digits(s + 8, 2) || (s[10] != 'T' && s[10] != 't') || !digits(s + 11, 2) ||
	    s[13] != ':' || !digits(s + 14, 2) || s[16] != ':' || !digits(s + 17, 2))
		return 0;
	if (atoi(s + 5) < 1 || atoi(s + 5) > 12 || atoi(s + 8) < 1 || atoi(s + 8) > 31 ||
	    atoi(s + 11) > 23 || atoi(s + 14) > 59 || atoi(s + 17) > 60)
		return 0;
	p = s + 19;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return 0;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if ((*p == 'Z' || *p == 'z') && p[1] == '\0')
		return 1;
	if ((*p == '+' || *p == '-') && digits(p + 1, 2) && p[3] == ':' && digits(p + 4, 2) &&
	    p[6] == '\0')
		return 1;
	return 0;
}
