package actiongate

import "context"

// DirectoryStore persists QuickSight users, groups and group memberships. The
// Store contract's rules hold: orderings are by bytes, a missing resource is
// KindNotFound, a duplicate KindExists, every method is safe for concurrent use
// by several processes. Users and groups are stored without their ARN, which
// the Service derives.
type DirectoryStore interface {
	// UserCreate stores a new user; KindExists when its name is taken in its
	// account and namespace. u is not changed.
	UserCreate(ctx context.Context, u *User) error
	// UserGet returns a user.
	UserGet(ctx context.Context, account, namespace, name string) (*User, error)
	// UserUpdate replaces the stored user's email, role, custom permissions and
	// external login; its name, identity, principal id and creation time stay.
	UserUpdate(ctx context.Context, u *User) error
	// UserDelete removes a user, its group memberships and every connector
	// permission whose principal is principal (the user's ARN), in one
	// transaction; the connectors that lose a permission have their Version
	// incremented.
	UserDelete(ctx context.Context, account, namespace, name, principal string) error
	// UserList returns the first p.Limit users of p.AccountID and p.Namespace
	// whose name sorts after p.After, ordered by name.
	UserList(ctx context.Context, p DirectoryListParams) ([]*User, error)

	// GroupCreate stores a new group; KindExists when its name is taken.
	GroupCreate(ctx context.Context, g *Group) error
	// GroupGet returns a group.
	GroupGet(ctx context.Context, account, namespace, name string) (*Group, error)
	// GroupUpdate replaces the stored group's description.
	GroupUpdate(ctx context.Context, g *Group) error
	// GroupDelete removes a group, its memberships and every connector
	// permission whose principal is principal (the group's ARN), in one
	// transaction, as UserDelete does.
	GroupDelete(ctx context.Context, account, namespace, name, principal string) error
	// GroupList returns the first p.Limit groups of p.AccountID and p.Namespace
	// whose name sorts after p.After and starts with p.NamePrefix, ordered by name.
	GroupList(ctx context.Context, p DirectoryListParams) ([]*Group, error)

	// MembershipAdd makes user a member of group; adding a member again is no
	// error. KindNotFound when the group or the user does not exist.
	MembershipAdd(ctx context.Context, account, namespace, group, user string) error
	// MembershipGet returns nil when user is a member of group, KindNotFound
	// otherwise.
	MembershipGet(ctx context.Context, account, namespace, group, user string) error
	// MembershipDelete removes user from group; KindNotFound when it is not a member.
	MembershipDelete(ctx context.Context, account, namespace, group, user string) error
	// MembershipList returns the first p.Limit member names of group p.Name
	// that sort after p.After, ordered. KindNotFound when the group does not exist.
	MembershipList(ctx context.Context, p DirectoryListParams) ([]string, error)
	// GroupsOfUser returns the first p.Limit groups that user p.Name is a member
	// of, whose names sort after p.After, ordered by name. KindNotFound when the
	// user does not exist.
	GroupsOfUser(ctx context.Context, p DirectoryListParams) ([]*Group, error)
}

// DirectoryListParams selects a page of users, groups or members.
type DirectoryListParams struct {
	AccountID string
	Namespace string
	// Name is the group of MembershipList and the user of GroupsOfUser.
	Name       string
	NamePrefix string // GroupList only: names start with this, exactly
	After      string // exclusive lower bound on the name; "" for the first page
	Limit      int    // none when < 1
}
