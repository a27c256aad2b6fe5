package restjson

import (
	"net/http"

	"github.com/actiongate/actiongate"
	"github.com/actiongate/actiongate/throttle"
)

// The users and groups operations of the QuickSight model
// (shared/spec/quicksight-users-groups.model.json).

func (h *Handler) directoryRoutes() {
	const (
		namespace = "/accounts/{AwsAccountId}/namespaces/{Namespace}"
		users     = namespace + "/users"
		user      = users + "/{UserName}"
		groups    = namespace + "/groups"
		group     = groups + "/{GroupName}"
		member    = group + "/members/{MemberName}"
	)
	h.handle("POST "+users, throttle.Write, h.registerUser)
	h.handle("GET "+users, throttle.Read, h.listUsers)
	h.handle("GET "+user, throttle.Read, h.describeUser)
	h.handle("PUT "+user, throttle.Write, h.updateUser)
	h.handle("DELETE "+user, throttle.Write, h.deleteUser)
	h.handle("GET "+user+"/groups", throttle.Read, h.listUserGroups)
	h.handle("POST "+groups, throttle.Write, h.createGroup)
	h.handle("GET "+groups, throttle.Read, h.listGroups)
	h.handle("POST "+namespace+"/groups-search", throttle.Read, h.searchGroups)
	h.handle("GET "+group, throttle.Read, h.describeGroup)
	h.handle("PUT "+group, throttle.Write, h.updateGroup)
	h.handle("DELETE "+group, throttle.Write, h.deleteGroup)
	h.handle("GET "+group+"/members", throttle.Read, h.listGroupMemberships)
	h.handle("PUT "+member, throttle.Write, h.createGroupMembership)
	h.handle("GET "+member, throttle.Read, h.describeGroupMembership)
	h.handle("DELETE "+member, throttle.Write, h.deleteGroupMembership)
}

// Request shapes.

type registerUserRequest struct {
	IdentityType                        *string `json:"IdentityType"`
	Email                               *string `json:"Email"`
	UserRole                            *string `json:"UserRole"`
	UserName                            *string `json:"UserName"`
	IamArn                              *string `json:"IamArn"`
	SessionName                         *string `json:"SessionName"`
	CustomPermissionsName               *string `json:"CustomPermissionsName"`
	ExternalLoginFederationProviderType *string `json:"ExternalLoginFederationProviderType"`
	CustomFederationProviderUrl         *string `json:"CustomFederationProviderUrl"`
	ExternalLoginId                     *string `json:"ExternalLoginId"`
	Tags                                *[]tag  `json:"Tags"`
}

type updateUserRequest struct {
	Email                               *string `json:"Email"`
	Role                                *string `json:"Role"`
	CustomPermissionsName               *string `json:"CustomPermissionsName"`
	UnapplyCustomPermissions            *bool   `json:"UnapplyCustomPermissions"`
	ExternalLoginFederationProviderType *string `json:"ExternalLoginFederationProviderType"`
	CustomFederationProviderUrl         *string `json:"CustomFederationProviderUrl"`
	ExternalLoginId                     *string `json:"ExternalLoginId"`
}

type createGroupRequest struct {
	GroupName   *string `json:"GroupName"`
	Description *string `json:"Description"`
}

type updateGroupRequest struct {
	Description *string `json:"Description"`
}

type searchGroupsRequest struct {
	Filters *[]searchFilter `json:"Filters"`
}

// Response shapes.

type userOut struct {
	Active                              bool   `json:"Active"`
	Arn                                 string `json:"Arn"`
	CustomPermissionsName               string `json:"CustomPermissionsName,omitempty"`
	Email                               string `json:"Email"`
	ExternalLoginFederationProviderType string `json:"ExternalLoginFederationProviderType,omitempty"`
	ExternalLoginFederationProviderUrl  string `json:"ExternalLoginFederationProviderUrl,omitempty"`
	ExternalLoginId                     string `json:"ExternalLoginId,omitempty"`
	IdentityType                        string `json:"IdentityType"`
	PrincipalId                         string `json:"PrincipalId"`
	Role                                string `json:"Role"`
	UserName                            string `json:"UserName"`
}

