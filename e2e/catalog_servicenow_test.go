package e2e

import (
	"encoding/base64"
	"testing"

	"github.com/actiongate/actiongate"
)

// TestCatalogServiceNow checks every ServiceNow action against the Table,
// Change Management and Attachment API references
// (https://www.servicenow.com/docs/bundle/zurich-api-reference/page/integrate/inbound-rest/concept/c_TableAPI.html
// and its sibling pages): an OAuth token as Bearer, records wrapped in
// "result".
func TestCatalogServiceNow(t *testing.T) {
	t.Parallel()
	incident := `{"sys_id":"a9e30c7dc61122760116894de7bcc7bd","number":"INC0000046","short_description":"Can't access SFA software","category":"software","impact":"1","urgency":"3","state":"1","caller_id":{"link":"https://instance.servicenow.com/api/now/table/sys_user/46c6f9efa9fe198101ddf5eed9adf6e7","value":"46c6f9efa9fe198101ddf5eed9adf6e7"}}`
	problem := `{"sys_id":"04ce72c9c0a8016600b5b7f75ac67b5b","number":"PRB0000050","short_description":"Switch occasionally drops connections","state":"4","impact":"3","urgency":"3"}`
	change := `{"sys_id":{"display_value":"b0dbda5347c12200e0ef563dbb9a718f","value":"b0dbda5347c12200e0ef563dbb9a718f"},"number":{"display_value":"CHG0000024","value":"CHG0000024"},"type":{"display_value":"Normal","value":"normal"},"state":{"display_value":"New","value":-5.0},"short_description":{"display_value":"Reboot router","value":"Reboot router"}}`
	article := `{"sys_id":"0b48fd75474321009db4b5b08b9a71c2","number":"KB0000001","short_description":"How to reset your password","workflow_state":"draft","kb_knowledge_base":{"link":"https://instance.servicenow.com/api/now/table/kb_knowledge_base/dfc19531bf2021003f07e2c1ac0739ab","value":"dfc19531bf2021003f07e2c1ac0739ab"}}`
	attachment := `{"table_sys_id":"5054b6f8c0a800060056addcf551ecf8","size_bytes":"462","download_link":"https://instance.service-now.com/api/now/attachment/615ea769c0a80166001cf5f2367302f5/file","sys_id":"615ea769c0a80166001cf5f2367302f5","file_name":"blocks.swf","table_name":"content_block_programmatic","content_type":"application/x-shockwave-flash","size_compressed":"485"}`
	png := "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
	jpeg := "\xff\xd8\xff\xe0" // the start of a JPEG file
	jpegFile := func(name string) string {
		return `{` + name + `"ContentType":"image/jpeg","Body":"` + base64.StdEncoding.EncodeToString([]byte(jpeg)) + `","Encoding":"base64"}`
	}
	testShapes(t, actiongate.TypeServiceNowNowPlatform, oauthAuth, "", []shape{
		{action: "ListIncidents", input: `{"sysparm_query":"active=true^priority=1^ORDERBYDESCsys_created_on","sysparm_fields":"number,short_description","sysparm_limit":10,"sysparm_offset":20}`,
			method: "GET", path: "/api/now/table/incident",
			query:  "sysparm_query=active%3Dtrue%5Epriority%3D1%5EORDERBYDESCsys_created_on&sysparm_fields=number%2Cshort_description&sysparm_limit=10&sysparm_offset=20",
			answer: `{"result":[` + incident + `]}`},
		{action: "CreateIncident", input: `{"sysparm_display_value":"true","body":{"short_description":"Unable to connect to office wifi","urgency":"2","impact":"2"}}`,
			method: "POST", path: "/api/now/table/incident", query: "sysparm_display_value=true",
			body:   `{"short_description":"Unable to connect to office wifi","urgency":"2","impact":"2"}`,
			status: 201, answer: `{"result":` + incident + `}`},
		{action: "GetIncident", input: `{"sys_id":"a9e30c7dc61122760116894de7bcc7bd","sysparm_exclude_reference_link":true}`,
			method: "GET", path: "/api/now/table/incident/a9e30c7dc61122760116894de7bcc7bd", query: "sysparm_exclude_reference_link=true",
			answer: `{"result":` + incident + `}`},
		{action: "UpdateIncident", input: `{"sys_id":"a9e30c7dc61122760116894de7bcc7bd","body":{"state":"6","close_code":"Solved (Permanently)","close_notes":"Reset the password"}}`,
			method: "PATCH", path: "/api/now/table/incident/a9e30c7dc61122760116894de7bcc7bd",
			body:   `{"state":"6","close_code":"Solved (Permanently)","close_notes":"Reset the password"}`,
			answer: `{"result":` + incident + `}`},
		{action: "DeleteIncident", input: `{"sys_id":"d977b66a4f411200adf9f8e18110c7b2"}`,
			method: "DELETE", path: "/api/now/table/incident/d977b66a4f411200adf9f8e18110c7b2", status: 204},
		{action: "ListProblems", input: `{"sysparm_limit":1}`,
			method: "GET", path: "/api/now/table/problem", query: "sysparm_limit=1", answer: `{"result":[` + problem + `]}`},
		{action: "CreateProblem", input: `{"body":{"short_description":"Switch occasionally drops connections"}}`,
			method: "POST", path: "/api/now/table/problem", body: `{"short_description":"Switch occasionally drops connections"}`,
			status: 201, answer: `{"result":` + problem + `}`},
		{action: "GetProblem", input: `{"sys_id":"04ce72c9c0a8016600b5b7f75ac67b5b","sysparm_display_value":"all"}`,
			method: "GET", path: "/api/now/table/problem/04ce72c9c0a8016600b5b7f75ac67b5b", query: "sysparm_display_value=all",
			answer: `{"result":` + problem + `}`},
		{action: "UpdateProblem", input: `{"sys_id":"04ce72c9c0a8016600b5b7f75ac67b5b","sysparm_input_display_value":true,"body":{"assigned_to":"Beth Anglin"}}`,
			method: "PATCH", path: "/api/now/table/problem/04ce72c9c0a8016600b5b7f75ac67b5b", query: "sysparm_input_display_value=true",
			body: `{"assigned_to":"Beth Anglin"}`, answer: `{"result":` + problem + `}`},
		{action: "DeleteProblem", input: `{"sys_id":"04ce72c9c0a8016600b5b7f75ac67b5b"}`,
			method: "DELETE", path: "/api/now/table/problem/04ce72c9c0a8016600b5b7f75ac67b5b", status: 204},
		{action: "ListChangeRequests", input: `{"sysparm_query":"active=true^ORDERBYnumber","sysparm_offset":0}`,
			method: "GET", path: "/api/sn_chg_rest/change", query: "sysparm_query=active%3Dtrue%5EORDERBYnumber&sysparm_offset=0",
			answer: `{"result":[` + change + `]}`},
		{action: "CreateChangeRequest", input: `{"body":{"chg_model":"007c4001c343101035ae3f52c1d3aeb2","short_description":"Reboot router"}}`,
			method: "POST", path: "/api/sn_chg_rest/change", body: `{"chg_model":"007c4001c343101035ae3f52c1d3aeb2","short_description":"Reboot router"}`,
			answer: `{"result":` + change + `}`},
		{action: "GetChangeRequest", input: `{"sys_id":"b0dbda5347c12200e0ef563dbb9a718f"}`,
			method: "GET", path: "/api/sn_chg_rest/change/b0dbda5347c12200e0ef563dbb9a718f", answer: `{"result":` + change + `}`},
		{action: "UpdateChangeRequest", input: `{"sys_id":"b0dbda5347c12200e0ef563dbb9a718f","body":{"short_description":"my short desc","description":"my desc"}}`,
			method: "PATCH", path: "/api/sn_chg_rest/change/b0dbda5347c12200e0ef563dbb9a718f", body: `{"short_description":"my short desc","description":"my desc"}`,
			answer: `{"result":` + change + `}`},
		{action: "DeleteChangeRequest", input: `{"sys_id":"b0dbda5347c12200e0ef563dbb9a718f"}`,
			method: "DELETE", path: "/api/sn_chg_rest/change/b0dbda5347c12200e0ef563dbb9a718f", answer: `{"result":` + change + `}`},
		{action: "CreateKnowledgeArticle", input: `{"body":{"short_description":"How to reset your password","text":"<p>Open the self-service portal.</p>","kb_knowledge_base":"dfc19531bf2021003f07e2c1ac0739ab"}}`,
			method: "POST", path: "/api/now/table/kb_knowledge",
			body:   `{"short_description":"How to reset your password","text":"<p>Open the self-service portal.</p>","kb_knowledge_base":"dfc19531bf2021003f07e2c1ac0739ab"}`,
			status: 201, answer: `{"result":` + article + `}`},
		{action: "UpdateKnowledgeArticle", input: `{"sys_id":"0b48fd75474321009db4b5b08b9a71c2","body":{"workflow_state":"published"}}`,
			method: "PATCH", path: "/api/now/table/kb_knowledge/0b48fd75474321009db4b5b08b9a71c2", body: `{"workflow_state":"published"}`,
			answer: `{"result":` + article + `}`},
		{action: "DeleteKnowledgeArticle", input: `{"sys_id":"0b48fd75474321009db4b5b08b9a71c2"}`,
			method: "DELETE", path: "/api/now/table/kb_knowledge/0b48fd75474321009db4b5b08b9a71c2", status: 204},
		{action: "ListAttachments", input: `{"sysparm_query":"table_name=incident^table_sys_id=a9e30c7dc61122760116894de7bcc7bd","sysparm_limit":1}`,
			method: "GET", path: "/api/now/attachment", query: "sysparm_query=table_name%3Dincident%5Etable_sys_id%3Da9e30c7dc61122760116894de7bcc7bd&sysparm_limit=1",
			answer: `{"result":[` + attachment + `]}`},
		{action: "GetAttachment", input: `{"sys_id":"615ea769c0a80166001cf5f2367302f5"}`,
			method: "GET", path: "/api/now/attachment/615ea769c0a80166001cf5f2367302f5", answer: `{"result":` + attachment + `}`},
		{action: "GetAttachmentContent", input: `{"sys_id":"615ea769c0a80166001cf5f2367302f5","accept":"*/*"}`,
			method: "GET", path: "/api/now/attachment/615ea769c0a80166001cf5f2367302f5/file", header: map[string]string{"Accept": "*/*"},
			contentType: "image/png", answer: png,
			output: `{"ContentType":"image/png","Body":"` + base64.StdEncoding.EncodeToString([]byte(png)) + `","Encoding":"base64"}`},
		{action: "UploadBinaryAttachment", input: `{"table_name":"incident","table_sys_id":"d71f7935c0a8016700802b64c67c11c6","file_name":"Issue_screenshot","file":` + jpegFile(``) + `}`,
			method: "POST", path: "/api/now/attachment/file", query: "table_name=incident&table_sys_id=d71f7935c0a8016700802b64c67c11c6&file_name=Issue_screenshot",
			header: map[string]string{"Content-Type": "image/jpeg"}, raw: jpeg,
			status: 201, answer: `{"result":{"table_sys_id":"d71f7935c0a8016700802b64c67c11c6","size_bytes":"36597","download_link":"https://instance.servicenow.com/api/now/attachment/6ea10fe64f411200adf9f8e18110c739/file","sys_id":"6ea10fe64f411200adf9f8e18110c739","file_name":"Issue_screenshot","table_name":"incident","content_type":"image/jpeg","size_compressed":"25130"}}`},
		{action: "UploadMultipartAttachment", input: `{"table_name":"incident","table_sys_id":"d71f7935c0a8016700802b64c67c11c6","file":` + jpegFile(`"FileName":"banner-CS0001345_v1_1.jpeg",`) + `}`,
			method: "POST", path: "/api/now/attachment/upload",
			form: []formPart{{name: "table_name", content: "incident"}, {name: "table_sys_id", content: "d71f7935c0a8016700802b64c67c11c6"},
				{name: "uploadFile", fileName: "banner-CS0001345_v1_1.jpeg", contentType: "image/jpeg", content: jpeg}},
			status: 201, answer: `{"result":{"table_sys_id":"d71f7935c0a8016700802b64c67c11c6","size_bytes":"36597","download_link":"https://instance.service-now.com/api/now/attachment/994adbc64f511200adf9f8e18110c796/file","sys_id":"994adbc64f511200adf9f8e18110c796","file_name":"banner-CS0001345_v1_1.jpeg","table_name":"incident","content_type":"image/jpeg"}}`},
		{action: "DeleteAttachment", input: `{"sys_id":"615ea769c0a80166001cf5f2367302f5"}`,
			method: "DELETE", path: "/api/now/attachment/615ea769c0a80166001cf5f2367302f5", status: 204},
		{action: "ListUsers", input: `{"sysparm_query":"user_name=abel.tuter","sysparm_fields":"sys_id,name,email"}`,
			method: "GET", path: "/api/now/table/sys_user", query: "sysparm_query=user_name%3Dabel.tuter&sysparm_fields=sys_id%2Cname%2Cemail",
			answer: `{"result":[{"sys_id":"62826bf03710200044e0bfc8bcbe5df1","name":"Abel Tuter","email":"abel.tuter@example.com"}]}`},
		{action: "ListChoices", input: `{"sysparm_query":"name=incident^element=category","sysparm_fields":"value,label"}`,
			method: "GET", path: "/api/now/table/sys_choice", query: "sysparm_query=name%3Dincident%5Eelement%3Dcategory&sysparm_fields=value%2Clabel",
			answer: `{"result":[{"value":"software","label":"Software"},{"value":"hardware","label":"Hardware"}]}`},
	})
}
