package restjson

import (
	"net/http"
	"strconv"

	"github.com/actiongate/actiongate"
)

// Responses of the operations, as the model's *Response shapes.

type createResponse struct {
	responseMeta      `json:",inline"`
	Arn               string `json:"Arn"`
	ActionConnectorId string `json:"ActionConnectorId"`
	CreationStatus    string `json:"CreationStatus"`
}

type describeResponse struct {
	responseMeta    `json:",inline"`
	ActionConnector connectorOut `json:"ActionConnector"`
}

type updateResponse struct {
	responseMeta      `json:",inline"`
	Arn               string `json:"Arn"`
	ActionConnectorId string `json:"ActionConnectorId"`
	UpdateStatus      string `json:"UpdateStatus"`
}

type deleteResponse struct {
	responseMeta      `json:",inline"`
	Arn               string `json:"Arn"`
	ActionConnectorId string `json:"ActionConnectorId"`
}

type listResponse struct {
	responseMeta             `json:",inline"`
	ActionConnectorSummaries []summaryOut `json:"ActionConnectorSummaries"`
	NextToken                string       `json:"NextToken,omitempty"`
}

type permissionsResponse struct {
	responseMeta      `json:",inline"`
	Arn               string          `json:"Arn"`
	ActionConnectorId string          `json:"ActionConnectorId"`
	Permissions       []permissionOut `json:"Permissions"`
}

type tagsResponse struct {
	responseMeta `json:",inline"`
	Tags         []tagOut `json:"Tags"`
}

type emptyResponse struct {
	responseMeta `json:",inline"`
}

func (h *Handler) createActionConnector(r *http.Request, caller *actiongate.Identity, body []byte) (response, error) {
	var in createRequest
	if err := decodeBody(body, &in); err != nil {
		return nil, err
	}
	var b binder
	input := actiongate.CreateConnectorInput{
		AccountID:        r.PathValue("AwsAccountId"),
		ConnectorID:      b.str("ActionConnectorId", in.ActionConnectorId),
		Name:             b.str("Name", in.Name),
		Type:             actiongate.ConnectorType(b.str("Type", in.Type)),
		Description:      in.Description,
		VPCConnectionARN: in.VpcConnectionArn,
		Auth:             b.auth("AuthenticationConfig", in.AuthenticationConfig),
		EnabledActions:   optionalList(in.EnabledActions),
		Permissions:      b.permissions("Permissions", in.Permissions),
		Tags:             b.tags(in.Tags),
	}
	if in.Permissions != nil && *in.Permissions == nil {
		input.Permissions = []actiongate.Permission{}
	}
	if in.Tags != nil && *in.Tags == nil {
		input.Tags = []actiongate.Tag{}
	}
	if b.err != nil {
		return nil, b.err
	}
	c, err := h.svc.CreateActionConnector(r.Context(), caller, input)
	if err != nil {
		return nil, err
	}
	return &createResponse{Arn: c.ARN, ActionConnectorId: c.ID, CreationStatus: string(c.Status)}, nil
}

func (h *Handler) describeActionConnector(r *http.Request, caller *actiongate.Identity, _ []byte) (response, error) {
	c, err := h.svc.DescribeActionConnector(r.Context(), caller, r.PathValue("AwsAccountId"), r.PathValue("ActionConnectorId"))
	if err != nil {
		return nil, err
	}
	return &describeResponse{ActionConnector: connectorToWire(c)}, nil
}

func (h *Handler) updateActionConnector(r *http.Request, caller *actiongate.Identity, body []byte) (response, error) {
	var in updateRequest
	if err := decodeBody(body, &in); err != nil {
		return nil, err
	}
	var b binder
	input := actiongate.UpdateConnectorInput{
		AccountID:        r.PathValue("AwsAccountId"),
		ConnectorID:      r.PathValue("ActionConnectorId"),
		Name:             b.str("Name", in.Name),
		Description:      in.Description,
		VPCConnectionARN: in.VpcConnectionArn,
		Auth:             b.auth("AuthenticationConfig", in.AuthenticationConfig),
		EnabledActions:   optionalList(in.EnabledActions),
	}
	if b.err != nil {
		return nil, b.err
	}
	c, err := h.svc.UpdateActionConnector(r.Context(), caller, input)
	if err != nil {
		return nil, err
	}
	return &updateResponse{Arn: c.ARN, ActionConnectorId: c.ID, UpdateStatus: string(c.Status)}, nil
}

func (h *Handler) deleteActionConnector(r *http.Request, caller *actiongate.Identity, _ []byte) (response, error) {
	c, err := h.svc.DeleteActionConnector(r.Context(), caller, r.PathValue("AwsAccountId"), r.PathValue("ActionConnectorId"))
	if err != nil {
		return nil, err
	}
	return &deleteResponse{Arn: c.ARN, ActionConnectorId: c.ID}, nil
}

func (h *Handler) listActionConnectors(r *http.Request, caller *actiongate.Identity, _ []byte) (response, error) {
	maxResults, err := queryInt(r, "max-results")
	if err != nil {
		return nil, err
	}
	page, err := h.svc.ListActionConnectors(r.Context(), caller, actiongate.ListInput{
		AccountID:  r.PathValue("AwsAccountId"),
		MaxResults: maxResults,
		NextToken:  r.URL.Query().Get("next-token"),
	})
	if err != nil {
		return nil, err
	}
	return pageToWire(page), nil
}

