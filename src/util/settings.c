#include "util/settings.h"

#include <string.h>

int settings_pushes(const struct settings *s, const char *image)
{
	int i;

	if (!s || !s->push_images || !image)
		return 0;
	for (i = 0; i < s->push_images->n; i++)
		if (strcmp(s->push_images->items[i], image) == 0)
			return 1;
	return 0;
}
