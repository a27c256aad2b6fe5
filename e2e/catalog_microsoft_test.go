package e2e

import (
	"encoding/base64"
	"testing"

	"github.com/actiongate/actiongate"
)

// graphUser is the user the Microsoft Graph cases act for.
const graphUser = "AdeleV@contoso.com"

// TestCatalogMicrosoftOutlook checks every Outlook action against the
// Microsoft Graph v1.0 reference (https://learn.microsoft.com/en-us/graph/api/resources/mail-api-overview):
// a user's OAuth token as Bearer, OData query options as $-parameters,
// collections in "value" with "@odata.nextLink".
func TestCatalogMicrosoftOutlook(t *testing.T) {
	t.Parallel()
	message := `{"@odata.etag":"W/\"CQAAABYAAAAiIsqMbYjsT5e/T7KzowPTAAAAAAhQ\"","id":"AAMkAGUAAAwTW09AAA=","receivedDateTime":"2016-10-19T10:37:00Z","subject":"Welcome to the new hires","isRead":false,"from":{"emailAddress":{"name":"MOD Administrator","address":"admin@contoso.com"}},"toRecipients":[{"emailAddress":{"name":"Adele Vance","address":"AdeleV@contoso.com"}}],"body":{"contentType":"html","content":"<html><body>Hi</body></html>"}}`
	event := `{"id":"AAMkAGI1AAAt9AHjAAA=","subject":"Plan summer company picnic","start":{"dateTime":"2017-04-15T12:00:00.0000000","timeZone":"Pacific Standard Time"},"end":{"dateTime":"2017-04-15T14:00:00.0000000","timeZone":"Pacific Standard Time"},"attendees":[{"type":"required","status":{"response":"none","time":"0001-01-01T00:00:00Z"},"emailAddress":{"name":"Samantha Booth","address":"samanthab@contoso.com"}}]}`
	attachment := `{"@odata.type":"#microsoft.graph.fileAttachment","id":"AAMkADA1M-zAAABEgAQAMkpJI_X-LBFgvrv1PlZYd8=","lastModifiedDateTime":"2017-01-26T08:48:28Z","name":"Details.txt","contentType":"text/plain","size":3,"isInline":false,"contentBytes":"SGk="}`
	testShapes(t, actiongate.TypeMicrosoftOutlook, oauthAuth, "/v1.0", []shape{
		{action: "ListUserMails", input: `{"userId":"` + graphUser + `","top":10,"select":"sender,subject","filter":"isRead eq false","orderby":"receivedDateTime desc"}`,
			method: "GET", path: "/users/" + graphUser + "/messages",
			query:  "%24top=10&%24select=sender%2Csubject&%24filter=isRead+eq+false&%24orderby=receivedDateTime+desc",
			answer: `{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#users('AdeleV%40contoso.com')/messages(sender,subject)","value":[` + message + `],"@odata.nextLink":"https://graph.microsoft.com/v1.0/users/AdeleV@contoso.com/messages?%24select=sender%2csubject&%24top=10&%24skip=10"}`},
		{action: "ListFolderMessages", input: `{"userId":"` + graphUser + `","mailFolderId":"inbox","skip":10,"search":"\"subject:welcome\""}`,
			method: "GET", path: "/users/" + graphUser + "/mailFolders/inbox/messages", query: "%24skip=10&%24search=%22subject%3Awelcome%22",
			answer: `{"value":[` + message + `]}`},
		{action: "ViewEmail", input: `{"userId":"` + graphUser + `","messageId":"AAMkAGUAAAwTW09AAA=","select":"subject,body"}`,
			method: "GET", path: "/users/" + graphUser + "/messages/AAMkAGUAAAwTW09AAA=", query: "%24select=subject%2Cbody", answer: message},
		{action: "SendUserEmail", input: `{"userId":"` + graphUser + `","body":{"message":{"subject":"Meet for lunch?","body":{"contentType":"Text","content":"The new cafeteria is open."},"toRecipients":[{"emailAddress":{"address":"frannis@contoso.com"}}]},"saveToSentItems":false}}`,
			method: "POST", path: "/users/" + graphUser + "/sendMail",
			body:   `{"message":{"subject":"Meet for lunch?","body":{"contentType":"Text","content":"The new cafeteria is open."},"toRecipients":[{"emailAddress":{"address":"frannis@contoso.com"}}]},"saveToSentItems":false}`,
			status: 202},
		{action: "ReplyToEmail", input: `{"userId":"` + graphUser + `","messageId":"AAMkAGUAAAwTW09AAA=","body":{"comment":"Samantha, Randi, would you name the group please?"}}`,
			method: "POST", path: "/users/" + graphUser + "/messages/AAMkAGUAAAwTW09AAA=/reply", body: `{"comment":"Samantha, Randi, would you name the group please?"}`,
			status: 202},
		{action: "ForwardUserEmail", input: `{"userId":"` + graphUser + `","messageId":"AAMkAGUAAAwTW09AAA=","body":{"comment":"Dana, hope you can make this meetup.","toRecipients":[{"emailAddress":{"name":"Dana Swope","address":"danas@contoso.com"}}]}}`,
			method: "POST", path: "/users/" + graphUser + "/messages/AAMkAGUAAAwTW09AAA=/forward",
			body:   `{"comment":"Dana, hope you can make this meetup.","toRecipients":[{"emailAddress":{"name":"Dana Swope","address":"danas@contoso.com"}}]}`,
			status: 202},
		{action: "UpdateEmail", input: `{"userId":"` + graphUser + `","messageId":"AAMkAGUAAAwTW09AAA=","body":{"isRead":true,"inferenceClassification":"other"}}`,
			method: "PATCH", path: "/users/" + graphUser + "/messages/AAMkAGUAAAwTW09AAA=", body: `{"isRead":true,"inferenceClassification":"other"}`, answer: message},
		{action: "DeleteEmail", input: `{"userId":"` + graphUser + `","messageId":"AAMkAGUAAAwTW09AAA="}`,
			method: "DELETE", path: "/users/" + graphUser + "/messages/AAMkAGUAAAwTW09AAA=", status: 204},
		{action: "MoveEmailToFolder", input: `{"userId":"` + graphUser + `","messageId":"AAMkAGUAAAwTW09AAA=","body":{"destinationId":"deleteditems"}}`,
			method: "POST", path: "/users/" + graphUser + "/messages/AAMkAGUAAAwTW09AAA=/move", body: `{"destinationId":"deleteditems"}`,
			status: 201, answer: message},
		{action: "ListEmailAttachments", input: `{"userId":"` + graphUser + `","messageId":"AAMkAGUAAAwTW09AAA="}`,
			method: "GET", path: "/users/" + graphUser + "/messages/AAMkAGUAAAwTW09AAA=/attachments", answer: `{"value":[` + attachment + `]}`},
		{action: "GetAttachment", input: `{"userId":"` + graphUser + `","messageId":"AAMkAGUAAAwTW09AAA=","attachmentId":"AAMkADA1M-zAAABEgAQAMkpJI_X-LBFgvrv1PlZYd8="}`,
			method: "GET", path: "/users/" + graphUser + "/messages/AAMkAGUAAAwTW09AAA=/attachments/AAMkADA1M-zAAABEgAQAMkpJI_X-LBFgvrv1PlZYd8=", answer: attachment},
		{action: "ListCalendarEvents", input: `{"userId":"` + graphUser + `","select":"subject,start,end","top":5,"prefer":"outlook.timezone=\"Pacific Standard Time\""}`,
			method: "GET", path: "/users/" + graphUser + "/calendar/events", query: "%24select=subject%2Cstart%2Cend&%24top=5",
			header: map[string]string{"Prefer": `outlook.timezone="Pacific Standard Time"`}, answer: `{"value":[` + event + `]}`},
		{action: "CreateCalendarEvent", input: `{"userId":"` + graphUser + `","body":{"subject":"Plan summer company picnic","start":{"dateTime":"2017-04-15T12:00:00","timeZone":"Pacific Standard Time"},"end":{"dateTime":"2017-04-15T14:00:00","timeZone":"Pacific Standard Time"},"attendees":[{"emailAddress":{"address":"samanthab@contoso.com","name":"Samantha Booth"},"type":"required"}]}}`,
			method: "POST", path: "/users/" + graphUser + "/calendar/events",
			body:   `{"subject":"Plan summer company picnic","start":{"dateTime":"2017-04-15T12:00:00","timeZone":"Pacific Standard Time"},"end":{"dateTime":"2017-04-15T14:00:00","timeZone":"Pacific Standard Time"},"attendees":[{"emailAddress":{"address":"samanthab@contoso.com","name":"Samantha Booth"},"type":"required"}]}`,
			status: 201, answer: event},
		{action: "UpdateCalendarEvent", input: `{"userId":"` + graphUser + `","eventId":"AAMkAGI1AAAt9AHjAAA=","body":{"location":{"displayName":"Conf Room 2"}}}`,
			method: "PATCH", path: "/users/" + graphUser + "/events/AAMkAGI1AAAt9AHjAAA=", body: `{"location":{"displayName":"Conf Room 2"}}`, answer: event},
		{action: "DeleteCalendarEvent", input: `{"userId":"` + graphUser + `","eventId":"AAMkAGI1AAAt9AHjAAA="}`,
			method: "DELETE", path: "/users/" + graphUser + "/events/AAMkAGI1AAAt9AHjAAA=", status: 204},
		{action: "ListCalendarView", input: `{"userId":"` + graphUser + `","startDateTime":"2017-01-01T19:00:00-08:00","endDateTime":"2017-01-07T19:00:00-08:00","top":20}`,
			method: "GET", path: "/users/" + graphUser + "/calendarView",
			query:  "startDateTime=2017-01-01T19%3A00%3A00-08%3A00&endDateTime=2017-01-07T19%3A00%3A00-08%3A00&%24top=20",
			answer: `{"value":[` + event + `]}`},
		{action: "FindMeetingTimes", input: `{"userId":"` + graphUser + `","prefer":"outlook.timezone=\"Pacific Standard Time\"","body":{"attendees":[{"type":"required","emailAddress":{"name":"Alex Wilbur","address":"alexw@contoso.com"}}],"timeConstraint":{"activityDomain":"work","timeSlots":[{"start":{"dateTime":"2019-04-16T09:00:00","timeZone":"Pacific Standard Time"},"end":{"dateTime":"2019-04-18T17:00:00","timeZone":"Pacific Standard Time"}}]},"meetingDuration":"PT1H","returnSuggestionReasons":true,"minimumAttendeePercentage":100}}`,
			method: "POST", path: "/users/" + graphUser + "/findMeetingTimes", header: map[string]string{"Prefer": `outlook.timezone="Pacific Standard Time"`},
			body:   `{"attendees":[{"type":"required","emailAddress":{"name":"Alex Wilbur","address":"alexw@contoso.com"}}],"timeConstraint":{"activityDomain":"work","timeSlots":[{"start":{"dateTime":"2019-04-16T09:00:00","timeZone":"Pacific Standard Time"},"end":{"dateTime":"2019-04-18T17:00:00","timeZone":"Pacific Standard Time"}}]},"meetingDuration":"PT1H","returnSuggestionReasons":true,"minimumAttendeePercentage":100}`,
			answer: `{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.meetingTimeSuggestionsResult","emptySuggestionsReason":"","meetingTimeSuggestions":[{"confidence":100,"organizerAvailability":"free","suggestionReason":"Suggested because it is one of the nearest times when all attendees are available.","meetingTimeSlot":{"start":{"dateTime":"2019-04-16T09:00:00.0000000","timeZone":"Pacific Standard Time"},"end":{"dateTime":"2019-04-16T10:00:00.0000000","timeZone":"Pacific Standard Time"}},"attendeeAvailability":[{"availability":"free","attendee":{"type":"required","emailAddress":{"address":"alexw@contoso.com"}}}],"locations":[{"displayName":"Conf room Hood"}]}]}`},
		{action: "ListContacts", input: `{"userId":"` + graphUser + `","filter":"emailAddresses/any(a:a/address eq 'garth@contoso.com')"}`,
			method: "GET", path: "/users/" + graphUser + "/contacts", query: "%24filter=emailAddresses%2Fany%28a%3Aa%2Faddress+eq+%27garth%40contoso.com%27%29",
			answer: `{"value":[{"id":"AAMkAGI2THk0AAA=","displayName":"Garth Fort","emailAddresses":[{"address":"garth@contoso.com","name":"Garth Fort"}],"businessPhones":["+1 425 555 0100"]}]}`},
		{action: "ListUsers", input: `{"search":"\"displayName:wa\"","count":true,"consistencyLevel":"eventual","select":"displayName,mail"}`,
			method: "GET", path: "/users", query: "%24search=%22displayName%3Awa%22&%24count=true&%24select=displayName%2Cmail",
			header: map[string]string{"ConsistencyLevel": "eventual"},
			answer: `{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#users(displayName,mail)","@odata.count":1,"value":[{"displayName":"Oscar Ward","mail":"oscarward@contoso.com"}]}`},
		{action: "GetMailboxSettings", input: `{"userId":"` + graphUser + `"}`,
			method: "GET", path: "/users/" + graphUser + "/mailboxSettings",
			answer: `{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#Me/mailboxSettings","automaticRepliesSetting":{"status":"disabled","externalAudience":"all"},"timeZone":"Pacific Standard Time","language":{"locale":"en-US","displayName":"English (United States)"},"workingHours":{"daysOfWeek":["monday","tuesday","wednesday","thursday","friday"],"startTime":"08:00:00.0000000","endTime":"17:00:00.0000000","timeZone":{"name":"Pacific Standard Time"}},"dateFormat":"M/d/yyyy","timeFormat":"h:mm tt"}`},
		{action: "ListPlaces", input: `{"top":10}`,
			method: "GET", path: "/places/microsoft.graph.room", query: "%24top=10",
			answer: `{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#places/microsoft.graph.room","value":[{"id":"3162F1E1-C4C0-604B-51D8-91DA78989EB1","emailAddress":"cf100@contoso.com","displayName":"Conf Room 100","capacity":50,"building":"1","floorNumber":1,"isWheelChairAccessible":false}]}`},
	})
}