func (h *Handler) searchActionConnectors(r *http.Request, caller *actiongate.Identity, body []byte) (response, error) {
	var in searchRequest
	if err := decodeBody(body, &in); err != nil {
		return nil, err
	}
	maxResults, err := queryInt(r, "max-results")
	if err != nil {
		return nil, err
	}
	var b binder
	if in.Filters == nil {
		b.missing("Filters")
	}
	var filters []actiongate.SearchFilter
	if in.Filters != nil {
		for _, f := range *in.Filters {
			filters = append(filters, actiongate.SearchFilter{
				Name:     b.str("Filters.Name", f.Name),
				Operator: b.str("Filters.Operator", f.Operator),
				Value:    b.str("Filters.Value", f.Value),
			})
		}
	}
	if b.err != nil {
		return nil, b.err
	}
	page, err := h.svc.SearchActionConnectors(r.Context(), caller, actiongate.SearchInput{
		AccountID:  r.PathValue("AwsAccountId"),
		Filters:    filters,
		MaxResults: maxResults,
		NextToken:  r.URL.Query().Get("next-token"),
	})
	if err != nil {
		return nil, err
	}
	return pageToWire(page), nil
}

func pageToWire(p *actiongate.ConnectorPage) *listResponse {
	out := &listResponse{ActionConnectorSummaries: make([]summaryOut, 0, len(p.Connectors)), NextToken: p.NextToken}
	for _, c := range p.Connectors {
		out.ActionConnectorSummaries = append(out.ActionConnectorSummaries, summaryToWire(c))
	}
	return out
}

func (h *Handler) describeActionConnectorPermissions(r *http.Request, caller *actiongate.Identity, _ []byte) (response, error) {
	c, perms, err := h.svc.DescribeActionConnectorPermissions(r.Context(), caller, r.PathValue("AwsAccountId"), r.PathValue("ActionConnectorId"))
	if err != nil {
		return nil, err
	}
	return &permissionsResponse{Arn: c.ARN, ActionConnectorId: c.ID, Permissions: permissionsToWire(perms)}, nil
}

func (h *Handler) updateActionConnectorPermissions(r *http.Request, caller *actiongate.Identity, body []byte) (response, error) {
	var in updatePermissionsRequest
	if err := decodeBody(body, &in); err != nil {
		return nil, err
	}
	var b binder
	grant := b.permissions("GrantPermissions", in.GrantPermissions)
	revoke := b.permissions("RevokePermissions", in.RevokePermissions)
	if b.err != nil {
		return nil, b.err
	}
	c, perms, err := h.svc.UpdateActionConnectorPermissions(r.Context(), caller,
		r.PathValue("AwsAccountId"), r.PathValue("ActionConnectorId"), grant, revoke)
	if err != nil {
		return nil, err
	}
	return &permissionsResponse{Arn: c.ARN, ActionConnectorId: c.ID, Permissions: permissionsToWire(perms)}, nil
}

func (h *Handler) tagResource(r *http.Request, caller *actiongate.Identity, body []byte) (response, error) {
	var in tagRequest
	if err := decodeBody(body, &in); err != nil {
		return nil, err
	}
	var b binder
	if in.Tags == nil {
		b.missing("Tags")
	}
	tags := b.tags(in.Tags)
	if b.err != nil {
		return nil, b.err
	}
	if err := h.svc.TagResource(r.Context(), caller, r.PathValue("ResourceArn"), tags); err != nil {
		return nil, err
	}
	return &emptyResponse{}, nil
}

func (h *Handler) untagResource(r *http.Request, caller *actiongate.Identity, _ []byte) (response, error) {
	keys, ok := r.URL.Query()["keys"]
	if !ok {
		return nil, invalidParameter("TagKeys: is required (query parameter keys).")
	}
	if err := h.svc.UntagResource(r.Context(), caller, r.PathValue("ResourceArn"), keys); err != nil {
		return nil, err
	}
	return &emptyResponse{}, nil
}

func (h *Handler) listTagsForResource(r *http.Request, caller *actiongate.Identity, _ []byte) (response, error) {
	tags, err := h.svc.ListTagsForResource(r.Context(), caller, r.PathValue("ResourceArn"))
	if err != nil {
		return nil, err
	}
	out := &tagsResponse{Tags: make([]tagOut, 0, len(tags))}
	for _, t := range tags {
		out.Tags = append(out.Tags, tagOut{Key: t.Key, Value: t.Value})
	}
	return out, nil
}

// queryInt reads an integer query parameter; nil when absent.
func queryInt(r *http.Request, name string) (*int, error) {
	v, ok := r.URL.Query()[name]
	if !ok {
		return nil, nil
	}
	n, err := strconv.Atoi(v[0])
	if err != nil || len(v) > 1 {
		return nil, invalidParameter("MaxResults: the " + name + " query parameter must be one integer.")
	}
	return &n, nil
}
