/* groundwatch-capture-worker: the live capture worker as a plain C process,
 * one thread for its whole life.
 *
 * Why not Node: capabilities belong to each thread, and Node starts its
 * helper threads before any groundwatch code runs. A worker the daemon
 * restarts (running as the --user, CAP_NET_RAW ambient) would keep
 * CAP_NET_RAW on those threads whatever its main thread drops. Here the only
 * thread opens the capture, switches user, drops every capability (and sets
 * no_new_privs), checks with the kernel that it holds nothing, and only then
 * reads a packet.
 *
 * The contract is src/daemon/capture-worker.ts's (the Node fallback):
 * the same libpcap settings (capture_core.c, shared with the binding), the
 * same frames on stdout (src/daemon/frames.ts), stats every second, the
 * link check, the bounded drain on SIGTERM/SIGINT or when stdin ends, and
 * the exit codes: 0 asked to stop, 2 could not open (an error frame says
 * why), 3 capture failed or link down.
 *
 * Arguments (written by src/daemon/worker-command.ts):
 *   --interface NAME --snaplen N --buffer-bytes N --promiscuous 0|1
 *   --timeout-ms N --filter EXPR [--user NAME --uid N --gid N]
 */
#define _GNU_SOURCE
#include "capture_core.h"

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

/* The same numbers as capture-worker.ts. */
#define BUFFER_TARGET_BYTES (4u * 1024u * 1024u)
#define DISPATCHES_PER_TURN 8
#define DRAIN_DEADLINE_MS 4000
#define STATS_INTERVAL_MS 1000
#define DEFAULT_TIMEOUT_MS 100
#define MESSAGE_SIZE (PCAP_ERRBUF_SIZE + 512)

typedef struct {
  const char *interface_name;
  gw_open_options pcap;
  const char *user; /* NULL: no --user (stay who we are) */
  uid_t uid;
  gid_t gid;
} worker_options;

typedef struct {
  gw_capture capture;
  const char *interface_name;
  uint8_t *out;
  size_t out_size;
  size_t slot;
  /* Packets written to the daemon (to tell, at stop, how many libpcap received but never delivered). */
  uint64_t delivered;
  bool stopping;
  bool stdin_open;
  char failure[MESSAGE_SIZE];
} worker;

static volatile sig_atomic_t stop_requested = 0;

static void on_stop_signal(int sig) {
  (void)sig;
  stop_requested = 1;
}

/* ---- output: frames on stdout ---- */

typedef struct {
  uint8_t *data;
  size_t len;
  size_t cap;
} byte_buffer;

static void append(byte_buffer *b, const void *bytes, size_t n) {
  if (b->len + n > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + n) cap *= 2;
    uint8_t *grown = realloc(b->data, cap);
    if (grown == NULL) {
      fputs("capture worker: out of memory\n", stderr);
      exit(3);
    }
    b->data = grown;
    b->cap = cap;
  }
  memcpy(b->data + b->len, bytes, n);
  b->len += n;
}

static void append_text(byte_buffer *b, const char *text) {
  append(b, text, strlen(text));
}

/* A JSON string as JSON.stringify writes it: only ", \ and control characters escaped. */
static void append_json_string(byte_buffer *b, const char *s) {
  append_text(b, "\"");
  for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
    char escaped[8];
    switch (*p) {
      case '"': append_text(b, "\\\""); break;
      case '\\': append_text(b, "\\\\"); break;
      case '\b': append_text(b, "\\b"); break;
      case '\f': append_text(b, "\\f"); break;
      case '\n': append_text(b, "\\n"); break;
      case '\r': append_text(b, "\\r"); break;
      case '\t': append_text(b, "\\t"); break;
      default:
        if (*p < 0x20) {
          snprintf(escaped, sizeof escaped, "\\u%04x", *p);
          append_text(b, escaped);
        } else {
          append(b, p, 1);
        }
    }
  }
  append_text(b, "\"");
}

/* Writes all of it; EAGAIN waits a moment, a signal retries, anything else (EPIPE) means the daemon is gone. */
static void write_all(const uint8_t *bytes, size_t len) {
  while (len > 0) {
    ssize_t n = write(STDOUT_FILENO, bytes, len);
    if (n > 0) {
      bytes += n;
      len -= (size_t)n;
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && errno == EAGAIN) {
      struct pollfd out = {.fd = STDOUT_FILENO, .events = POLLOUT, .revents = 0};
      (void)poll(&out, 1, 1);
    } else {
      exit(0);
    }
  }
}

