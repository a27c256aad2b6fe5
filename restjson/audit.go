package restjson

import (
	"cmp"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/actiongate/actiongate"
)

// Auditor receives the audit record of every API call whose caller is known;
// *audit.Recorder is one. Record must not block.
type Auditor interface {
	// Record records one call.
	Record(actiongate.AuditEvent)
	// CountUnattributed counts a call refused before its caller was known: an
	// unreadable body, a missing or malformed signature, an unknown access key.
	CountUnattributed()
}

// call is what handle learns of a request for its audit record.
type call struct {
	pattern   string
	requestID string
	time      time.Time
	// caller is the identity that signed the request: set once the
	// signature verified, or when it did not but its access key exists.
	caller *actiongate.Identity
	// errorCode is the code of the error answered; empty on success.
	errorCode string
	// resourceARN is the resource the operation reported, when its path does
	// not name it (a created connector).
	resourceARN string
	// invocation is what an InvokeAction got from the upstream, also when
	// it failed there; nil for other operations.
	invocation *actiongate.InvokeResult
}

// invocationReporter is a response that carries an action's result.
type invocationReporter interface {
	invocation() *actiongate.InvokeResult
}

// resourceReporter is a response that names the resource its call acted on.
type resourceReporter interface{ auditResource() string }

// auditResource returns the created connector's ARN, which the path of a
// Create does not hold.
func (r *createResponse) auditResource() string { return r.Arn }

// operationNames names the operation of each route pattern in audit records,
// as the model names the operation. A route missing here is recorded under its
// pattern.
var operationNames = map[string]string{
	"POST /accounts/{AwsAccountId}/action-connectors":                                 "CreateActionConnector",
	"GET /accounts/{AwsAccountId}/action-connectors":                                  "ListActionConnectors",
	"GET /accounts/{AwsAccountId}/action-connectors/{ActionConnectorId}":              "DescribeActionConnector",
	"PUT /accounts/{AwsAccountId}/action-connectors/{ActionConnectorId}":              "UpdateActionConnector",
	"DELETE /accounts/{AwsAccountId}/action-connectors/{ActionConnectorId}":           "DeleteActionConnector",
	"GET /accounts/{AwsAccountId}/action-connectors/{ActionConnectorId}/permissions":  "DescribeActionConnectorPermissions",
	"POST /accounts/{AwsAccountId}/action-connectors/{ActionConnectorId}/permissions": "UpdateActionConnectorPermissions",
	"POST /accounts/{AwsAccountId}/search/action-connectors":                          "SearchActionConnectors",
	"POST /resources/{ResourceArn}/tags":                                              "TagResource",
	"DELETE /resources/{ResourceArn}/tags":                                            "UntagResource",
	"GET /resources/{ResourceArn}/tags":                                               "ListTagsForResource",

	// The extension routes of action.go.
	"GET /accounts/{AwsAccountId}/action-connectors/{ActionConnectorId}/actions":                    "ListActionConnectorActions",
	"POST /accounts/{AwsAccountId}/action-connectors/{ActionConnectorId}/actions/{ActionId}/invoke": "InvokeAction",
	"POST /accounts/{AwsAccountId}/action-connectors/{ActionConnectorId}/sign-in":                   "StartSignIn",
	"PUT /accounts/{AwsAccountId}/action-connectors/{ActionConnectorId}/openapi":                    "PutActionConnectorOpenApi",
	"GET /accounts/{AwsAccountId}/action-connectors/{ActionConnectorId}/openapi":                    "GetActionConnectorOpenApi",

	// The users and groups routes of directory.go.
	"POST /accounts/{AwsAccountId}/namespaces/{Namespace}/users":                                     "RegisterUser",
	"GET /accounts/{AwsAccountId}/namespaces/{Namespace}/users":                                      "ListUsers",
	"GET /accounts/{AwsAccountId}/namespaces/{Namespace}/users/{UserName}":                           "DescribeUser",
	"PUT /accounts/{AwsAccountId}/namespaces/{Namespace}/users/{UserName}":                           "UpdateUser",
	"DELETE /accounts/{AwsAccountId}/namespaces/{Namespace}/users/{UserName}":                        "DeleteUser",
	"GET /accounts/{AwsAccountId}/namespaces/{Namespace}/users/{UserName}/groups":                    "ListUserGroups",
	"POST /accounts/{AwsAccountId}/namespaces/{Namespace}/groups":                                    "CreateGroup",
	"GET /accounts/{AwsAccountId}/namespaces/{Namespace}/groups":                                     "ListGroups",
	"POST /accounts/{AwsAccountId}/namespaces/{Namespace}/groups-search":                             "SearchGroups",
	"GET /accounts/{AwsAccountId}/namespaces/{Namespace}/groups/{GroupName}":                         "DescribeGroup",
	"PUT /accounts/{AwsAccountId}/namespaces/{Namespace}/groups/{GroupName}":                         "UpdateGroup",
	"DELETE /accounts/{AwsAccountId}/namespaces/{Namespace}/groups/{GroupName}":                      "DeleteGroup",
	"GET /accounts/{AwsAccountId}/namespaces/{Namespace}/groups/{GroupName}/members":                 "ListGroupMemberships",
	"PUT /accounts/{AwsAccountId}/namespaces/{Namespace}/groups/{GroupName}/members/{MemberName}":    "CreateGroupMembership",
	"GET /accounts/{AwsAccountId}/namespaces/{Namespace}/groups/{GroupName}/members/{MemberName}":    "DescribeGroupMembership",
	"DELETE /accounts/{AwsAccountId}/namespaces/{Namespace}/groups/{GroupName}/members/{MemberName}": "DeleteGroupMembership",

	"/": "UnknownOperation",
}

