/* replay.c — runs a fuzz target's LLVMFuzzerTestOneInput on files, for
 * builds without libFuzzer (gcc, or clang without -Dfuzz=true): the
 * committed crash reproducers (tests/fuzz/regress/<name>/) and the seed
 * corpus (tests/fuzz/corpus/<name>/) are replayed by `meson test --suite
 * fuzz-regress`. Each argument is a file or a directory (its regular
 * files, sorted; a missing directory is fine: a target may have no
 * reproducers). Prints TAP, one line per input; a crash is the test
 * failing (under the sanitizers, with their report). */
#include "fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>

static int count;

static int replay_file(const char *path)
{
	struct stat st;
	uint8_t *data;
	size_t n = 0, got;
	FILE *fp;

	fp = fopen(path, "rb");
	if (!fp || fstat(fileno(fp), &st) < 0) {
		printf("not ok %d - %s: %s\n", ++count, path, strerror(errno));
		if (fp)
			fclose(fp);
		return -1;
	}
	/* exactly the file's size, so a read past the end is an ASan error */
	data = malloc(st.st_size > 0 ? (size_t)st.st_size : 1);
	if (!data)
		abort();
	while (n < (size_t)st.st_size && (got = fread(data + n, 1, (size_t)st.st_size - n, fp)) > 0)
		n += got;
	fclose(fp);
	fflush(stdout);
	LLVMFuzzerTestOneInput(data, n);
	free(data);
	printf("ok %d - %s (%zu bytes)\n", ++count, path, n);
	fflush(stdout);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay_dir(const char *dir)
{
	struct dirent *de;
	char **names = NULL, path[4096];
	size_t n = 0, cap = 0, i;
	int rc = 0;
	DIR *d = opendir(dir);

	if (!d) {
		printf("# %s: %s (nothing to replay)\n", dir, strerror(errno));
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			names = realloc(names, cap * sizeof(*names));
			if (!names)
				abort();
		}
		names[n] = strdup(de->d_name);
		if (!names[n++])
			abort();
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n; i++) {
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && replay_file(path) < 0)
			rc = -1;
		free(names[i]);
	}
	free(names);
	return rc;
}

int main(int argc, char **argv)
{
	struct stat st;
	int i, rc = 0;

	LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			if (replay_dir(argv[i]) < 0)
				rc = 1;
		} else if (stat(argv[i], &st) == 0) {
			if (replay_file(argv[i]) < 0)
				rc = 1;
		} else {
			printf("# %s: %s (nothing to replay)\n", argv[i], strerror(errno));
		}
	}
	printf("1..%d\n", count);
	return rc;
}