// TestCatalogMicrosoftTeams checks every Teams action against the
// Microsoft Graph v1.0 reference (https://learn.microsoft.com/en-us/graph/api/resources/teams-api-overview).
func TestCatalogMicrosoftTeams(t *testing.T) {
	t.Parallel()
	const (
		team    = "02bd9fd6-8f93-4758-87c3-1fb73740a315"
		channel = "19:4a95f7d8db4c4e7fae857bcebe0623e6@thread.tacv2"
		chat    = "19:b8577894a63548969c5c92bb9c80c5e1@thread.v2"
		meeting = "MSpkYzE3Njc0Yy04MWQ5LTRhZGItYmZi"
		// recMeeting is the meeting of Microsoft's list-recordings example.
		recMeeting = "MSpiOTM1ZTY3NS01ZTY3LTQ4YjktOGQ0NS0yNDlkNWY4OGU5NjQqMCoqMTk6bWVldGluZ19ZbU0zTnpJNU9USXRZakU0WlMwME1tUTNMVGt6TVRRdFkyWm1PRGRtWmpsaVptRTNAdGhyZWFkLnYy"
	)
	chatMessage := `{"id":"1616990032035","messageType":"message","createdDateTime":"2021-03-29T03:53:52.035Z","chatId":"` + chat + `","from":{"user":{"id":"8ea0e38b-efb3-4757-924a-5f94061cf8c2","displayName":"Robin Kline","userIdentityType":"aadUser"}},"body":{"contentType":"text","content":"Hello World"}}`
	member := `{"@odata.type":"#microsoft.graph.aadUserConversationMember","id":"ZWUwZjVhZTItOGJjNi00YWU1LTg0NjYtN2RhZWViYmZhMDYyIyM3Mzc2MWYwNi0yYWM5LTQ2OWMtOWYxMC0yNzlhOGNjMjY3Zjk=","roles":["owner"],"displayName":"Adele Vance","userId":"73761f06-2ac9-469c-9f10-279a8cc267f9","email":"AdeleV@M365x987948.OnMicrosoft.com"}`
	memberBody := `{"@odata.type":"#microsoft.graph.aadUserConversationMember","roles":["owner"],"user@odata.bind":"https://graph.microsoft.com/v1.0/users('8b081ef6-4792-4def-b2c9-c363a1bf41d5')"}`
	chanJSON := `{"id":"` + channel + `","createdDateTime":"2020-05-27T19:22:25.692Z","displayName":"Architecture Discussion","description":"This channel is where we debate all future architecture plans","membershipType":"standard"}`
	event := `{"id":"AAMkAGI1AAAt9AHjAAA=","subject":"Let's go for lunch","isOnlineMeeting":true,"onlineMeetingProvider":"teamsForBusiness","onlineMeeting":{"joinUrl":"https://teams.microsoft.com/l/meetup-join/19%3ameeting_NzIyNzhlMGEtM2YyZC00ZmY0LTlhNzUtZmZjNWFmZGNlNzE2%40thread.v2/0"}}`
	onlineMeeting := `{"id":"` + meeting + `","creationDateTime":"2019-07-11T02:17:17.6491364Z","startDateTime":"2019-07-11T02:17:17.6491364Z","endDateTime":"2019-07-11T02:47:17.651138Z","joinWebUrl":"https://teams.microsoft.com/l/meetup-join/19%3ameeting_MGQ4MDQyNTEtNTQ2NS00YjQxLTlkM2EtZWVkODYxODYzMmY2%40thread.v2/0","subject":"User Token Meeting"}`
	testShapes(t, actiongate.TypeMicrosoftTeams, oauthAuth, "/v1.0", []shape{
		{action: "ListChats", input: `{"userId":"` + graphUser + `","expand":"members","top":20}`,
			method: "GET", path: "/users/" + graphUser + "/chats", query: "%24expand=members&%24top=20",
			answer: `{"@odata.count":1,"value":[{"id":"` + chat + `","topic":"Group chat title","createdDateTime":"2020-12-04T23:10:28.51Z","chatType":"group","webUrl":"https://teams.microsoft.com/l/chat/19%3Ab8577894a63548969c5c92bb9c80c5e1@thread.v2/0"}]}`},
		{action: "GetChat", input: `{"chatId":"` + chat + `"}`,
			method: "GET", path: "/chats/" + chat, answer: `{"id":"` + chat + `","topic":"Group chat title","chatType":"group"}`},
		{action: "CreateChat", input: `{"body":{"chatType":"oneOnOne","members":[` + memberBody + `]}}`,
			method: "POST", path: "/chats", body: `{"chatType":"oneOnOne","members":[` + memberBody + `]}`,
			status: 201, answer: `{"id":"19:82fe7758-5bb3-4f0d-a43f-e555fd399c6f_8c0a1a67-50ce-4114-bb6c-da9c5dbcf6ca@unq.gbl.spaces","topic":null,"chatType":"oneOnOne"}`},
		{action: "ListChatMessages", input: `{"chatId":"` + chat + `","top":2,"orderby":"createdDateTime desc"}`,
			method: "GET", path: "/chats/" + chat + "/messages", query: "%24top=2&%24orderby=createdDateTime+desc",
			answer: `{"@odata.count":1,"@odata.nextLink":"https://graph.microsoft.com/v1.0/chats/` + chat + `/messages?%24top=2&%24skiptoken=M2UyZDAwMDAwMDMx","value":[` + chatMessage + `]}`},
		{action: "ListAllChatMessages", input: `{"userId":"0b4f1cf6-54c8-4820-bbb7-2a1f4257ade5","model":"B","top":2,"filter":"lastModifiedDateTime gt 2020-06-04T18:03:11.591Z and lastModifiedDateTime lt 2020-06-05T21:00:09.413Z"}`,
			method: "GET", path: "/users/0b4f1cf6-54c8-4820-bbb7-2a1f4257ade5/chats/getAllMessages",
			query:  "model=B&%24top=2&%24filter=lastModifiedDateTime+gt+2020-06-04T18%3A03%3A11.591Z+and+lastModifiedDateTime+lt+2020-06-05T21%3A00%3A09.413Z",
			answer: `{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#Collection(chatMessage)","@odata.count":2,"@odata.nextLink":"https://graph.microsoft.com/v1.0/users('0b4f1cf6-54c8-4820-bbb7-2a1f4257ade5')/chats/getallMessages?$top=2&$skiptoken=U2tpcFZhbHVlPTIjTWFpbGJveEZvbGRlcj1NYWlsRm9sZGVycy9UZWFtc01lc3NhZ2VzRGF0YQ%3d%3d","value":[{"@odata.type":"#microsoft.graph.chatMessage","id":"1621973534864","messageType":"message","createdDateTime":"2021-05-25T20:12:14.864Z","lastModifiedDateTime":"2021-05-25T20:12:14.864Z","chatId":"19:3c9e92a344704332bbf5bda58f4d37b1@thread.v2","from":{"application":null,"device":null,"user":{"id":"0b4f1cf6-54c8-4820-bbb7-2a1f4257ade5","displayName":"user1 a","userIdentityType":"aadUser"}},"body":{"contentType":"text","content":"Hello user2, user 3"},"attachments":[]}]}`},
		{action: "SendChatMessage", input: `{"chatId":"` + chat + `","body":{"body":{"content":"Hello World"}}}`,
			method: "POST", path: "/chats/" + chat + "/messages", body: `{"body":{"content":"Hello World"}}`, status: 201, answer: chatMessage},
		{action: "ListTeams", input: `{"top":2,"select":"id,displayName"}`,
			method: "GET", path: "/teams", query: "%24top=2&%24select=id%2CdisplayName",
			answer: `{"value":[{"id":"` + team + `","displayName":"Contoso Team","description":"This is a Contoso team, used to showcase the range of properties supported by this API"}]}`},
		{action: "GetTeam", input: `{"teamId":"` + team + `"}`,
			method: "GET", path: "/teams/" + team, answer: `{"id":"` + team + `","displayName":"Contoso Team","isArchived":false,"memberSettings":{"allowCreateUpdateChannels":true}}`},
		{action: "ListTeamMembers", input: `{"teamId":"` + team + `"}`,
			method: "GET", path: "/teams/" + team + "/members", answer: `{"@odata.count":1,"value":[` + member + `]}`},
		{action: "AddTeamMember", input: `{"teamId":"` + team + `","body":` + memberBody + `}`,
			method: "POST", path: "/teams/" + team + "/members", body: memberBody, status: 201, answer: member},
		{action: "ListChannels", input: `{"teamId":"` + team + `","filter":"membershipType eq 'private'"}`,
			method: "GET", path: "/teams/" + team + "/channels", query: "%24filter=membershipType+eq+%27private%27", answer: `{"value":[` + chanJSON + `]}`},
		{action: "GetChannel", input: `{"teamId":"` + team + `","channelId":"` + channel + `"}`,
			method: "GET", path: "/teams/" + team + "/channels/" + channel, answer: chanJSON},
		{action: "CreateChannel", input: `{"teamId":"` + team + `","body":{"displayName":"Architecture Discussion","description":"This channel is where we debate all future architecture plans","membershipType":"standard"}}`,
			method: "POST", path: "/teams/" + team + "/channels",
			body:   `{"displayName":"Architecture Discussion","description":"This channel is where we debate all future architecture plans","membershipType":"standard"}`,
			status: 201, answer: chanJSON},
		{action: "ListChannelMessages", input: `{"teamId":"` + team + `","channelId":"` + channel + `","top":50,"expand":"replies"}`,
			method: "GET", path: "/teams/" + team + "/channels/" + channel + "/messages", query: "%24top=50&%24expand=replies",
			answer: `{"value":[{"id":"1616965872395","replyToId":null,"messageType":"message","subject":"Hello World","body":{"contentType":"text","content":"Hello World"},"replies":[]}]}`},
		{action: "SendChannelMessage", input: `{"teamId":"` + team + `","channelId":"` + channel + `","body":{"body":{"content":"Hello World"}}}`,
			method: "POST", path: "/teams/" + team + "/channels/" + channel + "/messages", body: `{"body":{"content":"Hello World"}}`,
			status: 201, answer: `{"id":"1616990032035","messageType":"message","body":{"contentType":"html","content":"Hello World"},"channelIdentity":{"teamId":"` + team + `","channelId":"` + channel + `"}}`},
		{action: "ReplyToChannelMessage", input: `{"teamId":"` + team + `","channelId":"` + channel + `","messageId":"1616965872395","body":{"body":{"contentType":"html","content":"Hello World"}}}`,
			method: "POST", path: "/teams/" + team + "/channels/" + channel + "/messages/1616965872395/replies", body: `{"body":{"contentType":"html","content":"Hello World"}}`,
			status: 201, answer: `{"id":"1616990171266","replyToId":"1616965872395","messageType":"message","body":{"contentType":"html","content":"Hello World"}}`},
		{action: "ListChannelMembers", input: `{"teamId":"` + team + `","channelId":"` + channel + `"}`,
			method: "GET", path: "/teams/" + team + "/channels/" + channel + "/members", answer: `{"@odata.count":1,"value":[` + member + `]}`},
		{action: "AddChannelMember", input: `{"teamId":"` + team + `","channelId":"` + channel + `","body":` + memberBody + `}`,
			method: "POST", path: "/teams/" + team + "/channels/" + channel + "/members", body: memberBody, status: 201, answer: member},
		{action: "ListUsers", input: `{"filter":"startswith(displayName,'a')","top":1}`,
			method: "GET", path: "/users", query: "%24filter=startswith%28displayName%2C%27a%27%29&%24top=1",
			answer: `{"value":[{"id":"87d349ed-44d7-43e1-9a83-5f2406dee5bd","displayName":"Adele Vance","userPrincipalName":"AdeleV@contoso.com"}],"@odata.nextLink":"https://graph.microsoft.com/v1.0/users?%24filter=startswith(displayName%2c%27a%27)&%24top=1&%24skiptoken=RFNwdAIAAQAAABk"}`},
		{action: "GetUser", input: `{"userId":"` + graphUser + `","select":"businessPhones,displayName,givenName,jobTitle,mail,userPrincipalName,id"}`,
			method: "GET", path: "/users/" + graphUser, query: "%24select=businessPhones%2CdisplayName%2CgivenName%2CjobTitle%2Cmail%2CuserPrincipalName%2Cid",
			answer: `{"businessPhones":["+1 425 555 0109"],"displayName":"Adele Vance","givenName":"Adele","jobTitle":"Retail Manager","mail":"AdeleV@contoso.com","userPrincipalName":"AdeleV@contoso.com","id":"87d349ed-44d7-43e1-9a83-5f2406dee5bd"}`},
		{action: "ListOnlineMeetings", input: `{"userId":"` + graphUser + `","filter":"JoinWebUrl eq 'https://teams.microsoft.com/l/meetup-join/19%3ameeting_MGQ4MDQyNTEtNTQ2NS00YjQxLTlkM2EtZWVkODYxODYzMmY2%40thread.v2/0'"}`,
			method: "GET", path: "/users/" + graphUser + "/onlineMeetings",
			query:  "%24filter=" + "JoinWebUrl+eq+%27https%3A%2F%2Fteams.microsoft.com%2Fl%2Fmeetup-join%2F19%253ameeting_MGQ4MDQyNTEtNTQ2NS00YjQxLTlkM2EtZWVkODYxODYzMmY2%2540thread.v2%2F0%27",
			answer: `{"value":[` + onlineMeeting + `]}`},
		{action: "GetOnlineTeamsMeeting", input: `{"userId":"dc17674c-81d9-4adb-a442e4622","meetingId":"MSpkYzE3Njc0Yy04MWQiMi04ZdFpHRTNaR1F6WGhyZWFkLnYy","acceptLanguage":"en-US"}`,
			method: "GET", path: "/users/dc17674c-81d9-4adb-a442e4622/onlineMeetings/MSpkYzE3Njc0Yy04MWQiMi04ZdFpHRTNaR1F6WGhyZWFkLnYy",
			header: map[string]string{"Accept-Language": "en-US"},
			answer: `{"id":"MSpkYzE3Njc0Yy04MWQiMi04ZdFpHRTNaR1F6WGhyZWFkLnYy","creationDateTime":"2020-09-29T22:35:33.1594516Z","startDateTime":"2020-09-29T22:35:31.389759Z","endDateTime":"2020-09-29T23:35:31.389759Z","joinWebUrl":"https://teams.microsoft.com/l/meetup-join/19%3ameeting_MGQ4MDQyNTE2EtZWVkODYxODYzMmY2%40thread.v2/0?context=...","subject":null,"participants":{"organizer":{"upn":"(redacted)","role":"presenter","identity":{"user":{"id":"dc17674c-81d9-4adb-a442e4622","displayName":null,"tenantId":"909c6581-5188f3-fcb3582cde38","identityProvider":"AAD"}}},"attendees":[]},"joinMeetingIdSettings":{"isPasscodeRequired":false,"joinMeetingId":"1234567890","passcode":null}}`},
		{action: "CreateOnlineMeeting", input: `{"userId":"` + graphUser + `","body":{"startDateTime":"2019-07-12T14:30:34.2444915-07:00","endDateTime":"2019-07-12T15:00:34.2464912-07:00","subject":"User Token Meeting"}}`,
			method: "POST", path: "/users/" + graphUser + "/onlineMeetings",
			body:   `{"startDateTime":"2019-07-12T14:30:34.2444915-07:00","endDateTime":"2019-07-12T15:00:34.2464912-07:00","subject":"User Token Meeting"}`,
			status: 201, answer: onlineMeeting},
		{action: "ListMeetingTranscripts", input: `{"userId":"` + graphUser + `","meetingId":"` + meeting + `"}`,
			method: "GET", path: "/users/" + graphUser + "/onlineMeetings/" + meeting + "/transcripts",
			answer: `{"value":[{"id":"MSMjMCMjZDAwYWU3NjUtNmM2Yi00NjQxLTgwMWQtMTkzMmFmMjEzNzdh","meetingId":"` + meeting + `","createdDateTime":"2021-09-17T06:09:24.8968037Z","transcriptContentUrl":"https://graph.microsoft.com/v1.0/users/ba321e0d-79ee-478d-8e28-85a19507f456/onlineMeetings/` + meeting + `/transcripts/MSMjMCMjZDAwYWU3NjUtNmM2Yi00NjQxLTgwMWQtMTkzMmFmMjEzNzdh/content"}]}`},
		{action: "ListMeetingRecordings", input: `{"userId":"b935e675-5e67-48b9-8d45-249d5f88e964","meetingId":"` + recMeeting + `"}`,
			method: "GET", path: "/users/b935e675-5e67-48b9-8d45-249d5f88e964/onlineMeetings/" + recMeeting + "/recordings",
			answer: `{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#users('b935e675-5e67-48b9-8d45-249d5f88e964')/onlineMeetings('MSpiOTM1...')/recordings","@odata.count":1,"value":[{"id":"7e31db25-bc6e-4fd8-96c7-e01264e9b6fc","meetingId":"` + recMeeting + `","createdDateTime":"2023-04-10T08:13:17.5990966Z","recordingContentUrl":"https://graph.microsoft.com/v1.0/$metadata#users('b935e675-...')/onlineMeetings('MSpi...')/recordings/('7e31db25-bc6e-4fd8-96c7-e01264e9b6fc')/content","meetingOrganizer":{"user":{"id":"b935e675-5e67-48b9-8d45-249d5f88e964","userIdentityType":"aadUser","tenantId":"d6c9ce1e-4f71-8dc3-5b55-6a411ea46324"}}}]}`},
		{action: "ListAllRecordings", input: `{"userId":"8b081ef6-4792-4def-b2c9-c363a1bf41d5","filter":"MeetingOrganizer/User/Id eq '8b081ef6-4792-4def-b2c9-c363a1bf41d5'","top":1}`,
			method: "GET", path: "/users/8b081ef6-4792-4def-b2c9-c363a1bf41d5/onlineMeetings/getAllRecordings",
			query:  "%24filter=MeetingOrganizer%2FUser%2FId+eq+%278b081ef6-4792-4def-b2c9-c363a1bf41d5%27&%24top=1",
			answer: `{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#Collection(callRecording)","@odata.nextLink":"https://graph.microsoft.com/v1.0/users({userId})/onlineMeetings/getAllRecordings(meetingOrganizerUserId='8b081ef6-4792-4def-b2c9-c363a1bf41d5')?skipToken={skipToken}","@odata.count":1,"value":[{"@odata.type":"#microsoft.graph.callRecording","id":"VjIjIzExYzkxNjVmZi1hZTkyLTQ5YWYt...","meetingId":"MSoxYzkxNjVmZi1hZTkyLTQ5YWYt...","createdDateTime":"2023-12-02T06:59:34.7411768Z","recordingContentUrl":"https://graph.microsoft.com/v1.0/users/8b081ef6-4792-4def-b2c9-c363a1bf41d5/onlineMeetings/MSox.../recordings/VjIj.../content","meetingOrganizer":{"user":{"@odata.type":"#microsoft.graph.teamworkUserIdentity","id":"8b081ef6-4792-4def-b2c9-c363a1bf41d5","userIdentityType":"aadUser","tenantId":"a1d286db-6149-4b3d-95ad-23c9e1bf6853"}}}]}`},
		{action: "ListCalendarEvents", input: `{"userId":"` + graphUser + `","top":1}`,
			method: "GET", path: "/users/" + graphUser + "/calendar/events", query: "%24top=1", answer: `{"value":[` + event + `]}`},
		{action: "CreateCalendarEvent", input: `{"userId":"` + graphUser + `","body":{"subject":"Let's go for lunch","start":{"dateTime":"2017-04-15T12:00:00","timeZone":"Pacific Standard Time"},"end":{"dateTime":"2017-04-15T14:00:00","timeZone":"Pacific Standard Time"},"isOnlineMeeting":true,"onlineMeetingProvider":"teamsForBusiness"}}`,
			method: "POST", path: "/users/" + graphUser + "/calendar/events",
			body:   `{"subject":"Let's go for lunch","start":{"dateTime":"2017-04-15T12:00:00","timeZone":"Pacific Standard Time"},"end":{"dateTime":"2017-04-15T14:00:00","timeZone":"Pacific Standard Time"},"isOnlineMeeting":true,"onlineMeetingProvider":"teamsForBusiness"}`,
			status: 201, answer: event},
	})
}

