/* svnwatch: the subversion sample's commit feed, built with --coverage so that both machines
 * cover their part of it (the web server the recording, the client the waiting).
 *   svnwatch serve FIFO FEED GROUP   read "REPOS REV" lines from FIFO (created, writable by GROUP:
 *                                    the post-commit hook runs as Apache's user), look each commit
 *                                    up with svnlook and append "rREV AUTHOR: FIRST LOG LINE" to FEED
 *   svnwatch wait HOST PATH REV [S]  poll http://HOST:80/PATH until a line of revision REV appears
 *                                    (at most S seconds, default 30); print it; exit 1 if it never does
 * The hook itself is a shell script (run as www-data with an empty environment) that only hands the
 * commit on; svnwatch serve runs as a root service and exits 0 on SIGTERM, when libgcov writes its
 * counters. */
#include <errno.h>
#include <grp.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stopping;

static void on_term(int sig) {
  (void)sig;
  stopping = 1;
}

/* Runs svnlook SUBCOMMAND -r REV REPOS and puts the first line of its output into out. */
static int svnlook(const char *subcommand, const char *repos, const char *rev, char *out, size_t size) {
  int fds[2];
  if (pipe(fds) != 0) return -1;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], 1);
    close(fds[0]);
    close(fds[1]);
    execlp("svnlook", "svnlook", subcommand, "-r", rev, repos, (char *)NULL);
    _exit(127);
  }
  close(fds[1]);
  size_t got = 0;
  ssize_t n;
  while (got < size - 1 && (n = read(fds[0], out + got, size - 1 - got)) > 0) got += (size_t)n;
  out[got] = 0;
  out[strcspn(out, "\n")] = 0;
  close(fds[0]);
  int status;
  if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return -1;
  return 0;
}

static void record(const char *line, const char *feed) {
  char repos[1024], rev[32], author[256], log[1024];
  if (sscanf(line, "%1023s %31s", repos, rev) != 2 || strspn(rev, "0123456789") != strlen(rev)) {
    fprintf(stderr, "svnwatch: ignoring '%s' (want: REPOS REV)\n", line);
    return;
  }
  if (svnlook("author", repos, rev, author, sizeof author) != 0 || svnlook("log", repos, rev, log, sizeof log) != 0) {
    fprintf(stderr, "svnwatch: svnlook failed for r%s of %s\n", rev, repos);
    return;
  }
  FILE *f = fopen(feed, "a");
  if (!f) {
    fprintf(stderr, "svnwatch: %s: %s\n", feed, strerror(errno));
    return;
  }
  fprintf(f, "r%s %s: %s\n", rev, author[0] ? author : "(no author)", log);
  fclose(f);
  fprintf(stderr, "svnwatch: recorded r%s of %s\n", rev, repos);
}

static int serve(const char *fifo, const char *feed, const char *group) {
  struct group *g = getgrnam(group);
  if (!g) {
    fprintf(stderr, "svnwatch: no group '%s'\n", group);
    return 1;
  }
  unlink(fifo);
  if (mkfifo(fifo, 0620) != 0 || chown(fifo, 0, g->gr_gid) != 0 || chmod(fifo, 0620) != 0) {
    fprintf(stderr, "svnwatch: fifo %s: %s\n", fifo, strerror(errno));
    return 1;
  }
  int created = open(feed, O_WRONLY | O_CREAT | O_APPEND, 0644); /* an empty feed until the first commit */
  if (created < 0) {
    fprintf(stderr, "svnwatch: %s: %s\n", feed, strerror(errno));
    return 1;
  }
  close(created);
  struct sigaction sa = {0};
  sa.sa_handler = on_term; /* no SA_RESTART: the blocked read returns EINTR */
  sigaction(SIGTERM, &sa, NULL);
  /* Read and write: the FIFO never reports end of file when a hook closes it. */
  int fd = open(fifo, O_RDWR);
  if (fd < 0) {
    fprintf(stderr, "svnwatch: open %s: %s\n", fifo, strerror(errno));
    return 1;
  }
  char buf[4096];
  size_t got = 0;
  while (!stopping) {
    ssize_t n = read(fd, buf + got, sizeof buf - 1 - got);
    if (n <= 0) continue; /* EINTR: the loop condition decides */
    got += (size_t)n;
    buf[got] = 0;
    char *line = buf, *end;
    while ((end = strchr(line, '\n'))) {
      *end = 0;
      record(line, feed);
      line = end + 1;
    }
    got = strlen(line);
    memmove(buf, line, got + 1);
    if (got == sizeof buf - 1) got = 0; /* a line longer than the buffer: drop it */
  }
  close(fd);
  unlink(fifo);
  fprintf(stderr, "svnwatch: stopping on SIGTERM\n");
  return 0;
}

/* The body of http://HOST:80/PATH into buf, or -1 (no connection, status other than 200). */
static int http_get(const char *host, const char *path, char *buf, size_t size) {
  struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *ai;
  if (getaddrinfo(host, "80", &hints, &ai) != 0) return -1;
  int s = socket(ai->ai_family, SOCK_STREAM, 0);
  int ok = s >= 0 && connect(s, ai->ai_addr, ai->ai_addrlen) == 0;
  freeaddrinfo(ai);
  if (!ok) {
    if (s >= 0) close(s);
    return -1;
  }
  int n = snprintf(buf, size, "GET %s HTTP/1.0\r\nHost: %s\r\n\r\n", path, host);
  if (write(s, buf, (size_t)n) != n) {
    close(s);
    return -1;
  }
  size_t got = 0;
  ssize_t r;
  while (got < size - 1 && (r = read(s, buf + got, size - 1 - got)) > 0) got += (size_t)r;
  buf[got] = 0;
  close(s);
  int status = 0;
  char *body = strstr(buf, "\r\n\r\n");
  if (sscanf(buf, "HTTP/%*s %d", &status) != 1 || status != 200 || !body) return -1;
  memmove(buf, body + 4, strlen(body + 4) + 1);
  return 0;
}

static int wait_for(const char *host, const char *path, const char *rev, int seconds) {
  char want[40], buf[65536];
  snprintf(want, sizeof want, "r%s ", rev);
  time_t deadline = time(NULL) + seconds;
  do {
    if (http_get(host, path, buf, sizeof buf) == 0) {
      for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
        if (strncmp(line, want, strlen(want)) == 0) {
          puts(line);
          return 0;
        }
      }
    }
    usleep(200 * 1000);
  } while (time(NULL) < deadline);
  fprintf(stderr, "svnwatch: r%s did not appear in http://%s%s within %d s\n", rev, host, path, seconds);
  return 1;
}

int main(int argc, char **argv) {
  if (argc == 5 && strcmp(argv[1], "serve") == 0) return serve(argv[2], argv[3], argv[4]);
  if ((argc == 5 || argc == 6) && strcmp(argv[1], "wait") == 0)
    return wait_for(argv[2], argv[3], argv[4], argc == 6 ? atoi(argv[5]) : 30);
  fprintf(stderr, "usage: svnwatch serve FIFO FEED GROUP | svnwatch wait HOST PATH REV [SECONDS]\n");
  return 2;
}
