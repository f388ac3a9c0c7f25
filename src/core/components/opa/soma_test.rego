package soma_test

import data.soma

config := {
	"platform_admin_roles": ["soma-platform-admin"],
	"allowlist": [
		{"caller": "gateway", "target": "brain", "methods": ["GET", "POST"], "paths": ["/v1/memories/**"]},
		{"caller": "scheduler", "target": "brain", "methods": ["*"], "paths": ["/v1/jobs/*"]},
		{"caller": "provisioner", "target": "brain", "methods": ["POST"], "paths": ["/v1/tenants"], "cross_tenant": true},
	],
}

request := {
	"identity": {"service": "gateway", "subject": "user-1", "tenant": "acme", "roles": []},
	"request": {"method": "POST", "path": "/v1/memories/recall"},
	"service": "brain",
	"tenant": "acme",
	"context": {},
}

# A copy of the base request with some fields replaced (nested objects are merged).
with_fields(fields) := object.union(request, fields)

allowed(q) if soma.allow with input as q with data.soma_config as config

denied(q) if {
	soma.allow == false with input as q with data.soma_config as config
}

reasons_for(q) := r if {
	r := soma.reasons with input as q with data.soma_config as config
}

test_allows_a_listed_call_within_the_tenant if allowed(request)

test_denies_an_empty_input if denied({})

test_denies_without_caller_identity if {
	q := json.remove(request, ["identity/service"])
	denied(q)
	"caller not identified: input.identity.service must be a non-empty string" in reasons_for(q)
}

test_denies_an_empty_caller if denied(with_fields({"identity": {"service": ""}}))

test_denies_an_unlisted_caller if denied(with_fields({"identity": {"service": "intruder"}}))

test_denies_a_listed_caller_on_another_service if denied(with_fields({"service": "billing"}))

test_denies_a_method_the_entry_does_not_list if {
	denied(with_fields({"request": {"method": "DELETE"}}))
}

test_methods_compare_case_insensitively if allowed(with_fields({"request": {"method": "post"}}))

test_denies_a_path_outside_the_globs if denied(with_fields({"request": {"path": "/v1/admin/users"}}))

test_double_star_matches_nested_segments if {
	allowed(with_fields({"request": {"path": "/v1/memories/acme/recent/10"}}))
}

test_single_star_matches_one_segment_only if {
	scheduled := with_fields({"identity": {"service": "scheduler"}, "request": {"method": "PATCH", "path": "/v1/jobs/42"}})
	allowed(scheduled)
	denied(object.union(scheduled, {"request": {"path": "/v1/jobs/42/cancel"}}))
}

test_a_star_method_allows_any_method if {
	allowed(with_fields({"identity": {"service": "scheduler"}, "request": {"method": "PUT", "path": "/v1/jobs/7"}}))
}

test_denies_another_tenant if {
	q := with_fields({"tenant": "globex"})
	denied(q)
	"tenant mismatch: identity of tenant acme may not act on tenant globex" in reasons_for(q)
}

test_denies_when_the_request_names_no_tenant if denied(json.remove(request, ["tenant"]))

test_denies_empty_tenants_on_both_sides if {
	denied(with_fields({"tenant": "", "identity": {"tenant": ""}}))
}

test_denies_when_the_identity_has_no_tenant if denied(json.remove(request, ["identity/tenant"]))

test_platform_admin_may_act_on_any_tenant if {
	allowed(with_fields({"tenant": "globex", "identity": {"roles": ["soma-platform-admin"]}}))
}

test_platform_admin_still_needs_an_allowlist_entry if {
	denied(with_fields({"service": "billing", "identity": {"roles": ["soma-platform-admin"]}}))
}

test_other_roles_do_not_lift_the_tenant_check if {
	denied(with_fields({"tenant": "globex", "identity": {"roles": ["admin", "operator"]}}))
}

test_cross_tenant_entry_allows_any_tenant if {
	allowed(with_fields({
		"identity": {"service": "provisioner", "tenant": "soma-platform"},
		"request": {"method": "POST", "path": "/v1/tenants"},
		"tenant": "globex",
	}))
}

test_cross_tenant_entry_covers_only_its_own_routes if {
	denied(with_fields({
		"identity": {"service": "provisioner", "tenant": "soma-platform"},
		"request": {"method": "POST", "path": "/v1/memories/recall"},
		"tenant": "globex",
	}))
}

test_denies_an_exhausted_budget if {
	q := with_fields({"context": {"budget": {"remaining": 0}}})
	denied(q)
	"budget exhausted: context.budget.remaining is zero or less" in reasons_for(q)
}

test_allows_a_remaining_budget if allowed(with_fields({"context": {"budget": {"remaining": 3}}}))

test_decision_explains_an_allow_with_no_reasons if {
	d := soma.decision with input as request with data.soma_config as config
	d.allow == true
	count(d.reasons) == 0
}

test_decision_carries_the_deny_reasons if {
	d := soma.decision with input as with_fields({"identity": {"service": "intruder"}}) with data.soma_config as config
	d.allow == false
	"no allowlist entry lets intruder call POST /v1/memories/recall on service brain" in d.reasons
}

test_denies_everything_without_an_allowlist if {
	soma.allow == false with input as request with data.soma_config as {"platform_admin_roles": []}
}

# The shipped data.json (loaded beside the policy by opa test).

test_shipped_data_names_a_platform_admin_role if count(data.soma_config.platform_admin_roles) > 0

test_shipped_allowlist_lets_the_gateway_reach_somabrain if {
	soma.allow with input as {
		"identity": {"service": "somaagent01-gateway", "subject": "user-1", "tenant": "acme", "roles": []},
		"request": {"method": "POST", "path": "/recall"},
		"service": "somabrain",
		"tenant": "acme",
		"context": {},
	}
}

test_shipped_allowlist_does_not_let_somabrain_call_the_gateway if {
	soma.allow == false with input as {
		"identity": {"service": "somabrain", "subject": "somabrain", "tenant": "acme", "roles": []},
		"request": {"method": "GET", "path": "/"},
		"service": "somaagent01-gateway",
		"tenant": "acme",
		"context": {},
	}
}
