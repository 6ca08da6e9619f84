/* See capture_core.h. */
#include "capture_core.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

void gw_put_u16le(uint8_t *p, uint16_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
}

void gw_put_u32le(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)(v >> 16);
  p[3] = (uint8_t)(v >> 24);
}

/* "<libpcap status>: <detail>" (detail from pcap_geterr when libpcap gave one). */
static void describe_status(pcap_t *pcap, int status, char *out, size_t size) {
  const char *detail = pcap_geterr(pcap);
  const char *summary = pcap_statustostr(status);
  if (detail != NULL && detail[0] != '\0' && strcmp(detail, summary) != 0) snprintf(out, size, "%s: %s", summary, detail);
  else snprintf(out, size, "%s", summary);
}

/* Everything between pcap_create and a ready handle; on failure `message` says why. */
static bool configure(pcap_t *pcap, const gw_open_options *opts, char *message, size_t size, char *warning, size_t warning_size) {
  char errbuf[PCAP_ERRBUF_SIZE] = "";
  if (pcap_set_snaplen(pcap, opts->snaplen) != 0 || pcap_set_promisc(pcap, opts->promiscuous) != 0 ||
      pcap_set_buffer_size(pcap, opts->buffer_bytes) != 0 || pcap_set_timeout(pcap, opts->timeout_ms) != 0) {
    snprintf(message, size, "cannot set capture options: %s", pcap_geterr(pcap));
    return false;
  }
  /* Best effort: without nanosecond support libpcap stays at microseconds (reported, converted). */
  (void)pcap_set_tstamp_precision(pcap, PCAP_TSTAMP_PRECISION_NANO);
  int status = pcap_activate(pcap);
  if (status < 0) {
    describe_status(pcap, status, message, size);
    return false;
  }
  if (status > 0) describe_status(pcap, status, warning, warning_size);
  /* dispatch waits with its own poll(): TPACKET_V3's timeout never fires on an idle link. */
  if (pcap_setnonblock(pcap, 1, errbuf) != 0) {
    snprintf(message, size, "cannot set non-blocking mode: %s", errbuf);
    return false;
  }
  if (opts->filter[0] == '\0') return true;
  struct bpf_program program;
  if (pcap_compile(pcap, &program, opts->filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
    snprintf(message, size, "invalid capture filter \"%s\": %s", opts->filter, pcap_geterr(pcap));
    return false;
  }
  int set = pcap_setfilter(pcap, &program);
  pcap_freecode(&program);
  if (set != 0) {
    snprintf(message, size, "cannot set capture filter \"%s\": %s", opts->filter, pcap_geterr(pcap));
    return false;
  }
  return true;
}

pcap_t *gw_open_pcap(const char *device, const gw_open_options *opts, char *message, size_t size, char *warning, size_t warning_size) {
  char errbuf[PCAP_ERRBUF_SIZE] = "";
  warning[0] = '\0';
  pcap_t *pcap = pcap_create(device, errbuf);
  if (pcap == NULL) {
    snprintf(message, size, "%s", errbuf[0] != '\0' ? errbuf : "pcap_create failed");
    return NULL;
  }
  if (!configure(pcap, opts, message, size, warning, warning_size)) {
    pcap_close(pcap);
    return NULL;
  }
  return pcap;
}

void gw_capture_init(gw_capture *capture, pcap_t *pcap, int timeout_ms) {
  memset(capture, 0, sizeof *capture);
  capture->pcap = pcap;
  capture->nanosecond = pcap_get_tstamp_precision(pcap) == PCAP_TSTAMP_PRECISION_NANO;
  capture->timeout_ms = timeout_ms;
  capture->snaplen = pcap_snapshot(pcap);
}

typedef struct {
  gw_capture *capture;
  uint8_t *out;
  size_t size;
  size_t used;
} dispatch_state;

static void on_packet(u_char *user, const struct pcap_pkthdr *header, const u_char *bytes) {
  dispatch_state *state = (dispatch_state *)user;
  gw_capture *capture = state->capture;
  size_t room = state->size - state->used;
  if (room < GW_FRAME_OVERHEAD) {
    /* Unreachable when the caller sizes `out` as promised; counted, never written past the end. */
    capture->overflowed++;
    pcap_breakloop(capture->pcap);
    return;
  }
  size_t caplen = header->caplen;
  /* Cut rather than drop a packet longer than the room left: wireLen still tells its size. */
  if (caplen > room - GW_FRAME_OVERHEAD) caplen = room - GW_FRAME_OVERHEAD;
  if (caplen < header->len) capture->truncated++;
  uint32_t nsec = capture->nanosecond ? (uint32_t)header->ts.tv_usec : (uint32_t)header->ts.tv_usec * 1000u;
  uint8_t *frame = state->out + state->used;
  gw_put_u16le(frame, GW_FRAME_MAGIC);
  frame[2] = GW_FRAME_TYPE_PACKET;
  frame[3] = 0;
  gw_put_u32le(frame + 4, (uint32_t)(GW_PACKET_META + caplen));
  gw_put_u32le(frame + 8, (uint32_t)header->ts.tv_sec);
  gw_put_u32le(frame + 12, nsec);
  gw_put_u32le(frame + 16, header->len);
  memcpy(frame + GW_FRAME_OVERHEAD, bytes, caplen);
  state->used += GW_FRAME_OVERHEAD + caplen;
}

int gw_dispatch_frames(gw_capture *capture, uint8_t *out, size_t size, size_t *used, int count) {
  dispatch_state state = {.capture = capture, .out = out, .size = size, .used = *used};
  int got = pcap_dispatch(capture->pcap, count, on_packet, (u_char *)&state);
  *used = state.used;
  return got;
}

int gw_set_thread_capabilities(uint32_t permitted, uint32_t inheritable, uint32_t effective) {
  struct __user_cap_header_struct header = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
  struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
  memset(data, 0, sizeof data);
  data[0].permitted = permitted;
  data[0].inheritable = inheritable;
  data[0].effective = effective;
  return (int)syscall(SYS_capset, &header, data);
}

const char *gw_drop_every_capability(void) {
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0L, 0L, 0L) != 0) return "prctl(PR_CAP_AMBIENT_CLEAR_ALL)";
  if (gw_set_thread_capabilities(0, 0, 0) != 0) return "capset(none)";
  if (prctl(PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L) != 0) return "prctl(PR_SET_NO_NEW_PRIVS)";
  return NULL;
}
