package runtime

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"

	"github.com/actiongate/actiongate"
	"github.com/actiongate/actiongate/runtime/egress"
)

// slackFilesHost is where Slack keeps files and takes uploads
// (https://docs.slack.dev/messaging/working-with-files).
const slackFilesHost = "files.slack.com"

// slackFileUpload uploads a file and shares it, as Slack's external upload
// takes it (https://docs.slack.dev/messaging/working-with-files#uploading_files):
// files.getUploadURLExternal for an upload URL, the bytes POSTed to it, then
// files.completeUploadExternal to finish and share. The answer is the last
// step's.
func slackFileUpload(ctx context.Context, s *flowSession, in json.RawMessage) (answer, error) {
	var input struct {
		File           map[string]any `json:"file"`
		Title          string         `json:"title,omitempty"`
		ChannelID      string         `json:"channel_id,omitempty"`
		ThreadTS       string         `json:"thread_ts,omitempty"`
		InitialComment string         `json:"initial_comment,omitempty"`
	}
	if err := json.Unmarshal(in, &input); err != nil {
		return answer{}, actiongate.Errorf(actiongate.KindInvalid, "Input must be a JSON object.")
	}
	f, err := fileOf(map[string]any{"file": input.File}, "file")
	if err != nil {
		return answer{}, err
	}
	if f.name == "" {
		return answer{}, actiongate.Errorf(actiongate.KindInvalid, "Input.file.FileName is required: Slack names the file by it.")
	}
	a, err := s.step(ctx, http.MethodPost, "/files.getUploadURLExternal",
		url.Values{"filename": {f.name}, "length": {strconv.Itoa(len(f.data))}}, nil)
	if err != nil {
		return answer{}, err
	}
	var upload struct {
		UploadURL string `json:"upload_url"`
		FileID    string `json:"file_id"`
	}
	json.Unmarshal(a.body, &upload)
	target, err := s.slackURL(upload.UploadURL)
	if err != nil || upload.FileID == "" {
		return answer{}, actiongate.Errorf(actiongate.KindUpstream, "Slack answered files.getUploadURLExternal without a usable upload_url and file_id.")
	}
	// The upload URL carries its own authorization: no credentials go with it.
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(f.data))
	if err != nil {
		return answer{}, actiongate.Internal(err)
	}
	req.Header.Set("Content-Type", f.contentType)
	if _, err := s.checked(s.r.send(ctx, s.call, req, false)); err != nil {
		return answer{}, err
	}
	title := input.Title
	if title == "" {
		title = f.name
	}
	complete := map[string]any{"files": []map[string]string{{"id": upload.FileID, "title": title}}}
	for k, v := range map[string]string{"channel_id": input.ChannelID, "thread_ts": input.ThreadTS, "initial_comment": input.InitialComment} {
		if v != "" {
			complete[k] = v
		}
	}
	return s.step(ctx, http.MethodPost, "/files.completeUploadExternal", nil, complete)
}

// slackFileDownload returns a file's content: files.info for its
// url_private_download, then that URL fetched with the connector's token, as
// Slack documents for url_private
// (https://docs.slack.dev/messaging/working-with-files#authenticating).
func slackFileDownload(ctx context.Context, s *flowSession, in json.RawMessage) (answer, error) {
	var input struct {
		File string `json:"file"`
	}
	if err := json.Unmarshal(in, &input); err != nil {
		return answer{}, actiongate.Errorf(actiongate.KindInvalid, "Input must be a JSON object.")
	}
	a, err := s.step(ctx, http.MethodGet, "/files.info", url.Values{"file": {input.File}}, nil)
	if err != nil {
		return answer{}, err
	}
	var info struct {
		File struct {
			URLPrivate         string `json:"url_private"`
			URLPrivateDownload string `json:"url_private_download"`
		} `json:"file"`
	}
	json.Unmarshal(a.body, &info)
	source := info.File.URLPrivateDownload
	if source == "" {
		source = info.File.URLPrivate
	}
	target, err := s.slackURL(source)
	if err != nil {
		return answer{}, actiongate.Errorf(actiongate.KindUpstream, "Slack answered files.info without a download URL on %s.", slackFilesHost)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return answer{}, actiongate.Internal(err)
	}
	return s.checked(s.r.send(ctx, s.call, req, true))
}

// slackURL checks a URL that Slack answered with before anything, the
// connector's token included, goes to it: https, on Slack's files host or the
// connector's own host.
func (s *flowSession) slackURL(raw string) (string, error) {
	u, err := egress.CheckURL(raw)
	if err != nil {
		return "", err
	}
	if u.Hostname() != slackFilesHost && u.Host != s.base.Host {
		return "", actiongate.Errorf(actiongate.KindUpstream, "The URL is not on %s.", slackFilesHost)
	}
	return u.String(), nil
}
