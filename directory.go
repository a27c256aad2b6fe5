package actiongate

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"time"
)

// DefaultNamespace is the one QuickSight namespace actiongate serves.
const DefaultNamespace = "default"

// IdentityType says how a QuickSight user signs in, one of the QuickSight
// IdentityType values.
type IdentityType string

// The identity types. Users are registered as IAM or QUICKSIGHT only;
// IAM_IDENTITY_CENTER users are provisioned by IAM Identity Center, which
// actiongate does not have.
const (
	IdentityIAM               IdentityType = "IAM"
	IdentityQuickSight        IdentityType = "QUICKSIGHT"
	IdentityIAMIdentityCenter IdentityType = "IAM_IDENTITY_CENTER"
)

// UserRoles are the QuickSight UserRole values.
var UserRoles = []string{"ADMIN", "AUTHOR", "READER", "RESTRICTED_AUTHOR", "RESTRICTED_READER", "ADMIN_PRO", "AUTHOR_PRO", "READER_PRO"}

// User is a QuickSight user: a principal that connector permissions name and
// that invokes actions.
type User struct {
	AccountID string
	Namespace string
	Name      string
	ARN       string // derived: arn:aws:quicksight:<region>:<account>:user/<namespace>/<name>
	// PrincipalID is a stable id generated at registration, "user/<random>".
	PrincipalID  string
	Email        string
	Role         string // one of UserRoles
	IdentityType IdentityType
	// IAMARN is the IAM user or role an IAM user was registered for; "" for
	// QUICKSIGHT users.
	IAMARN                string
	CustomPermissionsName string
	ExternalLoginProvider string // ExternalLoginFederationProviderType
	ExternalLoginURL      string // ExternalLoginFederationProviderUrl
	ExternalLoginID       string
	CreatedTime           time.Time
}

// Group is a QuickSight group of users. Permissions granted to a group count
// for its members in the QUICKSIGHT_OWNER and QUICKSIGHT_VIEWER_OR_OWNER searches.
type Group struct {
	AccountID   string
	Namespace   string
	Name        string
	ARN         string // derived: arn:aws:quicksight:<region>:<account>:group/<namespace>/<name>
	PrincipalID string // "group/<random>"
	Description string // "" for none
	CreatedTime time.Time
}

// UserARN returns the ARN of a QuickSight user.
func UserARN(region, account, namespace, name string) string {
	return "arn:aws:quicksight:" + region + ":" + account + ":user/" + namespace + "/" + name
}

// GroupARN returns the ARN of a QuickSight group.
func GroupARN(region, account, namespace, name string) string {
	return "arn:aws:quicksight:" + region + ":" + account + ":group/" + namespace + "/" + name
}

var (
	// principalNamePattern is UserName, GroupName and GroupMemberName, anchored.
	principalNamePattern = regexp.MustCompile(`^[\x{0020}-\x{00FF}]+$`)
	namespacePattern     = regexp.MustCompile(`^[a-zA-Z0-9._-]*$`)
	roleNamePattern      = regexp.MustCompile(`^[a-zA-Z0-9+=,.@_-]+$`)
	sessionNamePattern   = regexp.MustCompile(`^[\w+=.@-]*$`)
	iamPrincipalPattern  = regexp.MustCompile(`^arn:aws:iam::([0-9]{12}):(user|role)/(?:[\x{0021}-\x{007E}]*/)?([\w+=,.@-]+)$`)
)

// validateNamespace checks a Namespace and refuses every one but "default".
func validateNamespace(v string) error {
	if err := firstError(checkLength("Namespace", v, 0, 64),
		checkPattern("Namespace", v, namespacePattern, "must contain only letters, digits, '.', '_' and '-'.")); err != nil {
		return err
	}
	if v != DefaultNamespace {
		e := Errorf(KindNotFound, "Namespace %s does not exist: actiongate serves only the %q namespace.", v, DefaultNamespace)
		e.ResourceType = "NAMESPACE"
		return e
	}
	return nil
}

