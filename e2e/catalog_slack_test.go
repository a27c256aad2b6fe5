package e2e

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"

	"github.com/actiongate/actiongate"
)

// TestCatalogSlack checks every Slack action against the Web API reference
// (https://docs.slack.dev/reference/methods): a bot token as a Bearer
// token, reads as GET with query arguments, writes as POST with a JSON body.
func TestCatalogSlack(t *testing.T) {
	t.Parallel()
	testShapes(t, actiongate.TypeSlack, apiKeyAuth, "/api", []shape{
		{action: "ChatPostMessage", input: `{"body":{"channel":"C123ABC456","text":"Deploy finished","thread_ts":"1503435956.000247"}}`,
			method: "POST", path: "/chat.postMessage", body: `{"channel":"C123ABC456","text":"Deploy finished","thread_ts":"1503435956.000247"}`,
			answer: `{"ok":true,"channel":"C123ABC456","ts":"1503435957.000247","message":{"text":"Deploy finished","type":"message","subtype":"bot_message","ts":"1503435957.000247"}}`},
		{action: "ChatPostEphemeral", input: `{"body":{"channel":"C123ABC456","user":"U0BPQUNTA","text":"Only you can see this"}}`,
			method: "POST", path: "/chat.postEphemeral", body: `{"channel":"C123ABC456","user":"U0BPQUNTA","text":"Only you can see this"}`,
			answer: `{"ok":true,"message_ts":"1502210682.580145"}`},
		{action: "SendMeMessage", input: `{"body":{"channel":"C123ABC456","text":"is reviewing"}}`,
			method: "POST", path: "/chat.meMessage", body: `{"channel":"C123ABC456","text":"is reviewing"}`,
			answer: `{"ok":true,"channel":"C123ABC456","ts":"1417671948.000006"}`},
		{action: "GetMessagePermalink", input: `{"channel":"C123ABC456","message_ts":"1358546515.000008"}`,
			method: "GET", path: "/chat.getPermalink", query: "channel=C123ABC456&message_ts=1358546515.000008",
			answer: `{"ok":true,"channel":"C123ABC456","permalink":"https://ghostbusters.slack.com/archives/C1H9RESGA/p135854651500008"}`},
		{action: "ConversationsCreate", input: `{"body":{"name":"endeavor","is_private":false}}`,
			method: "POST", path: "/conversations.create", body: `{"name":"endeavor","is_private":false}`,
			answer: `{"ok":true,"channel":{"id":"C0EAQDV4Z","name":"endeavor","is_channel":true,"is_private":false}}`},
		{action: "ConversationsHistory", input: `{"channel":"C123ABC456","limit":2,"cursor":"bmV4dF90czoxNTEyMDg1ODYxMDAwNTQz","oldest":"1512085950.000216"}`,
			method: "GET", path: "/conversations.history", query: "channel=C123ABC456&limit=2&cursor=bmV4dF90czoxNTEyMDg1ODYxMDAwNTQz&oldest=1512085950.000216",
			answer: `{"ok":true,"messages":[{"type":"message","user":"U123ABC456","text":"I find you punny and would like to smell your nose letter","ts":"1512085950.000216"}],"has_more":true,"pin_count":0,"response_metadata":{"next_cursor":"bmV4dF90czoxNTEyMDg1ODYxMDAwNTQ0"}}`},
		{action: "ConversationsReplies", input: `{"channel":"C123ABC456","ts":"1482960137.003543"}`,
			method: "GET", path: "/conversations.replies", query: "channel=C123ABC456&ts=1482960137.003543",
			answer: `{"messages":[{"type":"message","user":"U061F7AUR","text":"island","thread_ts":"1482960137.003543","reply_count":3,"ts":"1482960137.003543"}],"has_more":false,"ok":true,"response_metadata":{"next_cursor":""}}`},
		{action: "ConversationsInvite", input: `{"body":{"channel":"C012AB3CD","users":"W1234567890,U2345678901"}}`,
			method: "POST", path: "/conversations.invite", body: `{"channel":"C012AB3CD","users":"W1234567890,U2345678901"}`,
			answer: `{"ok":true,"channel":{"id":"C012AB3CD","name":"general","is_channel":true}}`},
		{action: "ConversationsJoin", input: `{"body":{"channel":"C061EG9SL"}}`,
			method: "POST", path: "/conversations.join", body: `{"channel":"C061EG9SL"}`,
			answer: `{"ok":true,"channel":{"id":"C061EG9SL","name":"general","is_member":true}}`},
		{action: "ConversationsKick", input: `{"body":{"channel":"C1234567890","user":"U1234567890"}}`,
			method: "POST", path: "/conversations.kick", body: `{"channel":"C1234567890","user":"U1234567890"}`,
			answer: `{"ok":true}`},
		{action: "ConversationsLeave", input: `{"body":{"channel":"C1234567890"}}`,
			method: "POST", path: "/conversations.leave", body: `{"channel":"C1234567890"}`,
			answer: `{"ok":true}`},
		{action: "ConversationsMembers", input: `{"channel":"C012AB3CD","limit":2}`,
			method: "GET", path: "/conversations.members", query: "channel=C012AB3CD&limit=2",
			answer: `{"ok":true,"members":["U023BECGF","U061F7AUR"],"response_metadata":{"next_cursor":"e3VzZXJfaWQ6IFcxMjM0NTY3fQ=="}}`},
		{action: "ConversationsOpen", input: `{"body":{"users":"W1234567890,U2345678901"}}`,
			method: "POST", path: "/conversations.open", body: `{"users":"W1234567890,U2345678901"}`,
			answer: `{"ok":true,"channel":{"id":"D069C7QFK"}}`},
		{action: "ConversationsSetTopic", input: `{"body":{"channel":"C1234567890","topic":"Apply topically for best effects"}}`,
			method: "POST", path: "/conversations.setTopic", body: `{"channel":"C1234567890","topic":"Apply topically for best effects"}`,
			answer: `{"ok":true,"channel":{"id":"C1234567890","topic":{"value":"Apply topically for best effects","creator":"U0123456789"}}}`},
		{action: "GetConversation", input: `{"channel":"C1234567890","include_num_members":true}`,
			method: "GET", path: "/conversations.info", query: "channel=C1234567890&include_num_members=true",
			answer: `{"ok":true,"channel":{"id":"C1234567890","name":"general","is_channel":true,"num_members":4}}`},
		{action: "ListChannels", input: `{"types":"public_channel,private_channel","exclude_archived":true,"limit":100}`,
			method: "GET", path: "/conversations.list", query: "types=public_channel%2Cprivate_channel&exclude_archived=true&limit=100",
			answer: `{"ok":true,"channels":[{"id":"C012AB3CD","name":"general","is_channel":true}],"response_metadata":{"next_cursor":"dGVhbTpDMDYxRkE1UEI="}}`},
		{action: "ListConversationsForUser", input: `{"user":"W0B2345D","cursor":"dGVhbTpDMDYxRkE1UEI="}`,
			method: "GET", path: "/users.conversations", query: "user=W0B2345D&cursor=dGVhbTpDMDYxRkE1UEI%3D",
			answer: `{"ok":true,"channels":[{"id":"C012AB3CD","name":"general"}],"response_metadata":{"next_cursor":""}}`},
		{action: "CreateReaction", input: `{"body":{"channel":"C0123456789","name":"thumbsup","timestamp":"1234567890.123456"}}`,
			method: "POST", path: "/reactions.add", body: `{"channel":"C0123456789","name":"thumbsup","timestamp":"1234567890.123456"}`,
			answer: `{"ok":true}`},
		{action: "DeleteReaction", input: `{"body":{"channel":"C0123456789","name":"thumbsup","timestamp":"1234567890.123456"}}`,
			method: "POST", path: "/reactions.remove", body: `{"channel":"C0123456789","name":"thumbsup","timestamp":"1234567890.123456"}`,
			answer: `{"ok":true}`},
		{action: "ListReactions", input: `{"channel":"C123ABC456","timestamp":"1524523204.000192","full":true}`,
			method: "GET", path: "/reactions.get", query: "channel=C123ABC456&timestamp=1524523204.000192&full=true",
			answer: `{"ok":true,"type":"message","channel":"C123ABC456","message":{"ts":"1524523204.000192","reactions":[{"name":"robot_face","users":["U1"],"count":1}]}}`},
		{action: "UploadToUrlExternal", input: `{"filename":"report.csv","length":53072}`,
			method: "POST", path: "/files.getUploadURLExternal", query: "filename=report.csv&length=53072",
			answer: `{"ok":true,"upload_url":"https://files.slack.com/upload/v1/ABC123456","file_id":"F123ABC456"}`},
		{action: "FilesInfo", input: `{"file":"F2147483862"}`,
			method: "GET", path: "/files.info", query: "file=F2147483862",
			answer: `{"ok":true,"file":{"id":"F2147483862","name":"file.htm","mimetype":"text/plain"},"comments":[],"response_metadata":{"next_cursor":"dGVhbTpDMUg5UkVTR0w="}}`},
		{action: "FilesList", input: `{"channel":"C123ABC456","types":"images","count":20,"page":2}`,
			method: "GET", path: "/files.list", query: "channel=C123ABC456&types=images&count=20&page=2",
			answer: `{"ok":true,"files":[{"id":"F0S43PZDF","name":"tedair.gif"}],"paging":{"count":20,"total":22,"page":2,"pages":2}}`},
		{action: "SearchAll", input: `{"query":"pickleface","count":20,"sort":"timestamp"}`,
			method: "GET", path: "/search.all", query: "query=pickleface&count=20&sort=timestamp",
			answer: `{"ok":true,"query":"pickleface","messages":{"total":1,"matches":[{"text":"pickleface"}]},"files":{"total":0,"matches":[]}}`},
		{action: "SearchMessages", input: `{"query":"pickleface in:#general","page":1}`,
			method: "GET", path: "/search.messages", query: "query=pickleface+in%3A%23general&page=1",
			answer: `{"ok":true,"query":"pickleface in:#general","messages":{"total":1,"matches":[{"channel":{"id":"C12345678","name":"general"},"text":"pickleface","ts":"1508284197.000015"}],"paging":{"count":20,"page":1,"pages":1,"total":1}}}`},
		{action: "SearchContext", input: `{"query":"What is project gizmo?","content_types":"messages,files","channel_types":"public_channel,private_channel","limit":20}`,
			method: "POST", path: "/assistant.search.context",
			query: "query=What+is+project+gizmo%3F&content_types=messages%2Cfiles&channel_types=public_channel%2Cprivate_channel&limit=20",
			answer: `{"ok":true,"results":{"messages":[{"author_user_id":"U0123456","team_id":"T0123456","channel_id":"C0123456","message_ts":"123456.7890",` +
				`"content":"Hey team, we'll be kicking off our mobile UX revamp for the Gizmo App...","is_author_bot":false,"permalink":"https://mycompany.slack.com/archives/C012345ABC/p123456789"}]},` +
				`"response_metadata":{"next_cursor":"Q1VSUkVOVF9QQUdFOjI="}}`},
		{action: "SearchChannels", input: `{"query":"gizmo","cursor":"Q1VSUkVOVF9QQUdFOjI="}`,
			method: "POST", path: "/assistant.search.context", query: "query=gizmo&content_types=channels&cursor=Q1VSUkVOVF9QQUdFOjI%3D",
			answer: `{"ok":true,"results":{"channels":[{"team_id":"T0123456","creator_user_id":"U0123456","name":"proj-gizmo","topic":"Gizmo app revamp",` +
				`"purpose":"Mobile UX","permalink":"https://mycompany.slack.com/archives/C0123457"}]},"response_metadata":{"next_cursor":""}}`},
		{action: "SearchUsers", input: `{"query":"egon","include_deleted_users":false,"limit":5}`,
			method: "POST", path: "/assistant.search.context", query: "query=egon&content_types=users&include_deleted_users=false&limit=5",
			answer: `{"ok":true,"results":{"users":[{"team_id":"T0123456","user_id":"W012A3CDE","name":"spengler","real_name":"Egon Spengler",` +
				`"permalink":"https://mycompany.slack.com/team/W012A3CDE"}]},"response_metadata":{"next_cursor":""}}`},
		{action: "GetSearchConfiguration", input: `{}`,
			method: "POST", path: "/assistant.search.info",
			answer: `{"ok":true,"is_ai_search_enabled":true}`},
		{action: "GetUserDetails", input: `{"user":"W012A3CDE"}`,
			method: "GET", path: "/users.info", query: "user=W012A3CDE",
			answer: `{"ok":true,"user":{"id":"W012A3CDE","team_id":"T012AB3C4","name":"spengler","real_name":"Egon Spengler","tz":"America/Los_Angeles"}}`},
		{action: "GetUserProfile", input: `{"user":"W012A3CDE"}`,
			method: "GET", path: "/users.profile.get", query: "user=W012A3CDE",
			answer: `{"ok":true,"profile":{"title":"Head of Coffee Production","real_name":"John Smith","display_name":"john","email":"john@example.com","status_text":"Riding a train"}}`},
		{action: "UsersProfileSet", input: `{"body":{"profile":{"status_text":"riding a train","status_emoji":":mountain_railway:","status_expiration":0}}}`,
			method: "POST", path: "/users.profile.set", body: `{"profile":{"status_text":"riding a train","status_emoji":":mountain_railway:","status_expiration":0}}`,
			answer: `{"ok":true,"profile":{"status_text":"riding a train","status_emoji":":mountain_railway:"}}`},
		{action: "UsersList", input: `{"limit":2,"cursor":"dXNlcjpVMEc5V0ZYTlo="}`,
			method: "GET", path: "/users.list", query: "limit=2&cursor=dXNlcjpVMEc5V0ZYTlo%3D",
			answer: `{"ok":true,"members":[{"id":"W012A3CDE","name":"spengler"},{"id":"W07QCRPA4","name":"glinda"}],"cache_ts":1498777272,"response_metadata":{"next_cursor":"dXNlcjpVMEc5V0ZYTlo="}}`},
		{action: "UserGroupsCreate", input: `{"body":{"name":"Marketing Team","handle":"marketing-team","channels":"C123ABC456"}}`,
			method: "POST", path: "/usergroups.create", body: `{"name":"Marketing Team","handle":"marketing-team","channels":"C123ABC456"}`,
			answer: `{"ok":true,"usergroup":{"id":"S0615G0KT","team_id":"T060RNRCH","name":"Marketing Team","handle":"marketing-team","user_count":"0"}}`},
		{action: "UserGroupsList", input: `{"include_users":true,"include_disabled":false}`,
			method: "GET", path: "/usergroups.list", query: "include_users=true&include_disabled=false",
			answer: `{"ok":true,"usergroups":[{"id":"S0614TZR7","name":"Team Admins","handle":"admins","users":["U060RNRCZ"]}]}`},
		{action: "UserGroupsUsersUpdate", input: `{"body":{"usergroup":"S0604QSJC","users":"U060R4BJ4,U060RNRCZ"}}`,
			method: "POST", path: "/usergroups.users.update", body: `{"usergroup":"S0604QSJC","users":"U060R4BJ4,U060RNRCZ"}`,
			answer: `{"ok":true,"usergroup":{"id":"S0616NG6M","users":["U060R4BJ4","U060RNRCZ"],"user_count":2}}`},
		{action: "RemindersAdd", input: `{"body":{"text":"eat a banana","time":"in 15 minutes"}}`,
			method: "POST", path: "/reminders.add", body: `{"text":"eat a banana","time":"in 15 minutes"}`,
			answer: `{"ok":true,"reminder":{"id":"Rm12345678","creator":"U18888888","user":"U18888888","text":"eat a banana","recurring":false,"time":1602288000,"complete_ts":0}}`},
		{action: "GetTeam", input: `{}`,
			method: "GET", path: "/team.info",
			answer: `{"ok":true,"team":{"id":"T12345","name":"My Team","domain":"example","email_domain":"example.com"}}`},
	})
}

