/* One open libpcap handle as the JS side holds it (inside a napi_external). */
#ifndef GW_CAPTURE_H
#define GW_CAPTURE_H

#include <node_api.h>
#include "capture_core.h"

/* gw_capture, the frame layout and the libpcap settings: capture_core.h (no Node-API there). */

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
