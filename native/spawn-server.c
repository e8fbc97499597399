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
 *                     'C' cut: once the job's own process is reaped, end the job at once,
 *                         closing its pipes without a drain (the runner has SIGKILLed it)
 *   server -> runner  'p' started: u32 pid
 *                     'f' not started: u32 errno, u8 stage (0 chdir, 1 exec, 2 setup,
 *                         3 resource: the server ran short of files, processes or memory,
 *                         which is no fault of the job)
 *                     'o' stdout bytes   'e' stderr bytes
 *                     'x' ended: i32 exit code or -1, i32 signal, u32 flags (bit 0: the
 *                         output was cut: after the job's own process was reaped, its pipes
 *                         stayed open, held by processes it left behind, past the drain)
 *
 * Stop paths. The server is a session and process group of its own, so the signals a
 * terminal, `timeout` or a CI cancel send to the runner's group never reach it: the runner
 * decides what happens to jobs. It is also the child subreaper of everything its jobs start,
 * so a process that escapes its job's group (`setsid daemon &`) is adopted here rather than by
 * init. Whenever the runner is gone, however it went (its requests end, or a write to it
 * fails), every job's group and every adopted process gets SIGKILL before the server exits.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define READ_CHUNK 65536
#define OUT_CAPACITY (4 * READ_CHUNK)
#define HEADER 9
/* After a job's own process is reaped, how long its pipes may stay open (held by processes it
 * left behind) before they are closed and the job ends with its output marked as cut. */
#define DRAIN_MS 2000
#define STAGE_SETUP 2
#define STAGE_RESOURCE 3
#define ENDED_CUT 1u

typedef struct {
  uint32_t id;
  pid_t pid;
  int fd[2]; /* stdout, stderr read ends; -1 once closed */
  int paused;
  int reaped;
  int status;
  int cut;               /* 'C' asked for: end at the reap, without a drain */
  int64_t drain_until;   /* monotonic ms; set while reaped with a pipe open and not paused */
  uint32_t flags;
} job_t;

static job_t *jobs;
static size_t job_count, job_capacity;
static int child_signal[2];

static unsigned char out[OUT_CAPACITY];
static size_t out_length;
static unsigned char chunk[READ_CHUNK];

static unsigned char *in;
static size_t in_length, in_capacity;

/* The open-file limit the server was started with: jobs get it back, since programs that
 * use select() break above 1024. The server itself runs at the hard limit. */
static struct rlimit original_files;

static int64_t now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* A failure that is the machine's or the server's, not the job's: the runner retries. */
static unsigned char setup_stage(int error) {
  return error == EMFILE || error == ENFILE || error == EAGAIN || error == ENOMEM ? STAGE_RESOURCE : STAGE_SETUP;
}

/* Children of this process that are not jobs: processes adopted as subreaper. */
static size_t read_children(pid_t *out, size_t capacity) {
  char path[64];
  snprintf(path, sizeof path, "/proc/self/task/%d/children", (int)getpid());
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  char text[8192];
  ssize_t n = read(fd, text, sizeof text - 1);
  close(fd);
  if (n <= 0) return 0;
  text[n] = 0;
  size_t count = 0;
  for (char *at = text; *at != 0 && count < capacity;) {
    char *end;
    long pid = strtol(at, &end, 10);
    if (end == at) break;
    out[count++] = (pid_t)pid;
    at = end;
    while (*at == ' ') at++;
  }
  return count;
}

/* The runner is gone: nothing the jobs started may outlive it. */
static void kill_everything(void) {
  for (size_t i = 0; i < job_count; i++) kill(-jobs[i].pid, SIGKILL);
  /* Adopted processes may have children of their own, which are adopted in turn once their
   * parent dies: repeat until none is left (bounded, should one keep forking). */
  for (int round = 0; round < 100; round++) {
    int status;
    while (waitpid(-1, &status, WNOHANG) > 0) {
    }
    pid_t children[1024];
    size_t count = read_children(children, sizeof children / sizeof *children);
    if (count == 0) return;
    for (size_t i = 0; i < count; i++) {
      kill(-children[i], SIGKILL); /* its group, if it leads one (a setsid daemon does) */
      kill(children[i], SIGKILL);
    }
    struct timespec pause = {0, 10 * 1000000};
    nanosleep(&pause, NULL);
  }
}

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
      /* The runner is gone, perhaps with this very output unread: its jobs go with it. */
      kill_everything();
      _exit(0);
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
  unsigned char payload[12];
  int code = WIFEXITED(job->status) ? WEXITSTATUS(job->status) : -1;
  int signal_number = WIFSIGNALED(job->status) ? WTERMSIG(job->status) : 0;
  put_u32(payload, (uint32_t)code);
  put_u32(payload + 4, (uint32_t)signal_number);
  put_u32(payload + 8, job->flags);
  emit('x', job->id, payload, sizeof payload);
  remove_job(job);
  return 1;
}