// validatePrincipalName checks a UserName, GroupName or GroupMemberName (path):
// characters U+0020 to U+00FF, none of them a control character, at most max.
func validatePrincipalName(path, v string, max int) error {
	return firstError(
		checkLength(path, v, 1, max),
		checkPattern(path, v, principalNamePattern, "must contain only characters U+0020 to U+00FF."),
		checkText(path, v),
	)
}

// maxNameLength bounds user and group names, which the model leaves unbounded,
// as GroupMemberName is bounded.
const maxNameLength = 256

func validateEmail(v string) error {
	return firstError(checkLength("Email", v, 1, 320), checkText("Email", v),
		checkPattern("Email", v, emailPattern, "must be an email address."))
}

func validateUserRole(path, v string) error {
	if !slices.Contains(UserRoles, v) {
		return invalid(path, "must be one of %s.", strings.Join(UserRoles, ", "))
	}
	return nil
}

// validateOptionalText checks an optional free-text member of at most max characters.
func validateOptionalText(path string, v *string, max int) error {
	if v == nil {
		return nil
	}
	return firstError(checkLength(path, *v, 1, max), checkText(path, *v))
}

func validateCustomPermissionsName(v *string) error {
	if v == nil {
		return nil
	}
	return firstError(checkLength("CustomPermissionsName", *v, 1, 64),
		checkPattern("CustomPermissionsName", *v, roleNamePattern, "must contain only letters, digits and +=,.@_-."))
}

func validateGroupDescription(v *string) error {
	return validateOptionalText("Description", v, 512)
}

// RegisterUserInput is the input of RegisterUser. Optional members are nil
// when absent.
type RegisterUserInput struct {
	AccountID    string
	Namespace    string
	IdentityType IdentityType
	Email        string
	UserRole     string
	// UserName names a QUICKSIGHT user; IAM users are named after IamArn.
	UserName *string
	// IAMARN is the IAM user or role of an IAM user.
	IAMARN *string
	// SessionName is the role session name of an IAM role's user.
	SessionName           *string
	CustomPermissionsName *string
	ExternalLoginProvider *string
	ExternalLoginURL      *string
	ExternalLoginID       *string
}

// UpdateUserInput is the input of UpdateUser: it replaces the user's email,
// role, custom permissions and external login.
type UpdateUserInput struct {
	AccountID             string
	Namespace             string
	UserName              string
	Email                 string
	Role                  string
	CustomPermissionsName *string
	// UnapplyCustomPermissions removes the custom permissions profile.
	UnapplyCustomPermissions bool
	ExternalLoginProvider    *string
	ExternalLoginURL         *string
	ExternalLoginID          *string
}

// DirectoryListInput selects a page of ListUsers, ListGroups, SearchGroups,
// ListGroupMemberships or ListUserGroups.
type DirectoryListInput struct {
	AccountID string
	Namespace string
	// Name is the group of ListGroupMemberships and the user of ListUserGroups.
	Name       string
	MaxResults *int   // 1 to 100; nil for the default, 100
	NextToken  string // "" for the first page
}

// GroupSearchFilter is the one filter of SearchGroups.
type GroupSearchFilter struct {
	Name     string // GROUP_NAME
	Operator string // StartsWith
	Value    string
}

// UserPage is one page of users.
type UserPage struct {
	Users     []*User
	NextToken string
}

// GroupPage is one page of groups.
type GroupPage struct {
	Groups    []*Group
	NextToken string
}

// MemberPage is one page of a group's members, as users: only Name and ARN are set.
type MemberPage struct {
	Members   []*User
	NextToken string
}

// iamUserName derives the QuickSight user name of an IAM identity as
// QuickSight does: the IAM user name for a user ARN; for a role ARN the role
// name, followed by "/<session name>" when a session name is given.
func iamUserName(account, iamARN string, session *string) (string, error) {
	m := iamPrincipalPattern.FindStringSubmatch(iamARN)
	if m == nil {
		return "", invalid("IamArn", "must be the ARN of an IAM user or role (arn:aws:iam::<account>:user/<name> or :role/<name>).")
	}
	if m[1] != account {
		return "", invalid("IamArn", "must be in account %s.", account)
	}
	if session != nil {
		if m[2] != "role" {
			return "", invalid("SessionName", "is only for users registered for an IAM role.")
		}
		if err := firstError(checkLength("SessionName", *session, 2, 64),
			checkPattern("SessionName", *session, sessionNamePattern, "must contain only letters, digits, '_' and +=.@-.")); err != nil {
			return "", err
		}
		return m[3] + "/" + *session, nil
	}
	return m[3], nil
}

