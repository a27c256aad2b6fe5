package e2e

import (
	"encoding/base64"
	"testing"

	"github.com/actiongate/actiongate"
)

// TestCatalogJira checks every Jira Cloud action against the REST API v3 and
// Agile 1.0 references
// (https://developer.atlassian.com/cloud/jira/platform/rest/v3/,
// https://developer.atlassian.com/cloud/jira/software/rest/): an API token
// as Basic email:token, paths under the api.atlassian.com gateway base.
func TestCatalogJira(t *testing.T) {
	t.Parallel()
	const adf = `{"type":"doc","version":1,"content":[{"type":"paragraph","content":[{"type":"text","text":"Looks good."}]}]}`
	const jpeg = "\xff\xd8\xff\xe0" // the start of a JPEG file
	comment := `{"id":"10000","self":"https://your-domain.atlassian.net/rest/api/3/issue/10010/comment/10000","author":{"accountId":"5b10a2844c20165700ede21g"},"body":` + adf + `,"created":"2021-01-17T12:34:00.000+0000"}`
	testShapes(t, actiongate.TypeJiraCloud, apiKeyAuth, "/ex/jira/cloud-1", []shape{
		{action: "AddComment", input: `{"issueIdOrKey":"PROJ-1","body":{"body":` + adf + `}}`,
			method: "POST", path: "/rest/api/3/issue/PROJ-1/comment", body: `{"body":` + adf + `}`, status: 201, answer: comment},
		{action: "AddAttachment", input: `{"issueIdOrKey":"TEST-123","file":{"FileName":"picture.jpg","ContentType":"image/jpeg","Body":"` + base64.StdEncoding.EncodeToString([]byte(jpeg)) + `","Encoding":"base64"}}`,
			method: "POST", path: "/rest/api/3/issue/TEST-123/attachments", header: map[string]string{"X-Atlassian-Token": "no-check"},
			form:   []formPart{{name: "file", fileName: "picture.jpg", contentType: "image/jpeg", content: jpeg}},
			answer: `[{"author":{"accountId":"5b10a2844c20165700ede21g","active":true,"displayName":"Mia Krystof","emailAddress":"mia@example.com","self":"https://your-domain.atlassian.net/rest/api/3/user?accountId=5b10a2844c20165700ede21g","timeZone":"Australia/Sydney"},"content":"https://your-domain.atlassian.net/rest/api/3/attachment/content/10000","created":1651316514000,"filename":"picture.jpg","id":"10001","mimeType":"image/jpeg","self":"https://your-domain.atlassian.net/rest/api/3/attachments/10000","size":23123,"thumbnail":"https://your-domain.atlassian.net/rest/api/3/attachment/thumbnail/10000"}]`},
		{action: "GetTransitions", input: `{"issueIdOrKey":"PROJ-1"}`,
			method: "GET", path: "/rest/api/3/issue/PROJ-1/transitions",
			answer: `{"transitions":[{"id":"2","name":"Close Issue","to":{"id":"10003","name":"Closed"},"hasScreen":false}]}`},
		{action: "ChangeIssueStatus", input: `{"issueIdOrKey":"PROJ-1","body":{"transition":{"id":"2"}}}`,
			method: "POST", path: "/rest/api/3/issue/PROJ-1/transitions", body: `{"transition":{"id":"2"}}`, status: 204},
		{action: "CreateIssue", input: `{"body":{"fields":{"project":{"key":"PROJ"},"issuetype":{"name":"Bug"},"summary":"Main order flow broken","description":` + adf + `}}}`,
			method: "POST", path: "/rest/api/3/issue", body: `{"fields":{"project":{"key":"PROJ"},"issuetype":{"name":"Bug"},"summary":"Main order flow broken","description":` + adf + `}}`,
			status: 201, answer: `{"id":"10000","key":"PROJ-24","self":"https://your-domain.atlassian.net/rest/api/3/issue/10000"}`},
		{action: "CreateProject", input: `{"body":{"key":"EX","name":"Example","projectTypeKey":"software","leadAccountId":"5b10a0effa615349cb016cd8","projectTemplateKey":"com.pyxis.greenhopper.jira:gh-simplified-agility-kanban"}}`,
			method: "POST", path: "/rest/api/3/project", body: `{"key":"EX","name":"Example","projectTypeKey":"software","leadAccountId":"5b10a0effa615349cb016cd8","projectTemplateKey":"com.pyxis.greenhopper.jira:gh-simplified-agility-kanban"}`,
			status: 201, answer: `{"id":10010,"key":"EX","self":"https://your-domain.atlassian.net/rest/api/3/project/10042"}`},
		{action: "CreateSprint", input: `{"body":{"name":"sprint 1","originBoardId":5,"startDate":"2015-04-11T15:22:00.000+10:00","endDate":"2015-04-20T01:22:00.000+10:00","goal":"sprint 1 goal"}}`,
			method: "POST", path: "/rest/agile/1.0/sprint", body: `{"name":"sprint 1","originBoardId":5,"startDate":"2015-04-11T15:22:00.000+10:00","endDate":"2015-04-20T01:22:00.000+10:00","goal":"sprint 1 goal"}`,
			status: 201, answer: `{"id":37,"state":"future","name":"sprint 1","originBoardId":5,"goal":"sprint 1 goal"}`},
		{action: "DeleteComment", input: `{"issueIdOrKey":"PROJ-1","id":"10000"}`,
			method: "DELETE", path: "/rest/api/3/issue/PROJ-1/comment/10000", status: 204},
		{action: "DeleteIssue", input: `{"issueIdOrKey":"PROJ-1","deleteSubtasks":"true"}`,
			method: "DELETE", path: "/rest/api/3/issue/PROJ-1", query: "deleteSubtasks=true", status: 204},
		{action: "DeleteProject", input: `{"projectIdOrKey":"EX","enableUndo":false}`,
			method: "DELETE", path: "/rest/api/3/project/EX", query: "enableUndo=false", status: 204},
		{action: "DeleteSprint", input: `{"sprintId":37}`,
			method: "DELETE", path: "/rest/agile/1.0/sprint/37", status: 204},
		{action: "EditIssue", input: `{"issueIdOrKey":"PROJ-1","notifyUsers":false,"body":{"fields":{"summary":"Completed orders still displaying in pending"},"update":{"labels":[{"add":"triaged"}]}}}`,
			method: "PUT", path: "/rest/api/3/issue/PROJ-1", query: "notifyUsers=false",
			body: `{"fields":{"summary":"Completed orders still displaying in pending"},"update":{"labels":[{"add":"triaged"}]}}`, status: 204},
		{action: "FindUsers", input: `{"query":"mia","maxResults":10}`,
			method: "GET", path: "/rest/api/3/user/search", query: "query=mia&maxResults=10",
			answer: `[{"accountId":"5b10a2844c20165700ede21g","accountType":"atlassian","active":true,"displayName":"Mia Krystof","emailAddress":"mia@example.com"}]`},
		{action: "GetAllBoards", input: `{"startAt":1,"maxResults":2,"name":"board","projectKeyOrId":"EX"}`,
			method: "GET", path: "/rest/agile/1.0/board", query: "startAt=1&maxResults=2&name=board&projectKeyOrId=EX",
			answer: `{"maxResults":2,"startAt":1,"total":5,"isLast":false,"values":[{"id":84,"self":"https://your-domain.atlassian.net/rest/agile/1.0/board/84","name":"scrum board","type":"scrum"},{"id":92,"self":"https://your-domain.atlassian.net/rest/agile/1.0/board/92","name":"kanban board","type":"kanban"}]}`},
		{action: "GetBoard", input: `{"boardId":84}`,
			method: "GET", path: "/rest/agile/1.0/board/84",
			answer: `{"id":84,"self":"https://your-domain.atlassian.net/rest/agile/1.0/board/84","name":"scrum board","type":"scrum","location":{"projectId":10040,"userId":10040,"userAccountId":"5b10a2844c20165700ede21g","displayName":"Example Project","projectName":"Example Project","projectKey":"Example Project Key","projectTypeKey":"KEY","name":"Example Project"}}`},
		{action: "GetAllSprints", input: `{"boardId":5,"state":"closed,future","startAt":1,"maxResults":2}`,
			method: "GET", path: "/rest/agile/1.0/board/5/sprint", query: "state=closed%2Cfuture&startAt=1&maxResults=2",
			answer: `{"maxResults":2,"startAt":1,"total":5,"isLast":false,"values":[{"id":37,"self":"https://your-domain.atlassian.net/rest/agile/1.0/sprint/23","state":"closed","name":"sprint 1","startDate":"2015-04-11T15:22:00.000+10:00","endDate":"2015-04-20T01:22:00.000+10:00","completeDate":"2015-04-20T11:04:00.000+10:00","originBoardId":5,"goal":"sprint 1 goal"},{"id":72,"self":"https://your-domain.atlassian.net/rest/agile/1.0/sprint/73","state":"future","name":"sprint 2","goal":"sprint 2 goal"}]}`},
		{action: "GetAllLabels", input: `{"startAt":0,"maxResults":2}`,
			method: "GET", path: "/rest/api/3/label", query: "startAt=0&maxResults=2",
			answer: `{"isLast":false,"maxResults":2,"startAt":0,"total":100,"values":["performance","security"]}`},
		{action: "GetAllUsers", input: `{"startAt":50}`,
			method: "GET", path: "/rest/api/3/users", query: "startAt=50",
			answer: `[{"accountId":"5b10a2844c20165700ede21g","accountType":"atlassian","active":false,"displayName":"Mia Krystof"}]`},
		{action: "GetAttachmentContent", input: `{"id":"10000"}`,
			method: "GET", path: "/rest/api/3/attachment/content/10000", contentType: "image/png", answer: "\x89PNG\r\n",
			output: `{"ContentType":"image/png","Body":"iVBORw0K","Encoding":"base64"}`},
		{action: "GetComments", input: `{"issueIdOrKey":"PROJ-1","orderBy":"-created","maxResults":1}`,
			method: "GET", path: "/rest/api/3/issue/PROJ-1/comment", query: "orderBy=-created&maxResults=1",
			answer: `{"comments":[` + comment + `],"maxResults":1,"startAt":0,"total":1}`},
		{action: "GetIssue", input: `{"issueIdOrKey":"PROJ-1","fields":"summary,status","expand":"names"}`,
			method: "GET", path: "/rest/api/3/issue/PROJ-1", query: "fields=summary%2Cstatus&expand=names",
			answer: `{"id":"10002","key":"PROJ-1","fields":{"summary":"Main order flow broken","status":{"name":"To Do"}}}`},
		{action: "GetIssueTypesForProject", input: `{"projectId":10000}`,
			method: "GET", path: "/rest/api/3/issuetype/project", query: "projectId=10000",
			answer: `[{"id":"3","name":"Task","subtask":false,"hierarchyLevel":0}]`},
		{action: "GetPriorities", input: `{}`,
			method: "GET", path: "/rest/api/3/priority",
			answer: `[{"id":"1","name":"Major","statusColor":"#009900","iconUrl":"https://your-domain.atlassian.net/images/icons/priorities/major.png"}]`},
		{action: "GetProject", input: `{"projectIdOrKey":"EX","expand":"lead"}`,
			method: "GET", path: "/rest/api/3/project/EX", query: "expand=lead",
			answer: `{"id":"10000","key":"EX","name":"Example","lead":{"accountId":"5b10a2844c20165700ede21g"},"projectTypeKey":"software"}`},
		{action: "GetSprint", input: `{"sprintId":37}`,
			method: "GET", path: "/rest/agile/1.0/sprint/37",
			answer: `{"id":37,"self":"https://your-domain.atlassian.net/rest/agile/1.0/sprint/23","state":"closed","name":"sprint 1","originBoardId":5}`},
		{action: "ListProjects", input: `{"recent":20}`,
			method: "GET", path: "/rest/api/3/project", query: "recent=20",
			answer: `[{"avatarUrls":{"48x48":"https://your-domain.atlassian.net/secure/projectavatar?size=large&pid=10000"},"id":"10000","insight":{"lastIssueUpdateTime":1619069825000,"totalIssueCount":100},"key":"EX","name":"Example","projectCategory":{"description":"First Project Category","id":"10000","name":"FIRST","self":"https://your-domain.atlassian.net/rest/api/3/projectCategory/10000"},"self":"https://your-domain.atlassian.net/rest/api/3/project/EX","simplified":false,"style":"CLASSIC"},{"id":"10001","key":"ABC","name":"Alphabetical","self":"https://your-domain.atlassian.net/rest/api/3/project/ABC","simplified":false,"style":"CLASSIC"}]`},
		{action: "MoveIssuesToBacklog", input: `{"body":{"issues":["PR-1","10001","PR-3"]}}`,
			method: "POST", path: "/rest/agile/1.0/backlog/issue", body: `{"issues":["PR-1","10001","PR-3"]}`, status: 204},
		{action: "MoveIssuesToSprintAndRank", input: `{"sprintId":37,"body":{"issues":["PR-1","10001"],"rankBeforeIssue":"PR-4"}}`,
			method: "POST", path: "/rest/agile/1.0/sprint/37/issue", body: `{"issues":["PR-1","10001"],"rankBeforeIssue":"PR-4"}`, status: 204},
		{action: "SearchIssues", input: `{"jql":"project = HSP ORDER BY created","maxResults":2,"fields":"summary","nextPageToken":"EgQIlMIC"}`,
			method: "GET", path: "/rest/api/3/search/jql", query: "jql=project+%3D+HSP+ORDER+BY+created&maxResults=2&fields=summary&nextPageToken=EgQIlMIC",
			answer: `{"isLast":false,"issues":[{"id":"10002","key":"HSP-1","fields":{"summary":"Login fails"}}],"nextPageToken":"CAEaAggD"}`},
		{action: "SearchProjects", input: `{"query":"ex","status":["live","archived"]}`,
			method: "GET", path: "/rest/api/3/project/search", query: "query=ex&status=live&status=archived",
			answer: `{"isLast":true,"maxResults":50,"startAt":0,"total":1,"values":[{"id":"10000","key":"EX","name":"Example"}]}`},
		{action: "SearchStatuses", input: `{"projectId":"10001","statusCategory":"IN_PROGRESS"}`,
			method: "GET", path: "/rest/api/3/statuses/search", query: "projectId=10001&statusCategory=IN_PROGRESS",
			answer: `{"isLast":true,"maxResults":200,"startAt":0,"total":1,"values":[{"id":"1000","name":"Finished","statusCategory":"DONE","scope":{"type":"PROJECT","project":{"id":"10001"}}}]}`},
		{action: "UpdateComment", input: `{"issueIdOrKey":"PROJ-1","id":"10000","body":{"body":` + adf + `}}`,
			method: "PUT", path: "/rest/api/3/issue/PROJ-1/comment/10000", body: `{"body":` + adf + `}`, answer: comment},
		{action: "UpdateProject", input: `{"projectIdOrKey":"EX","body":{"name":"Example 2","leadAccountId":"5b10a0effa615349cb016cd8"}}`,
			method: "PUT", path: "/rest/api/3/project/EX", body: `{"name":"Example 2","leadAccountId":"5b10a0effa615349cb016cd8"}`,
			answer: `{"id":"10000","key":"EX","name":"Example 2"}`},
		{action: "UpdateSprint", input: `{"sprintId":37,"body":{"name":"sprint 1","state":"active","startDate":"2015-04-11T15:22:00.000+10:00","endDate":"2015-04-20T01:22:00.000+10:00"}}`,
			method: "PUT", path: "/rest/agile/1.0/sprint/37", body: `{"name":"sprint 1","state":"active","startDate":"2015-04-11T15:22:00.000+10:00","endDate":"2015-04-20T01:22:00.000+10:00"}`,
			answer: `{"id":37,"state":"active","name":"sprint 1","startDate":"2015-04-11T15:22:00.000+10:00"}`},
	})
}