type groupOut struct {
	Arn         string `json:"Arn"`
	Description string `json:"Description,omitempty"`
	GroupName   string `json:"GroupName"`
	PrincipalId string `json:"PrincipalId"`
}

type groupMemberOut struct {
	Arn        string `json:"Arn"`
	MemberName string `json:"MemberName"`
}

type userResponse struct {
	responseMeta `json:",inline"`
	User         userOut `json:"User"`
}

type userListResponse struct {
	responseMeta `json:",inline"`
	UserList     []userOut `json:"UserList"`
	NextToken    string    `json:"NextToken,omitempty"`
}

type groupResponse struct {
	responseMeta `json:",inline"`
	Group        groupOut `json:"Group"`
}

type groupListResponse struct {
	responseMeta `json:",inline"`
	GroupList    []groupOut `json:"GroupList"`
	NextToken    string     `json:"NextToken,omitempty"`
}

type groupMemberResponse struct {
	responseMeta `json:",inline"`
	GroupMember  groupMemberOut `json:"GroupMember"`
}

type groupMemberListResponse struct {
	responseMeta    `json:",inline"`
	GroupMemberList []groupMemberOut `json:"GroupMemberList"`
	NextToken       string           `json:"NextToken,omitempty"`
}

func userToWire(u *actiongate.User) userOut {
	return userOut{
		Active:                              true,
		Arn:                                 u.ARN,
		CustomPermissionsName:               u.CustomPermissionsName,
		Email:                               u.Email,
		ExternalLoginFederationProviderType: u.ExternalLoginProvider,
		ExternalLoginFederationProviderUrl:  u.ExternalLoginURL,
		ExternalLoginId:                     u.ExternalLoginID,
		IdentityType:                        string(u.IdentityType),
		PrincipalId:                         u.PrincipalID,
		Role:                                u.Role,
		UserName:                            u.Name,
	}
}

func groupToWire(g *actiongate.Group) groupOut {
	return groupOut{Arn: g.ARN, Description: g.Description, GroupName: g.Name, PrincipalId: g.PrincipalID}
}

func groupsToWire(p *actiongate.GroupPage) *groupListResponse {
	out := &groupListResponse{GroupList: make([]groupOut, 0, len(p.Groups)), NextToken: p.NextToken}
	for _, g := range p.Groups {
		out.GroupList = append(out.GroupList, groupToWire(g))
	}
	return out
}

func memberToWire(u *actiongate.User) groupMemberOut {
	return groupMemberOut{Arn: u.ARN, MemberName: u.Name}
}

// listInput reads the path and the max-results and next-token query
// parameters of a directory list; name is the path value of the group or user
// listed, if any.
func listInput(r *http.Request, name string) (actiongate.DirectoryListInput, error) {
	maxResults, err := queryInt(r, "max-results")
	if err != nil {
		return actiongate.DirectoryListInput{}, err
	}
	in := actiongate.DirectoryListInput{
		AccountID:  r.PathValue("AwsAccountId"),
		Namespace:  r.PathValue("Namespace"),
		MaxResults: maxResults,
		NextToken:  r.URL.Query().Get("next-token"),
	}
	if name != "" {
		in.Name = r.PathValue(name)
	}
	return in, nil
}

func (h *Handler) registerUser(r *http.Request, caller *actiongate.Identity, body []byte) (response, error) {
	var in registerUserRequest
	if err := decodeBody(body, &in); err != nil {
		return nil, err
	}
	var b binder
	input := actiongate.RegisterUserInput{
		AccountID:             r.PathValue("AwsAccountId"),
		Namespace:             r.PathValue("Namespace"),
		IdentityType:          actiongate.IdentityType(b.str("IdentityType", in.IdentityType)),
		Email:                 b.str("Email", in.Email),
		UserRole:              b.str("UserRole", in.UserRole),
		UserName:              in.UserName,
		IAMARN:                in.IamArn,
		SessionName:           in.SessionName,
		CustomPermissionsName: in.CustomPermissionsName,
		ExternalLoginProvider: in.ExternalLoginFederationProviderType,
		ExternalLoginURL:      in.CustomFederationProviderUrl,
		ExternalLoginID:       in.ExternalLoginId,
	}
	if b.err != nil {
		return nil, b.err
	}
	if in.Tags != nil {
		return nil, invalidParameter("Tags: actiongate does not keep tags on users; register the user without Tags.")
	}
	u, err := h.svc.RegisterUser(r.Context(), caller, input)
	if err != nil {
		return nil, err
	}
	return &userResponse{User: userToWire(u)}, nil
}