// TestCatalogSlackFiles runs Slack's file actions, which take several
// requests, through the server: the external upload
// (files.getUploadURLExternal, the bytes to upload_url without credentials,
// files.completeUploadExternal) and the download of url_private_download
// with the token; and an answer of HTTP 200 with "ok": false, which is a
// failure.
func TestCatalogSlackFiles(t *testing.T) {
	t.Parallel()
	const png = "\x89PNG\r\n\x1a\n"
	var up *restUpstream
	up = newUpstream(t, map[string]http.HandlerFunc{
		"/api/files.getUploadURLExternal": func(w http.ResponseWriter, r *http.Request) {
			writeJSONReply(w, map[string]any{"ok": true, "upload_url": up.URL + "/upload/v1/ABC123456", "file_id": "F123ABC456"})
		},
		"/upload/v1/ABC123456": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			io.WriteString(w, "OK - 8")
		},
		"/api/files.completeUploadExternal": func(w http.ResponseWriter, r *http.Request) {
			writeJSONReply(w, map[string]any{"ok": true, "files": []any{map[string]any{"id": "F123ABC456", "title": "Logo"}}})
		},
		"/api/files.info": func(w http.ResponseWriter, r *http.Request) {
			download := up.URL + "/files-pri/T0123456-F2147483862/download/logo.png"
			if r.URL.Query().Get("file") == "F0ELSEWHERE" {
				download = "https://files.example.com/files-pri/T0123456-F0ELSEWHERE/download/logo.png"
			}
			writeJSONReply(w, map[string]any{"ok": true, "file": map[string]any{"id": r.URL.Query().Get("file"), "name": "logo.png",
				"mimetype": "image/png", "url_private": download, "url_private_download": download}})
		},
		"/files-pri/T0123456-F2147483862/download/logo.png": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "image/png")
			io.WriteString(w, png)
		},
		"/api/chat.postMessage": func(w http.ResponseWriter, r *http.Request) {
			writeJSONReply(w, map[string]any{"ok": false, "error": "channel_not_found"})
		},
	})
	s := startServer(t, serverOptions{env: []string{"SSL_CERT_FILE=" + certFile(t, up.Server)}, args: []string{"--egress-allow", "127.0.0.1/32"}})
	admin := s.admin()
	registerUsers(t, admin, "alice")
	alice := user("alice")
	const token = "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy"
	createConnector(t, admin, "slack", types.ActionConnectorTypeSlack, keyAuth(up.URL+"/api", token), alice)
	x := s.adminExt()

	res := invoked(t, "UploadOrCreateFile", x.invoke(t, "slack", "UploadOrCreateFile", map[string]any{
		"file":  map[string]any{"FileName": "logo.png", "ContentType": "image/png", "Body": "iVBORw0KGgo=", "Encoding": "base64"},
		"title": "Logo", "channel_id": "C0NF841BK", "initial_comment": "The new logo",
	}, alice))
	jsonEqual(t, "the upload's output", res.Output, `{"ok":true,"files":[{"id":"F123ABC456","title":"Logo"}]}`)
	seen := up.requests()
	if len(seen) != 3 {
		t.Fatalf("the upload sent %d requests, want 3", len(seen))
	}
	reserve, bytes, complete := seen[0], seen[1], seen[2]
	if reserve.Method != "POST" || reserve.Path != "/api/files.getUploadURLExternal" || reserve.Query.Get("filename") != "logo.png" ||
		reserve.Query.Get("length") != "8" || reserve.Header.Get("Authorization") != "Bearer "+token {
		t.Errorf("files.getUploadURLExternal request: %s %s %v %q", reserve.Method, reserve.Path, reserve.Query, reserve.Header.Get("Authorization"))
	}
	if bytes.Method != "POST" || bytes.Body != png || bytes.Header.Get("Content-Type") != "image/png" || bytes.Header.Get("Authorization") != "" {
		t.Errorf("upload request: %s %q (%s), Authorization %q; want the bytes without credentials",
			bytes.Method, bytes.Body, bytes.Header.Get("Content-Type"), bytes.Header.Get("Authorization"))
	}
	if complete.Path != "/api/files.completeUploadExternal" || complete.Header.Get("Authorization") != "Bearer "+token ||
		complete.Header.Get("Content-Type") != "application/json" {
		t.Errorf("files.completeUploadExternal request: %s (%s)", complete.Path, complete.Header.Get("Content-Type"))
	}
	jsonEqual(t, "files.completeUploadExternal body", []byte(complete.Body),
		`{"files":[{"id":"F123ABC456","title":"Logo"}],"channel_id":"C0NF841BK","initial_comment":"The new logo"}`)

	n := up.count()
	res = invoked(t, "DownloadFile", x.invoke(t, "slack", "DownloadFile", map[string]any{"file": "F2147483862"}, alice))
	jsonEqual(t, "the download's output", res.Output, `{"ContentType":"image/png","Body":"iVBORw0KGgo=","Encoding":"base64"}`)
	if got := up.last(t); got.Path != "/files-pri/T0123456-F2147483862/download/logo.png" || got.Header.Get("Authorization") != "Bearer "+token {
		t.Errorf("download request %s with %q, want url_private_download with the token", got.Path, got.Header.Get("Authorization"))
	}
	if got := up.count() - n; got != 2 {
		t.Errorf("the download sent %d requests, want 2", got)
	}

	// A download URL off Slack's files host gets nothing, the token least.
	e := refused(t, "a download URL elsewhere", x.invoke(t, "slack", "DownloadFile", map[string]any{"file": "F0ELSEWHERE"}, alice),
		424, "UpstreamFailureException")
	if !strings.Contains(e.Message, "files.slack.com") {
		t.Errorf("the refusal says %q, want it to name files.slack.com", e.Message)
	}

	e = refused(t, "ok false", x.invoke(t, "slack", "ChatPostMessage", map[string]any{"body": map[string]any{"channel": "C0MISSING", "text": "hi"}}, alice),
		424, "UpstreamFailureException")
	if e.UpstreamStatus != 200 || !strings.Contains(e.Message, "channel_not_found") {
		t.Errorf("ok false answered %d %q, want UpstreamStatus 200 and the error channel_not_found", e.UpstreamStatus, e.Message)
	}
	jsonEqual(t, "the failure's output", e.Output, `{"ok":false,"error":"channel_not_found"}`)
}