static void write_json_frame(uint8_t type, const byte_buffer *json) {
  uint8_t header[GW_FRAME_HEADER];
  gw_put_u16le(header, GW_FRAME_MAGIC);
  header[2] = type;
  header[3] = 0;
  gw_put_u32le(header + 4, (uint32_t)json->len);
  byte_buffer frame = {0};
  append(&frame, header, sizeof header);
  append(&frame, json->data, json->len);
  write_all(frame.data, frame.len);
  free(frame.data);
}

/* The first line, trimmed (what capture-worker.ts keeps of an error). */
static void first_line(char *text) {
  char *end = strchr(text, '\n');
  if (end != NULL) *end = '\0';
  size_t start = strspn(text, " \t\r\f\v");
  memmove(text, text + start, strlen(text + start) + 1);
  size_t len = strlen(text);
  while (len > 0 && strchr(" \t\r\f\v", text[len - 1]) != NULL) text[--len] = '\0';
}

/* An error frame with a catalogued code (src/errors.ts), then exit 2: the capture never started. */
static void fail_to_open(const char *code, const char *message) {
  byte_buffer json = {0};
  append_text(&json, "{\"code\":");
  append_json_string(&json, code);
  append_text(&json, ",\"message\":");
  append_json_string(&json, message);
  append_text(&json, "}");
  write_json_frame(GW_FRAME_TYPE_ERROR, &json);
  free(json.data);
  exit(2);
}

/* ---- options ---- */

static bool parse_int(const char *text, long min, long max, long *value) {
  char *end = NULL;
  errno = 0;
  long v = strtol(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || v < min || v > max) return false;
  *value = v;
  return true;
}

static void bad_option(const worker_options *opts, const char *what) {
  char message[MESSAGE_SIZE];
  snprintf(message, sizeof message, "cannot capture on %s: %s", opts->interface_name ? opts->interface_name : "(no interface)", what);
  fail_to_open("CAPTURE_OPEN_FAILED", message);
}

/* A numeric option in range, else the message the binding gives for it. */
static long int_option(const worker_options *opts, const char *name, const char *text, long min, long max) {
  long value = 0;
  if (parse_int(text, min, max, &value)) return value;
  char what[256];
  if (strcmp(name, "snaplen") == 0) snprintf(what, sizeof what, "snaplen must be 1..%d (got %.64s)", GW_MAX_SNAPLEN, text);
  else snprintf(what, sizeof what, "option %s must be an integer from %ld to %ld", name, min, max);
  bad_option(opts, what);
  return 0;
}

static void parse_options(int argc, char **argv, worker_options *opts) {
  const char *snaplen = NULL, *buffer_bytes = NULL, *uid = NULL, *gid = NULL;
  const char *promiscuous = "1", *timeout_ms = NULL;
  opts->pcap.filter = "";
  for (int i = 1; i < argc; i += 2) {
    const char *flag = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;
    char what[160];
    if (value == NULL) {
      snprintf(what, sizeof what, "capture worker option %.64s needs a value", flag);
      bad_option(opts, what);
    }
    if (strcmp(flag, "--interface") == 0) opts->interface_name = value;
    else if (strcmp(flag, "--snaplen") == 0) snaplen = value;
    else if (strcmp(flag, "--buffer-bytes") == 0) buffer_bytes = value;
    else if (strcmp(flag, "--promiscuous") == 0) promiscuous = value;
    else if (strcmp(flag, "--timeout-ms") == 0) timeout_ms = value;
    else if (strcmp(flag, "--filter") == 0) opts->pcap.filter = value;
    else if (strcmp(flag, "--user") == 0) opts->user = value;
    else if (strcmp(flag, "--uid") == 0) uid = value;
    else if (strcmp(flag, "--gid") == 0) gid = value;
    else {
      snprintf(what, sizeof what, "unknown capture worker option %.64s", flag);
      bad_option(opts, what);
    }
  }
  if (opts->interface_name == NULL || snaplen == NULL || buffer_bytes == NULL) bad_option(opts, "capture worker needs --interface, --snaplen and --buffer-bytes");
  if (strcmp(promiscuous, "0") != 0 && strcmp(promiscuous, "1") != 0) bad_option(opts, "option promiscuous must be 0 or 1");
  opts->pcap.promiscuous = strcmp(promiscuous, "1") == 0;
  opts->pcap.snaplen = (int)int_option(opts, "snaplen", snaplen, 1, GW_MAX_SNAPLEN);
  opts->pcap.buffer_bytes = (int)int_option(opts, "bufferBytes", buffer_bytes, 1, INT_MAX);
  opts->pcap.timeout_ms = timeout_ms ? (int)int_option(opts, "timeoutMs", timeout_ms, 1, 60000) : DEFAULT_TIMEOUT_MS;
  if ((opts->user == NULL) != (uid == NULL) || (uid == NULL) != (gid == NULL)) bad_option(opts, "capture worker needs --user, --uid and --gid together");
  if (opts->user != NULL) {
    opts->uid = (uid_t)int_option(opts, "uid", uid, 0, 0x7fffffffL);
    opts->gid = (gid_t)int_option(opts, "gid", gid, 0, 0x7fffffffL);
  }
}