func (h *Handler) describeUser(r *http.Request, caller *actiongate.Identity, _ []byte) (response, error) {
	u, err := h.svc.DescribeUser(r.Context(), caller, r.PathValue("AwsAccountId"), r.PathValue("Namespace"), r.PathValue("UserName"))
	if err != nil {
		return nil, err
	}
	return &userResponse{User: userToWire(u)}, nil
}

func (h *Handler) updateUser(r *http.Request, caller *actiongate.Identity, body []byte) (response, error) {
	var in updateUserRequest
	if err := decodeBody(body, &in); err != nil {
		return nil, err
	}
	var b binder
	input := actiongate.UpdateUserInput{
		AccountID:                r.PathValue("AwsAccountId"),
		Namespace:                r.PathValue("Namespace"),
		UserName:                 r.PathValue("UserName"),
		Email:                    b.str("Email", in.Email),
		Role:                     b.str("Role", in.Role),
		CustomPermissionsName:    in.CustomPermissionsName,
		UnapplyCustomPermissions: in.UnapplyCustomPermissions != nil && *in.UnapplyCustomPermissions,
		ExternalLoginProvider:    in.ExternalLoginFederationProviderType,
		ExternalLoginURL:         in.CustomFederationProviderUrl,
		ExternalLoginID:          in.ExternalLoginId,
	}
	if b.err != nil {
		return nil, b.err
	}
	u, err := h.svc.UpdateUser(r.Context(), caller, input)
	if err != nil {
		return nil, err
	}
	return &userResponse{User: userToWire(u)}, nil
}

func (h *Handler) deleteUser(r *http.Request, caller *actiongate.Identity, _ []byte) (response, error) {
	if err := h.svc.DeleteUser(r.Context(), caller, r.PathValue("AwsAccountId"), r.PathValue("Namespace"), r.PathValue("UserName")); err != nil {
		return nil, err
	}
	return &emptyResponse{}, nil
}

func (h *Handler) listUsers(r *http.Request, caller *actiongate.Identity, _ []byte) (response, error) {
	in, err := listInput(r, "")
	if err != nil {
		return nil, err
	}
	page, err := h.svc.ListUsers(r.Context(), caller, in)
	if err != nil {
		return nil, err
	}
	out := &userListResponse{UserList: make([]userOut, 0, len(page.Users)), NextToken: page.NextToken}
	for _, u := range page.Users {
		out.UserList = append(out.UserList, userToWire(u))
	}
	return out, nil
}

func (h *Handler) listUserGroups(r *http.Request, caller *actiongate.Identity, _ []byte) (response, error) {
	in, err := listInput(r, "UserName")
	if err != nil {
		return nil, err
	}
	page, err := h.svc.ListUserGroups(r.Context(), caller, in)
	if err != nil {
		return nil, err
	}
	return groupsToWire(page), nil
}

func (h *Handler) createGroup(r *http.Request, caller *actiongate.Identity, body []byte) (response, error) {
	var in createGroupRequest
	if err := decodeBody(body, &in); err != nil {
		return nil, err
	}
	var b binder
	name := b.str("GroupName", in.GroupName)
	if b.err != nil {
		return nil, b.err
	}
	g, err := h.svc.CreateGroup(r.Context(), caller, r.PathValue("AwsAccountId"), r.PathValue("Namespace"), name, in.Description)
	if err != nil {
		return nil, err
	}
	return &groupResponse{Group: groupToWire(g)}, nil
}

func (h *Handler) describeGroup(r *http.Request, caller *actiongate.Identity, _ []byte) (response, error) {
	g, err := h.svc.DescribeGroup(r.Context(), caller, r.PathValue("AwsAccountId"), r.PathValue("Namespace"), r.PathValue("GroupName"))
	if err != nil {
		return nil, err
	}
	return &groupResponse{Group: groupToWire(g)}, nil
}