// operationName returns the name of the operation that pattern serves.
func operationName(pattern string) string {
	if name, ok := operationNames[pattern]; ok {
		return name
	}
	return pattern
}

// record hands the audit record of a to the Auditor, or counts the call as
// unattributed when its caller is not known.
func (h *Handler) record(r *http.Request, a *call) {
	if h.audit == nil {
		return
	}
	if a.caller == nil {
		h.audit.CountUnattributed()
		return
	}
	e := actiongate.AuditEvent{
		Time:        a.time,
		RequestID:   a.requestID,
		AccountID:   a.caller.AccountID,
		IdentityARN: a.caller.ARN,
		AccessKeyID: a.caller.AccessKeyID,
		UserARN:     a.caller.UserARN,
		Operation:   operationName(a.pattern),
		ResourceARN: cmp.Or(a.resourceARN, h.resourceARN(r, a.pattern)),
		Outcome:     actiongate.AuditSuccess,
		ErrorCode:   a.errorCode,
		SourceIP:    sourceIP(r),
	}
	if a.errorCode != "" {
		e.Outcome = actiongate.AuditFailure
	}
	e.ActionID = r.PathValue("ActionId")
	if inv := a.invocation; inv != nil {
		e.UserARN = cmp.Or(inv.UserARN, e.UserARN)
		e.UpstreamStatus, e.Duration = inv.UpstreamStatus, inv.Duration
	}
	h.audit.Record(e)
}

// resourceARN returns the ARN of the resource a request to pattern names in
// its path: the ResourceArn of a tag operation as sent, a connector's ARN, a
// user's, a group's (also for its memberships), or, for the operations on
// every connector, user or group of an account or namespace and for a create
// that failed, the ARN with * for the name.
func (h *Handler) resourceARN(r *http.Request, pattern string) string {
	if arn := r.PathValue("ResourceArn"); arn != "" {
		return arn
	}
	account := r.PathValue("AwsAccountId")
	if account == "" {
		return ""
	}
	prefix := "arn:aws:quicksight:" + h.svc.Region() + ":" + account + ":"
	ns := r.PathValue("Namespace")
	switch {
	case r.PathValue("ActionConnectorId") != "":
		return actiongate.ConnectorARN(h.svc.Region(), account, r.PathValue("ActionConnectorId"))
	case strings.HasSuffix(pattern, "/action-connectors"):
		return actiongate.ConnectorARN(h.svc.Region(), account, "*")
	case ns == "":
		return ""
	case r.PathValue("GroupName") != "":
		return prefix + "group/" + ns + "/" + r.PathValue("GroupName")
	case r.PathValue("UserName") != "":
		return prefix + "user/" + ns + "/" + r.PathValue("UserName")
	case strings.HasSuffix(pattern, "/users"):
		return prefix + "user/" + ns + "/*"
	case strings.HasSuffix(pattern, "/groups"), strings.HasSuffix(pattern, "/groups-search"):
		return prefix + "group/" + ns + "/*"
	}
	return ""
}

// sourceIP returns the host of the request's remote address: the client, or
// the proxy in front of the server. Forwarding headers are not trusted.
func sourceIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