/* ---- privileges ---- */

/* Permitted | effective | inheritable | ambient, and the thread count, from /proc/self/status. */
static bool read_own_status(unsigned long long *held, long *threads) {
  FILE *f = fopen("/proc/self/status", "r");
  if (f == NULL) return false;
  char line[256];
  *held = 0;
  *threads = 0;
  while (fgets(line, sizeof line, f) != NULL) {
    unsigned long long set = 0;
    if (sscanf(line, "CapPrm: %llx", &set) == 1 || sscanf(line, "CapEff: %llx", &set) == 1 || sscanf(line, "CapInh: %llx", &set) == 1 ||
        sscanf(line, "CapAmb: %llx", &set) == 1)
      *held |= set;
    (void)sscanf(line, "Threads: %ld", threads);
  }
  fclose(f);
  return *threads > 0;
}

/* Once the capture is open: become the user (if still root, with --user) and hold no capability. */
static void drop_privileges(const worker_options *opts) {
  char message[MESSAGE_SIZE];
  if (opts->user != NULL && getuid() == 0) {
    /* Supplementary groups first (root's would survive setgid), then group, then user. */
    if (initgroups(opts->user, opts->gid) != 0 || setgid(opts->gid) != 0 || setuid(opts->uid) != 0) {
      snprintf(message, sizeof message, "cannot switch to user %s: %s", opts->user, strerror(errno));
      fail_to_open("USAGE", message);
    }
  }
  uid_t want = opts->user != NULL ? opts->uid : getuid();
  const char *failed = gw_drop_every_capability();
  if (failed != NULL) {
    snprintf(message, sizeof message, "capture worker cannot drop its capabilities: %s failed: %s", failed, strerror(errno));
    fail_to_open("CAPTURE_OPEN_FAILED", message);
  }
  /* The kernel is the judge: what /proc says is what the worker holds, on its only thread. */
  uid_t ruid, euid, suid;
  unsigned long long held = 0;
  long threads = 0;
  if (getresuid(&ruid, &euid, &suid) != 0 || !read_own_status(&held, &threads)) {
    snprintf(message, sizeof message, "capture worker cannot read its own credentials: %s", strerror(errno));
    fail_to_open("CAPTURE_OPEN_FAILED", message);
  }
  if (ruid != want || euid != want || suid != want || held != 0 || threads != 1) {
    snprintf(message, sizeof message, "capture worker still privileged after the switch (uid %u, capabilities 0x%llx, threads %ld)", (unsigned)euid, held, threads);
    fail_to_open("CAPTURE_OPEN_FAILED", message);
  }
}

/* ---- the capture loop ---- */

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Administratively up (IFF_UP); false when down or gone. Same test as src/daemon/interface-state.ts. */
static bool interface_is_up(const char *name) {
  char path[PATH_MAX];
  snprintf(path, sizeof path, "/sys/class/net/%s/flags", name);
  FILE *f = fopen(path, "r");
  if (f == NULL) return false;
  unsigned long flags = 0;
  bool read = fscanf(f, "%lx", &flags) == 1;
  fclose(f);
  return read && (flags & 0x1) != 0;
}

/* The daemon holds our stdin: when it ends (even by kill -9 of the daemon), we stop. */
static void check_stdin(worker *w) {
  if (!w->stdin_open) return;
  struct pollfd in = {.fd = STDIN_FILENO, .events = POLLIN, .revents = 0};
  if (poll(&in, 1, 0) <= 0 || in.revents == 0) return;
  char discard[512];
  ssize_t n = read(STDIN_FILENO, discard, sizeof discard);
  if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) w->stdin_open = false;
}

