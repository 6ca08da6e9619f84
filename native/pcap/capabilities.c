/* Capabilities across the switch to an unprivileged user (--user).
 * The daemon keeps CAP_NET_RAW permitted, inheritable and ambient but NOT
 * effective: it parses hostile packets with no capability in force, yet a
 * capture worker it starts later (after the interface went away and came
 * back) receives CAP_NET_RAW through the ambient set and can open the
 * interface (a packet socket, promiscuous membership and the ring need no
 * more). Each worker drops every capability once its capture is open. */
#include "capture.h"
#include "napi_util.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define CAPTURE_CAPS (1u << CAP_NET_RAW)

static napi_value fail_errno(napi_env env, const char *what) {
  char message[160];
  snprintf(message, sizeof message, "%s failed: %s", what, strerror(errno));
  gw_throw(env, message);
  return NULL;
}

/* Before setgid/setuid: this thread (the one that spawns workers) keeps its permitted set. */
napi_value gw_keep_capabilities(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value undefined;
  if (prctl(PR_SET_KEEPCAPS, 1L, 0L, 0L, 0L) != 0) return fail_errno(env, "prctl(PR_SET_KEEPCAPS)");
  GW_CALL(env, napi_get_undefined(env, &undefined));
  return undefined;
}

/* After setuid: only CAP_NET_RAW remains, permitted/inheritable/ambient (inherited by workers), none effective. */
napi_value gw_restore_capture_capabilities(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value undefined;
  if (gw_set_thread_capabilities(CAPTURE_CAPS, CAPTURE_CAPS, 0) != 0) return fail_errno(env, "capset(CAP_NET_RAW)");
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, (unsigned long)CAP_NET_RAW, 0L, 0L) != 0) return fail_errno(env, "prctl(PR_CAP_AMBIENT_RAISE, CAP_NET_RAW)");
  if (prctl(PR_SET_KEEPCAPS, 0L, 0L, 0L, 0L) != 0) return fail_errno(env, "prctl(PR_SET_KEEPCAPS, 0)");
  GW_CALL(env, napi_get_undefined(env, &undefined));
  return undefined;
}

/* A capture worker once its capture is open: no capability at all (permitted,
 * effective, inheritable, ambient) on the calling thread, and none can come
 * back through execve (no_new_privs). */
napi_value gw_drop_all_capabilities(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value undefined;
  const char *failed = gw_drop_every_capability();
  if (failed != NULL) return fail_errno(env, failed);
  GW_CALL(env, napi_get_undefined(env, &undefined));
  return undefined;
}
