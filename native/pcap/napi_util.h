/* Small Node-API helpers shared by the binding's files: every failed call
 * becomes a thrown JS Error (unless one is already pending). */
#ifndef GW_NAPI_UTIL_H
#define GW_NAPI_UTIL_H

#include <node_api.h>
#include <stdbool.h>
#include <stddef.h>

/* Throws an Error describing the N-API call that just failed. */
void gw_throw_failed_call(napi_env env, const char *call);
/* Throws an Error with this message unless an exception is pending. */
void gw_throw(napi_env env, const char *message);
void gw_throw_range(napi_env env, const char *message);

#define GW_CALL(env, call)                    \
  do {                                        \
    if ((call) != napi_ok) {                  \
      gw_throw_failed_call((env), #call);     \
      return NULL;                            \
    }                                         \
  } while (0)

#define GW_CALL_GOTO(env, call, label)        \
  do {                                        \
    if ((call) != napi_ok) {                  \
      gw_throw_failed_call((env), #call);     \
      goto label;                             \
    }                                         \
  } while (0)

/* Property setters: false means an exception was thrown. */
bool gw_set_value(napi_env env, napi_value obj, const char *key, napi_value value);
bool gw_set_string(napi_env env, napi_value obj, const char *key, const char *text);
bool gw_set_bool(napi_env env, napi_value obj, const char *key, bool flag);
bool gw_set_number(napi_env env, napi_value obj, const char *key, double number);

/* Property getters for the options object: false means an exception was thrown. */
bool gw_get_int(napi_env env, napi_value obj, const char *key, int min, int max, int *out);
bool gw_get_bool(napi_env env, napi_value obj, const char *key, bool *out);
/* A string argument copied into a new malloc'ed buffer (free it); NULL means thrown. */
char *gw_get_string(napi_env env, napi_value value, const char *what);

#endif
