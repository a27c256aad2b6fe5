package e2e

import (
	"encoding/base64"
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
	const pdf = "%PDF-1.4\n" // the start of a PDF file
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
		{action: "GetCompanyEINs", input: `{}`, method: "GET", path: "/v1/company_eins",
			answer: `{"eins":[{"ein":"12-3456789","name":"Acme Corp"}]}`},
		{action: "AdjustTimeOffBalance", input: `{"employeeId":"4","body":{"date":"2019-09-06","timeOffTypeId":11,"amount":-6.0000,"note":"Used 6 hours on Friday"}}`,
			method: "PUT", path: "/v1/employees/4/time_off/balance_adjustment",
			body: `{"date":"2019-09-06","timeOffTypeId":11,"amount":-6.0000,"note":"Used 6 hours on Friday"}`, status: 201},
		{action: "ListEmployeeTimeOffPolicies", input: `{"employeeId":"4"}`, method: "GET", path: "/v1/employees/4/time_off/policies",
			answer: `[{"timeOffPolicyId":4,"timeOffTypeId":78,"accrualStartDate":"2012-02-01"}]`},
		{action: "AssignTimeOffPolicies", input: `{"employeeId":"4","body":[{"timeOffPolicyId":4,"accrualStartDate":"2012-02-01"},{"timeOffPolicyId":5,"accrualStartDate":"2015-12-15"}]}`,
			method: "PUT", path: "/v1_1/employees/4/time_off/policies",
			body:   `[{"timeOffPolicyId":4,"accrualStartDate":"2012-02-01"},{"timeOffPolicyId":5,"accrualStartDate":"2015-12-15"}]`,
			answer: `[{"timeOffPolicyId":4,"timeOffTypeId":78,"accrualStartDate":"2012-02-01"},{"timeOffPolicyId":5,"timeOffTypeId":79,"accrualStartDate":"2015-12-15"}]`},
		{action: "ListEmployeeFiles", input: `{"employeeId":"123"}`, method: "GET", path: "/v1/employees/123/files/view",
			answer: `{"employee":{"id":123},"categories":[{"id":112,"name":"Training Docs","canRenameCategory":"yes","canDeleteCategory":"yes","canUploadFiles":"yes","displayIfEmpty":"yes","files":[{"id":1234,"name":"readme.txt","originalFileName":"readme.txt","size":28,"dateCreated":"2024-10-01T16:50:52+0000","createdBy":"John Doe","shareWithEmployee":"yes","canRenameFile":"yes","canDeleteFile":"yes","canChangeShareWithEmployeeFieldValue":"yes"}]}]}`},
		{action: "GetEmployeeFile", input: `{"employeeId":"123","fileId":"1234"}`, method: "GET", path: "/v1/employees/123/files/1234",
			contentType: "application/pdf", answer: pdf,
			output: `{"ContentType":"application/pdf","Body":"` + base64.StdEncoding.EncodeToString([]byte(pdf)) + `","Encoding":"base64"}`},
		{action: "UploadEmployeeFile", input: `{"employeeId":"123","category":112,"fileName":"readme.txt","share":"yes","file":{"FileName":"readme.txt","ContentType":"text/plain","Body":"This is a sample text file.\n"}}`,
			method: "POST", path: "/v1/employees/123/files",
			form: []formPart{{name: "category", content: "112"}, {name: "fileName", content: "readme.txt"}, {name: "share", content: "yes"},
				{name: "file", fileName: "readme.txt", contentType: "text/plain", content: "This is a sample text file.\n"}},
			status: 201},
		{action: "GetEmployeeTable", input: `{"employeeId":"123","table":"jobInfo"}`, method: "GET", path: "/v1/employees/123/tables/jobInfo",
			answer: `[{"id":"1","employeeId":"123","date":"2010-06-01","location":"New York Office","division":"Sprockets","department":"Research and Development","jobTitle":"Machinist","reportsTo":"John Smith"}]`},
	})
}
