package e2e

import (
	"maps"
	"testing"

	"github.com/actiongate/actiongate"
)

// TestCatalogZendesk checks every Zendesk action against the Ticketing API
// reference (https://developer.zendesk.com/api-reference/ticketing/): an API
// token as Basic "{email}/token:{token}".
func TestCatalogZendesk(t *testing.T) {
	t.Parallel()
	ticket := `{"id":35436,"url":"https://company.zendesk.com/api/v2/tickets/35436.json","subject":"Help, my printer is on fire!","status":"open","priority":"urgent","requester_id":20978392,"tags":["enterprise"]}`
	testShapes(t, actiongate.TypeZendeskSuite, apiKeyAuth, "", []shape{
		{action: "ListSearchResults", input: `{"query":"type:ticket status:open","sort_by":"created_at","sort_order":"asc"}`,
			method: "GET", path: "/api/v2/search", query: "query=type%3Aticket+status%3Aopen&sort_by=created_at&sort_order=asc",
			answer: `{"count":1,"facets":null,"next_page":null,"previous_page":null,"results":[{"id":35436,"result_type":"ticket","subject":"Help, my printer is on fire!"}]}`},
		{action: "ListTickets", input: `{"pageSize":2,"pageAfter":"xXafter"}`,
			method: "GET", path: "/api/v2/tickets", query: "page%5Bsize%5D=2&page%5Bafter%5D=xXafter",
			answer: `{"tickets":[` + ticket + `],"meta":{"has_more":true,"after_cursor":"xXnext","before_cursor":"xXprev"},"links":{"next":"https://company.zendesk.com/api/v2/tickets.json?page%5Bafter%5D=xXnext&page%5Bsize%5D=2"}}`},
		{action: "CreateTicket", input: `{"body":{"ticket":{"subject":"My printer is on fire!","comment":{"body":"The smoke is very colorful."},"priority":"urgent"}}}`,
			method: "POST", path: "/api/v2/tickets", body: `{"ticket":{"subject":"My printer is on fire!","comment":{"body":"The smoke is very colorful."},"priority":"urgent"}}`,
			status: 201, answer: `{"ticket":` + ticket + `}`},
		{action: "ShowTicket", input: `{"ticket_id":35436}`,
			method: "GET", path: "/api/v2/tickets/35436", answer: `{"ticket":` + ticket + `}`},
		{action: "UpdateTicket", input: `{"ticket_id":35436,"body":{"ticket":{"status":"solved","comment":{"body":"Thanks, this is now solved!","public":true}}}}`,
			method: "PUT", path: "/api/v2/tickets/35436", body: `{"ticket":{"status":"solved","comment":{"body":"Thanks, this is now solved!","public":true}}}`,
			answer: `{"ticket":` + ticket + `,"audit":{"events":[{"type":"Comment","body":"Thanks, this is now solved!","public":true}]}}`},
		{action: "ListTicketEmailCCs", input: `{"ticket_id":35436}`,
			method: "GET", path: "/api/v2/tickets/35436/email_ccs",
			answer: `{"users":[{"id":223443,"name":"Johnny Agent"},{"id":8678530,"name":"Peter Admin"}]}`},
		{action: "ListTicketFollowers", input: `{"ticket_id":35436}`,
			method: "GET", path: "/api/v2/tickets/35436/followers",
			answer: `{"users":[{"id":223443,"name":"Johnny Agent"}]}`},
		{action: "ListTicketIncidents", input: `{"ticket_id":12345,"pageSize":1}`,
			method: "GET", path: "/api/v2/tickets/12345/incidents", query: "page%5Bsize%5D=1",
			answer: `{"tickets":[{"id":33,"subject":"My printer is on fire","type":"incident","problem_id":12345}],"meta":{"has_more":false}}`},
		{action: "TicketRelatedInformation", input: `{"ticket_id":35436}`,
			method: "GET", path: "/api/v2/tickets/35436/related",
			answer: `{"ticket_related":{"followup_source_ids":[],"from_archive":false,"incidents":7,"topic_id":null,"twitter":{}}}`},
	})
}

