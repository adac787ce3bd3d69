/* proc.c — fork/exec with pipes, a poll() loop and a deadline. See proc.h. */
#include "util/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/clock.h"

#define PROC_READ_CHUNK 65536
/* After the child has exited, what we still read from pipes a grandchild
 * may hold open: enough for everything the child itself wrote. */
#define PROC_DRAIN_AFTER_EXIT (1u << 20)

static const char *const empty_env[] = { NULL };

const char *proc_spawn_strerror(int err)
{
	switch (err) {
	case ENOENT: return "not found in PATH";
	case EACCES: return "found but not executable";
	case ENAMETOOLONG: return "name too long";
	default: return strerror(err);
	}
}

static int is_executable_file(const char *p, int *exists)
{
	struct stat st;

	if (stat(p, &st) < 0)
		return 0;
	*exists = 1;
	return S_ISREG(st.st_mode) && (st.st_mode & 0111) && access(p, X_OK) == 0;
}

int proc_lookpath(const char *name, const char *path, char *out, size_t outlen)
{
	const char *p, *end;
	int exists = 0;
	size_t dl, nl;

	if (!name || !*name)
		return ENOENT;
	nl = strlen(name);
	if (strchr(name, '/')) {
		if (nl + 1 > outlen)
			return ENAMETOOLONG;
		memcpy(out, name, nl + 1);
		return is_executable_file(out, &exists) ? 0 : (exists ? EACCES : ENOENT);
	}
	for (p = path ? path : ""; *p; p = *end ? end + 1 : end) {
		end = strchr(p, ':');
		if (!end)
			end = p + strlen(p);
		dl = (size_t)(end - p);
		/* Empty and relative entries would mean "the current directory":
		 * never run a helper from wherever fixkb happens to be. */
		if (dl == 0 || p[0] != '/')
			continue;
		if (dl + 1 + nl + 1 > outlen)
			continue;
		memcpy(out, p, dl);
		out[dl] = '/';
		memcpy(out + dl + 1, name, nl + 1);
		if (is_executable_file(out, &exists))
			return 0;
	}
	out[0] = '\0';
	return exists ? EACCES : ENOENT;
}

/* --- environment vectors --- */

const char *proc_env_get(char *const *vars, const char *name)
{
	size_t nl = strlen(name);

	for (; vars && *vars; vars++)
		if (strncmp(*vars, name, nl) == 0 && (*vars)[nl] == '=')
			return *vars + nl + 1;
	return NULL;
}

static int env_keep(const char *var, const char *const *keep)
{
	const char *eq = strchr(var, '=');
	size_t nl, kl;

	if (!eq || eq == var)
		return 0;
	nl = (size_t)(eq - var);
	for (; *keep; keep++) {
		kl = strlen(*keep);
		if (kl && (*keep)[kl - 1] == '*') {
			if (nl >= kl - 1 && strncmp(var, *keep, kl - 1) == 0)
				return 1;
		} else if (kl == nl && strncmp(var, *keep, nl) == 0) {
			return 1;
		}
	}
	return 0;
}

static int env_push(struct proc_env *env, char *s, struct err *e)
{
	char **n = realloc(env->vars, (env->n + 2) * sizeof(*n));

	if (!n) {
		free(s);
		return err_set(e, "out of memory building a child environment");
	}
	env->vars = n;
	env->vars[env->n++] = s;
	env->vars[env->n] = NULL;
	return 0;
}

int proc_env_filter(struct proc_env *env, char *const *from,
		    const char *const *keep, struct err *e)
{
	char *s;

	if (!env->vars && env_push(env, NULL, e) < 0)
		return -1;
	if (env->n && !env->vars[env->n - 1])
		env->n--;
	for (; from && *from; from++) {
		if (!env_keep(*from, keep))
			continue;
		s = strdup(*from);
		if (!s)
			return err_set(e, "out of memory building a child environment");
		if (env_push(env, s, e) < 0)
			return -1;
	}
	return 0;
}

int proc_env_set(struct proc_env *env, const char *name, const char *value, struct err *e)
{
	size_t nl = strlen(name), vl = strlen(value), i;
	char *s = malloc(nl + vl + 2);

	if (!s)
		return err_set(e, "out of memory building a child environment");
	memcpy(s, name, nl);
	s[nl] = '=';
	memcpy(s + nl + 1, value, vl + 1);
	for (i = 0; i < env->n; i++) {
		if (strncmp(env->vars[i], name, nl) == 0 && env->vars[i][nl] == '=') {
			free(env->vars[i]);
			env->vars[i] = s;
			return 0;
		}
	}
	return env_push(env, s, e);
}

