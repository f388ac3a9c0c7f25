// OPA's own API authorization (`opa run --authorization=basic` evaluates
// data.system.authz.allow for every HTTP request to the server). Without it anyone who
// may reach port 8181 could replace the policy or the data through /v1/policies and
// /v1/data; with it, policy and data change only through git.
export const AUTHZ_REGO = `# Authorization of OPA's own HTTP API.
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
`;

export const AUTHZ_TEST_REGO = `package soma_authz_test

import data.system.authz

test_allows_the_decision_query if {
	authz.allow with input as {"method": "POST", "path": ["v1", "data", "soma", "allow"]}
}

test_allows_the_decision_document if {
	authz.allow with input as {"method": "POST", "path": ["v1", "data", "soma", "decision"]}
}

test_allows_health_and_its_plugin_check if {
	authz.allow with input as {"method": "GET", "path": ["health"]}
}

test_allows_metrics if {
	authz.allow with input as {"method": "GET", "path": ["metrics"]}
}

test_denies_replacing_the_policy if {
	not authz.allow with input as {"method": "PUT", "path": ["v1", "policies", "soma"]}
}

test_denies_writing_data if {
	not authz.allow with input as {"method": "PUT", "path": ["v1", "data", "soma_config"]}
}

test_denies_patching_soma_data if {
	not authz.allow with input as {"method": "PATCH", "path": ["v1", "data", "soma"]}
}

test_denies_reading_the_allowlist_document if {
	not authz.allow with input as {"method": "GET", "path": ["v1", "data", "soma_config"]}
}

test_denies_the_whole_data_document if {
	not authz.allow with input as {"method": "POST", "path": ["v1", "data"]}
}

test_denies_ad_hoc_queries if {
	not authz.allow with input as {"method": "POST", "path": ["v1", "query"]}
}

test_denies_posting_to_health if {
	not authz.allow with input as {"method": "POST", "path": ["health"]}
}
`;
