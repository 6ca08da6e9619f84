/* The capture itself, free of Node-API: opening a libpcap handle with
 * groundwatch's settings, writing packets as daemon frames
 * (src/daemon/frames.ts) and dropping capabilities. Shared by the Node-API
 * binding (pcap_binding.c, dispatch.c, capabilities.c) and the standalone
 * capture worker (capture_worker.c), so both open and frame identically. */
#ifndef GW_CAPTURE_CORE_H
#define GW_CAPTURE_CORE_H

#include <pcap/pcap.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Frame header (8) + packet meta (12): see src/daemon/frames.ts. */
#define GW_FRAME_HEADER 8
#define GW_FRAME_OVERHEAD 20
#define GW_FRAME_MAGIC 0x4757
#define GW_FRAME_TYPE_PACKET 1
#define GW_FRAME_TYPE_OPENED 2
#define GW_FRAME_TYPE_STATS 3
#define GW_FRAME_TYPE_ERROR 4
#define GW_PACKET_META 12
/* libpcap's MAXIMUM_SNAPLEN on Linux (src/capture/live.ts MAX_SNAPLEN). */
#define GW_MAX_SNAPLEN 262144

typedef struct {
  pcap_t *pcap;      /* NULL once closed: every entry point checks it */
  bool nanosecond;   /* timestamps come in ns (else us) */
  int timeout_ms;    /* how long dispatch waits for a packet by default */
  int snaplen;       /* pcap_snapshot() after activation: the largest caplen */
  double truncated;  /* packets whose caplen < wire length */
  double overflowed; /* packets lost because `out` had no room (never, if the caller sizes it) */
} gw_capture;

typedef struct {
  int snaplen;
  bool promiscuous;
  int buffer_bytes;
  int timeout_ms;
  const char *filter;
} gw_open_options;

void gw_put_u16le(uint8_t *p, uint16_t v);
void gw_put_u32le(uint8_t *p, uint32_t v);

/* pcap_create + settings + activation + filter; NULL on failure with `message`
 * saying why. `warning` gets libpcap's activation warning (or ""). */
pcap_t *gw_open_pcap(const char *device, const gw_open_options *opts, char *message, size_t size, char *warning, size_t warning_size);
/* Fills a capture from a handle gw_open_pcap returned. */
void gw_capture_init(gw_capture *capture, pcap_t *pcap, int timeout_ms);

/* pcap_dispatch of up to `count` packets written as packet frames into
 * out[*used..size); returns pcap_dispatch's result (PCAP_ERROR: the socket failed). */
int gw_dispatch_frames(gw_capture *capture, uint8_t *out, size_t size, size_t *used, int count);

/* No capability at all on the calling thread (permitted, effective,
 * inheritable, ambient) and no_new_privs; NULL, or the step that failed
 * (errno says why). */
const char *gw_drop_every_capability(void);
/* Sets the calling thread's capability sets (the low 32 capabilities; CAP_NET_RAW is bit 13). */
int gw_set_thread_capabilities(uint32_t permitted, uint32_t inheritable, uint32_t effective);

#endif