// workbookShapes are the cases of the Excel workbook actions on the
// workbook at prefix (a drive item path), whose input members are in
// itemInput ("driveId":…,"itemId":… as JSON object members).
func workbookShapes(prefix, itemInput string) []shape {
	wb := prefix + "/workbook"
	in := func(more string) string { return `{` + itemInput + more + `}` }
	sheet := `{"id":"{00000000-0001-0000-0000-000000000000}","position":0,"name":"Sheet1","visibility":"Visible"}`
	rng := `{"address":"Sheet1!A1:B2","addressLocal":"Sheet1!A1:B2","cellCount":4,"columnCount":2,"rowCount":2,"columnIndex":0,"rowIndex":0,"values":[["Item","Price"],["Apple",1.5]],"text":[["Item","Price"],["Apple","1.5"]],"formulas":[["Item","Price"],["Apple",1.5]],"numberFormat":[["General","General"],["General","General"]],"valueTypes":[["String","String"],["String","Double"]]}`
	session := map[string]string{"Workbook-Session-Id": "cluster=SN2&session=15.SN2.b1.u1.0"}
	return []shape{
		{action: "ListWorksheets", input: in(``), method: "GET", path: wb + "/worksheets", answer: `{"value":[` + sheet + `]}`},
		{action: "AddWorksheet", input: in(`,"sessionId":"cluster=SN2&session=15.SN2.b1.u1.0","body":{"name":"Q3"}`),
			method: "POST", path: wb + "/worksheets/add", header: session, body: `{"name":"Q3"}`,
			answer: `{"id":"{75A18F35-34AA-4F44-97CC-FDC3C05D9F40}","position":1,"name":"Q3","visibility":"Visible"}`},
		{action: "GetWorksheet", input: in(`,"worksheet":"Sheet1"`), method: "GET", path: wb + "/worksheets/Sheet1", answer: sheet},
		{action: "UpdateWorksheet", input: in(`,"worksheet":"Sheet1","body":{"name":"Summary","position":0}`),
			method: "PATCH", path: wb + "/worksheets/Sheet1", body: `{"name":"Summary","position":0}`,
			answer: `{"id":"{00000000-0001-0000-0000-000000000000}","position":0,"name":"Summary","visibility":"Visible"}`},
		{action: "DeleteWorksheet", input: in(`,"worksheet":"Q3"`), method: "DELETE", path: wb + "/worksheets/Q3", status: 204},
		{action: "ReadCell", input: in(`,"worksheet":"Sheet1","row":1,"column":0`),
			method: "GET", path: wb + "/worksheets/Sheet1/cell(row=1,column=0)",
			answer: `{"address":"Sheet1!A2","addressLocal":"Sheet1!A2","cellCount":1,"columnCount":1,"columnIndex":0,"rowIndex":1,"values":[["Apple"]],"valueTypes":[["String"]]}`},
		{action: "ReadRange", input: in(`,"worksheet":"Sheet1","address":"A1:B2"`),
			method: "GET", path: wb + "/worksheets/Sheet1/range(address='A1:B2')", answer: rng},
		{action: "WriteRange", input: in(`,"worksheet":"Sheet1","address":"A1:B2","body":{"values":[["Item","Price"],["Apple",1.5]]}`),
			method: "PATCH", path: wb + "/worksheets/Sheet1/range(address='A1:B2')", body: `{"values":[["Item","Price"],["Apple",1.5]]}`, answer: rng},
		{action: "WriteCell", input: in(`,"worksheet":"Sheet1","address":"B2","body":{"values":[[1.5]]}`),
			method: "PATCH", path: wb + "/worksheets/Sheet1/range(address='B2')", body: `{"values":[[1.5]]}`,
			answer: `{"address":"Sheet1!B2","addressLocal":"Sheet1!B2","cellCount":1,"columnCount":1,"rowCount":1,"columnIndex":1,"rowIndex":1,"values":[[1.5]],"text":[["1.5"]],"formulas":[[1.5]],"numberFormat":[["General"]],"valueTypes":[["Double"]]}`},
		{action: "ClearRange", input: in(`,"worksheet":"Sheet1","address":"A1:B2","body":{"applyTo":"Contents"}`),
			method: "POST", path: wb + "/worksheets/Sheet1/range(address='A1:B2')/clear", body: `{"applyTo":"Contents"}`, status: 204},
		{action: "DeleteRange", input: in(`,"worksheet":"Sheet1","address":"A1:B2","body":{"shift":"Up"}`),
			method: "POST", path: wb + "/worksheets/Sheet1/range(address='A1:B2')/delete", body: `{"shift":"Up"}`},
		{action: "GetUsedRange", input: in(`,"worksheet":"Sheet1"`), method: "GET", path: wb + "/worksheets/Sheet1/usedRange", answer: rng},
	}
}