// RegisterUser registers a QuickSight user in the default namespace. A
// QUICKSIGHT user needs UserName; an IAM user needs IamArn and is named after
// it (see iamUserName). Errors: KindInvalid, KindNotFound for another
// namespace, KindExists when the name is taken, KindDenied.
func (s *Service) RegisterUser(ctx context.Context, caller *Identity, in RegisterUserInput) (*User, error) {
	if err := ValidateAccountID(in.AccountID); err != nil {
		return nil, err
	}
	var name string
	switch in.IdentityType {
	case IdentityQuickSight:
		if in.UserName == nil {
			return nil, invalid("UserName", "is required when IdentityType is QUICKSIGHT.")
		}
		if in.IAMARN != nil || in.SessionName != nil {
			return nil, invalid("IamArn", "is only for IdentityType IAM.")
		}
		name = *in.UserName
	case IdentityIAM:
		if in.IAMARN == nil {
			return nil, invalid("IamArn", "is required when IdentityType is IAM.")
		}
		var err error
		if name, err = iamUserName(in.AccountID, *in.IAMARN, in.SessionName); err != nil {
			return nil, err
		}
		if in.UserName != nil && *in.UserName != name {
			return nil, invalid("UserName", "must be %q, the name derived from IamArn, or absent.", name)
		}
	case IdentityIAMIdentityCenter:
		return nil, invalid("IdentityType", "IAM_IDENTITY_CENTER users are provisioned by IAM Identity Center, which actiongate does not have; register IAM or QUICKSIGHT users.")
	default:
		return nil, invalid("IdentityType", "must be IAM or QUICKSIGHT.")
	}
	if err := firstError(
		validateNamespace(in.Namespace),
		validatePrincipalName("UserName", name, maxNameLength),
	); err != nil {
		return nil, err
	}
	arn := UserARN(s.region, in.AccountID, in.Namespace, name)
	if err := s.authorize(caller, "RegisterUser", in.AccountID, arn); err != nil {
		return nil, err
	}
	if err := firstError(
		validateEmail(in.Email),
		validateUserRole("UserRole", in.UserRole),
		validateCustomPermissionsName(in.CustomPermissionsName),
		validateOptionalText("ExternalLoginFederationProviderType", in.ExternalLoginProvider, 256),
		validateOptionalText("CustomFederationProviderUrl", in.ExternalLoginURL, 2048),
		validateOptionalText("ExternalLoginId", in.ExternalLoginID, 256),
	); err != nil {
		return nil, err
	}
	u := &User{
		AccountID:             in.AccountID,
		Namespace:             in.Namespace,
		Name:                  name,
		ARN:                   arn,
		PrincipalID:           "user/" + s.randomString(21, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
		Email:                 in.Email,
		Role:                  in.UserRole,
		IdentityType:          in.IdentityType,
		IAMARN:                deref(in.IAMARN),
		CustomPermissionsName: deref(in.CustomPermissionsName),
		ExternalLoginProvider: deref(in.ExternalLoginProvider),
		ExternalLoginURL:      deref(in.ExternalLoginURL),
		ExternalLoginID:       deref(in.ExternalLoginID),
		CreatedTime:           s.clock(),
	}
	if err := s.store.UserCreate(ctx, u); err != nil {
		return nil, directoryError(err, "USER", "User", name)
	}
	s.log.InfoContext(ctx, "user registered", "account_id", u.AccountID, "user", u.Name, "op", "RegisterUser")
	return u, nil
}

// checkUserRef validates the account, namespace and user name of a request
// and authorizes op on the user.
func (s *Service) checkUserRef(caller *Identity, op, account, namespace, name string) error {
	if err := ValidateAccountID(account); err != nil {
		return err
	}
	if err := s.authorize(caller, op, account, UserARN(s.region, account, namespace, name)); err != nil {
		return err
	}
	return firstError(validateNamespace(namespace), validatePrincipalName("UserName", name, maxNameLength))
}

// checkGroupRef is checkUserRef for a group.
func (s *Service) checkGroupRef(caller *Identity, op, account, namespace, name string) error {
	if err := ValidateAccountID(account); err != nil {
		return err
	}
	if err := s.authorize(caller, op, account, GroupARN(s.region, account, namespace, name)); err != nil {
		return err
	}
	return firstError(validateNamespace(namespace), validatePrincipalName("GroupName", name, maxNameLength))
}

// DescribeUser returns a user. Errors: KindNotFound, KindInvalid, KindDenied.
func (s *Service) DescribeUser(ctx context.Context, caller *Identity, account, namespace, name string) (*User, error) {
	if err := s.checkUserRef(caller, "DescribeUser", account, namespace, name); err != nil {
		return nil, err
	}
	u, err := s.store.UserGet(ctx, account, namespace, name)
	if err != nil {
		return nil, directoryError(err, "USER", "User", name)
	}
	u.ARN = UserARN(s.region, account, namespace, name)
	return u, nil
}

// UpdateUser replaces a user's email, role, custom permissions and external
// login. Errors: KindNotFound, KindInvalid, KindDenied.
func (s *Service) UpdateUser(ctx context.Context, caller *Identity, in UpdateUserInput) (*User, error) {
	if err := s.checkUserRef(caller, "UpdateUser", in.AccountID, in.Namespace, in.UserName); err != nil {
		return nil, err
	}
	if err := firstError(
		validateEmail(in.Email),
		validateUserRole("Role", in.Role),
		validateCustomPermissionsName(in.CustomPermissionsName),
		validateOptionalText("ExternalLoginFederationProviderType", in.ExternalLoginProvider, 256),
		validateOptionalText("CustomFederationProviderUrl", in.ExternalLoginURL, 2048),
		validateOptionalText("ExternalLoginId", in.ExternalLoginID, 256),
	); err != nil {
		return nil, err
	}
	if in.UnapplyCustomPermissions && in.CustomPermissionsName != nil {
		return nil, invalid("UnapplyCustomPermissions", "cannot be true together with CustomPermissionsName.")
	}
	u, err := s.store.UserGet(ctx, in.AccountID, in.Namespace, in.UserName)
	if err != nil {
		return nil, directoryError(err, "USER", "User", in.UserName)
	}
	u.Email, u.Role = in.Email, in.Role
	switch {
	case in.UnapplyCustomPermissions:
		u.CustomPermissionsName = ""
	case in.CustomPermissionsName != nil:
		u.CustomPermissionsName = *in.CustomPermissionsName
	}
	if in.ExternalLoginProvider != nil {
		u.ExternalLoginProvider = *in.ExternalLoginProvider
	}
	if in.ExternalLoginURL != nil {
		u.ExternalLoginURL = *in.ExternalLoginURL
	}
	if in.ExternalLoginID != nil {
		u.ExternalLoginID = *in.ExternalLoginID
	}
	if err := s.store.UserUpdate(ctx, u); err != nil {
		return nil, directoryError(err, "USER", "User", in.UserName)
	}
	u.ARN = UserARN(s.region, u.AccountID, u.Namespace, u.Name)
	return u, nil
}

// DeleteUser deletes a user with its group memberships and every connector
// permission granted to it. Errors: KindNotFound, KindInvalid, KindDenied.
func (s *Service) DeleteUser(ctx context.Context, caller *Identity, account, namespace, name string) error {
	if err := s.checkUserRef(caller, "DeleteUser", account, namespace, name); err != nil {
		return err
	}
	if err := s.store.UserDelete(ctx, account, namespace, name, UserARN(s.region, account, namespace, name)); err != nil {
		return directoryError(err, "USER", "User", name)
	}
	s.log.InfoContext(ctx, "user deleted", "account_id", account, "user", name, "op", "DeleteUser")
	return nil
}

// ListUsers returns a page of the namespace's users, ordered by name.
func (s *Service) ListUsers(ctx context.Context, caller *Identity, in DirectoryListInput) (*UserPage, error) {
	if err := s.checkNamespaceRef(caller, "ListUsers", in.AccountID, in.Namespace, UserARN(s.region, in.AccountID, in.Namespace, "*")); err != nil {
		return nil, err
	}
	var p UserPage
	err := s.directoryPage(in, "ListUsers", func(after string, limit int) ([]string, error) {
		us, err := s.store.UserList(ctx, DirectoryListParams{AccountID: in.AccountID, Namespace: in.Namespace, After: after, Limit: limit})
		p.Users = us
		return userNames(us), err
	}, func(n int, token string) { p.Users, p.NextToken = p.Users[:n], token })
	if err != nil {
		return nil, err
	}
	for _, u := range p.Users {
		u.ARN = UserARN(s.region, u.AccountID, u.Namespace, u.Name)
	}
	return &p, nil
}

// CreateGroup creates a group. Errors: KindInvalid, KindExists, KindDenied.
func (s *Service) CreateGroup(ctx context.Context, caller *Identity, account, namespace, name string, description *string) (*Group, error) {
	if err := s.checkGroupRef(caller, "CreateGroup", account, namespace, name); err != nil {
		return nil, err
	}
	if err := validateGroupDescription(description); err != nil {
		return nil, err
	}
	g := &Group{
		AccountID:   account,
		Namespace:   namespace,
		Name:        name,
		ARN:         GroupARN(s.region, account, namespace, name),
		PrincipalID: "group/" + s.randomString(21, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
		Description: deref(description),
		CreatedTime: s.clock(),
	}
	if err := s.store.GroupCreate(ctx, g); err != nil {
		return nil, directoryError(err, "GROUP", "Group", name)
	}
	s.log.InfoContext(ctx, "group created", "account_id", account, "group", name, "op", "CreateGroup")
	return g, nil
}

// DescribeGroup returns a group. Errors: KindNotFound, KindInvalid, KindDenied.
func (s *Service) DescribeGroup(ctx context.Context, caller *Identity, account, namespace, name string) (*Group, error) {
	if err := s.checkGroupRef(caller, "DescribeGroup", account, namespace, name); err != nil {
		return nil, err
	}
	g, err := s.store.GroupGet(ctx, account, namespace, name)
	if err != nil {
		return nil, directoryError(err, "GROUP", "Group", name)
	}
	g.ARN = GroupARN(s.region, account, namespace, name)
	return g, nil
}

// UpdateGroup replaces a group's description; an absent description removes
// it. Errors: KindNotFound, KindInvalid, KindDenied.
func (s *Service) UpdateGroup(ctx context.Context, caller *Identity, account, namespace, name string, description *string) (*Group, error) {
	if err := s.checkGroupRef(caller, "UpdateGroup", account, namespace, name); err != nil {
		return nil, err
	}
	if err := validateGroupDescription(description); err != nil {
		return nil, err
	}
	g, err := s.store.GroupGet(ctx, account, namespace, name)
	if err != nil {
		return nil, directoryError(err, "GROUP", "Group", name)
	}
	g.Description = deref(description)
	if err := s.store.GroupUpdate(ctx, g); err != nil {
		return nil, directoryError(err, "GROUP", "Group", name)
	}
	g.ARN = GroupARN(s.region, account, namespace, name)
	return g, nil
}

// DeleteGroup deletes a group with its memberships and every connector
// permission granted to it. Errors: KindNotFound, KindInvalid, KindDenied.
func (s *Service) DeleteGroup(ctx context.Context, caller *Identity, account, namespace, name string) error {
	if err := s.checkGroupRef(caller, "DeleteGroup", account, namespace, name); err != nil {
		return err
	}
	if err := s.store.GroupDelete(ctx, account, namespace, name, GroupARN(s.region, account, namespace, name)); err != nil {
		return directoryError(err, "GROUP", "Group", name)
	}
	s.log.InfoContext(ctx, "group deleted", "account_id", account, "group", name, "op", "DeleteGroup")
	return nil
}

// ListGroups returns a page of the namespace's groups, ordered by name.
func (s *Service) ListGroups(ctx context.Context, caller *Identity, in DirectoryListInput) (*GroupPage, error) {
	return s.groupPage(ctx, caller, "ListGroups", in, "")
}

// SearchGroups returns a page of the namespace's groups that match the one
// filter, GROUP_NAME StartsWith a value (case-sensitive), ordered by name.
func (s *Service) SearchGroups(ctx context.Context, caller *Identity, in DirectoryListInput, filters []GroupSearchFilter) (*GroupPage, error) {
	if len(filters) != 1 {
		return nil, invalid("Filters", "must have exactly one item.")
	}
	f := filters[0]
	if f.Name != "GROUP_NAME" {
		return nil, invalid("Filters.Name", "must be GROUP_NAME.")
	}
	if f.Operator != "StartsWith" {
		return nil, invalid("Filters.Operator", "must be StartsWith.")
	}
	if err := validatePrincipalName("Filters.Value", f.Value, maxNameLength); err != nil {
		return nil, err
	}
	return s.groupPage(ctx, caller, "SearchGroups", in, f.Value)
}

func (s *Service) groupPage(ctx context.Context, caller *Identity, op string, in DirectoryListInput, prefix string) (*GroupPage, error) {
	if err := s.checkNamespaceRef(caller, op, in.AccountID, in.Namespace, GroupARN(s.region, in.AccountID, in.Namespace, "*")); err != nil {
		return nil, err
	}
	var p GroupPage
	err := s.directoryPage(in, op+"\x00"+prefix, func(after string, limit int) ([]string, error) {
		gs, err := s.store.GroupList(ctx, DirectoryListParams{AccountID: in.AccountID, Namespace: in.Namespace,
			NamePrefix: prefix, After: after, Limit: limit})
		p.Groups = gs
		return groupNames(gs), err
	}, func(n int, token string) { p.Groups, p.NextToken = p.Groups[:n], token })
	if err != nil {
		return nil, err
	}
	s.groupARNs(p.Groups)
	return &p, nil
}

// CreateGroupMembership adds a user to a group; adding a member again is no
// error. It returns the member as a user with Name and ARN. Errors:
// KindNotFound when the group or the user does not exist, KindInvalid, KindDenied.
func (s *Service) CreateGroupMembership(ctx context.Context, caller *Identity, account, namespace, group, member string) (*User, error) {
	if err := s.checkMemberRef(caller, "CreateGroupMembership", account, namespace, group, member); err != nil {
		return nil, err
	}
	if _, err := s.store.GroupGet(ctx, account, namespace, group); err != nil {
		return nil, directoryError(err, "GROUP", "Group", group)
	}
	if _, err := s.store.UserGet(ctx, account, namespace, member); err != nil {
		return nil, directoryError(err, "USER", "User", member)
	}
	if err := s.store.MembershipAdd(ctx, account, namespace, group, member); err != nil {
		return nil, directoryError(err, "GROUP", "Group or user", group+" / "+member)
	}
	return s.member(account, namespace, member), nil
}

// DescribeGroupMembership returns the member when the user is a member of the
// group, KindNotFound otherwise.
func (s *Service) DescribeGroupMembership(ctx context.Context, caller *Identity, account, namespace, group, member string) (*User, error) {
	if err := s.checkMemberRef(caller, "DescribeGroupMembership", account, namespace, group, member); err != nil {
		return nil, err
	}
	if err := s.store.MembershipGet(ctx, account, namespace, group, member); err != nil {
		return nil, s.membershipError(ctx, err, account, namespace, group, member)
	}
	return s.member(account, namespace, member), nil
}

// DeleteGroupMembership removes a user from a group. KindNotFound when the
// user is not a member.
func (s *Service) DeleteGroupMembership(ctx context.Context, caller *Identity, account, namespace, group, member string) error {
	if err := s.checkMemberRef(caller, "DeleteGroupMembership", account, namespace, group, member); err != nil {
		return err
	}
	if err := s.store.MembershipDelete(ctx, account, namespace, group, member); err != nil {
		return s.membershipError(ctx, err, account, namespace, group, member)
	}
	return nil
}

// ListGroupMemberships returns a page of the members of group in.Name, ordered
// by name. KindNotFound when the group does not exist.
func (s *Service) ListGroupMemberships(ctx context.Context, caller *Identity, in DirectoryListInput) (*MemberPage, error) {
	if err := s.checkGroupRef(caller, "ListGroupMemberships", in.AccountID, in.Namespace, in.Name); err != nil {
		return nil, err
	}
	var p MemberPage
	var names []string
	err := s.directoryPage(in, "ListGroupMemberships\x00"+in.Name, func(after string, limit int) ([]string, error) {
		var err error
		names, err = s.store.MembershipList(ctx, DirectoryListParams{AccountID: in.AccountID, Namespace: in.Namespace,
			Name: in.Name, After: after, Limit: limit})
		return names, err
	}, func(n int, token string) { names, p.NextToken = names[:n], token })
	if err != nil {
		return nil, directoryError(err, "GROUP", "Group", in.Name)
	}
	p.Members = make([]*User, 0, len(names))
	for _, n := range names {
		p.Members = append(p.Members, s.member(in.AccountID, in.Namespace, n))
	}
	return &p, nil
}

// ListUserGroups returns a page of the groups user in.Name is a member of,
// ordered by name. KindNotFound when the user does not exist.
func (s *Service) ListUserGroups(ctx context.Context, caller *Identity, in DirectoryListInput) (*GroupPage, error) {
	if err := s.checkUserRef(caller, "ListUserGroups", in.AccountID, in.Namespace, in.Name); err != nil {
		return nil, err
	}
	var p GroupPage
	err := s.directoryPage(in, "ListUserGroups\x00"+in.Name, func(after string, limit int) ([]string, error) {
		gs, err := s.store.GroupsOfUser(ctx, DirectoryListParams{AccountID: in.AccountID, Namespace: in.Namespace,
			Name: in.Name, After: after, Limit: limit})
		p.Groups = gs
		return groupNames(gs), err
	}, func(n int, token string) { p.Groups, p.NextToken = p.Groups[:n], token })
	if err != nil {
		return nil, directoryError(err, "USER", "User", in.Name)
	}
	s.groupARNs(p.Groups)
	return &p, nil
}

// checkNamespaceRef validates the account and namespace of a list and
// authorizes op on resource.
func (s *Service) checkNamespaceRef(caller *Identity, op, account, namespace, resource string) error {
	if err := ValidateAccountID(account); err != nil {
		return err
	}
	if err := s.authorize(caller, op, account, resource); err != nil {
		return err
	}
	return validateNamespace(namespace)
}

// checkMemberRef validates a membership request and authorizes op on the group.
func (s *Service) checkMemberRef(caller *Identity, op, account, namespace, group, member string) error {
	if err := s.checkGroupRef(caller, op, account, namespace, group); err != nil {
		return err
	}
	return validatePrincipalName("MemberName", member, 256)
}

// membershipError explains a KindNotFound of a membership: the group, the
// user, or the membership is missing.
func (s *Service) membershipError(ctx context.Context, err error, account, namespace, group, member string) error {
	if KindOf(err) != KindNotFound {
		return directoryError(err, "GROUP", "Group", group)
	}
	if _, err := s.store.GroupGet(ctx, account, namespace, group); err != nil {
		return directoryError(err, "GROUP", "Group", group)
	}
	if _, err := s.store.UserGet(ctx, account, namespace, member); err != nil {
		return directoryError(err, "USER", "User", member)
	}
	e := Errorf(KindNotFound, "User %s is not a member of group %s.", member, group)
	e.ResourceType = "USER"
	return e
}

func (s *Service) member(account, namespace, name string) *User {
	return &User{AccountID: account, Namespace: namespace, Name: name, ARN: UserARN(s.region, account, namespace, name)}
}

func (s *Service) groupARNs(gs []*Group) {
	for _, g := range gs {
		g.ARN = GroupARN(s.region, g.AccountID, g.Namespace, g.Name)
	}
}

// directoryPage runs one page of a directory list: it checks the page size
// (1 to 100) and the token, which is bound to the account, namespace and
// query, fetches one item more than the page with fetch, which returns the
// names of what it fetched, and when there is more calls cut with the page
// size and the token of the next page.
func (s *Service) directoryPage(in DirectoryListInput, query string, fetch func(after string, limit int) ([]string, error), cut func(n int, token string)) error {
	limit, err := pageSize(in.MaxResults, 1)
	if err != nil {
		return err
	}
	scope := in.AccountID + "\x00" + in.Namespace + "\x00" + query
	var after string
	if in.NextToken != "" {
		if after, err = s.pages.open(scope, in.NextToken); err != nil {
			return err
		}
	}
	names, err := fetch(after, limit+1)
	if err != nil {
		return err
	}
	if len(names) > limit {
		cut(limit, s.pages.issue(scope, names[limit-1]))
	}
	return nil
}

func userNames(us []*User) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.Name
	}
	return out
}