void proc_env_release(struct proc_env *env)
{
	size_t i;

	for (i = 0; env->vars && i < env->n; i++)
		free(env->vars[i]);
	free(env->vars);
	env->vars = NULL;
	env->n = 0;
}

/* --- running --- */

void proc_result_release(struct proc_result *r)
{
	buf_release(&r->out);
	buf_release(&r->err);
}

/* Keeps what fits under the cap, throws the rest away. */
static void sink(struct buf *b, const char *p, size_t n, int *oom)
{
	size_t room;

	if (b->len >= b->max) {
		if (n)
			b->truncated = 1;
		return;
	}
	room = b->max - b->len;
	if (n > room) {
		n = room;
		b->truncated = 1;
	}
	if (buf_append(b, p, n) < 0 && !b->truncated)
		*oom = 1;
}

/* Reads what is available; returns 1 at EOF or on a hard error (the fd is
 * then done), 0 otherwise. At most `budget` bytes when budget is set. */
static int drain(int fd, struct buf *b, size_t budget, int *oom)
{
	char chunk[PROC_READ_CHUNK];
	size_t total = 0;
	ssize_t n;

	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n > 0) {
			sink(b, chunk, (size_t)n, oom);
			total += (size_t)n;
			if (!budget || total >= budget)
				return budget ? 1 : 0;
			continue;
		}
		if (n == 0)
			return 1;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return budget ? 1 : 0;
		return 1;
	}
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void sleep_ms(double ms)
{
	struct timespec ts;

	if (ms <= 0)
		return;
	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)((ms - (double)ts.tv_sec * 1000) * 1e6);
	nanosleep(&ts, NULL);
}

static int pidfd_open_compat(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	(void)pid;
	errno = ENOSYS;
	return -1;
#endif
}

/* Waits for pid up to `ms` (a pidfd makes this exact; without one we
 * sleep in small steps). Returns 1 when reaped, filling *status. */
static int wait_for(pid_t pid, int pidfd, double ms, int *status)
{
	double until = clock_now_ms() + ms;
	struct pollfd pf;
	pid_t w;

	for (;;) {
		w = waitpid(pid, status, WNOHANG);
		if (w == pid)
			return 1;
		if (w < 0 && errno != EINTR)
			return 1;   /* ECHILD: nothing left to wait for */
		if (clock_now_ms() >= until)
			return 0;
		if (pidfd >= 0) {
			pf.fd = pidfd;
			pf.events = POLLIN;
			pf.revents = 0;
			poll(&pf, 1, (int)(clock_left_ms(until) + 1));
		} else {
			sleep_ms(2);
		}
	}
}

/* Only async-signal-safe calls from here to execve: the parent may have
 * other threads (GDBus runs one). */
static void child_exec(const char *binary, const struct proc_spec *sp,
		       int in_fd, int out_fd, int err_fd, int report_fd, int max_fd)
{
	const char *const *envp = sp->envp ? sp->envp : empty_env;
	struct sigaction sa;
	sigset_t none;
	int fds[3], i, saved;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGPIPE, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setpgid(0, 0);

	/* Move the pipe ends above 2 first, so none of them is clobbered by
	 * the dup2s below (stdin may have been closed in the parent). */
	fds[0] = fcntl(in_fd, F_DUPFD_CLOEXEC, 3);
	fds[1] = fcntl(out_fd, F_DUPFD_CLOEXEC, 3);
	fds[2] = fcntl(err_fd, F_DUPFD_CLOEXEC, 3);
	for (i = 0; i < 3; i++)
		if (fds[i] < 0 || dup2(fds[i], i) < 0)
			goto fail;
	if (report_fd < 3) {
		report_fd = fcntl(report_fd, F_DUPFD_CLOEXEC, 3);
		if (report_fd < 0)
			goto fail;
	}
	/* Close everything else but the exec-error pipe (close-on-exec). */
#ifdef SYS_close_range
	if (report_fd > 3)
		syscall(SYS_close_range, 3u, (unsigned)report_fd - 1, 0u);
	if (syscall(SYS_close_range, (unsigned)report_fd + 1, ~0u, 0u) < 0)
#endif
	{
		for (i = 3; i <= max_fd; i++)
			if (i != report_fd)
				close(i);
	}
	execve(binary, (char *const *)sp->argv, (char *const *)envp);
fail:
	saved = errno;
	if (write(report_fd, &saved, sizeof(saved)) < 0) {
		/* nothing more we can do */
	}
	_exit(127);
}

