"""The Python `kubernetes` client against kubemem: list, watch from the list's resourceVersion
(resume), and a re-list when the watch's start has been compacted away (410 Gone).

Usage: list_watch.py KUBECONFIG. Prints one line per step; the Rust test compares them.
"""
import sys

from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException

config.load_kube_config(sys.argv[1])
v1 = client.CoreV1Api()


def cm(name):
    return {"metadata": {"name": name}, "data": {"k": "v"}}


def watch_until(resource_version, name):
    """Watches from resource_version until `name` is ADDED; returns the events seen."""
    w = watch.Watch()
    seen = []
    for event in w.stream(v1.list_namespaced_config_map, "default",
                          resource_version=resource_version, timeout_seconds=10):
        seen.append("%s %s" % (event["type"], event["object"].metadata.name))
        if event["object"].metadata.name == name:
            w.stop()
    return seen


v1.create_namespaced_config_map("default", cm("a"))
listed = v1.list_namespaced_config_map("default")
print("listed", sorted(i.metadata.name for i in listed.items))
v1.create_namespaced_config_map("default", cm("b"))
print("resumed", watch_until(listed.metadata.resource_version, "b"))

# Enough writes that the list's revision is compacted away (the server keeps 10).
stale = v1.list_namespaced_config_map("default").metadata.resource_version
for i in range(30):
    v1.create_namespaced_config_map("default", cm("filler-%d" % i))
try:
    watch_until(stale, "never")
    print("no 410")
except ApiException as e:
    print("expired", e.status)
relisted = v1.list_namespaced_config_map("default")
print("relisted", len(relisted.items))
v1.create_namespaced_config_map("default", cm("c"))
print("rewatched", watch_until(relisted.metadata.resource_version, "c"))
