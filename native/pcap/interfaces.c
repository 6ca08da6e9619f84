/* listInterfaces() and libVersion(): what libpcap can capture on. */
#include "capture.h"
#include "napi_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

/* IPv4 and IPv6 addresses as text; other families (link-layer) are skipped. */
static bool add_addresses(napi_env env, napi_value list, const pcap_addr_t *addr) {
  uint32_t index = 0;
  char text[INET6_ADDRSTRLEN];
  for (; addr != NULL; addr = addr->next) {
    const struct sockaddr *sa = addr->addr;
    const char *ok = NULL;
    if (sa == NULL) continue;
    if (sa->sa_family == AF_INET) ok = inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, text, sizeof text);
    else if (sa->sa_family == AF_INET6) ok = inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, text, sizeof text);
    if (ok == NULL) continue;
    napi_value value;
    if (napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &value) != napi_ok || napi_set_element(env, list, index++, value) != napi_ok) {
      gw_throw_failed_call(env, "napi_set_element");
      return false;
    }
  }
  return true;
}

static napi_value describe_interface(napi_env env, const pcap_if_t *dev) {
  napi_value obj, addresses;
  GW_CALL(env, napi_create_object(env, &obj));
  GW_CALL(env, napi_create_array(env, &addresses));
  if (!gw_set_string(env, obj, "name", dev->name)) return NULL;
  if (dev->description != NULL && !gw_set_string(env, obj, "description", dev->description)) return NULL;
  if (!add_addresses(env, addresses, dev->addresses) || !gw_set_value(env, obj, "addresses", addresses)) return NULL;
  if (!gw_set_bool(env, obj, "loopback", (dev->flags & PCAP_IF_LOOPBACK) != 0) || !gw_set_bool(env, obj, "up", (dev->flags & PCAP_IF_UP) != 0) ||
      !gw_set_bool(env, obj, "running", (dev->flags & PCAP_IF_RUNNING) != 0))
    return NULL;
  return obj;
}

napi_value gw_list_interfaces(napi_env env, napi_callback_info info) {
  (void)info;
  char errbuf[PCAP_ERRBUF_SIZE] = "";
  pcap_if_t *devices = NULL;
  napi_value list = NULL, result = NULL;
  if (pcap_findalldevs(&devices, errbuf) != 0) {
    gw_throw(env, errbuf[0] != '\0' ? errbuf : "pcap_findalldevs failed");
    return NULL;
  }
  GW_CALL_GOTO(env, napi_create_array(env, &list), done);
  uint32_t index = 0;
  for (const pcap_if_t *dev = devices; dev != NULL; dev = dev->next) {
    napi_value obj = describe_interface(env, dev);
    if (obj == NULL) goto done;
    GW_CALL_GOTO(env, napi_set_element(env, list, index++, obj), done);
  }
  result = list;
done:
  pcap_freealldevs(devices);
  return result;
}

napi_value gw_lib_version(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value version;
  GW_CALL(env, napi_create_string_utf8(env, pcap_lib_version(), NAPI_AUTO_LENGTH, &version));
  return version;
}
