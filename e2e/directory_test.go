package e2e

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"
)

var (
	acct = aws.String(account)
	dflt = aws.String("default")
)

// registerUsers registers QUICKSIGHT users with the given names.
func registerUsers(t testing.TB, c *quicksight.Client, names ...string) {
	t.Helper()
	for _, n := range names {
		if _, err := c.RegisterUser(context.Background(), &quicksight.RegisterUserInput{AwsAccountId: acct, Namespace: dflt,
			IdentityType: types.IdentityTypeQuicksight, UserName: aws.String(n), Email: aws.String(n + "@example.com"),
			UserRole: types.UserRoleReader}); err != nil {
			t.Fatalf("register %s: %v", n, err)
		}
	}
}

// createGroups creates groups with the given names.
func createGroups(t *testing.T, c *quicksight.Client, names ...string) {
	t.Helper()
	for _, n := range names {
		if _, err := c.CreateGroup(context.Background(), &quicksight.CreateGroupInput{AwsAccountId: acct, Namespace: dflt,
			GroupName: aws.String(n)}); err != nil {
			t.Fatalf("create group %s: %v", n, err)
		}
	}
}

func addMember(t *testing.T, c *quicksight.Client, group, user string) {
	t.Helper()
	if _, err := c.CreateGroupMembership(context.Background(), &quicksight.CreateGroupMembershipInput{AwsAccountId: acct,
		Namespace: dflt, GroupName: aws.String(group), MemberName: aws.String(user)}); err != nil {
		t.Fatalf("add %s to %s: %v", user, group, err)
	}
}

