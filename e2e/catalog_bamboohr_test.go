package e2e

import (
	"testing"

	"github.com/actiongate/actiongate"
)

// TestCatalogBambooHR checks every BambooHR action against the vendor's API
// reference (https://documentation.bamboohr.com/reference): an API key as
// the HTTP Basic user name, paths under the gateway base endpoint
// https://api.bamboohr.com/api/gateway.php/{companyDomain}.
func TestCatalogBambooHR(t *testing.T) {
	t.Parallel()
	request := `{"id":"1342","employeeId":"4","status":{"lastChanged":"2024-09-13","lastChangedByUserId":"2369","status":"requested"},"name":"Charlotte Abbott","start":"2024-10-01","end":"2024-10-02","created":"2024-09-13","type":{"id":"78","name":"Vacation","icon":"palm-trees"},"amount":{"unit":"hours","amount":"16"},"actions":{"view":true,"edit":true,"cancel":true,"approve":false,"deny":false,"bypass":false},"dates":{"2024-10-01":"8","2024-10-02":"8"},"notes":{"employee":"Family trip"}}`
	testShapes(t, actiongate.TypeBambooHR, apiKeyAuth, "/api/gateway.php/acme", []shape{
		{action: "GetCompanyInformation", input: `{}`, method: "GET", path: "/v1/company_information",
			answer: `{"legalName":"Acme Corporation","displayName":"Acme","address":{"line1":"335 S 560 W","line2":null,"city":"Lindon","state":"UT","country":"United States","zip":"84042"},"phone":"801-724-6600"}`},
		{action: "GetEmployeesDirectory", input: `{"onlyCurrent":false}`, method: "GET", path: "/v1/employees/directory", query: "onlyCurrent=false",
			answer: `{"fields":[{"id":"displayName","type":"text","name":"Display name"},{"id":"jobTitle","type":"list","name":"Job title"}],"employees":[{"id":"123","displayName":"John Doe","firstName":"John","lastName":"Doe","jobTitle":"Customer Service Representative","workEmail":"jdoe@example.com","department":"Customer Service","location":"Lindon, Utah"}]}`},
		{action: "GetEmployee", input: `{"id":"123","fields":"firstName,lastName,jobTitle","onlyCurrent":true}`,
			method: "GET", path: "/v1/employees/123", query: "fields=firstName%2ClastName%2CjobTitle&onlyCurrent=true",
			answer: `{"id":"123","firstName":"John","lastName":"Doe","jobTitle":"Customer Service Representative"}`},
		{action: "CreateEmployee", input: `{"body":{"firstName":"Jane","lastName":"Smith","workEmail":"jsmith@example.com","hireDate":"2024-10-01"}}`,
			method: "POST", path: "/v1/employees", body: `{"firstName":"Jane","lastName":"Smith","workEmail":"jsmith@example.com","hireDate":"2024-10-01"}`, status: 201},
		{action: "UpdateEmployee", input: `{"id":"123","body":{"jobTitle":"Team Lead","workPhone":"801-724-6600"}}`,
			method: "POST", path: "/v1/employees/123", body: `{"jobTitle":"Team Lead","workPhone":"801-724-6600"}`},
		{action: "ListTimeOffTypes", input: `{"mode":"request"}`, method: "GET", path: "/v1/meta/time_off/types", query: "mode=request",
			answer: `{"timeOffTypes":[{"id":"78","name":"Vacation","units":"hours","color":null,"icon":"palm-trees"}],"defaultHours":[{"name":"Saturday","amount":"0"},{"name":"Sunday","amount":"0"},{"name":"default","amount":"8"}]}`},
		{action: "ListTimeOffPolicies", input: `{}`, method: "GET", path: "/v1/meta/time_off/policies",
			answer: `[{"id":"1","timeOffTypeId":"78","name":"Vacation Full-Time","effectiveDate":null,"type":"accruing"}]`},
		{action: "ListTimeOffRequests", input: `{"start":"2024-10-01","end":"2024-10-31","status":"requested,approved","employeeId":4}`,
			method: "GET", path: "/v1/time_off/requests", query: "start=2024-10-01&end=2024-10-31&status=requested%2Capproved&employeeId=4",
			answer: `[` + request + `]`},
		{action: "CreateTimeOffRequest", input: `{"employeeId":"4","body":{"status":"requested","start":"2024-10-01","end":"2024-10-02","timeOffTypeId":78,"amount":16,"notes":[{"from":"employee","note":"Family trip"}],"dates":[{"ymd":"2024-10-01","amount":8},{"ymd":"2024-10-02","amount":8}]}}`,
			method: "PUT", path: "/v1/employees/4/time_off/request",
			body:   `{"status":"requested","start":"2024-10-01","end":"2024-10-02","timeOffTypeId":78,"amount":16,"notes":[{"from":"employee","note":"Family trip"}],"dates":[{"ymd":"2024-10-01","amount":8},{"ymd":"2024-10-02","amount":8}]}`,
			status: 201, answer: request},
		{action: "UpdateTimeOffRequestStatus", input: `{"requestId":"1342","body":{"status":"approved","note":"Enjoy!"}}`,
			method: "PUT", path: "/v1/time_off/requests/1342/status", body: `{"status":"approved","note":"Enjoy!"}`},
		{action: "GetTimeOffBalance", input: `{"employeeId":"4","end":"2024-12-31"}`,
			method: "GET", path: "/v1/employees/4/time_off/calculator", query: "end=2024-12-31",
			answer: `[{"timeOffType":"78","name":"Vacation","units":"hours","balance":"40.00","end":"2024-12-31","policyType":"accruing","usedYearToDate":"16.00"}]`},
		{action: "ListWhosOut", input: `{"start":"2024-10-01","end":"2024-10-14","filter":"off"}`,
			method: "GET", path: "/v1/time_off/whos_out", query: "start=2024-10-01&end=2024-10-14&filter=off",
			answer: `[{"id":1342,"type":"timeOff","employeeId":4,"name":"Charlotte Abbott","start":"2024-10-01","end":"2024-10-02"},{"id":12,"type":"holiday","name":"Columbus Day","start":"2024-10-14","end":"2024-10-14"}]`},
	})
}