// TestCatalogMicrosoftOneDrive checks every OneDrive action against the
// Microsoft Graph v1.0 reference (https://learn.microsoft.com/en-us/graph/api/resources/onedrive).
func TestCatalogMicrosoftOneDrive(t *testing.T) {
	t.Parallel()
	const (
		drive = "b!-RIj2DuyvEyV1T4NlOaMHk8XkS_I8MdFlUCq1BlcjgmhRfAj3-Z8RY2VpuvV_tpd"
		item  = "01BYE5RZ6QN3ZWBTUFOFD3GSPGOHDJD36K"
	)
	file := `{"id":"` + item + `","name":"Budget.xlsx","size":35212,"createdDateTime":"2017-08-07T16:16:30Z","lastModifiedDateTime":"2017-08-07T16:16:30Z","webUrl":"https://contoso-my.sharepoint.com/personal/adelev_contoso_com/Documents/Budget.xlsx","file":{"mimeType":"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},"parentReference":{"driveId":"` + drive + `","driveType":"business","id":"01BYE5RZ56Y2GOVW7725BZO354PWSELRRZ","path":"/drive/root:"}}`
	folder := `{"id":"01BYE5RZ5MYLM2SMX75ZBIPQZIHT6OAYPB","name":"New Folder","folder":{"childCount":0},"parentReference":{"driveId":"` + drive + `","id":"01BYE5RZ56Y2GOVW7725BZO354PWSELRRZ"}}`
	in := `"driveId":"` + drive + `","itemId":"` + item + `"`
	cases := []shape{
		{action: "GetDrive", input: `{"userId":"` + graphUser + `"}`,
			method: "GET", path: "/users/" + graphUser + "/drive",
			answer: `{"id":"` + drive + `","driveType":"business","owner":{"user":{"id":"efee1b77-fb3b-4f65-99d6-274c11914d12","displayName":"Adele Vance"}},"quota":{"deleted":256938,"remaining":1099447875584,"state":"normal","total":1099511627776,"used":63752192}}`},
		{action: "ListItem", input: `{"userId":"` + graphUser + `","top":2,"select":"id,name,size"}`,
			method: "GET", path: "/users/" + graphUser + "/drive/root/children", query: "%24top=2&%24select=id%2Cname%2Csize",
			answer: `{"value":[` + file + `,` + folder + `],"@odata.nextLink":"https://graph.microsoft.com/v1.0/users/AdeleV@contoso.com/drive/root/children?%24top=2&%24skiptoken=UGFnZWQ9VFJVRSZwX0ZpbGVMZWFmUmVmPUJ1ZGdldC54bHN4"}`},
		{action: "GetItem", input: `{` + in + `,"expand":"thumbnails"}`,
			method: "GET", path: "/drives/" + drive + "/items/" + item, query: "%24expand=thumbnails", answer: file},
		{action: "UpdateItem", input: `{` + in + `,"body":{"name":"Budget 2024.xlsx"}}`,
			method: "PATCH", path: "/drives/" + drive + "/items/" + item, body: `{"name":"Budget 2024.xlsx"}`, answer: file},
		{action: "DeleteItem", input: `{` + in + `}`, method: "DELETE", path: "/drives/" + drive + "/items/" + item, status: 204},
		{action: "CreateFolder", input: `{"driveId":"` + drive + `","parentItemId":"01BYE5RZ56Y2GOVW7725BZO354PWSELRRZ","body":{"name":"New Folder","folder":{},"@microsoft.graph.conflictBehavior":"rename"}}`,
			method: "POST", path: "/drives/" + drive + "/items/01BYE5RZ56Y2GOVW7725BZO354PWSELRRZ/children",
			body: `{"name":"New Folder","folder":{},"@microsoft.graph.conflictBehavior":"rename"}`, status: 201, answer: folder},
		{action: "UploadFile", input: `{"driveId":"` + drive + `","parentItemId":"01BYE5RZ56Y2GOVW7725BZO354PWSELRRZ","fileName":"FileB.txt","conflictBehavior":"rename","file":{"ContentType":"text/plain","Body":"The contents of the file goes here."}}`,
			method: "PUT", path: "/drives/" + drive + "/items/01BYE5RZ56Y2GOVW7725BZO354PWSELRRZ:/FileB.txt:/content", query: "%40microsoft.graph.conflictBehavior=rename",
			header: map[string]string{"Content-Type": "text/plain"}, raw: "The contents of the file goes here.",
			status: 201, answer: `{"id":"0123456789abc","name":"FileB.txt","size":35,"file":{}}`},
		{action: "ListChildFolders", input: `{"driveId":"` + drive + `","itemId":"01BYE5RZ56Y2GOVW7725BZO354PWSELRRZ","orderby":"name"}`,
			method: "GET", path: "/drives/" + drive + "/items/01BYE5RZ56Y2GOVW7725BZO354PWSELRRZ/children", query: "%24orderby=name",
			answer: `{"value":[` + file + `]}`},
		{action: "CopyItem", input: `{` + in + `,"body":{"parentReference":{"driveId":"` + drive + `","id":"01BYE5RZ5MYLM2SMX75ZBIPQZIHT6OAYPB"},"name":"Budget (copy).xlsx"}}`,
			method: "POST", path: "/drives/" + drive + "/items/" + item + "/copy",
			body: `{"parentReference":{"driveId":"` + drive + `","id":"01BYE5RZ5MYLM2SMX75ZBIPQZIHT6OAYPB"},"name":"Budget (copy).xlsx"}`, status: 202},
		{action: "AddPermissions", input: `{` + in + `,"body":{"recipients":[{"email":"robin@contoso.org"}],"message":"Here's the file that we're collaborating on.","requireSignIn":true,"sendInvitation":true,"roles":["write"]}}`,
			method: "POST", path: "/drives/" + drive + "/items/" + item + "/invite",
			body:   `{"recipients":[{"email":"robin@contoso.org"}],"message":"Here's the file that we're collaborating on.","requireSignIn":true,"sendInvitation":true,"roles":["write"]}`,
			answer: `{"value":[{"grantedTo":{"user":{"displayName":"Robin Danielsen","id":"42F177F1-22C0-4BE3-900D-4507125C5C20"}},"id":"CCFC7CA3-7A19-4D57-8CEF-149DB9DDFA62","roles":["write"]}]}`},
	}
	cases = append(cases, workbookShapes("/drives/"+drive+"/items/"+item, in)...)
	testShapes(t, actiongate.TypeMicrosoftOneDrive, oauthAuth, "/v1.0", cases)
}