static void child_fail(int report, int error, unsigned char stage) {
  if (stage == STAGE_SETUP) stage = setup_stage(error);
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
    return argc == 0 ? emit_failure(id, EINVAL, STAGE_SETUP) : emit_failure(id, ENOMEM, STAGE_RESOURCE);
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
    if (grown == NULL) {
      errno = ENOMEM;
      goto close_report;
    }
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
    signal(SIGINT, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    signal(SIGQUIT, SIG_DFL);
    setrlimit(RLIMIT_NOFILE, &original_files);
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
  *job = (job_t){.id = id, .pid = pid, .fd = {stdout_pipe[0], stderr_pipe[0]}};
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
setup_failed : {
  int error = errno;
  free(argv);
  free(envp);
  emit_failure(id, error, setup_stage(error));
}
}

/* Starts the drain clock of a reaped job whose pipes are still open, unless it is paused
 * (then nothing is read, and the clock starts at resume). */
static void arm_drain(job_t *job) {
  job->drain_until = job->reaped && !job->paused && (job->fd[0] >= 0 || job->fd[1] >= 0) ? now_ms() + DRAIN_MS : 0;
}

static void read_output(job_t *job, int stream);

/* Ends a job whose pipes are held open by processes it left behind: what is already in them
 * is read (a bounded amount, should they keep writing), the rest is cut. */
static int cut_output(job_t *job) {
  for (int stream = 0; stream < 2; stream++) {
    for (int chunks = 0; chunks < 16 && job->fd[stream] >= 0; chunks++) {
      struct pollfd ready = {.fd = job->fd[stream], .events = POLLIN};
      if (poll(&ready, 1, 0) <= 0) break;
      read_output(job, stream);
    }
    if (job->fd[stream] >= 0) {
      close(job->fd[stream]);
      job->fd[stream] = -1;
      job->flags |= ENDED_CUT;
    }
  }
  return finish_if_done(job);
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
      if (jobs[i].cut) cut_output(&jobs[i]);
      else if (!finish_if_done(&jobs[i])) arm_drain(&jobs[i]);
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
        if ((job = find_job(id)) != NULL) {
          job->paused = type == 'P';
          arm_drain(job);
        }
        break;
      case 'C':
        if ((job = find_job(id)) != NULL) {
          job->cut = 1;
          if (job->reaped) cut_output(job);
        }
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

/* `gator-spawn --raise-open-files PID`: Node has no setrlimit, so the runner asks for its own
 * soft open-file limit to be raised to its hard limit with prlimit(2); prints "soft hard". */
static int raise_open_files(const char *target) {
  pid_t pid = (pid_t)strtol(target, NULL, 10);
  struct rlimit limit;
  if (pid <= 0 || prlimit(pid, RLIMIT_NOFILE, NULL, &limit) != 0) return 1;
  if (limit.rlim_cur < limit.rlim_max) {
    struct rlimit raised = {limit.rlim_max, limit.rlim_max};
    if (prlimit(pid, RLIMIT_NOFILE, &raised, NULL) == 0) limit = raised;
  }
  printf("%llu %llu\n", (unsigned long long)limit.rlim_cur, (unsigned long long)limit.rlim_max);
  return 0;
}

/* Ends jobs held open past their drain; returns the poll timeout until the next deadline. */
static int expire_drains(void) {
  int64_t now = now_ms(), next = -1;
  for (size_t i = 0; i < job_count;) {
    job_t *job = &jobs[i];
    if (job->drain_until != 0 && job->drain_until <= now && !job->paused) {
      if (cut_output(job)) continue; /* removed: another job now sits at i */
    }
    if (job->drain_until != 0 && !job->paused && (next < 0 || job->drain_until < next)) next = job->drain_until;
    i++;
  }
  return next < 0 ? -1 : (int)(next - now);
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "--raise-open-files") == 0) return raise_open_files(argv[2]);
  /* Out of the runner's session: its terminal's Ctrl+C and hang-up, `timeout` and a CI
   * cancel signal the runner's group, and the runner alone decides what its jobs get. */
  setsid();
  signal(SIGINT, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
  signal(SIGQUIT, SIG_IGN);
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  /* Two pipes per running job: run at the hard limit, not the (often 1024) soft one. */
  getrlimit(RLIMIT_NOFILE, &original_files);
  struct rlimit raised = {original_files.rlim_max, original_files.rlim_max};
  setrlimit(RLIMIT_NOFILE, &raised);
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
    int timeout = expire_drains();
    flush_out();
    size_t wanted = 2 + 2 * job_count;
    if (wanted > polled_capacity) {
      polled_capacity = wanted * 2;
      polled = realloc(polled, polled_capacity * sizeof *polled);
      if (polled == NULL) {
        kill_everything();
        return 1;
      }
    }
    polled[0] = (struct pollfd){.fd = STDIN_FILENO, .events = POLLIN};
    polled[1] = (struct pollfd){.fd = child_signal[0], .events = POLLIN};
    size_t count = 2;
    for (size_t i = 0; i < job_count; i++)
      for (int stream = 0; stream < 2; stream++)
        if (jobs[i].fd[stream] >= 0 && !jobs[i].paused)
          polled[count++] = (struct pollfd){.fd = jobs[i].fd[stream], .events = POLLIN};
    if (poll(polled, count, timeout) < 0) {
      if (errno == EINTR) continue;
      kill_everything();
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
      kill_everything();
      return 0;
    }
  }
}