func (h *Handler) updateGroup(r *http.Request, caller *actiongate.Identity, body []byte) (response, error) {
	var in updateGroupRequest
	if err := decodeBody(body, &in); err != nil {
		return nil, err
	}
	g, err := h.svc.UpdateGroup(r.Context(), caller, r.PathValue("AwsAccountId"), r.PathValue("Namespace"), r.PathValue("GroupName"), in.Description)
	if err != nil {
		return nil, err
	}
	return &groupResponse{Group: groupToWire(g)}, nil
}

func (h *Handler) deleteGroup(r *http.Request, caller *actiongate.Identity, _ []byte) (response, error) {
	if err := h.svc.DeleteGroup(r.Context(), caller, r.PathValue("AwsAccountId"), r.PathValue("Namespace"), r.PathValue("GroupName")); err != nil {
		return nil, err
	}
	return &emptyResponse{}, nil
}

func (h *Handler) listGroups(r *http.Request, caller *actiongate.Identity, _ []byte) (response, error) {
	in, err := listInput(r, "")
	if err != nil {
		return nil, err
	}
	page, err := h.svc.ListGroups(r.Context(), caller, in)
	if err != nil {
		return nil, err
	}
	return groupsToWire(page), nil
}

func (h *Handler) searchGroups(r *http.Request, caller *actiongate.Identity, body []byte) (response, error) {
	var req searchGroupsRequest
	if err := decodeBody(body, &req); err != nil {
		return nil, err
	}
	in, err := listInput(r, "")
	if err != nil {
		return nil, err
	}
	var b binder
	if req.Filters == nil {
		b.missing("Filters")
	}
	var filters []actiongate.GroupSearchFilter
	if req.Filters != nil {
		for _, f := range *req.Filters {
			filters = append(filters, actiongate.GroupSearchFilter{
				Name:     b.str("Filters.Name", f.Name),
				Operator: b.str("Filters.Operator", f.Operator),
				Value:    b.str("Filters.Value", f.Value),
			})
		}
	}
	if b.err != nil {
		return nil, b.err
	}
	page, err := h.svc.SearchGroups(r.Context(), caller, in, filters)
	if err != nil {
		return nil, err
	}
	return groupsToWire(page), nil
}

func (h *Handler) listGroupMemberships(r *http.Request, caller *actiongate.Identity, _ []byte) (response, error) {
	in, err := listInput(r, "GroupName")
	if err != nil {
		return nil, err
	}
	page, err := h.svc.ListGroupMemberships(r.Context(), caller, in)
	if err != nil {
		return nil, err
	}
	out := &groupMemberListResponse{GroupMemberList: make([]groupMemberOut, 0, len(page.Members)), NextToken: page.NextToken}
	for _, m := range page.Members {
		out.GroupMemberList = append(out.GroupMemberList, memberToWire(m))
	}
	return out, nil
}

func (h *Handler) createGroupMembership(r *http.Request, caller *actiongate.Identity, _ []byte) (response, error) {
	m, err := h.svc.CreateGroupMembership(r.Context(), caller, r.PathValue("AwsAccountId"), r.PathValue("Namespace"),
		r.PathValue("GroupName"), r.PathValue("MemberName"))
	if err != nil {
		return nil, err
	}
	return &groupMemberResponse{GroupMember: memberToWire(m)}, nil
}

func (h *Handler) describeGroupMembership(r *http.Request, caller *actiongate.Identity, _ []byte) (response, error) {
	m, err := h.svc.DescribeGroupMembership(r.Context(), caller, r.PathValue("AwsAccountId"), r.PathValue("Namespace"),
		r.PathValue("GroupName"), r.PathValue("MemberName"))
	if err != nil {
		return nil, err
	}
	return &groupMemberResponse{GroupMember: memberToWire(m)}, nil
}

func (h *Handler) deleteGroupMembership(r *http.Request, caller *actiongate.Identity, _ []byte) (response, error) {
	if err := h.svc.DeleteGroupMembership(r.Context(), caller, r.PathValue("AwsAccountId"), r.PathValue("Namespace"),
		r.PathValue("GroupName"), r.PathValue("MemberName")); err != nil {
		return nil, err
	}
	return &emptyResponse{}, nil
}