// TestCatalogConfluence checks every Confluence Cloud action against the
// REST API v2 reference (and v1 for CQL search)
// (https://developer.atlassian.com/cloud/confluence/rest/v2/): an API token
// as Basic email:token.
func TestCatalogConfluence(t *testing.T) {
	t.Parallel()
	page := `{"id":"65601","status":"current","title":"Release notes","spaceId":"98306","parentId":"65537","version":{"number":2},"body":{"storage":{"representation":"storage","value":"<p>Hi</p>"}},"_links":{"webui":"/spaces/DOC/pages/65601"}}`
	testShapes(t, actiongate.TypeAtlassianConfluence, apiKeyAuth, "/ex/confluence/cloud-1", []shape{
		{action: "CreatePage", input: `{"body":{"spaceId":"98306","status":"current","title":"Release notes","parentId":"65537","body":{"representation":"storage","value":"<p>Hi</p>"}}}`,
			method: "POST", path: "/wiki/api/v2/pages", body: `{"spaceId":"98306","status":"current","title":"Release notes","parentId":"65537","body":{"representation":"storage","value":"<p>Hi</p>"}}`, answer: page},
		{action: "GetPages", input: `{"spaceId":[98306],"title":"Release notes","bodyFormat":"storage","limit":10,"cursor":"ZXhhbXBsZQ"}`,
			method: "GET", path: "/wiki/api/v2/pages", query: "space-id=98306&title=Release+notes&body-format=storage&limit=10&cursor=ZXhhbXBsZQ",
			answer: `{"results":[` + page + `],"_links":{"next":"/wiki/api/v2/pages?cursor=bmV4dA","base":"https://your-domain.atlassian.net/wiki"}}`},
		{action: "GetPageById", input: `{"id":65601,"bodyFormat":"storage"}`,
			method: "GET", path: "/wiki/api/v2/pages/65601", query: "body-format=storage", answer: page},
		{action: "UpdatePage", input: `{"id":65601,"body":{"id":"65601","status":"current","title":"Release notes","body":{"representation":"storage","value":"<p>Hi</p>"},"version":{"number":2,"message":"typo"}}}`,
			method: "PUT", path: "/wiki/api/v2/pages/65601", body: `{"id":"65601","status":"current","title":"Release notes","body":{"representation":"storage","value":"<p>Hi</p>"},"version":{"number":2,"message":"typo"}}`, answer: page},
		{action: "GetSpaces", input: `{"keys":["DOC","ENG"],"limit":2}`,
			method: "GET", path: "/wiki/api/v2/spaces", query: "keys=DOC&keys=ENG&limit=2",
			answer: `{"results":[{"id":"98306","key":"DOC","name":"Documentation","type":"global","status":"current"}],"_links":{"next":"/wiki/api/v2/spaces?cursor=bmV4dA"}}`},
		{action: "SearchByCQL", input: `{"cql":"type = page AND text ~ \"roadmap\"","limit":5}`,
			method: "GET", path: "/wiki/rest/api/search", query: "cql=type+%3D+page+AND+text+~+%22roadmap%22&limit=5",
			answer: `{"results":[{"content":{"id":"65601","type":"page","title":"Roadmap"},"title":"Roadmap","excerpt":"…","url":"/spaces/DOC/pages/65601"}],"start":0,"limit":5,"size":1,"totalSize":1,"_links":{"next":"/rest/api/search?cql=...&cursor=abc"}}`},
	})
}
