/* sd_notify without libsystemd: one datagram to $NOTIFY_SOCKET, as systemd's
 * notify protocol defines it (sd_notify(3)). A path ("/run/...") or an
 * abstract socket ("@name", the leading '@' standing for the NUL byte).
 * Returns false when $NOTIFY_SOCKET is unset (not under systemd, or not
 * Type=notify): the caller has nothing to do then. */
#include "capture.h"
#include "napi_util.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* Fills `addr` from $NOTIFY_SOCKET; returns its length, 0 if unset, -1 if unusable. */
static socklen_t notify_address(struct sockaddr_un *addr) {
  const char *socket_name = getenv("NOTIFY_SOCKET");
  if (socket_name == NULL || socket_name[0] == '\0') return 0;
  size_t length = strlen(socket_name);
  if ((socket_name[0] != '/' && socket_name[0] != '@') || length >= sizeof addr->sun_path) return (socklen_t)-1;
  memset(addr, 0, sizeof *addr);
  addr->sun_family = AF_UNIX;
  memcpy(addr->sun_path, socket_name, length);
  /* Abstract: the name is the bytes after a NUL, and the length counts exactly those (no trailing NUL). */
  if (socket_name[0] == '@') {
    addr->sun_path[0] = '\0';
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + length);
  }
  return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + length + 1);
}

napi_value gw_sd_notify(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_value result;
  GW_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1) {
    napi_throw_type_error(env, NULL, "sdNotify needs the state text");
    return NULL;
  }
  char *state = gw_get_string(env, argv[0], "state");
  if (state == NULL) return NULL;

  struct sockaddr_un addr;
  socklen_t addr_length = notify_address(&addr);
  bool sent = false;
  char message[200];
  message[0] = '\0';
  if (addr_length == (socklen_t)-1) {
    snprintf(message, sizeof message, "NOTIFY_SOCKET is neither a path nor an abstract (@) socket name");
  } else if (addr_length > 0) {
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      snprintf(message, sizeof message, "socket(AF_UNIX) for NOTIFY_SOCKET failed: %s", strerror(errno));
    } else {
      size_t length = strlen(state);
      ssize_t written = sendto(fd, state, length, MSG_NOSIGNAL, (struct sockaddr *)&addr, addr_length);
      if (written < 0) snprintf(message, sizeof message, "sendto(NOTIFY_SOCKET) failed: %s", strerror(errno));
      else sent = (size_t)written == length;
      close(fd);
    }
  }
  free(state);
  if (message[0] != '\0') {
    gw_throw(env, message);
    return NULL;
  }
  GW_CALL(env, napi_get_boolean(env, sent, &result));
  return result;
}
