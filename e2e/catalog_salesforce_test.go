package e2e

import (
	"testing"

	"github.com/actiongate/actiongate"
)

// TestCatalogSalesforce checks every Salesforce action against the REST API
// Developer Guide (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/intro_rest.htm):
// a user's OAuth token as Bearer, paths under a base endpoint that ends in
// /services/data/vXX.X.
func TestCatalogSalesforce(t *testing.T) {
	t.Parallel()
	account := `{"attributes":{"type":"Account","url":"/services/data/v60.0/sobjects/Account/001D000000INjVeIAL"},"Id":"001D000000INjVeIAL","Name":"Express Logistics and Transport","BillingCity":"Portland"}`
	testShapes(t, actiongate.TypeSalesforceCRM, oauthAuth, "/services/data/v60.0", []shape{
		{action: "ListSObjects", input: `{}`, method: "GET", path: "/sobjects/",
			answer: `{"encoding":"UTF-8","maxBatchSize":200,"sobjects":[{"name":"Account","label":"Account","keyPrefix":"001","createable":true,"updateable":true,"deletable":true,"queryable":true,"urls":{"sobject":"/services/data/v60.0/sobjects/Account","describe":"/services/data/v60.0/sobjects/Account/describe","rowTemplate":"/services/data/v60.0/sobjects/Account/{ID}"}}]}`},
		{action: "DescribeSObject", input: `{"sObject":"Account"}`, method: "GET", path: "/sobjects/Account/describe/",
			answer: `{"name":"Account","label":"Account","createable":true,"fields":[{"name":"Name","type":"string","length":255,"nillable":false},{"name":"Industry","type":"picklist","picklistValues":[{"value":"Agriculture","label":"Agriculture","active":true}]}],"childRelationships":[{"childSObject":"Contact","field":"AccountId","relationshipName":"Contacts"}]}`},
		{action: "GetSObjectBasicInfo", input: `{"sObject":"Case"}`, method: "GET", path: "/sobjects/Case/",
			answer: `{"objectDescribe":{"name":"Case","label":"Case","keyPrefix":"500","urls":{"sobject":"/services/data/v60.0/sobjects/Case"}},"recentItems":[{"attributes":{"type":"Case","url":"/services/data/v60.0/sobjects/Case/500D0000003JV1XIAW"},"Id":"500D0000003JV1XIAW","CaseNumber":"00001001"}]}`},
		{action: "CreateRecord", input: `{"sObject":"Account","body":{"Name":"Express Logistics and Transport"}}`,
			method: "POST", path: "/sobjects/Account/", body: `{"Name":"Express Logistics and Transport"}`,
			status: 201, answer: `{"id":"001D000000IqhSLIAZ","errors":[],"success":true}`},
		{action: "GetRecord", input: `{"sObject":"Account","id":"001D000000INjVeIAL","fields":"Name,BillingCity"}`,
			method: "GET", path: "/sobjects/Account/001D000000INjVeIAL", query: "fields=Name%2CBillingCity", answer: account},
		{action: "UpdateRecord", input: `{"sObject":"Account","id":"001D000000INjVeIAL","body":{"BillingCity":"San Francisco"}}`,
			method: "PATCH", path: "/sobjects/Account/001D000000INjVeIAL", body: `{"BillingCity":"San Francisco"}`, status: 204},
		{action: "DeleteRecord", input: `{"sObject":"Lead","id":"00QD000000hTgMSMA0"}`,
			method: "DELETE", path: "/sobjects/Lead/00QD000000hTgMSMA0", status: 204},
		{action: "Query", input: `{"q":"SELECT Id, Name, BillingCity FROM Account WHERE BillingCity = 'Portland'"}`,
			method: "GET", path: "/query/", query: "q=SELECT+Id%2C+Name%2C+BillingCity+FROM+Account+WHERE+BillingCity+%3D+%27Portland%27",
			answer: `{"totalSize":3214,"done":false,"nextRecordsUrl":"/services/data/v60.0/query/01gD0000002HU6KIAW-2000","records":[` + account + `]}`},
		{action: "QueryMore", input: `{"queryLocator":"01gD0000002HU6KIAW-2000"}`,
			method: "GET", path: "/query/01gD0000002HU6KIAW-2000",
			answer: `{"totalSize":3214,"done":true,"records":[` + account + `]}`},
	})
}
