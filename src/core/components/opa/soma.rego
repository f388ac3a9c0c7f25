# Soma policy decision point.
#
# Consumers ask: POST /v1/data/soma/allow with {"input": {...}} and get
# {"result": true} or {"result": false}. POST /v1/data/soma/decision returns
# {"result": {"allow": <bool>, "reasons": [...]}} for callers that log why.
#
# Input (the policy enforcement point fills it after verifying the caller):
#   identity  the authenticated caller:
#             {"service": "<calling service>", "subject": "<user or workload id>",
#              "tenant": "<tenant id>", "roles": ["<role>", ...]}
#   request   {"method": "<HTTP method>", "path": "/<path>"}
#   service   "<name of the service being called>" (the enforcement point's own name)
#   tenant    "<tenant the request acts on>"
#   context   free-form; the policy reads context.budget.remaining (a number)
#
# The answer is true only when all of these hold (default deny: anything missing,
# misspelt or of the wrong type denies):
#   1. caller identified: identity.service is a non-empty string;
#   2. service-to-service allowlist: an entry of data.soma_config.allowlist names
#      the caller, the called service, the method ("*" for any) and a path glob
#      ("*" one segment, "**" any number of segments) that match the request;
#   3. tenant enforcement: the identity's tenant equals the request's tenant (both
#      non-empty), or the identity holds a role in
#      data.soma_config.platform_admin_roles, or the matching allowlist entry has
#      "cross_tenant": true (platform services that act for every tenant). A
#      platform admin is exempt from the tenant check only, never from the allowlist;
#   4. budget: context.budget.remaining, when present, is above zero.
package soma

default allow := false

allow if {
	route_allowed
	tenant_allowed
	not budget_exhausted
}

caller_identified if {
	is_string(input.identity.service)
	input.identity.service != ""
}

# The allowlist entries that let this caller make this request.
matching_entries contains entry if {
	caller_identified
	some entry in data.soma_config.allowlist
	entry.caller == input.identity.service
	entry.target == input.service
	method_allowed(entry)
	path_allowed(entry)
}

method_allowed(entry) if "*" in entry.methods

method_allowed(entry) if upper(input.request.method) in entry.methods

path_allowed(entry) if {
	some pattern in entry.paths
	glob.match(pattern, ["/"], input.request.path)
}

route_allowed if count(matching_entries) > 0

tenant_matches if {
	is_string(input.tenant)
	input.tenant != ""
	input.identity.tenant == input.tenant
}

platform_admin if {
	some role in input.identity.roles
	role in data.soma_config.platform_admin_roles
}

tenant_allowed if tenant_matches

tenant_allowed if platform_admin

tenant_allowed if {
	some entry in matching_entries
	entry.cross_tenant == true
}

budget_exhausted if {
	is_number(input.context.budget.remaining)
	input.context.budget.remaining <= 0
}

# Why a request is denied, for decision logs and callers' own logs.
reasons contains "caller not identified: input.identity.service must be a non-empty string" if {
	not caller_identified
}

reasons contains msg if {
	caller_identified
	not route_allowed
	msg := sprintf("no allowlist entry lets %v call %v %v on service %v", [
		input.identity.service,
		object.get(input, ["request", "method"], "<no method>"),
		object.get(input, ["request", "path"], "<no path>"),
		object.get(input, ["service"], "<no service>"),
	])
}

reasons contains msg if {
	route_allowed
	not tenant_allowed
	msg := sprintf("tenant mismatch: identity of tenant %v may not act on tenant %v", [
		object.get(input, ["identity", "tenant"], "<none>"),
		object.get(input, ["tenant"], "<none>"),
	])
}

reasons contains "budget exhausted: context.budget.remaining is zero or less" if budget_exhausted

decision := {"allow": allow, "reasons": reasons}
