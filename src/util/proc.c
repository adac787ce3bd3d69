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

/* One run: the parent's ends of the pipes, the child, what was written. */
struct run {
	int in[2], out[2], err[2], rep[2];   /* stdin, stdout, stderr, exec report */
	int pidfd;
	pid_t pid;
	int status, reaped, oom;
	size_t written;                       /* stdin bytes written so far */
	double t0;
	/* SIGPIPE blocked while we write to the child */
	sigset_t pipeset, oldmask;
	int sigpipe_was_pending, mask_set;
};

static void run_init(struct run *ru)
{
	memset(ru, 0, sizeof(*ru));
	ru->in[0] = ru->in[1] = ru->out[0] = ru->out[1] = -1;
	ru->err[0] = ru->err[1] = ru->rep[0] = ru->rep[1] = -1;
	ru->pidfd = -1;
	ru->pid = -1;
}

static int run_open_pipes(struct run *ru, const struct proc_spec *sp, struct err *e)
{
	if (pipe2(ru->in, O_CLOEXEC) < 0 || pipe2(ru->out, O_CLOEXEC) < 0 ||
	    pipe2(ru->err, O_CLOEXEC) < 0 || pipe2(ru->rep, O_CLOEXEC) < 0)
		return err_set(e, "creating pipes for '%s': %s", sp->argv[0], strerror(errno));
	return 0;
}

/* SIGPIPE stays blocked in this thread while we write to the child; a
 * pending one that we caused is consumed before unblocking. */
static void sigpipe_block(struct run *ru)
{
	sigset_t pending;

	sigemptyset(&ru->pipeset);
	sigaddset(&ru->pipeset, SIGPIPE);
	sigpending(&pending);
	ru->sigpipe_was_pending = sigismember(&pending, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &ru->pipeset, &ru->oldmask);
	ru->mask_set = 1;
}

static void sigpipe_restore(struct run *ru)
{
	sigset_t pending;

	if (!ru->mask_set)
		return;
	sigpending(&pending);
	if (!ru->sigpipe_was_pending && sigismember(&pending, SIGPIPE)) {
		struct timespec zero = { 0, 0 };

		while (sigtimedwait(&ru->pipeset, NULL, &zero) < 0 && errno == EINTR)
			;
	}
	pthread_sigmask(SIG_SETMASK, &ru->oldmask, NULL);
	ru->mask_set = 0;
}

static void reap_blocking(pid_t pid, int *status)
{
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
}

/* Forks and execs r->binary with the spec's environment (child_exec).
 * Returns 0 when the program runs, 1 when exec failed (r says why, the
 * child is reaped), -1 with e set when fork failed. */
static int run_spawn(struct run *ru, struct proc_result *r, const struct proc_spec *sp,
		     struct err *e)
{
	int max_fd = (int)sysconf(_SC_OPEN_MAX), child_errno;
	ssize_t n;

	if (max_fd <= 0 || max_fd > 65536)
		max_fd = 65536;
	ru->t0 = clock_now_ms();
	ru->pid = fork();
	if (ru->pid < 0)
		return err_set(e, "starting '%s': %s", sp->argv[0], strerror(errno));
	if (ru->pid == 0)
		child_exec(r->binary, sp, ru->in[0], ru->out[1], ru->err[1], ru->rep[1], max_fd);
	setpgid(ru->pid, ru->pid);   /* also done by the child: whoever runs first wins */
	close_fd(&ru->in[0]);
	close_fd(&ru->out[1]);
	close_fd(&ru->err[1]);
	close_fd(&ru->rep[1]);

	/* The report pipe closes on a successful exec, or carries errno. */
	do {
		n = read(ru->rep[0], &child_errno, sizeof(child_errno));
	} while (n < 0 && errno == EINTR);
	close_fd(&ru->rep[0]);
	if (n == (ssize_t)sizeof(child_errno)) {
		reap_blocking(ru->pid, &ru->status);
		r->outcome = PROC_SPAWN_FAILED;
		r->spawn_errno = child_errno;
		r->ms = clock_now_ms() - ru->t0;
		return 1;
	}
	r->spawn_errno = 0;
	ru->pidfd = pidfd_open_compat(ru->pid);
	fcntl(ru->in[1], F_SETFL, O_NONBLOCK);
	fcntl(ru->out[0], F_SETFL, O_NONBLOCK);
	fcntl(ru->err[0], F_SETFL, O_NONBLOCK);
	if (!sp->stdin_data || sp->stdin_len == 0)
		close_fd(&ru->in[1]);
	return 0;
}

/* What is left in the pipes, bounded: a grandchild holding them open must
 * not keep us reading. */
static void drain_rest(struct run *ru, struct proc_result *r)
{
	if (ru->out[0] >= 0)
		drain(ru->out[0], &r->out, PROC_DRAIN_AFTER_EXIT, &ru->oom);
	if (ru->err[0] >= 0)
		drain(ru->err[0], &r->err, PROC_DRAIN_AFTER_EXIT, &ru->oom);
}

/* Reaps the child if it has exited; everything it wrote is then in the
 * pipes, which are drained and closed. */
static void reap_if_exited(struct run *ru, struct proc_result *r)
{
	if (ru->reaped || waitpid(ru->pid, &ru->status, WNOHANG) != ru->pid)
		return;
	ru->reaped = 1;
	close_fd(&ru->in[1]);
	drain_rest(ru, r);
	close_fd(&ru->out[0]);
	close_fd(&ru->err[0]);
}

/* The deadline passed: SIGTERM to the whole group, SIGKILL after the
 * grace, the leader reaped, stragglers killed, the pipes drained. */