func groupNames(gs []*Group) []string {
	out := make([]string, len(gs))
	for i, g := range gs {
		out[i] = g.Name
	}
	return out
}

// directoryError turns a Store error about the user or group name (what:
// "User" or "Group", resource type rt) into the error a caller sees.
func directoryError(err error, rt ResourceType, what, name string) error {
	var e *Error
	switch KindOf(err) {
	case KindNotFound:
		e = Errorf(KindNotFound, "%s %s does not exist.", what, name)
	case KindExists:
		e = Errorf(KindExists, "%s %s already exists.", what, name)
	case KindConflict:
		e = Errorf(KindConflict, "%s %s was changed by another request at the same time; retry.", what, name)
	default:
		if errorsAsDomain(err) {
			return err
		}
		return Internal(err)
	}
	e.ResourceType = rt
	return e
}

// errorsAsDomain reports whether err is an *Error the Service made itself
// (invalid input, bad tokens), which passes through.
func errorsAsDomain(err error) bool {
	k := KindOf(err)
	return k == KindInvalid || k == KindInvalidNextToken || k == KindDenied || k == KindLimitExceeded
}

// principalsExist checks that every principal of perms names an existing
// user or group; the first that does not is an error of kind missing (each
// operation answers with an error its model lists). The principals have been
// validated.
func (s *Service) principalsExist(ctx context.Context, perms []Permission, missing Kind) error {
	seen := make(map[string]bool)
	for _, p := range perms {
		if seen[p.Principal] {
			continue
		}
		seen[p.Principal] = true
		m := principalPattern.FindStringSubmatch(p.Principal)
		account, kind, namespace, name := m[2], m[3], m[4], m[5]
		var err error
		if kind == "user" {
			_, err = s.store.UserGet(ctx, account, namespace, name)
		} else {
			_, err = s.store.GroupGet(ctx, account, namespace, name)
		}
		switch KindOf(err) {
		case KindNotFound:
			rt := ResourceType("USER")
			if kind == "group" {
				rt = "GROUP"
			}
			return &Error{Kind: missing, ResourceType: rt,
				Message: "Principal " + p.Principal + " does not exist: register the user or create the group first."}
		case KindInternal:
			if err != nil {
				return Internal(err)
			}
		}
	}
	return nil
}

// inheritedPrincipals returns principal with, when it names a user, the ARNs
// of the groups the user is a member of.
func (s *Service) inheritedPrincipals(ctx context.Context, principal string) ([]string, error) {
	out := []string{principal}
	m := principalPattern.FindStringSubmatch(principal)
	if m == nil || m[3] != "user" {
		return out, nil
	}
	account, namespace, name := m[2], m[4], m[5]
	after := ""
	for {
		gs, err := s.store.GroupsOfUser(ctx, DirectoryListParams{AccountID: account, Namespace: namespace, Name: name, After: after, Limit: MaxPageSize})
		if KindOf(err) == KindNotFound {
			return out, nil
		}
		if err != nil {
			return nil, Internal(err)
		}
		for _, g := range gs {
			out = append(out, GroupARN(s.region, account, namespace, g.Name))
		}
		if len(gs) < MaxPageSize {
			return out, nil
		}
		after = gs[len(gs)-1].Name
	}
}
