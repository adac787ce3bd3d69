#include "util/jsonerr.h"

#include <stdio.h>
#include <string.h>

void jsonerr_format(char *out, size_t n, const json_error_t *je)
{
	char text[JSON_ERROR_TEXT_LENGTH];
	char *near;

	snprintf(text, sizeof(text), "%s", je->text);
	near = strstr(text, " near ");
	if (near)
		*near = '\0';
	snprintf(out, n, "line %d column %d: %s", je->line, je->column, text);
	explicit_bzero(text, sizeof(text));
}
