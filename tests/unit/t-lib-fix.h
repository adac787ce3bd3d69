/* t-lib-fix.h — what the fix tests share: reading files back, their mode
 * and owner, counting temp files, running a step as another user. */
#ifndef FIXKB_TESTS_T_LIB_FIX_H
#define FIXKB_TESTS_T_LIB_FIX_H

#include <dirent.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "t-lib-cfg.h"

/* uid and gid of "nobody" on Debian. */
#define NOBODY 65534

/* The whole file as a NUL-terminated malloc'd string, or NULL if missing. */
__attribute__((unused))
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *b;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	b = malloc((size_t)n + 1);
	if (!b || fread(b, 1, (size_t)n, f) != (size_t)n)
		exit(99);
	b[n] = '\0';
	fclose(f);
	return b;
}

/* 1 when the file at path holds exactly text. */
__attribute__((unused))
static int holds(const char *path, const char *text)
{
	char *s = slurp(path);
	int same = s && strcmp(s, text) == 0;

	free(s);
	return same;
}

__attribute__((unused))
static int exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

__attribute__((unused))
static unsigned mode_of(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (unsigned)(st.st_mode & 07777) : 0xffffu;
}

__attribute__((unused))
static long uid_of(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long)st.st_uid : -1;
}

/* Entries of dir whose name contains needle. */
__attribute__((unused))
static int count_named(const char *dir, const char *needle)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)))
		n += strstr(de->d_name, needle) != NULL;
	closedir(d);
	return n;
}

/* Runs fn(arg) in a child as nobody; its exit status (99 when it could
 * not become nobody, 98 when it died of a signal). */
__attribute__((unused))
static int as_nobody(int (*fn)(void *), void *arg)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		exit(99);
	if (pid == 0) {
		if (setgroups(0, NULL) < 0 || setgid(NOBODY) < 0 || setuid(NOBODY) < 0)
			_exit(99);
		_exit(fn(arg));
	}
	if (waitpid(pid, &st, 0) < 0)
		exit(99);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 98;
}

__attribute__((unused))
static void skip(const char *why)
{
	ok(1, "# SKIP %s", why);
}

#endif
