/*
 * gator-spawn: starts and watches job processes for one job thread of the runner.
 *
 * Why it exists: fork() copies the page tables of the process that calls it, so every spawn
 * from the runner (100-300 MB resident) costs milliseconds of kernel time, while a fork from
 * this process (well under 1 MB) costs tens of microseconds. The runner sends requests on
 * stdin and reads every job's output, start and exit as frames on stdout, so it keeps no
 * pipe or process handle per job.
 *
 * Frames both ways: u8 type, u32 job id, u32 payload length (little-endian), payload.
 *   runner -> server  'S' spawn: u32 argc, u32 envc, then NUL-terminated cwd, argv, env
 *                     'P' pause reading the job's output   'R' resume it
 *   server -> runner  'p' started: u32 pid
 *                     'f' not started: u32 errno, u8 stage (0 chdir, 1 exec, 2 setup)
 *                     'o' stdout bytes   'e' stderr bytes
 *                     'x' ended (reaped and both pipes closed): i32 exit code or -1, i32 signal
 * When stdin ends while jobs run, the runner is gone: their process groups get SIGKILL.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define READ_CHUNK 65536
#define OUT_CAPACITY (4 * READ_CHUNK)
#define HEADER 9

typedef struct {
  uint32_t id;
  pid_t pid;
  int fd[2]; /* stdout, stderr read ends; -1 once closed */
  int paused;
  int reaped;
  int status;
} job_t;

static job_t *jobs;
static size_t job_count, job_capacity;
static int child_signal[2];

static unsigned char out[OUT_CAPACITY];
static size_t out_length;
static unsigned char chunk[READ_CHUNK];

static unsigned char *in;
static size_t in_length, in_capacity;

static void put_u32(unsigned char *at, uint32_t value) {
  at[0] = value & 0xff;
  at[1] = (value >> 8) & 0xff;
  at[2] = (value >> 16) & 0xff;
  at[3] = (value >> 24) & 0xff;
}

static uint32_t get_u32(const unsigned char *at) {
  return (uint32_t)at[0] | (uint32_t)at[1] << 8 | (uint32_t)at[2] << 16 | (uint32_t)at[3] << 24;
}

static void flush_out(void) {
  size_t done = 0;
  while (done < out_length) {
    ssize_t n = write(STDOUT_FILENO, out + done, out_length - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      _exit(0); /* the runner is gone */
    }
    done += (size_t)n;
  }
  out_length = 0;
}

static void emit(unsigned char type, uint32_t id, const void *data, uint32_t length) {
  if (out_length + HEADER + length > OUT_CAPACITY) flush_out();
  out[out_length] = type;
  put_u32(out + out_length + 1, id);
  put_u32(out + out_length + 5, length);
  memcpy(out + out_length + HEADER, data, length);
  out_length += HEADER + length;
}

static void emit_failure(uint32_t id, int error, unsigned char stage) {
  unsigned char payload[5];
  put_u32(payload, (uint32_t)error);
  payload[4] = stage;
  emit('f', id, payload, sizeof payload);
}

static void on_child_signal(int signal_number) {
  (void)signal_number;
  int saved = errno;
  ssize_t ignored = write(child_signal[1], "", 1);
  (void)ignored;
  errno = saved;
}

static job_t *find_job(uint32_t id) {
  for (size_t i = 0; i < job_count; i++)
    if (jobs[i].id == id) return &jobs[i];
  return NULL;
}

static void remove_job(job_t *job) {
  *job = jobs[--job_count];
}

/* Ends the job once it is reaped and its output is drained, so no line is lost. */
static int finish_if_done(job_t *job) {
  if (!job->reaped || job->fd[0] >= 0 || job->fd[1] >= 0) return 0;
  unsigned char payload[8];
  int code = WIFEXITED(job->status) ? WEXITSTATUS(job->status) : -1;
  int signal_number = WIFSIGNALED(job->status) ? WTERMSIG(job->status) : 0;
  put_u32(payload, (uint32_t)code);
  put_u32(payload + 4, (uint32_t)signal_number);
  emit('x', job->id, payload, sizeof payload);
  remove_job(job);
  return 1;
}

static void child_fail(int report, int error, unsigned char stage) {
  unsigned char message[5];
  put_u32(message, (uint32_t)error);
  message[4] = stage;
  ssize_t ignored = write(report, message, sizeof message);
  (void)ignored;
  _exit(127);
}

