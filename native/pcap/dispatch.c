/* dispatch(): packets from libpcap written straight into the caller's Buffer
 * in the daemon's frame format (src/daemon/frames.ts), so the worker can hand
 * the filled slice to stdout without copying in JS. */
#include "capture.h"
#include "napi_util.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef struct {
  uint8_t *out; /* the Buffer's bytes: valid only during this dispatch() call */
  size_t size;
  size_t used;
} dispatch_state;

/* Waits up to `wait_ms` for the socket to become readable (or report an error). */
static bool wait_readable(napi_env env, gw_capture *capture, int wait_ms) {
  struct pollfd fd = {.fd = pcap_get_selectable_fd(capture->pcap), .events = POLLIN, .revents = 0};
  if (fd.fd < 0) return true;
  int ready = poll(&fd, 1, wait_ms);
  if (ready < 0 && errno != EINTR) {
    char message[128];
    snprintf(message, sizeof message, "poll on the capture socket failed: %s", strerror(errno));
    gw_throw(env, message);
    return false;
  }
  /* A signal (EINTR) ends the wait early: the worker's handlers then run. */
  return true;
}

static bool read_args(napi_env env, napi_callback_info info, gw_capture **capture, dispatch_state *state, int *max_packets, int *wait_ms) {
  size_t argc = 4;
  napi_value argv[4];
  napi_valuetype type;
  bool is_buffer = false;
  void *data = NULL;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) {
    gw_throw_failed_call(env, "napi_get_cb_info");
    return false;
  }
  if (argc < 3) {
    napi_throw_type_error(env, NULL, "dispatch(handle, out, maxPackets[, waitMs]) needs three arguments");
    return false;
  }
  if ((*capture = gw_capture_from(env, argv[0])) == NULL) return false;
  if (napi_is_buffer(env, argv[1], &is_buffer) != napi_ok || !is_buffer) {
    napi_throw_type_error(env, NULL, "out must be a Buffer");
    return false;
  }
  if (napi_get_buffer_info(env, argv[1], &data, &state->size) != napi_ok) {
    gw_throw_failed_call(env, "napi_get_buffer_info");
    return false;
  }
  state->out = data;
  if (napi_get_value_int32(env, argv[2], max_packets) != napi_ok || *max_packets < 1) {
    gw_throw_range(env, "maxPackets must be a positive integer");
    return false;
  }
  *wait_ms = (*capture)->timeout_ms;
  if (argc > 3 && napi_typeof(env, argv[3], &type) == napi_ok && type != napi_undefined) {
    if (napi_get_value_int32(env, argv[3], wait_ms) != napi_ok || *wait_ms < 0 || *wait_ms > 60000) {
      gw_throw_range(env, "waitMs must be an integer from 0 to 60000");
      return false;
    }
  }
  return true;
}

napi_value gw_dispatch(napi_env env, napi_callback_info info) {
  gw_capture *capture = NULL;
  dispatch_state state = {0};
  int max_packets = 0, wait_ms = 0;
  napi_value result;
  if (!read_args(env, info, &capture, &state, &max_packets, &wait_ms)) return NULL;
  /* Never ask for more packets than fit at the full snaplen: nothing is ever cut for room. */
  size_t fit = state.size / ((size_t)GW_FRAME_OVERHEAD + (size_t)capture->snaplen);
  if (fit == 0) {
    gw_throw_range(env, "out is too small for one packet at the capture's snaplen");
    return NULL;
  }
  int count = (size_t)max_packets < fit ? max_packets : (int)fit;
  int got = gw_dispatch_frames(capture, state.out, state.size, &state.used, count);
  if (got == 0 && state.used == 0 && wait_ms > 0) {
    if (!wait_readable(env, capture, wait_ms)) return NULL;
    got = gw_dispatch_frames(capture, state.out, state.size, &state.used, count);
  }
  /* PCAP_ERROR: the socket failed, e.g. ENETDOWN when the interface went down. */
  if (got == PCAP_ERROR) {
    gw_throw(env, pcap_geterr(capture->pcap));
    return NULL;
  }
  GW_CALL(env, napi_create_double(env, (double)state.used, &result));
  return result;
}
