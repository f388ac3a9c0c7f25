package soma_authz_test

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
