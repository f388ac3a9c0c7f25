# Authorization of OPA's own HTTP API.
#
# Allowed: decisions under data.soma (GET or POST, POST being the usual way to send an
# input), and GET of /health (kubelet probes) and /metrics (Prometheus).
# Denied: everything else, notably policy and data writes (PUT/PATCH/DELETE), the
# query and compile APIs, and reading other documents such as data.soma_config.
package system.authz

default allow := false

allow if {
	input.method in {"GET", "POST"}
	count(input.path) >= 3
	array.slice(input.path, 0, 3) == ["v1", "data", "soma"]
}

allow if {
	input.method == "GET"
	input.path[0] == "health"
}

allow if {
	input.method == "GET"
	input.path == ["metrics"]
}