static void kill_at_deadline(struct run *ru, struct proc_result *r)
{
	kill(-ru->pid, SIGTERM);
	kill(ru->pid, SIGTERM);
	if (!ru->reaped && !wait_for(ru->pid, ru->pidfd, PROC_KILL_GRACE_MS, &ru->status)) {
		kill(-ru->pid, SIGKILL);
		kill(ru->pid, SIGKILL);
		reap_blocking(ru->pid, &ru->status);
	}
	kill(-ru->pid, SIGKILL);   /* stragglers that ignored SIGTERM */
	ru->reaped = 1;
	r->outcome = PROC_TIMED_OUT;
	drain_rest(ru, r);
}

/* Writes what stdin can take now; closes it when all is written, or
 * when the child stopped reading (EPIPE, POLLERR, POLLHUP). */
static void feed_stdin(struct run *ru, const struct proc_spec *sp, short revents)
{
	ssize_t n;

	if (revents & (POLLERR | POLLHUP)) {
		close_fd(&ru->in[1]);
		return;
	}
	n = write(ru->in[1], (const char *)sp->stdin_data + ru->written,
		  sp->stdin_len - ru->written);
	if (n > 0)
		ru->written += (size_t)n;
	else if (n < 0 && errno != EAGAIN && errno != EINTR)
		close_fd(&ru->in[1]);   /* EPIPE: it stopped reading */
	if (ru->written >= sp->stdin_len)
		close_fd(&ru->in[1]);
}

static int poll_add(struct pollfd *pf, int *np, int fd, short events)
{
	if (fd < 0)
		return -1;
	pf[*np].fd = fd;
	pf[*np].events = events;
	pf[*np].revents = 0;
	return (*np)++;
}

/* One poll() over stdin, stdout, stderr and the pidfd, for at most
 * `left` ms, then the I/O it allows. Returns 0, or -1 with e set when
 * poll fails (the child is then killed and reaped). */
static int poll_once(struct run *ru, struct proc_result *r, const struct proc_spec *sp,
		     double left, struct err *e)
{
	struct pollfd pf[4];
	int np = 0, i_in, i_out, i_err, timeout = (int)left + 1;

	i_in = poll_add(pf, &np, ru->in[1], POLLOUT);
	i_out = poll_add(pf, &np, ru->out[0], POLLIN);
	i_err = poll_add(pf, &np, ru->err[0], POLLIN);
	if (!ru->reaped)
		poll_add(pf, &np, ru->pidfd, POLLIN);
	if (ru->pidfd < 0 && !ru->reaped && timeout > 10)
		timeout = 10;   /* no pidfd: look at the child every 10 ms */
	if (poll(pf, (nfds_t)np, timeout) < 0) {
		if (errno == EINTR)
			return 0;
		err_set(e, "waiting for '%s': %s", sp->argv[0], strerror(errno));
		kill(-ru->pid, SIGKILL);
		reap_blocking(ru->pid, &ru->status);
		return -1;
	}
	if (i_in >= 0 && pf[i_in].revents)
		feed_stdin(ru, sp, pf[i_in].revents);
	if (i_out >= 0 && pf[i_out].revents && drain(ru->out[0], &r->out, 0, &ru->oom))
		close_fd(&ru->out[0]);
	if (i_err >= 0 && pf[i_err].revents && drain(ru->err[0], &r->err, 0, &ru->oom))
		close_fd(&ru->err[0]);
	return 0;
}

/* Until the child is reaped and both pipes are closed, or the deadline. */
static int run_loop(struct run *ru, struct proc_result *r, const struct proc_spec *sp,
		    struct err *e)
{
	double left;

	for (;;) {
		reap_if_exited(ru, r);
		if (ru->reaped && ru->out[0] < 0 && ru->err[0] < 0)
			return 0;
		left = clock_left_ms(sp->deadline_ms);
		if (left <= 0) {
			kill_at_deadline(ru, r);
			return 0;
		}
		if (poll_once(ru, r, sp, left, e) < 0)
			return -1;
	}
}

static void set_outcome(struct proc_result *r, int status)
{
	if (r->outcome == PROC_TIMED_OUT)
		return;
	if (WIFEXITED(status)) {
		r->outcome = PROC_EXITED;
		r->exit_code = WEXITSTATUS(status);
	} else if (WIFSIGNALED(status)) {
		r->outcome = PROC_SIGNALED;
		r->term_signal = WTERMSIG(status);
	}
}

static void run_close(struct run *ru)
{
	sigpipe_restore(ru);
	for (int i = 0; i < 2; i++) {
		close_fd(&ru->in[i]);
		close_fd(&ru->out[i]);
		close_fd(&ru->err[i]);
		close_fd(&ru->rep[i]);
	}
	close_fd(&ru->pidfd);
}

int proc_run(struct proc_result *r, const struct proc_spec *sp, struct err *e)
{
	struct run ru;
	const char *path;
	int ret = -1, rc;

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

	run_init(&ru);
	if (run_open_pipes(&ru, sp, e) < 0)
		goto cleanup;
	sigpipe_block(&ru);
	rc = run_spawn(&ru, r, sp, e);
	if (rc != 0) {
		ret = rc > 0 ? 0 : -1;
		goto cleanup;
	}
	if (run_loop(&ru, r, sp, e) < 0)
		goto cleanup;
	r->ms = clock_now_ms() - ru.t0;
	set_outcome(r, ru.status);
	if (ru.oom) {
		err_set(e, "out of memory reading the output of '%s'", sp->argv[0]);
		goto cleanup;
	}
	ret = 0;
cleanup:
	run_close(&ru);
	return ret;
}
