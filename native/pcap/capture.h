/* One open libpcap handle as the JS side holds it (inside a napi_external). */
#ifndef GW_CAPTURE_H
#define GW_CAPTURE_H

#include <node_api.h>
#include <pcap/pcap.h>
#include <stdbool.h>

/* Frame header (8) + packet meta (12): see src/daemon/frames.ts. */
#define GW_FRAME_OVERHEAD 20
#define GW_FRAME_MAGIC 0x4757
#define GW_FRAME_TYPE_PACKET 1
#define GW_PACKET_META 12

typedef struct {
  pcap_t *pcap;      /* NULL once closed: every entry point checks it */
  bool nanosecond;   /* timestamps come in ns (else us) */
  int timeout_ms;    /* how long dispatch waits for a packet by default */
  int snaplen;       /* pcap_snapshot() after activation: the largest caplen */
  double truncated;  /* packets whose caplen < wire length */
  double overflowed; /* packets lost because `out` had no room (never, if the caller sizes it) */
} gw_capture;

/* The capture behind a handle argument; NULL (and thrown) if it is not one or is closed. */
gw_capture *gw_capture_from(napi_env env, napi_value handle);

napi_value gw_open(napi_env env, napi_callback_info info);
napi_value gw_dispatch(napi_env env, napi_callback_info info);
napi_value gw_stats(napi_env env, napi_callback_info info);
napi_value gw_close(napi_env env, napi_callback_info info);
napi_value gw_list_interfaces(napi_env env, napi_callback_info info);
napi_value gw_lib_version(napi_env env, napi_callback_info info);
napi_value gw_keep_capabilities(napi_env env, napi_callback_info info);
napi_value gw_restore_capture_capabilities(napi_env env, napi_callback_info info);
napi_value gw_drop_all_capabilities(napi_env env, napi_callback_info info);
/* systemd's notify protocol: sends the state text to $NOTIFY_SOCKET (sd_notify.c). */
napi_value gw_sd_notify(napi_env env, napi_callback_info info);

#endif
