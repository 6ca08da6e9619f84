/* groundwatch_pcap: a small Node-API binding to libpcap for the live capture
 * worker (src/daemon/capture-worker.ts). Plain C, NAPI_VERSION 8.
 * This file: module init and the handle's life (open, stats, close). */
#include "capture.h"
#include "napi_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Marks externals made here, so a foreign External is refused rather than misread. */
static const napi_type_tag CAPTURE_TAG = {0x8f1c2a7e5d3b4c69ULL, 0xa0b1c2d3e4f50617ULL};

static void close_capture(gw_capture *capture) {
  if (capture->pcap != NULL) {
    pcap_close(capture->pcap);
    capture->pcap = NULL;
  }
}

static void finalize_capture(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  close_capture(data);
  free(data);
}

gw_capture *gw_capture_from(napi_env env, napi_value handle) {
  napi_valuetype type;
  bool tagged = false;
  void *data = NULL;
  if (napi_typeof(env, handle, &type) != napi_ok) {
    gw_throw_failed_call(env, "napi_typeof");
    return NULL;
  }
  if (type != napi_external || napi_check_object_type_tag(env, handle, &CAPTURE_TAG, &tagged) != napi_ok || !tagged) {
    napi_throw_type_error(env, NULL, "not a capture handle");
    return NULL;
  }
  if (napi_get_value_external(env, handle, &data) != napi_ok) {
    gw_throw_failed_call(env, "napi_get_value_external");
    return NULL;
  }
  gw_capture *capture = data;
  if (capture->pcap == NULL) {
    gw_throw(env, "capture closed");
    return NULL;
  }
  return capture;
}

static bool read_options(napi_env env, napi_value obj, gw_open_options *opts, char **filter_copy) {
  napi_valuetype type;
  napi_value filter;
  if (napi_typeof(env, obj, &type) != napi_ok || type != napi_object) {
    napi_throw_type_error(env, NULL, "options must be an object");
    return false;
  }
  if (!gw_get_int(env, obj, "snaplen", 1, 262144, &opts->snaplen) || !gw_get_bool(env, obj, "promiscuous", &opts->promiscuous) ||
      !gw_get_int(env, obj, "bufferBytes", 1, 0x7fffffff, &opts->buffer_bytes) || !gw_get_int(env, obj, "timeoutMs", 1, 60000, &opts->timeout_ms))
    return false;
  if (napi_get_named_property(env, obj, "filter", &filter) != napi_ok) {
    gw_throw_failed_call(env, "napi_get_named_property");
    return false;
  }
  *filter_copy = gw_get_string(env, filter, "option filter");
  opts->filter = *filter_copy;
  return opts->filter != NULL;
}

static napi_value open_result(napi_env env, gw_capture *capture, const char *warning) {
  napi_value result, handle;
  if (napi_create_external(env, capture, finalize_capture, NULL, &handle) != napi_ok) {
    gw_throw_failed_call(env, "napi_create_external");
    finalize_capture(env, capture, NULL);
    return NULL;
  }
  /* From here the external owns the capture: its finalizer closes it. */
  GW_CALL(env, napi_type_tag_object(env, handle, &CAPTURE_TAG));
  GW_CALL(env, napi_create_object(env, &result));
  if (!gw_set_value(env, result, "handle", handle) || !gw_set_number(env, result, "linkType", pcap_datalink(capture->pcap)) ||
      !gw_set_bool(env, result, "nanosecond", capture->nanosecond) || !gw_set_number(env, result, "snaplen", capture->snaplen))
    return NULL;
  if (warning[0] != '\0' && !gw_set_string(env, result, "warning", warning)) return NULL;
  return result;
}

napi_value gw_open(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  gw_open_options opts = {0};
  char *filter = NULL; /* malloc'ed */
  char message[PCAP_ERRBUF_SIZE + 512] = "";
  char warning[PCAP_ERRBUF_SIZE + 64] = "";
  napi_value result = NULL;
  GW_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2) {
    napi_throw_type_error(env, NULL, "open(device, options) needs two arguments");
    return NULL;
  }
  char *device = gw_get_string(env, argv[0], "device");
  if (device == NULL) return NULL;
  if (!read_options(env, argv[1], &opts, &filter)) goto done;
  pcap_t *pcap = gw_open_pcap(device, &opts, message, sizeof message, warning, sizeof warning);
  if (pcap == NULL) {
    gw_throw(env, message);
    goto done;
  }
  gw_capture *capture = calloc(1, sizeof *capture);
  if (capture == NULL) {
    pcap_close(pcap);
    gw_throw(env, "groundwatch_pcap: out of memory");
    goto done;
  }
  gw_capture_init(capture, pcap, opts.timeout_ms);
  result = open_result(env, capture, warning);
done:
  free(device);
  free(filter);
  return result;
}

napi_value gw_stats(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], result;
  struct pcap_stat stats;
  GW_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1) {
    napi_throw_type_error(env, NULL, "stats(handle) needs the handle");
    return NULL;
  }
  gw_capture *capture = gw_capture_from(env, argv[0]);
  if (capture == NULL) return NULL;
  memset(&stats, 0, sizeof stats);
  if (pcap_stats(capture->pcap, &stats) != 0) {
    gw_throw(env, pcap_geterr(capture->pcap));
    return NULL;
  }
  GW_CALL(env, napi_create_object(env, &result));
  if (!gw_set_number(env, result, "received", stats.ps_recv) || !gw_set_number(env, result, "dropped", stats.ps_drop) ||
      !gw_set_number(env, result, "ifDropped", stats.ps_ifdrop) || !gw_set_number(env, result, "truncated", capture->truncated) ||
      !gw_set_number(env, result, "overflowed", capture->overflowed))
    return NULL;
  return result;
}

napi_value gw_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], undefined;
  napi_valuetype type;
  bool tagged = false;
  void *data = NULL;
  GW_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  GW_CALL(env, napi_get_undefined(env, &undefined));
  /* Idempotent: a closed handle is fine here, only a non-handle is refused. */
  if (argc < 1 || napi_typeof(env, argv[0], &type) != napi_ok || type != napi_external ||
      napi_check_object_type_tag(env, argv[0], &CAPTURE_TAG, &tagged) != napi_ok || !tagged) {
    napi_throw_type_error(env, NULL, "not a capture handle");
    return NULL;
  }
  GW_CALL(env, napi_get_value_external(env, argv[0], &data));
  close_capture(data);
  return undefined;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
      {"open", NULL, gw_open, NULL, NULL, NULL, napi_enumerable, NULL},
      {"dispatch", NULL, gw_dispatch, NULL, NULL, NULL, napi_enumerable, NULL},
      {"stats", NULL, gw_stats, NULL, NULL, NULL, napi_enumerable, NULL},
      {"close", NULL, gw_close, NULL, NULL, NULL, napi_enumerable, NULL},
      {"listInterfaces", NULL, gw_list_interfaces, NULL, NULL, NULL, napi_enumerable, NULL},
      {"libVersion", NULL, gw_lib_version, NULL, NULL, NULL, napi_enumerable, NULL},
      {"keepCapabilities", NULL, gw_keep_capabilities, NULL, NULL, NULL, napi_enumerable, NULL},
      {"restoreCaptureCapabilities", NULL, gw_restore_capture_capabilities, NULL, NULL, NULL, napi_enumerable, NULL},
      {"dropAllCapabilities", NULL, gw_drop_all_capabilities, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sdNotify", NULL, gw_sd_notify, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  GW_CALL(env, napi_define_properties(env, exports, sizeof props / sizeof props[0], props));
  return exports;
}