// TestUsersRoundTrip registers, describes, updates, lists and deletes users.
func TestUsersRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := startServer(t, serverOptions{})
	c := s.admin()

	reg, err := c.RegisterUser(ctx, &quicksight.RegisterUserInput{AwsAccountId: acct, Namespace: dflt,
		IdentityType: types.IdentityTypeQuicksight, UserName: aws.String("alice"), Email: aws.String("alice@example.com"),
		UserRole: types.UserRoleAuthor})
	if err != nil {
		t.Fatal(err)
	}
	u := reg.User
	if aws.ToString(u.Arn) != user("alice") || aws.ToString(u.UserName) != "alice" || u.Role != types.UserRoleAuthor ||
		u.IdentityType != types.IdentityTypeQuicksight || !u.Active || aws.ToString(u.PrincipalId) == "" || reg.Status != 200 {
		t.Errorf("RegisterUser answered %+v (status %d)", u, reg.Status)
	}
	iam, err := c.RegisterUser(ctx, &quicksight.RegisterUserInput{AwsAccountId: acct, Namespace: dflt,
		IdentityType: types.IdentityTypeIam, IamArn: aws.String("arn:aws:iam::" + account + ":role/Analyst"),
		SessionName: aws.String("bob"), Email: aws.String("bob@example.com"), UserRole: types.UserRoleReader})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(iam.User.UserName); got != "Analyst/bob" {
		t.Errorf("IAM role user is named %q, want Analyst/bob", got)
	}
	iamUser, err := c.RegisterUser(ctx, &quicksight.RegisterUserInput{AwsAccountId: acct, Namespace: dflt,
		IdentityType: types.IdentityTypeIam, IamArn: aws.String("arn:aws:iam::" + account + ":user/team/carol"),
		Email: aws.String("carol@example.com"), UserRole: types.UserRoleReader})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(iamUser.User.UserName); got != "carol" {
		t.Errorf("IAM user is named %q, want carol", got)
	}
	// A user name with a '/' travels escaped in the path.
	desc, err := c.DescribeUser(ctx, &quicksight.DescribeUserInput{AwsAccountId: acct, Namespace: dflt, UserName: aws.String("Analyst/bob")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(desc.User.PrincipalId) != aws.ToString(iam.User.PrincipalId) || aws.ToString(desc.User.Arn) != user("Analyst/bob") {
		t.Errorf("DescribeUser answered %+v", desc.User)
	}
	up, err := c.UpdateUser(ctx, &quicksight.UpdateUserInput{AwsAccountId: acct, Namespace: dflt, UserName: aws.String("alice"),
		Email: aws.String("alice@example.org"), Role: types.UserRoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(up.User.Email) != "alice@example.org" || up.User.Role != types.UserRoleAdmin ||
		aws.ToString(up.User.PrincipalId) != aws.ToString(u.PrincipalId) {
		t.Errorf("UpdateUser answered %+v", up.User)
	}

	registerUsers(t, c, "dave", "erin")
	var names []string
	p := quicksight.NewListUsersPaginator(c, &quicksight.ListUsersInput{AwsAccountId: acct, Namespace: dflt, MaxResults: aws.Int32(2)})
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, u := range page.UserList {
			names = append(names, aws.ToString(u.UserName))
		}
	}
	if want := []string{"Analyst/bob", "alice", "carol", "dave", "erin"}; !slices.Equal(names, want) || pages != 3 {
		t.Errorf("ListUsers = %v in %d pages, want %v in 3", names, pages, want)
	}

	_, err = c.RegisterUser(ctx, &quicksight.RegisterUserInput{AwsAccountId: acct, Namespace: dflt,
		IdentityType: types.IdentityTypeQuicksight, UserName: aws.String("alice"), Email: aws.String("a@example.com"), UserRole: types.UserRoleReader})
	expectError[*types.ResourceExistsException](t, "duplicate user", err)
	_, err = c.RegisterUser(ctx, &quicksight.RegisterUserInput{AwsAccountId: acct, Namespace: aws.String("sales"),
		IdentityType: types.IdentityTypeQuicksight, UserName: aws.String("zed"), Email: aws.String("z@example.com"), UserRole: types.UserRoleReader})
	expectError[*types.ResourceNotFoundException](t, "another namespace", err)
	_, err = c.RegisterUser(ctx, &quicksight.RegisterUserInput{AwsAccountId: acct, Namespace: dflt,
		IdentityType: types.IdentityTypeIamIdentityCenter, UserName: aws.String("zed"), Email: aws.String("z@example.com"), UserRole: types.UserRoleReader})
	expectError[*types.InvalidParameterValueException](t, "IAM_IDENTITY_CENTER", err)
	_, err = c.RegisterUser(ctx, &quicksight.RegisterUserInput{AwsAccountId: acct, Namespace: dflt,
		IdentityType: types.IdentityTypeIam, Email: aws.String("z@example.com"), UserRole: types.UserRoleReader})
	expectError[*types.InvalidParameterValueException](t, "IAM without IamArn", err)
	_, err = c.RegisterUser(ctx, &quicksight.RegisterUserInput{AwsAccountId: acct, Namespace: dflt,
		IdentityType: types.IdentityTypeQuicksight, UserName: aws.String("bad\u0085name"), Email: aws.String("z@example.com"), UserRole: types.UserRoleReader})
	expectError[*types.InvalidParameterValueException](t, "control character in a name", err)
	_, err = c.ListUsers(ctx, &quicksight.ListUsersInput{AwsAccountId: acct, Namespace: dflt, NextToken: aws.String("Zm9yZ2VkLXRva2VuLWZvcmdlZC10b2tlbg==")})
	expectError[*types.InvalidNextTokenException](t, "forged token", err)

	if _, err := c.DeleteUser(ctx, &quicksight.DeleteUserInput{AwsAccountId: acct, Namespace: dflt, UserName: aws.String("alice")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribeUser(ctx, &quicksight.DescribeUserInput{AwsAccountId: acct, Namespace: dflt, UserName: aws.String("alice")})
	expectError[*types.ResourceNotFoundException](t, "deleted user", err)
	_, err = c.DeleteUser(ctx, &quicksight.DeleteUserInput{AwsAccountId: acct, Namespace: dflt, UserName: aws.String("alice")})
	expectError[*types.ResourceNotFoundException](t, "delete again", err)

	_, err = c.ListUsers(ctx, &quicksight.ListUsersInput{AwsAccountId: aws.String("444455556666"), Namespace: dflt})
	expectError[*types.AccessDeniedException](t, "other account", err)
	_, err = c.RegisterUser(ctx, &quicksight.RegisterUserInput{AwsAccountId: aws.String("444455556666"), Namespace: dflt,
		IdentityType: types.IdentityTypeQuicksight, UserName: aws.String("x"), Email: aws.String("x@example.com"), UserRole: types.UserRoleReader})
	expectError[*types.AccessDeniedException](t, "register in another account", err)
}

// TestGroupsAndMemberships creates, searches and deletes groups and their members.
func TestGroupsAndMemberships(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := startServer(t, serverOptions{})
	c := s.admin()
	registerUsers(t, c, "alice", "bob")

	g, err := c.CreateGroup(ctx, &quicksight.CreateGroupInput{AwsAccountId: acct, Namespace: dflt,
		GroupName: aws.String("support"), Description: aws.String("Support engineers")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(g.Group.Arn) != group("support") || aws.ToString(g.Group.Description) != "Support engineers" || aws.ToString(g.Group.PrincipalId) == "" {
		t.Errorf("CreateGroup answered %+v", g.Group)
	}
	_, err = c.CreateGroup(ctx, &quicksight.CreateGroupInput{AwsAccountId: acct, Namespace: dflt, GroupName: aws.String("support")})
	expectError[*types.ResourceExistsException](t, "duplicate group", err)
	createGroups(t, c, "sales", "supervisors", "Support-2")
	up, err := c.UpdateGroup(ctx, &quicksight.UpdateGroupInput{AwsAccountId: acct, Namespace: dflt, GroupName: aws.String("support"),
		Description: aws.String("First line")})
	if err != nil || aws.ToString(up.Group.Description) != "First line" {
		t.Fatalf("UpdateGroup = %+v, %v", up, err)
	}
	d, err := c.DescribeGroup(ctx, &quicksight.DescribeGroupInput{AwsAccountId: acct, Namespace: dflt, GroupName: aws.String("support")})
	if err != nil || aws.ToString(d.Group.Description) != "First line" {
		t.Fatalf("DescribeGroup = %+v, %v", d, err)
	}

	var names []string
	lp := quicksight.NewListGroupsPaginator(c, &quicksight.ListGroupsInput{AwsAccountId: acct, Namespace: dflt, MaxResults: aws.Int32(3)})
	for lp.HasMorePages() {
		page, err := lp.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range page.GroupList {
			names = append(names, aws.ToString(g.GroupName))
		}
	}
	if want := []string{"Support-2", "sales", "supervisors", "support"}; !slices.Equal(names, want) {
		t.Errorf("ListGroups = %v, want %v", names, want)
	}
	names = nil
	sp := quicksight.NewSearchGroupsPaginator(c, &quicksight.SearchGroupsInput{AwsAccountId: acct, Namespace: dflt, MaxResults: aws.Int32(1),
		Filters: []types.GroupSearchFilter{{Name: types.GroupFilterAttributeGroupName, Operator: types.GroupFilterOperatorStartsWith, Value: aws.String("sup")}}})
	for sp.HasMorePages() {
		page, err := sp.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range page.GroupList {
			names = append(names, aws.ToString(g.GroupName))
		}
	}
	if want := []string{"supervisors", "support"}; !slices.Equal(names, want) {
		t.Errorf("SearchGroups sup = %v, want %v", names, want)
	}

	addMember(t, c, "support", "alice")
	addMember(t, c, "support", "bob")
	addMember(t, c, "sales", "alice")
	addMember(t, c, "sales", "alice") // again: no error
	_, err = c.CreateGroupMembership(ctx, &quicksight.CreateGroupMembershipInput{AwsAccountId: acct, Namespace: dflt,
		GroupName: aws.String("support"), MemberName: aws.String("nobody")})
	expectError[*types.ResourceNotFoundException](t, "member that is not a user", err)
	_, err = c.CreateGroupMembership(ctx, &quicksight.CreateGroupMembershipInput{AwsAccountId: acct, Namespace: dflt,
		GroupName: aws.String("nope"), MemberName: aws.String("alice")})
	expectError[*types.ResourceNotFoundException](t, "membership of a missing group", err)
	m, err := c.DescribeGroupMembership(ctx, &quicksight.DescribeGroupMembershipInput{AwsAccountId: acct, Namespace: dflt,
		GroupName: aws.String("support"), MemberName: aws.String("bob")})
	if err != nil || aws.ToString(m.GroupMember.Arn) != user("bob") || aws.ToString(m.GroupMember.MemberName) != "bob" {
		t.Fatalf("DescribeGroupMembership = %+v, %v", m, err)
	}
	_, err = c.DescribeGroupMembership(ctx, &quicksight.DescribeGroupMembershipInput{AwsAccountId: acct, Namespace: dflt,
		GroupName: aws.String("sales"), MemberName: aws.String("bob")})
	expectError[*types.ResourceNotFoundException](t, "not a member", err)

	names = nil
	mp := quicksight.NewListGroupMembershipsPaginator(c, &quicksight.ListGroupMembershipsInput{AwsAccountId: acct, Namespace: dflt,
		GroupName: aws.String("support"), MaxResults: aws.Int32(1)})
	for mp.HasMorePages() {
		page, err := mp.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range page.GroupMemberList {
			names = append(names, aws.ToString(m.MemberName))
		}
	}
	if want := []string{"alice", "bob"}; !slices.Equal(names, want) {
		t.Errorf("ListGroupMemberships = %v, want %v", names, want)
	}
	ug, err := c.ListUserGroups(ctx, &quicksight.ListUserGroupsInput{AwsAccountId: acct, Namespace: dflt, UserName: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	names = nil
	for _, g := range ug.GroupList {
		names = append(names, aws.ToString(g.GroupName))
	}
	if want := []string{"sales", "support"}; !slices.Equal(names, want) {
		t.Errorf("ListUserGroups alice = %v, want %v", names, want)
	}

	if _, err := c.DeleteGroupMembership(ctx, &quicksight.DeleteGroupMembershipInput{AwsAccountId: acct, Namespace: dflt,
		GroupName: aws.String("support"), MemberName: aws.String("bob")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteGroupMembership(ctx, &quicksight.DeleteGroupMembershipInput{AwsAccountId: acct, Namespace: dflt,
		GroupName: aws.String("support"), MemberName: aws.String("bob")})
	expectError[*types.ResourceNotFoundException](t, "delete membership again", err)
	if _, err := c.DeleteGroup(ctx, &quicksight.DeleteGroupInput{AwsAccountId: acct, Namespace: dflt, GroupName: aws.String("support")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.ListGroupMemberships(ctx, &quicksight.ListGroupMembershipsInput{AwsAccountId: acct, Namespace: dflt, GroupName: aws.String("support")})
	expectError[*types.ResourceNotFoundException](t, "members of a deleted group", err)
	_, err = c.DescribeGroup(ctx, &quicksight.DescribeGroupInput{AwsAccountId: aws.String("444455556666"), Namespace: dflt, GroupName: aws.String("sales")})
	expectError[*types.AccessDeniedException](t, "group of another account", err)
}

// TestDirectoryPermissions checks the rules that tie connector permissions to
// users and groups: grants name existing principals, deletes take grants with
// them, and the owner searches see grants inherited through groups.
func TestDirectoryPermissions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := startServer(t, serverOptions{})
	c := s.admin()
	registerUsers(t, c, "alice", "bob")
	createGroups(t, c, "eng")
	addMember(t, c, "eng", "alice")
	owner := []string{"quicksight:DescribeActionConnector", "quicksight:UpdateActionConnector", "quicksight:DeleteActionConnector"}
	viewer := []string{"quicksight:DescribeActionConnector"}
	perm := func(p string, actions []string) types.ResourcePermission {
		return types.ResourcePermission{Principal: aws.String(p), Actions: actions}
	}

	_, err := c.CreateActionConnector(ctx, &quicksight.CreateActionConnectorInput{AwsAccountId: acct, ActionConnectorId: aws.String("x"),
		Name: aws.String("x"), Type: types.ActionConnectorTypeGenericHttp, AuthenticationConfig: noneAuth("https://x.io"),
		Permissions: []types.ResourcePermission{perm(user("ghost"), viewer)}})
	// CreateActionConnector's model lists no ResourceNotFoundException, so a
	// missing principal is an invalid parameter there, which SDKs type.
	expectError[*types.InvalidParameterValueException](t, "create granting to a missing user", err)

	createNamed(t, c, "direct", "Direct", types.ActionConnectorTypeGenericHttp)
	createNamed(t, c, "viagroup", "Via group", types.ActionConnectorTypeGenericHttp)
	createNamed(t, c, "viewed", "Viewed via group", types.ActionConnectorTypeGenericHttp)
	createNamed(t, c, "shared", "Shared", types.ActionConnectorTypeGenericHttp)
	grant := func(id string, perms ...types.ResourcePermission) error {
		_, err := c.UpdateActionConnectorPermissions(ctx, &quicksight.UpdateActionConnectorPermissionsInput{
			AwsAccountId: acct, ActionConnectorId: aws.String(id), GrantPermissions: perms})
		return err
	}
	expectError[*types.ResourceNotFoundException](t, "grant to a missing user", grant("direct", perm(user("ghost"), viewer)))
	expectError[*types.ResourceNotFoundException](t, "grant to a missing group", grant("direct", perm(group("ghosts"), viewer)))
	if _, err := c.UpdateActionConnectorPermissions(ctx, &quicksight.UpdateActionConnectorPermissionsInput{AwsAccountId: acct,
		ActionConnectorId: aws.String("direct"), RevokePermissions: []types.ResourcePermission{perm(user("ghost"), viewer)}}); err != nil {
		t.Errorf("revoking from a missing user: %v, want a no-op", err)
	}
	for id, perms := range map[string][]types.ResourcePermission{
		"direct":   {perm(user("alice"), owner)},
		"viagroup": {perm(group("eng"), owner)},
		"viewed":   {perm(group("eng"), viewer)},
		"shared":   {perm(user("alice"), owner), perm(user("bob"), owner)},
	} {
		if err := grant(id, perms...); err != nil {
			t.Fatalf("grant on %s: %v", id, err)
		}
	}

	search := func(name types.ActionConnectorSearchFilterNameEnum, principal string) []string {
		t.Helper()
		var ids []string
		p := quicksight.NewSearchActionConnectorsPaginator(c, &quicksight.SearchActionConnectorsInput{AwsAccountId: acct, MaxResults: 2,
			Filters: []types.ActionConnectorSearchFilter{{Name: name, Operator: types.FilterOperatorStringEquals, Value: aws.String(principal)}}})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Fatalf("search %s %s: %v", name, principal, err)
			}
			for _, s := range page.ActionConnectorSummaries {
				ids = append(ids, aws.ToString(s.ActionConnectorId))
			}
		}
		return ids
	}
	for _, tt := range []struct {
		name      types.ActionConnectorSearchFilterNameEnum
		principal string
		want      []string
	}{
		{types.ActionConnectorSearchFilterNameEnumQuicksightOwner, user("alice"), []string{"direct", "shared", "viagroup"}},
		{types.ActionConnectorSearchFilterNameEnumQuicksightViewerOrOwner, user("alice"), []string{"direct", "shared", "viagroup", "viewed"}},
		{types.ActionConnectorSearchFilterNameEnumDirectQuicksightOwner, user("alice"), []string{"direct", "shared"}},
		{types.ActionConnectorSearchFilterNameEnumDirectQuicksightViewerOrOwner, user("alice"), []string{"direct", "shared"}},
		{types.ActionConnectorSearchFilterNameEnumDirectQuicksightSoleOwner, user("alice"), []string{"direct"}},
		{types.ActionConnectorSearchFilterNameEnumQuicksightOwner, user("bob"), []string{"shared"}},
		{types.ActionConnectorSearchFilterNameEnumQuicksightOwner, group("eng"), []string{"viagroup"}},
		{types.ActionConnectorSearchFilterNameEnumDirectQuicksightSoleOwner, group("eng"), []string{"viagroup"}},
	} {
		if got := search(tt.name, tt.principal); !slices.Equal(got, tt.want) {
			t.Errorf("%s %s = %v, want %v", tt.name, tt.principal, got, tt.want)
		}
	}

	// Leaving the group takes the inherited grants away.
	if _, err := c.DeleteGroupMembership(ctx, &quicksight.DeleteGroupMembershipInput{AwsAccountId: acct, Namespace: dflt,
		GroupName: aws.String("eng"), MemberName: aws.String("alice")}); err != nil {
		t.Fatal(err)
	}
	if got, want := search(types.ActionConnectorSearchFilterNameEnumQuicksightViewerOrOwner, user("alice")), []string{"direct", "shared"}; !slices.Equal(got, want) {
		t.Errorf("after leaving eng, alice views %v, want %v", got, want)
	}

	// Deleting a user or a group removes its grants.
	if _, err := c.DeleteUser(ctx, &quicksight.DeleteUserInput{AwsAccountId: acct, Namespace: dflt, UserName: aws.String("alice")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteGroup(ctx, &quicksight.DeleteGroupInput{AwsAccountId: acct, Namespace: dflt, GroupName: aws.String("eng")}); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string][]string{"direct": nil, "viagroup": nil, "viewed": nil, "shared": {user("bob")}} {
		out, err := c.DescribeActionConnectorPermissions(ctx, &quicksight.DescribeActionConnectorPermissionsInput{AwsAccountId: acct, ActionConnectorId: aws.String(id)})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range out.Permissions {
			got = append(got, aws.ToString(p.Principal))
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s permissions after deleting alice and eng = %v, want %v", id, got, want)
		}
	}
	// A new alice starts with nothing.
	registerUsers(t, c, "alice")
	if got := search(types.ActionConnectorSearchFilterNameEnumQuicksightViewerOrOwner, user("alice")); len(got) != 0 {
		t.Errorf("a new alice views %v", got)
	}
}