static void spawn_job(uint32_t id, unsigned char *payload, uint32_t length) {
  if (length < 8) return emit_failure(id, EINVAL, 2);
  uint32_t argc = get_u32(payload), envc = get_u32(payload + 4);
  char **argv = calloc((size_t)argc + 1, sizeof *argv);
  char **envp = calloc((size_t)envc + 1, sizeof *envp);
  char *cwd = NULL;
  if (argv == NULL || envp == NULL || argc == 0) {
    free(argv);
    free(envp);
    return emit_failure(id, argc == 0 ? EINVAL : ENOMEM, 2);
  }
  /* Strings follow the counts, each NUL-terminated; the request must hold exactly them. */
  unsigned char *at = payload + 8, *end = payload + length;
  for (uint32_t i = 0; i < 1 + argc + envc; i++) {
    unsigned char *nul = at < end ? memchr(at, 0, (size_t)(end - at)) : NULL;
    if (nul == NULL) {
      free(argv);
      free(envp);
      return emit_failure(id, EINVAL, 2);
    }
    if (i == 0) cwd = (char *)at;
    else if (i <= argc) argv[i - 1] = (char *)at;
    else envp[i - 1 - argc] = (char *)at;
    at = nul + 1;
  }

  int stdout_pipe[2], stderr_pipe[2], report[2];
  if (pipe2(stdout_pipe, O_CLOEXEC) != 0) goto setup_failed;
  if (pipe2(stderr_pipe, O_CLOEXEC) != 0) goto close_stdout;
  if (pipe2(report, O_CLOEXEC) != 0) goto close_stderr;
  if (job_count == job_capacity) {
    size_t capacity = job_capacity == 0 ? 16 : job_capacity * 2;
    job_t *grown = realloc(jobs, capacity * sizeof *grown);
    if (grown == NULL) goto close_report;
    jobs = grown;
    job_capacity = capacity;
  }

  pid_t pid = fork();
  if (pid < 0) goto close_report;
  if (pid == 0) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGPIPE, SIG_DFL);
    signal(SIGCHLD, SIG_DFL);
    /* Its own session and process group, so a stop reaches every process the job started. */
    setsid();
    int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null_fd < 0 || dup2(null_fd, STDIN_FILENO) < 0 || dup2(stdout_pipe[1], STDOUT_FILENO) < 0 ||
        dup2(stderr_pipe[1], STDERR_FILENO) < 0)
      child_fail(report[1], errno, 2);
    if (chdir(cwd) != 0) child_fail(report[1], errno, 0);
    /* execvp searches the job's own PATH, as a shell started with that environment would. */
    environ = envp;
    execvp(argv[0], argv);
    child_fail(report[1], errno, 1);
  }

  close(stdout_pipe[1]);
  close(stderr_pipe[1]);
  close(report[1]);
  unsigned char message[5];
  ssize_t got;
  do got = read(report[0], message, sizeof message);
  while (got < 0 && errno == EINTR);
  close(report[0]);
  free(argv);
  free(envp);
  if (got == (ssize_t)sizeof message) {
    /* The child exits at once; the reaper ignores pids it does not know. */
    close(stdout_pipe[0]);
    close(stderr_pipe[0]);
    return emit_failure(id, (int)get_u32(message), message[4]);
  }
  job_t *job = &jobs[job_count++];
  *job = (job_t){.id = id, .pid = pid, .fd = {stdout_pipe[0], stderr_pipe[0]}, .paused = 0, .reaped = 0, .status = 0};
  unsigned char started[4];
  put_u32(started, (uint32_t)pid);
  emit('p', id, started, sizeof started);
  return;

close_report : {
  int error = errno;
  close(report[0]);
  close(report[1]);
  errno = error;
}
close_stderr : {
  int error = errno;
  close(stderr_pipe[0]);
  close(stderr_pipe[1]);
  errno = error;
}
close_stdout : {
  int error = errno;
  close(stdout_pipe[0]);
  close(stdout_pipe[1]);
  errno = error;
}
setup_failed:
  free(argv);
  free(envp);
  emit_failure(id, errno, 2);
}