static void write_stats(worker *w, bool final) {
  struct pcap_stat s;
  memset(&s, 0, sizeof s);
  /* A failed socket may refuse pcap_stats: the last frame sent stands. */
  if (pcap_stats(w->capture.pcap, &s) != 0) return;
  unsigned long long dropped = (unsigned long long)s.ps_drop + (unsigned long long)w->capture.overflowed;
  unsigned long long discarded = 0;
  if (final) {
    /* ps_recv counts every packet that passed the filter (the kernel adds its drops); 32-bit, so modulo 2^32. */
    int64_t left = (int64_t)s.ps_recv - (int64_t)dropped - (int64_t)w->delivered;
    int64_t wrap = (int64_t)1 << 32;
    discarded = (unsigned long long)(((left % wrap) + wrap) % wrap);
  }
  char json[256];
  snprintf(json, sizeof json, "{\"received\":%u,\"dropped\":%llu,\"ifDropped\":%u,\"truncated\":%llu,\"discarded\":%llu}", s.ps_recv, dropped,
           s.ps_ifdrop, (unsigned long long)w->capture.truncated, discarded);
  byte_buffer frame = {.data = (uint8_t *)json, .len = strlen(json), .cap = 0};
  write_json_frame(GW_FRAME_TYPE_STATS, &frame);
}

static void stop(worker *w, int code);

/* The capture failed (libpcap: "The interface disappeared", a socket error): one stderr line, exit 3. */
static void fail(worker *w) {
  if (w->stopping) return;
  first_line(w->failure);
  fprintf(stderr, "capture failed: %s\n", w->failure);
  stop(w, 3);
}

/* Waits up to wait_ms for the capture socket to become readable. A signal ends the wait early
 * (the loop then stops), except while already draining: a second SIGINT/SIGTERM (Ctrl-C reaches
 * the daemon and the worker, then the daemon asks again) must not cut the drain short. */
static bool wait_readable(worker *w, int wait_ms) {
  struct pollfd fd = {.fd = pcap_get_selectable_fd(w->capture.pcap), .events = POLLIN, .revents = 0};
  if (fd.fd < 0) return true;
  int64_t until = now_ms() + wait_ms;
  for (;;) {
    if (poll(&fd, 1, wait_ms) >= 0) return true;
    if (errno != EINTR) {
      snprintf(w->failure, sizeof w->failure, "poll on the capture socket failed: %s", strerror(errno));
      return false;
    }
    int64_t left = until - now_ms();
    if (!w->stopping || left <= 0) return true;
    wait_ms = (int)left;
  }
}

/* One dispatch into out[*used..]: the bytes written, or -1 when the capture failed (w->failure says why). */
static long dispatch(worker *w, size_t *used, size_t max_packets, int wait_ms) {
  /* Never ask for more packets than fit at the full snaplen: nothing is ever cut for room. */
  size_t fit = (w->out_size - *used) / w->slot;
  size_t count = max_packets < fit ? max_packets : fit;
  if (count > INT_MAX) count = INT_MAX;
  size_t before = *used;
  int got = gw_dispatch_frames(&w->capture, w->out, w->out_size, used, (int)count);
  if (got == 0 && *used == before && wait_ms > 0) {
    if (!wait_readable(w, wait_ms)) return -1;
    got = gw_dispatch_frames(&w->capture, w->out, w->out_size, used, (int)count);
  }
  /* PCAP_ERROR: the socket failed, e.g. ENETDOWN when the interface went down. */
  if (got == PCAP_ERROR) {
    snprintf(w->failure, sizeof w->failure, "%s", pcap_geterr(w->capture.pcap));
    return -1;
  }
  return (long)(*used - before);
}

static uint64_t count_frames(const uint8_t *bytes, size_t len) {
  uint64_t n = 0;
  for (size_t off = 0; off + GW_FRAME_HEADER <= len; n++) {
    const uint8_t *p = bytes + off + 4;
    off += GW_FRAME_HEADER + ((size_t)p[0] | (size_t)p[1] << 8 | (size_t)p[2] << 16 | (size_t)p[3] << 24);
  }
  return n;
}

/* One turn: a dispatch that may wait, then ones that do not while they fill and there is room. */
static size_t read_and_write(worker *w, int first_wait_ms) {
  size_t used = 0;
  bool failed = false;
  for (int i = 0; i < DISPATCHES_PER_TURN; i++) {
    size_t room = (w->out_size - used) / w->slot;
    if (room < 1) break;
    long n = dispatch(w, &used, room, i == 0 ? first_wait_ms : 0);
    if (n < 0) {
      failed = true;
      break;
    }
    if (n == 0) break;
  }
  if (used > 0) {
    w->delivered += count_frames(w->out, used);
    write_all(w->out, used);
  }
  if (failed) fail(w);
  return used;
}

