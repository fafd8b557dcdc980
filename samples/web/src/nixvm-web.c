/* nixvm-web: the web sample's HTTP server and client in one program, built with --coverage so
 * that the two machines (server role, client role) cover different parts of it.
 *   nixvm-web serve PORT DOCROOT   serve files below DOCROOT ("/" is index.html), GET and HEAD
 *   nixvm-web get HOST PATH        print the body of http://HOST:80/PATH; exit 1 unless 200
 * The server exits 0 on SIGTERM: libgcov writes coverage data only at exit, and the guest's
 * init treats a non-zero exit of a service as fatal. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <netinet/in.h>

static volatile sig_atomic_t stopping;

static void on_term(int sig) {
  (void)sig;
  stopping = 1;
}

static void send_all(int fd, const char *buf, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, buf, len);
    if (n <= 0) return; /* the client went away: nothing to do */
    buf += n;
    len -= (size_t)n;
  }
}

static void respond(int fd, const char *status, const char *type, const char *body, size_t len) {
  char head[256];
  int n = snprintf(head, sizeof head, "HTTP/1.0 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
                   status, type, len);
  send_all(fd, head, (size_t)n);
  if (body) send_all(fd, body, len);
}

static void serve_one(int fd, const char *docroot) {
  char req[4096], method[8], path[1024], file[2048];
  size_t got = 0;
  /* Read the whole header: closing with unread request bytes would reset the connection. */
  while (got < sizeof req - 1) {
    ssize_t n = read(fd, req + got, sizeof req - 1 - got);
    if (n <= 0) break;
    got += (size_t)n;
    req[got] = 0;
    if (strstr(req, "\r\n\r\n")) break;
  }
  req[got] = 0;
  if (sscanf(req, "%7s %1023s", method, path) != 2 || path[0] != '/' || strstr(path, "..")) {
    respond(fd, "400 Bad Request", "text/plain", "bad request\n", 12);
    return;
  }
  int head = strcmp(method, "HEAD") == 0;
  if (!head && strcmp(method, "GET") != 0) {
    respond(fd, "405 Method Not Allowed", "text/plain", "method not allowed\n", 19);
    return;
  }
  snprintf(file, sizeof file, "%s%s", docroot, strcmp(path, "/") == 0 ? "/index.html" : path);
  struct stat st;
  int in = open(file, O_RDONLY);
  if (in < 0 || fstat(in, &st) != 0 || !S_ISREG(st.st_mode)) {
    if (in >= 0) close(in);
    respond(fd, "404 Not Found", "text/plain", "not found\n", 10);
    fprintf(stderr, "nixvm-web: %s %s 404\n", method, path);
    return;
  }
  char *body = malloc((size_t)st.st_size + 1);
  ssize_t len = body ? read(in, body, (size_t)st.st_size) : -1;
  close(in);
  const char *type = strstr(file, ".html") ? "text/html" : "text/plain";
  respond(fd, "200 OK", type, head ? NULL : body, len < 0 ? 0 : (size_t)len);
  free(body);
  fprintf(stderr, "nixvm-web: %s %s 200\n", method, path);
}

static int serve(int port, const char *docroot) {
  struct sigaction sa = {0};
  sa.sa_handler = on_term; /* no SA_RESTART: a blocked call returns EINTR */
  sigaction(SIGTERM, &sa, NULL);
  signal(SIGPIPE, SIG_IGN); /* a client that hangs up (e.g. `nc -z`) must not kill the server */
  int s = socket(AF_INET6, SOCK_STREAM, 0), on = 1, off = 0;
  setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
  struct sockaddr_in6 addr = {.sin6_family = AF_INET6, .sin6_port = htons((unsigned short)port), .sin6_addr = in6addr_any};
  if (s < 0 || bind(s, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(s, 16) != 0) {
    perror("nixvm-web: listen");
    return 1;
  }
  while (!stopping) {
    /* poll with a timeout so that a SIGTERM just before poll is still noticed */
    struct pollfd p = {.fd = s, .events = POLLIN};
    if (poll(&p, 1, 1000) <= 0) continue;
    int c = accept(s, NULL, NULL);
    if (c < 0) continue;
    serve_one(c, docroot);
    shutdown(c, SHUT_WR);
    close(c);
  }
  fprintf(stderr, "nixvm-web: stopping on SIGTERM\n");
  return 0;
}

static int get(const char *host, const char *path) {
  struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *ai;
  int rc = getaddrinfo(host, "80", &hints, &ai);
  if (rc != 0) {
    fprintf(stderr, "nixvm-web: %s: %s\n", host, gai_strerror(rc));
    return 1;
  }
  int s = socket(ai->ai_family, SOCK_STREAM, 0);
  if (s < 0 || connect(s, ai->ai_addr, ai->ai_addrlen) != 0) {
    fprintf(stderr, "nixvm-web: connect to %s: %s\n", host, strerror(errno));
    freeaddrinfo(ai);
    return 1;
  }
  freeaddrinfo(ai);
  char buf[65536];
  int n = snprintf(buf, sizeof buf, "GET %s HTTP/1.0\r\nHost: %s\r\n\r\n", path, host);
  send_all(s, buf, (size_t)n);
  size_t got = 0;
  ssize_t r;
  while (got < sizeof buf - 1 && (r = read(s, buf + got, sizeof buf - 1 - got)) > 0) got += (size_t)r;
  buf[got] = 0;
  close(s);
  char *body = strstr(buf, "\r\n\r\n");
  int status = 0;
  if (sscanf(buf, "HTTP/%*s %d", &status) != 1 || status != 200 || !body) {
    fprintf(stderr, "nixvm-web: %s%s: %.*s\n", host, path, (int)strcspn(buf, "\r\n"), buf);
    return 1;
  }
  fputs(body + 4, stdout);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 4 && strcmp(argv[1], "serve") == 0) return serve(atoi(argv[2]), argv[3]);
  if (argc == 4 && strcmp(argv[1], "get") == 0) return get(argv[2], argv[3]);
  fprintf(stderr, "usage: nixvm-web serve PORT DOCROOT | nixvm-web get HOST PATH\n");
  return 2;
}
