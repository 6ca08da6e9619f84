{
  "targets": [
    {
      "target_name": "groundwatch_pcap",
      "sources": ["pcap_binding.c", "dispatch.c", "interfaces.c", "napi_util.c", "capabilities.c", "sd_notify.c", "capture_core.c"],
      "defines": ["NAPI_VERSION=8"],
      "cflags_c": ["-std=gnu11", "-Wall", "-Wextra", "-O2"],
      "libraries": ["-lpcap"]
    },
    {
      "target_name": "groundwatch_capture_worker",
      "product_name": "groundwatch-capture-worker",
      "type": "executable",
      "sources": ["capture_worker.c", "capture_core.c"],
      "cflags_c": ["-std=gnu11", "-Wall", "-Wextra", "-O2"],
      "libraries": ["-lpcap"]
    }
  ]
}