static void reap(void) {
  unsigned char drain[64];
  while (read(child_signal[0], drain, sizeof drain) > 0) {
  }
  for (;;) {
    int status;
    pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid <= 0) return;
    for (size_t i = 0; i < job_count; i++) {
      if (jobs[i].pid != pid) continue;
      jobs[i].reaped = 1;
      jobs[i].status = status;
      finish_if_done(&jobs[i]);
      break;
    }
  }
}

static void read_output(job_t *job, int stream) {
  ssize_t n;
  do n = read(job->fd[stream], chunk, sizeof chunk);
  while (n < 0 && errno == EINTR);
  if (n > 0) {
    emit(stream == 0 ? 'o' : 'e', job->id, chunk, (uint32_t)n);
    return;
  }
  close(job->fd[stream]);
  job->fd[stream] = -1;
}

/* Handles every whole request in the input buffer; returns 0 on a malformed one. */
static int handle_requests(void) {
  size_t at = 0;
  while (in_length - at >= HEADER) {
    unsigned char type = in[at];
    uint32_t id = get_u32(in + at + 1), length = get_u32(in + at + 5);
    if (in_length - at - HEADER < length) break;
    unsigned char *payload = in + at + HEADER;
    job_t *job;
    switch (type) {
      case 'S':
        spawn_job(id, payload, length);
        break;
      case 'P':
      case 'R':
        if ((job = find_job(id)) != NULL) job->paused = type == 'P';
        break;
      default:
        return 0;
    }
    at += HEADER + length;
  }
  memmove(in, in + at, in_length - at);
  in_length -= at;
  return 1;
}

static int read_requests(void) {
  if (in_capacity - in_length < READ_CHUNK) {
    size_t capacity = in_capacity == 0 ? 4 * READ_CHUNK : in_capacity * 2;
    unsigned char *grown = realloc(in, capacity);
    if (grown == NULL) return 0;
    in = grown;
    in_capacity = capacity;
  }
  ssize_t n;
  do n = read(STDIN_FILENO, in + in_length, in_capacity - in_length);
  while (n < 0 && errno == EINTR);
  if (n <= 0) return 0;
  in_length += (size_t)n;
  return handle_requests();
}

int main(void) {
  signal(SIGPIPE, SIG_IGN);
  if (pipe2(child_signal, O_CLOEXEC | O_NONBLOCK) != 0) return 1;
  struct sigaction action = {0};
  action.sa_handler = on_child_signal;
  action.sa_flags = SA_RESTART | SA_NOCLDSTOP;
  sigemptyset(&action.sa_mask);
  if (sigaction(SIGCHLD, &action, NULL) != 0) return 1;

  struct pollfd *polled = NULL;
  size_t polled_capacity = 0;
  for (;;) {
    flush_out();
    size_t wanted = 2 + 2 * job_count;
    if (wanted > polled_capacity) {
      polled_capacity = wanted * 2;
      polled = realloc(polled, polled_capacity * sizeof *polled);
      if (polled == NULL) return 1;
    }
    polled[0] = (struct pollfd){.fd = STDIN_FILENO, .events = POLLIN};
    polled[1] = (struct pollfd){.fd = child_signal[0], .events = POLLIN};
    size_t count = 2;
    for (size_t i = 0; i < job_count; i++)
      for (int stream = 0; stream < 2; stream++)
        if (jobs[i].fd[stream] >= 0 && !jobs[i].paused)
          polled[count++] = (struct pollfd){.fd = jobs[i].fd[stream], .events = POLLIN};
    if (poll(polled, count, -1) < 0) {
      if (errno == EINTR) continue;
      return 1;
    }
    /* Output first, then exits, so a job's last bytes always precede its end. */
    for (size_t p = 2; p < count; p++) {
      if (polled[p].revents == 0) continue;
      for (size_t i = 0; i < job_count; i++) {
        job_t *job = &jobs[i];
        int stream = job->fd[0] == polled[p].fd ? 0 : job->fd[1] == polled[p].fd ? 1 : -1;
        if (stream < 0) continue;
        read_output(job, stream);
        finish_if_done(job);
        break;
      }
    }
    if (polled[1].revents != 0) reap();
    if (polled[0].revents != 0 && !read_requests()) {
      flush_out();
      for (size_t i = 0; i < job_count; i++) kill(-jobs[i].pid, SIGKILL);
      return 0;
    }
  }
}
