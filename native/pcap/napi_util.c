/* Node-API helpers: checked property access and error throwing. */
#include "napi_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gw_throw(napi_env env, const char *message) {
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) == napi_ok && pending) return;
  napi_throw_error(env, NULL, message);
}

void gw_throw_range(napi_env env, const char *message) {
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) == napi_ok && pending) return;
  napi_throw_range_error(env, NULL, message);
}

void gw_throw_failed_call(napi_env env, const char *call) {
  /* Read the error info first: any later N-API call resets it. */
  const napi_extended_error_info *info = NULL;
  char message[512];
  const char *why = "unknown error";
  if (napi_get_last_error_info(env, &info) == napi_ok && info != NULL && info->error_message != NULL) why = info->error_message;
  snprintf(message, sizeof message, "groundwatch_pcap: %s: %s", call, why);
  gw_throw(env, message);
}

bool gw_set_value(napi_env env, napi_value obj, const char *key, napi_value value) {
  if (napi_set_named_property(env, obj, key, value) != napi_ok) {
    gw_throw_failed_call(env, "napi_set_named_property");
    return false;
  }
  return true;
}

bool gw_set_string(napi_env env, napi_value obj, const char *key, const char *text) {
  napi_value value;
  if (napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &value) != napi_ok) {
    gw_throw_failed_call(env, "napi_create_string_utf8");
    return false;
  }
  return gw_set_value(env, obj, key, value);
}

bool gw_set_bool(napi_env env, napi_value obj, const char *key, bool flag) {
  napi_value value;
  if (napi_get_boolean(env, flag, &value) != napi_ok) {
    gw_throw_failed_call(env, "napi_get_boolean");
    return false;
  }
  return gw_set_value(env, obj, key, value);
}

bool gw_set_number(napi_env env, napi_value obj, const char *key, double number) {
  napi_value value;
  if (napi_create_double(env, number, &value) != napi_ok) {
    gw_throw_failed_call(env, "napi_create_double");
    return false;
  }
  return gw_set_value(env, obj, key, value);
}

static bool get_property(napi_env env, napi_value obj, const char *key, napi_valuetype want, napi_value *out) {
  napi_valuetype type;
  char message[160];
  if (napi_get_named_property(env, obj, key, out) != napi_ok) {
    gw_throw_failed_call(env, "napi_get_named_property");
    return false;
  }
  if (napi_typeof(env, *out, &type) != napi_ok) {
    gw_throw_failed_call(env, "napi_typeof");
    return false;
  }
  if (type != want) {
    snprintf(message, sizeof message, "option %s must be a %s", key, want == napi_number ? "number" : "boolean");
    napi_throw_type_error(env, NULL, message);
    return false;
  }
  return true;
}

bool gw_get_int(napi_env env, napi_value obj, const char *key, int min, int max, int *out) {
  napi_value value;
  double number;
  char message[160];
  if (!get_property(env, obj, key, napi_number, &value)) return false;
  if (napi_get_value_double(env, value, &number) != napi_ok) {
    gw_throw_failed_call(env, "napi_get_value_double");
    return false;
  }
  if (!(number >= min && number <= max) || number != (double)(int)number) {
    snprintf(message, sizeof message, "option %s must be an integer from %d to %d", key, min, max);
    gw_throw_range(env, message);
    return false;
  }
  *out = (int)number;
  return true;
}

bool gw_get_bool(napi_env env, napi_value obj, const char *key, bool *out) {
  napi_value value;
  if (!get_property(env, obj, key, napi_boolean, &value)) return false;
  if (napi_get_value_bool(env, value, out) != napi_ok) {
    gw_throw_failed_call(env, "napi_get_value_bool");
    return false;
  }
  return true;
}

char *gw_get_string(napi_env env, napi_value value, const char *what) {
  size_t length = 0;
  napi_valuetype type;
  char message[160];
  if (napi_typeof(env, value, &type) != napi_ok) {
    gw_throw_failed_call(env, "napi_typeof");
    return NULL;
  }
  if (type != napi_string) {
    snprintf(message, sizeof message, "%s must be a string", what);
    napi_throw_type_error(env, NULL, message);
    return NULL;
  }
  if (napi_get_value_string_utf8(env, value, NULL, 0, &length) != napi_ok) {
    gw_throw_failed_call(env, "napi_get_value_string_utf8");
    return NULL;
  }
  char *text = malloc(length + 1);
  if (text == NULL) {
    gw_throw(env, "groundwatch_pcap: out of memory");
    return NULL;
  }
  if (napi_get_value_string_utf8(env, value, text, length + 1, &length) != napi_ok) {
    free(text);
    gw_throw_failed_call(env, "napi_get_value_string_utf8");
    return NULL;
  }
  if (strlen(text) != length) {
    free(text);
    snprintf(message, sizeof message, "%s must not contain a NUL character", what);
    napi_throw_type_error(env, NULL, message);
    return NULL;
  }
  return text;
}