// TestCatalogPagerDuty checks every PagerDuty action against the REST API v2
// reference (https://developer.pagerduty.com/api-reference/): a user's
// OAuth token as Bearer, the From header on writes, version 2 in Accept.
func TestCatalogPagerDuty(t *testing.T) {
	t.Parallel()
	incident := `{"id":"PT4KHLK","type":"incident","summary":"[#1234] The server is on fire.","incident_number":1234,"title":"The server is on fire.","status":"triggered","urgency":"high","service":{"id":"PWIXJZS","type":"service_reference"}}`
	cases := []shape{
		{action: "ListIncidents", input: `{"statuses":["triggered","acknowledged"],"serviceIds":["PWIXJZS"],"limit":25,"offset":25,"include":["assignees"]}`,
			method: "GET", path: "/incidents", query: "statuses[]=triggered&statuses[]=acknowledged&service_ids[]=PWIXJZS&limit=25&offset=25&include[]=assignees",
			answer: `{"incidents":[` + incident + `],"limit":25,"offset":25,"total":null,"more":false}`},
		{action: "CreateIncident", input: `{"from":"user@example.com","body":{"incident":{"type":"incident","title":"The server is on fire.","service":{"id":"PWIXJZS","type":"service_reference"},"urgency":"high","body":{"type":"incident_body","details":"A disk is getting full on this machine."}}}}`,
			method: "POST", path: "/incidents", header: map[string]string{"From": "user@example.com"},
			body:   `{"incident":{"type":"incident","title":"The server is on fire.","service":{"id":"PWIXJZS","type":"service_reference"},"urgency":"high","body":{"type":"incident_body","details":"A disk is getting full on this machine."}}}`,
			status: 201, answer: `{"incident":` + incident + `}`},
		{action: "GetIncident", input: `{"id":"PT4KHLK","include":["acknowledgers"]}`,
			method: "GET", path: "/incidents/PT4KHLK", query: "include[]=acknowledgers", answer: `{"incident":` + incident + `}`},
		{action: "UpdateIncident", input: `{"id":"PT4KHLK","from":"user@example.com","body":{"incident":{"type":"incident_reference","status":"acknowledged"}}}`,
			method: "PUT", path: "/incidents/PT4KHLK", header: map[string]string{"From": "user@example.com"},
			body: `{"incident":{"type":"incident_reference","status":"acknowledged"}}`, answer: `{"incident":` + incident + `}`},
		{action: "ListUsers", input: `{"query":"earline","limit":10}`,
			method: "GET", path: "/users", query: "query=earline&limit=10",
			answer: `{"users":[{"id":"PXPGF42","type":"user","name":"Earline Greenholt","email":"earline@example.com","role":"admin"}],"limit":10,"offset":0,"more":false,"total":null}`},
	}
	// Every request asks for version 2 of the REST API, as its reference requires.
	for i := range cases {
		cases[i].header = maps.Clone(cases[i].header)
		if cases[i].header == nil {
			cases[i].header = map[string]string{}
		}
		cases[i].header["Accept"] = "application/vnd.pagerduty+json;version=2"
	}
	testShapes(t, actiongate.TypePagerDutyAdvance, oauthAuth, "", cases)
}

// TestCatalogAsana checks every Asana action against the REST API reference
// (https://developers.asana.com/reference/rest-api-reference): an OAuth
// token as Bearer, bodies wrapped in "data".
func TestCatalogAsana(t *testing.T) {
	t.Parallel()
	task := `{"data":{"gid":"12345","resource_type":"task","name":"Buy catnip","completed":false,"due_on":"2019-09-15","assignee":{"gid":"12345","resource_type":"user","name":"Greg Sanchez"},"workspace":{"gid":"12345","resource_type":"workspace","name":"My Company Workspace"}}}`
	testShapes(t, actiongate.TypeAsana, oauthAuth, "/api/1.0", []shape{
		{action: "CreateTask", input: `{"opt_fields":"name,due_on","body":{"data":{"name":"Buy catnip","workspace":"12345","assignee":"me","due_on":"2019-09-15"}}}`,
			method: "POST", path: "/tasks", query: "opt_fields=name%2Cdue_on", body: `{"data":{"name":"Buy catnip","workspace":"12345","assignee":"me","due_on":"2019-09-15"}}`,
			status: 201, answer: task},
		{action: "UpdateTask", input: `{"task_gid":"12345","body":{"data":{"completed":true}}}`,
			method: "PUT", path: "/tasks/12345", body: `{"data":{"completed":true}}`, answer: task},
	})
}

// TestCatalogSmartsheet checks every Smartsheet action against the API 2.0
// reference (https://developers.smartsheet.com/api/smartsheet/openapi): an
// access token as Bearer.
func TestCatalogSmartsheet(t *testing.T) {
	t.Parallel()
	testShapes(t, actiongate.TypeSmartsheet, apiKeyAuth, "/2.0", []shape{
		{action: "SearchEverything", input: `{"query":"\"quarterly plan\"","scopes":["sheetNames","cellData"]}`,
			method: "GET", path: "/search", query: "query=%22quarterly+plan%22&scopes=sheetNames&scopes=cellData",
			answer: `{"results":[{"contextData":["Discussion 1"],"objectId":1888207043356548,"objectType":"discussion","parentObjectId":7141187195055981,"parentObjectName":"Quarterly Plan","parentObjectType":"sheet","text":"quarterly plan"}],"totalCount":1}`},
		{action: "GetSheet", input: `{"sheetId":4583173393803140,"include":"format","pageSize":100,"page":2}`,
			method: "GET", path: "/sheets/4583173393803140", query: "include=format&pageSize=100&page=2",
			answer: `{"id":4583173393803140,"name":"sheet 1","accessLevel":"OWNER","columns":[{"id":4583173393803140,"index":0,"title":"Primary Column","primary":true,"type":"TEXT_NUMBER"}],"rows":[{"id":2361756178769796,"rowNumber":1,"cells":[{"columnId":4583173393803140,"value":"Revision 1"}]}],"totalRowCount":101}`},
		{action: "ListReports", input: `{"modifiedSince":"2024-01-01T00:00:00Z"}`,
			method: "GET", path: "/reports", query: "modifiedSince=2024-01-01T00%3A00%3A00Z",
			answer: `{"pageNumber":1,"pageSize":100,"totalPages":1,"totalCount":1,"data":[{"id":6761305928427396,"name":"r1","accessLevel":"OWNER"}]}`},
		{action: "GetReport", input: `{"reportId":6761305928427396,"include":"sourceSheets"}`,
			method: "GET", path: "/reports/6761305928427396", query: "include=sourceSheets",
			answer: `{"id":6761305928427396,"name":"r1","accessLevel":"OWNER","columns":[{"virtualId":4583173393803140,"title":"Sheet Name","type":"TEXT_NUMBER"}],"rows":[],"totalRowCount":0}`},
	})
}