/* 0 (asked to stop) reads what is already captured first, until the ring is empty or the deadline; 3 does not. */
static void stop(worker *w, int code) {
  if (w->stopping) return;
  w->stopping = true;
  int64_t deadline = now_ms() + DRAIN_DEADLINE_MS;
  /* Each read may wait up to the block timeout: TPACKET_V3 hands over a block only once it is full or timed out. */
  while (code == 0 && now_ms() < deadline && read_and_write(w, w->capture.timeout_ms) > 0) {
  }
  write_stats(w, true);
  pcap_close(w->capture.pcap);
  exit(code);
}

static void write_opened(worker *w, const char *warning) {
  char number[32];
  byte_buffer json = {0};
  snprintf(number, sizeof number, "%d", pcap_datalink(w->capture.pcap));
  append_text(&json, "{\"linkType\":");
  append_text(&json, number);
  append_text(&json, ",\"interfaceName\":");
  append_json_string(&json, w->interface_name);
  if (warning[0] != '\0') {
    append_text(&json, ",\"warning\":");
    append_json_string(&json, warning);
  }
  append_text(&json, "}");
  write_json_frame(GW_FRAME_TYPE_OPENED, &json);
  free(json.data);
}

static void run(worker *w) {
  int64_t next_stats = now_ms() + STATS_INTERVAL_MS;
  for (;;) {
    check_stdin(w);
    if (stop_requested || !w->stdin_open) stop(w, 0);
    int64_t now = now_ms();
    if (now >= next_stats) {
      write_stats(w, false);
      /* libpcap keeps waiting on a link that is down (it reports only a vanished interface): notice it here. */
      if (!interface_is_up(w->interface_name)) stop(w, 3);
      next_stats += STATS_INTERVAL_MS;
      if (next_stats <= now) next_stats = now + STATS_INTERVAL_MS;
    }
    int64_t until_stats = next_stats - now;
    int wait = until_stats < w->capture.timeout_ms ? (int)(until_stats > 1 ? until_stats : 1) : w->capture.timeout_ms;
    read_and_write(w, wait);
  }
}

static void install_signal_handlers(void) {
  struct sigaction stop_action, ignore;
  memset(&stop_action, 0, sizeof stop_action);
  /* No SA_RESTART: a signal ends a poll() or a blocked write() at once, and the loop notices. */
  stop_action.sa_handler = on_stop_signal;
  sigemptyset(&stop_action.sa_mask);
  sigaction(SIGTERM, &stop_action, NULL);
  sigaction(SIGINT, &stop_action, NULL);
  memset(&ignore, 0, sizeof ignore);
  ignore.sa_handler = SIG_IGN;
  /* A daemon that is gone is EPIPE on the next write (then exit 0), not a silent death. */
  sigaction(SIGPIPE, &ignore, NULL);
}

int main(int argc, char **argv) {
  worker_options opts;
  memset(&opts, 0, sizeof opts);
  parse_options(argc, argv, &opts);

  char message[MESSAGE_SIZE] = "";
  char warning[PCAP_ERRBUF_SIZE + 64] = "";
  pcap_t *pcap = gw_open_pcap(opts.interface_name, &opts.pcap, message, sizeof message, warning, sizeof warning);
  if (pcap == NULL) {
    char wrapped[MESSAGE_SIZE + 128];
    first_line(message);
    snprintf(wrapped, sizeof wrapped, "cannot capture on %s: %s", opts.interface_name, message);
    fail_to_open("CAPTURE_OPEN_FAILED", wrapped);
  }
  /* Root without --user stays root (nothing to drop that matters); anyone else keeps nothing once the capture is open. */
  if (opts.user != NULL || getuid() != 0) drop_privileges(&opts);

  worker w;
  memset(&w, 0, sizeof w);
  gw_capture_init(&w.capture, pcap, opts.pcap.timeout_ms);
  w.interface_name = opts.interface_name;
  w.stdin_open = true;
  w.slot = GW_FRAME_OVERHEAD + (size_t)w.capture.snaplen;
  size_t slots = BUFFER_TARGET_BYTES / w.slot;
  w.out_size = (slots > 0 ? slots : 1) * w.slot;
  w.out = malloc(w.out_size);
  if (w.out == NULL) fail_to_open("CAPTURE_OPEN_FAILED", "capture worker: out of memory");

  install_signal_handlers();
  write_opened(&w, warning);
  run(&w);
  return 0;
}