int proc_run(struct proc_result *r, const struct proc_spec *sp, struct err *e)
{
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, errp[2] = { -1, -1 }, rep[2] = { -1, -1 };
	int pidfd = -1, status = 0, reaped = 0, oom = 0, ret = -1, max_fd, child_errno;
	int sigpipe_was_pending = 0, mask_set = 0;
	size_t written = 0;
	sigset_t pipeset, oldmask, pending;
	const char *path;
	double t0;
	pid_t pid = -1;
	ssize_t n;

	r->outcome = PROC_SPAWN_FAILED;
	r->exit_code = -1;
	r->term_signal = 0;
	r->spawn_errno = 0;
	r->ms = 0;
	r->binary[0] = '\0';
	if (!sp->argv || !sp->argv[0])
		return err_set(e, "proc_run: no program given");

	path = sp->path ? sp->path : proc_env_get((char *const *)sp->envp, "PATH");
	r->spawn_errno = proc_lookpath(sp->argv[0], path, r->binary, sizeof(r->binary));
	if (r->spawn_errno) {
		if (strchr(sp->argv[0], '/') == NULL)
			r->binary[0] = '\0';
		return 0;
	}

	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0 ||
	    pipe2(errp, O_CLOEXEC) < 0 || pipe2(rep, O_CLOEXEC) < 0) {
		err_set(e, "creating pipes for '%s': %s", sp->argv[0], strerror(errno));
		goto cleanup;
	}
	max_fd = (int)sysconf(_SC_OPEN_MAX);
	if (max_fd <= 0 || max_fd > 65536)
		max_fd = 65536;

	/* SIGPIPE stays blocked in this thread while we write to the child;
	 * a pending one that we caused is consumed before unblocking. */
	sigemptyset(&pipeset);
	sigaddset(&pipeset, SIGPIPE);
	sigpending(&pending);
	sigpipe_was_pending = sigismember(&pending, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipeset, &oldmask);
	mask_set = 1;

	t0 = clock_now_ms();
	pid = fork();
	if (pid < 0) {
		err_set(e, "starting '%s': %s", sp->argv[0], strerror(errno));
		goto cleanup;
	}
	if (pid == 0)
		child_exec(r->binary, sp, in[0], out[1], errp[1], rep[1], max_fd);
	setpgid(pid, pid);   /* also done by the child: whoever runs first wins */
	close_fd(&in[0]);
	close_fd(&out[1]);
	close_fd(&errp[1]);
	close_fd(&rep[1]);

	/* The report pipe closes on a successful exec, or carries errno. */
	do {
		n = read(rep[0], &child_errno, sizeof(child_errno));
	} while (n < 0 && errno == EINTR);
	close_fd(&rep[0]);
	if (n == (ssize_t)sizeof(child_errno)) {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		r->outcome = PROC_SPAWN_FAILED;
		r->spawn_errno = child_errno;
		r->ms = clock_now_ms() - t0;
		ret = 0;
		goto cleanup;
	}
	r->spawn_errno = 0;
	pidfd = pidfd_open_compat(pid);

	fcntl(in[1], F_SETFL, O_NONBLOCK);
	fcntl(out[0], F_SETFL, O_NONBLOCK);
	fcntl(errp[0], F_SETFL, O_NONBLOCK);
	if (!sp->stdin_data || sp->stdin_len == 0)
		close_fd(&in[1]);

	for (;;) {
		struct pollfd pf[4];
		int np = 0, i_in = -1, i_out = -1, i_err = -1, timeout;
		double left;

		if (!reaped && waitpid(pid, &status, WNOHANG) == pid) {
			reaped = 1;
			/* Everything the child wrote is in the pipes now; a
			 * grandchild holding them open must not keep us here. */
			close_fd(&in[1]);
			if (out[0] >= 0)
				drain(out[0], &r->out, PROC_DRAIN_AFTER_EXIT, &oom);
			if (errp[0] >= 0)
				drain(errp[0], &r->err, PROC_DRAIN_AFTER_EXIT, &oom);
			close_fd(&out[0]);
			close_fd(&errp[0]);
		}
		if (reaped && out[0] < 0 && errp[0] < 0)
			break;
		left = clock_left_ms(sp->deadline_ms);
		if (left <= 0) {
			/* Deadline: the whole group goes, the leader is reaped. */
			kill(-pid, SIGTERM);
			kill(pid, SIGTERM);
			if (!reaped && !wait_for(pid, pidfd, PROC_KILL_GRACE_MS, &status)) {
				kill(-pid, SIGKILL);
				kill(pid, SIGKILL);
				while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
					;
			}
			kill(-pid, SIGKILL);   /* stragglers that ignored SIGTERM */
			reaped = 1;
			r->outcome = PROC_TIMED_OUT;
			if (out[0] >= 0)
				drain(out[0], &r->out, PROC_DRAIN_AFTER_EXIT, &oom);
			if (errp[0] >= 0)
				drain(errp[0], &r->err, PROC_DRAIN_AFTER_EXIT, &oom);
			break;
		}
		if (in[1] >= 0) {
			pf[np].fd = in[1];
			pf[np].events = POLLOUT;
			i_in = np++;
		}
		if (out[0] >= 0) {
			pf[np].fd = out[0];
			pf[np].events = POLLIN;
			i_out = np++;
		}
		if (errp[0] >= 0) {
			pf[np].fd = errp[0];
			pf[np].events = POLLIN;
			i_err = np++;
		}
		if (pidfd >= 0 && !reaped) {
			pf[np].fd = pidfd;
			pf[np].events = POLLIN;
			np++;
		}
		timeout = (int)left + 1;
		if (pidfd < 0 && !reaped && timeout > 10)
			timeout = 10;
		for (int i = 0; i < np; i++)
			pf[i].revents = 0;
		if (poll(pf, (nfds_t)np, timeout) < 0) {
			if (errno == EINTR)
				continue;
			err_set(e, "waiting for '%s': %s", sp->argv[0], strerror(errno));
			kill(-pid, SIGKILL);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			goto cleanup;
		}
		if (i_in >= 0 && pf[i_in].revents) {
			if (pf[i_in].revents & (POLLERR | POLLHUP)) {
				close_fd(&in[1]);
			} else {
				n = write(in[1], (const char *)sp->stdin_data + written,
					  sp->stdin_len - written);
				if (n > 0)
					written += (size_t)n;
				else if (n < 0 && errno != EAGAIN && errno != EINTR)
					close_fd(&in[1]);   /* EPIPE: it stopped reading */
				if (written >= sp->stdin_len)
					close_fd(&in[1]);
			}
		}
		if (i_out >= 0 && pf[i_out].revents && drain(out[0], &r->out, 0, &oom))
			close_fd(&out[0]);
		if (i_err >= 0 && pf[i_err].revents && drain(errp[0], &r->err, 0, &oom))
			close_fd(&errp[0]);
	}
	r->ms = clock_now_ms() - t0;
	if (r->outcome != PROC_TIMED_OUT) {
		if (WIFEXITED(status)) {
			r->outcome = PROC_EXITED;
			r->exit_code = WEXITSTATUS(status);
		} else if (WIFSIGNALED(status)) {
			r->outcome = PROC_SIGNALED;
			r->term_signal = WTERMSIG(status);
		}
	}
	if (oom) {
		err_set(e, "out of memory reading the output of '%s'", sp->argv[0]);
		goto cleanup;
	}
	ret = 0;
cleanup:
	if (mask_set) {
		sigpending(&pending);
		if (!sigpipe_was_pending && sigismember(&pending, SIGPIPE)) {
			struct timespec zero = { 0, 0 };

			while (sigtimedwait(&pipeset, NULL, &zero) < 0 && errno == EINTR)
				;
		}
		pthread_sigmask(SIG_SETMASK, &oldmask, NULL);
	}
	close_fd(&in[0]);
	close_fd(&in[1]);
	close_fd(&out[0]);
	close_fd(&out[1]);
	close_fd(&errp[0]);
	close_fd(&errp[1]);
	close_fd(&rep[0]);
	close_fd(&rep[1]);
	close_fd(&pidfd);
	return ret;
}