// TestCatalogMicrosoftSharePoint checks every SharePoint action against the
// Microsoft Graph v1.0 reference (https://learn.microsoft.com/en-us/graph/api/resources/sharepoint).
func TestCatalogMicrosoftSharePoint(t *testing.T) {
	t.Parallel()
	const (
		site = "contoso.sharepoint.com,2C712604-1370-44E7-A1F5-426573FDA80A,2D2244C3-251A-49EA-93A8-39E1C3A060FE"
		list = "22e03ef3-6ef4-424d-a1d3-92a337807c30"
		item = "01BYE5RZ6QN3ZWBTUFOFD3GSPGOHDJD36K"
	)
	siteJSON := `{"id":"` + site + `","displayName":"OneDrive Team Site","name":"1drvteam","createdDateTime":"2017-05-09T20:56:00Z","lastModifiedDateTime":"2017-05-09T20:56:01Z","webUrl":"https://contoso.sharepoint.com/teams/1drvteam"}`
	listJSON := `{"id":"` + list + `","name":"Inventory","displayName":"Inventory","createdDateTime":"2016-08-30T08:32:00Z","list":{"hidden":false,"template":"genericList"}}`
	itemJSON := `{"id":"5","createdDateTime":"2016-08-30T08:32:00Z","eTag":"\"60fd1c0f-3e27-4cb9-a3e5-2bb0c0b6d7b8,1\"","webUrl":"https://contoso.sharepoint.com/sites/site/Lists/Inventory/5_.000","fields":{"Title":"Widget","Color":"Purple","Weight":32}}`
	cases := []shape{
		{action: "ListSites", input: `{"search":"contoso"}`,
			method: "GET", path: "/sites", query: "search=contoso", answer: `{"value":[` + siteJSON + `]}`},
		{action: "GetSite", input: `{"siteId":"` + site + `"}`, method: "GET", path: "/sites/" + site, answer: siteJSON},
		{action: "ListLists", input: `{"siteId":"` + site + `","select":"name,list"}`,
			method: "GET", path: "/sites/" + site + "/lists", query: "%24select=name%2Clist", answer: `{"value":[` + listJSON + `]}`},
		{action: "GetList", input: `{"siteId":"` + site + `","listId":"` + list + `","expand":"columns"}`,
			method: "GET", path: "/sites/" + site + "/lists/" + list, query: "%24expand=columns", answer: listJSON},
		{action: "ListItems", input: `{"siteId":"` + site + `","listId":"` + list + `","expand":"fields(select=Title,Color)","top":2}`,
			method: "GET", path: "/sites/" + site + "/lists/" + list + "/items", query: "%24expand=fields%28select%3DTitle%2CColor%29&%24top=2",
			answer: `{"value":[` + itemJSON + `]}`},
		{action: "GetItem", input: `{"siteId":"` + site + `","listId":"` + list + `","itemId":"5","expand":"fields"}`,
			method: "GET", path: "/sites/" + site + "/lists/" + list + "/items/5", query: "%24expand=fields", answer: itemJSON},
		{action: "CreateItem", input: `{"siteId":"` + site + `","listId":"` + list + `","body":{"fields":{"Title":"Widget","Color":"Purple","Weight":32}}}`,
			method: "POST", path: "/sites/" + site + "/lists/" + list + "/items", body: `{"fields":{"Title":"Widget","Color":"Purple","Weight":32}}`,
			status: 201, answer: itemJSON},
		{action: "UpdateItem", input: `{"siteId":"` + site + `","listId":"` + list + `","itemId":"5","body":{"Color":"Fuchsia","Quantity":934}}`,
			method: "PATCH", path: "/sites/" + site + "/lists/" + list + "/items/5/fields", body: `{"Color":"Fuchsia","Quantity":934}`,
			answer: `{"Name":"Widget","Color":"Fuchsia","Quantity":934}`},
		{action: "DeleteItem", input: `{"siteId":"` + site + `","listId":"` + list + `","itemId":"5"}`,
			method: "DELETE", path: "/sites/" + site + "/lists/" + list + "/items/5", status: 204},
		{action: "SearchSiteDriveItems", input: `{"siteId":"` + site + `","q":"Contoso Project","top":10}`,
			method: "GET", path: "/sites/" + site + "/drive/root/search(q='Contoso Project')", query: "%24top=10",
			answer: `{"value":[{"id":"0123456789abc!123","name":"Contoso Project","folder":{"childCount":5},"searchResult":{"onClickTelemetryUrl":"https://bing.com/0123456789abc!123"}}],"@odata.nextLink":"https://graph.microsoft.com/v1.0/sites/contoso/drive/root/search(q='Contoso Project')?$skiptoken=s!MjsxOzE"}`},
	}
	cases = append(cases, shape{action: "UploadFile", input: `{"siteId":"` + site + `","parentItemId":"01BYE5RZ56Y2GOVW7725BZO354PWSELRRZ","fileName":"FileB.txt","conflictBehavior":"fail","file":{"ContentType":"text/plain","Body":"` + base64.StdEncoding.EncodeToString([]byte("The contents of the file goes here.")) + `","Encoding":"base64"}}`,
		method: "PUT", path: "/sites/" + site + "/drive/items/01BYE5RZ56Y2GOVW7725BZO354PWSELRRZ:/FileB.txt:/content", query: "%40microsoft.graph.conflictBehavior=fail",
		header: map[string]string{"Content-Type": "text/plain"}, raw: "The contents of the file goes here.",
		status: 201, answer: `{"id":"0123456789abc","name":"FileB.txt","size":35,"file":{}}`})
	in := `"siteId":"` + site + `","itemId":"` + item + `"`
	cases = append(cases, workbookShapes("/sites/"+site+"/drive/items/"+item, in)...)
	testShapes(t, actiongate.TypeMicrosoftSharePoint, oauthAuth, "/v1.0", cases)
}
