package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/actiongate/actiongate"
)

// userColumns are the columns scanUser reads, in its order.
const userColumns = `account_id, namespace, name, principal_id, email, role, identity_type, iam_arn,
	custom_permissions_name, external_login_provider, external_login_url, external_login_id, created_time`

const groupColumns = `g.account_id, g.namespace, g.name, g.principal_id, g.description, g.created_time`

func directoryNotFound(what, account, namespace, name string) *actiongate.Error {
	return actiongate.Errorf(actiongate.KindNotFound, "%s %s does not exist in namespace %s of account %s.", what, name, namespace, account)
}

func notMember(group, user string) *actiongate.Error {
	return actiongate.Errorf(actiongate.KindNotFound, "User %s is not a member of group %s.", user, group)
}

func scanUser(row pgx.Row) (*actiongate.User, error) {
	var (
		u       actiongate.User
		it      string
		created time.Time
	)
	if err := row.Scan(&u.AccountID, &u.Namespace, &u.Name, &u.PrincipalID, &u.Email, &u.Role, &it, &u.IAMARN,
		&u.CustomPermissionsName, &u.ExternalLoginProvider, &u.ExternalLoginURL, &u.ExternalLoginID, &created); err != nil {
		return nil, err
	}
	u.IdentityType = actiongate.IdentityType(it)
	u.CreatedTime = utc(created)
	return &u, nil
}

func scanGroup(row pgx.Row) (*actiongate.Group, error) {
	var (
		g       actiongate.Group
		created time.Time
	)
	if err := row.Scan(&g.AccountID, &g.Namespace, &g.Name, &g.PrincipalID, &g.Description, &created); err != nil {
		return nil, err
	}
	g.CreatedTime = utc(created)
	return &g, nil
}

// UserCreate stores a new user. KindExists when the name is taken.
func (db *DB) UserCreate(ctx context.Context, u *actiongate.User) error {
	return db.write(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO quicksight_user (`+userColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
			u.AccountID, u.Namespace, u.Name, u.PrincipalID, u.Email, u.Role, string(u.IdentityType), u.IAMARN,
			u.CustomPermissionsName, u.ExternalLoginProvider, u.ExternalLoginURL, u.ExternalLoginID, u.CreatedTime)
		return wrap(err, "insert user", errMap{exists: func() *actiongate.Error {
			return actiongate.Errorf(actiongate.KindExists, "User %s exists already.", u.Name)
		}})
	})
}

// UserGet returns a user; KindNotFound when it does not exist.
func (db *DB) UserGet(ctx context.Context, account, namespace, name string) (*actiongate.User, error) {
	u, err := scanUser(db.pool.QueryRow(ctx, `SELECT `+userColumns+` FROM quicksight_user
		WHERE account_id = $1 AND namespace = $2 AND name = $3`, account, namespace, name))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, directoryNotFound("User", account, namespace, name)
	}
	return u, wrap(err, "get user", errMap{})
}

// UserUpdate replaces the user's email, role, custom permissions and external
// login. KindNotFound when it does not exist.
func (db *DB) UserUpdate(ctx context.Context, u *actiongate.User) error {
	return db.write(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE quicksight_user SET email = $1, role = $2, custom_permissions_name = $3,
			external_login_provider = $4, external_login_url = $5, external_login_id = $6
			WHERE account_id = $7 AND namespace = $8 AND name = $9`,
			u.Email, u.Role, u.CustomPermissionsName, u.ExternalLoginProvider, u.ExternalLoginURL, u.ExternalLoginID,
			u.AccountID, u.Namespace, u.Name)
		return affected(tag, err, "update user", directoryNotFound("User", u.AccountID, u.Namespace, u.Name))
	})
}

// affected returns notFound when the statement changed no row.
func affected(tag pgconn.CommandTag, err error, op string, notFound *actiongate.Error) error {
	if err != nil {
		return wrap(err, op, errMap{})
	}
	if tag.RowsAffected() == 0 {
		return notFound
	}
	return nil
}

// UserDelete removes a user, its memberships (ON DELETE CASCADE) and the
// connector permissions of principal.
func (db *DB) UserDelete(ctx context.Context, account, namespace, name, principal string) error {
	return db.deletePrincipal(ctx, "quicksight_user", "User", account, namespace, name, principal)
}

// GroupDelete removes a group, its memberships (ON DELETE CASCADE) and the
// connector permissions of principal.
func (db *DB) GroupDelete(ctx context.Context, account, namespace, name, principal string) error {
	return db.deletePrincipal(ctx, "quicksight_group", "Group", account, namespace, name, principal)
}

func (db *DB) deletePrincipal(ctx context.Context, table, what, account, namespace, name, principal string) error {
	return db.write(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM `+table+` WHERE account_id = $1 AND namespace = $2 AND name = $3`,
			account, namespace, name)
		if err := affected(tag, err, "delete "+what, directoryNotFound(what, account, namespace, name)); err != nil {
			return err
		}
		// The connectors that lose a permission get a new version, so that a
		// permission merge that read the old ones fails and is merged again.
		var b batch
		b.add("delete "+what+" permissions", errMap{}, `UPDATE connector SET version = version + 1
			WHERE account_id = $1 AND id IN (SELECT connector_id FROM permission WHERE account_id = $1 AND principal = $2)`,
			account, principal)
		b.add("delete "+what+" permissions", errMap{}, `DELETE FROM permission WHERE account_id = $1 AND principal = $2`,
			account, principal)
		return b.run(ctx, tx)
	})
}

// UserList returns a page of users ordered by name.
func (db *DB) UserList(ctx context.Context, p actiongate.DirectoryListParams) ([]*actiongate.User, error) {
	out := []*actiongate.User{}
	if p.Limit < 1 {
		return out, nil
	}
	rows, err := db.pool.Query(ctx, `SELECT `+userColumns+` FROM quicksight_user
		WHERE account_id = $1 AND namespace = $2 AND name > $3 ORDER BY name LIMIT $4`,
		p.AccountID, p.Namespace, p.After, p.Limit)
	if err != nil {
		return nil, wrap(err, "list users", errMap{})
	}
	defer rows.Close()
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, wrap(err, "list users", errMap{})
		}
		out = append(out, u)
	}
	return out, wrap(rows.Err(), "list users", errMap{})
}

// GroupCreate stores a new group. KindExists when the name is taken.
func (db *DB) GroupCreate(ctx context.Context, g *actiongate.Group) error {
	return db.write(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO quicksight_group
			(account_id, namespace, name, principal_id, description, created_time) VALUES ($1, $2, $3, $4, $5, $6)`,
			g.AccountID, g.Namespace, g.Name, g.PrincipalID, g.Description, g.CreatedTime)
		return wrap(err, "insert group", errMap{exists: func() *actiongate.Error {
			return actiongate.Errorf(actiongate.KindExists, "Group %s exists already.", g.Name)
		}})
	})
}

// GroupGet returns a group; KindNotFound when it does not exist.
func (db *DB) GroupGet(ctx context.Context, account, namespace, name string) (*actiongate.Group, error) {
	g, err := scanGroup(db.pool.QueryRow(ctx, `SELECT `+groupColumns+` FROM quicksight_group g
		WHERE g.account_id = $1 AND g.namespace = $2 AND g.name = $3`, account, namespace, name))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, directoryNotFound("Group", account, namespace, name)
	}
	return g, wrap(err, "get group", errMap{})
}

// GroupUpdate replaces the group's description. KindNotFound when it does not exist.
func (db *DB) GroupUpdate(ctx context.Context, g *actiongate.Group) error {
	return db.write(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE quicksight_group SET description = $1
			WHERE account_id = $2 AND namespace = $3 AND name = $4`, g.Description, g.AccountID, g.Namespace, g.Name)
		return affected(tag, err, "update group", directoryNotFound("Group", g.AccountID, g.Namespace, g.Name))
	})
}

// GroupList returns a page of groups ordered by name, those whose name starts
// with p.NamePrefix when it is set.
func (db *DB) GroupList(ctx context.Context, p actiongate.DirectoryListParams) ([]*actiongate.Group, error) {
	if p.Limit < 1 {
		return []*actiongate.Group{}, nil
	}
	// left and length count characters: an exact prefix test, unlike LIKE.
	return db.groups(ctx, "list groups", `SELECT `+groupColumns+` FROM quicksight_group g
		WHERE g.account_id = $1 AND g.namespace = $2 AND g.name > $3 AND left(g.name, length($4)) = $4
		ORDER BY g.name LIMIT $5`, p.AccountID, p.Namespace, p.After, p.NamePrefix, p.Limit)
}

func (db *DB) groups(ctx context.Context, op, query string, args ...any) ([]*actiongate.Group, error) {
	rows, err := db.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, wrap(err, op, errMap{})
	}
	defer rows.Close()
	out := []*actiongate.Group{}
	for rows.Next() {
		g, err := scanGroup(rows)
		if err != nil {
			return nil, wrap(err, op, errMap{})
		}
		out = append(out, g)
	}
	return out, wrap(rows.Err(), op, errMap{})
}

// exists returns KindNotFound unless table has the row of name.
func exists(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}, table, account, namespace, name string) error {
	var one int
	err := q.QueryRow(ctx, `SELECT 1 FROM `+table+` WHERE account_id = $1 AND namespace = $2 AND name = $3`,
		account, namespace, name).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		what := "User"
		if table == "quicksight_group" {
			what = "Group"
		}
		return directoryNotFound(what, account, namespace, name)
	}
	return wrap(err, "find "+table, errMap{})
}

// MembershipAdd makes user a member of group; again is no error. KindNotFound
// when either does not exist.
func (db *DB) MembershipAdd(ctx context.Context, account, namespace, group, user string) error {
	return db.write(ctx, func(tx pgx.Tx) error {
		if err := exists(ctx, tx, "quicksight_group", account, namespace, group); err != nil {
			return err
		}
		if err := exists(ctx, tx, "quicksight_user", account, namespace, user); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO group_membership (account_id, namespace, group_name, user_name)
			VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, account, namespace, group, user)
		return wrap(err, "add member", errMap{missing: func() *actiongate.Error {
			return actiongate.Errorf(actiongate.KindNotFound, "Group %s or user %s does not exist.", group, user)
		}})
	})
}

// MembershipGet returns nil when user is a member of group, KindNotFound otherwise.
func (db *DB) MembershipGet(ctx context.Context, account, namespace, group, user string) error {
	var one int
	err := db.pool.QueryRow(ctx, `SELECT 1 FROM group_membership
		WHERE account_id = $1 AND namespace = $2 AND group_name = $3 AND user_name = $4`,
		account, namespace, group, user).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return notMember(group, user)
	}
	return wrap(err, "get member", errMap{})
}

// MembershipDelete removes user from group; KindNotFound when it is not a member.
func (db *DB) MembershipDelete(ctx context.Context, account, namespace, group, user string) error {
	return db.write(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM group_membership
			WHERE account_id = $1 AND namespace = $2 AND group_name = $3 AND user_name = $4`, account, namespace, group, user)
		return affected(tag, err, "delete member", notMember(group, user))
	})
}

// MembershipList returns a page of the member names of group p.Name, ordered.
func (db *DB) MembershipList(ctx context.Context, p actiongate.DirectoryListParams) ([]string, error) {
	if err := exists(ctx, db.pool, "quicksight_group", p.AccountID, p.Namespace, p.Name); err != nil {
		return nil, err
	}
	out := []string{}
	if p.Limit < 1 {
		return out, nil
	}
	rows, err := db.pool.Query(ctx, `SELECT user_name FROM group_membership
		WHERE account_id = $1 AND namespace = $2 AND group_name = $3 AND user_name > $4
		ORDER BY user_name LIMIT $5`, p.AccountID, p.Namespace, p.Name, p.After, p.Limit)
	if err != nil {
		return nil, wrap(err, "list members", errMap{})
	}
	defer rows.Close()
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, wrap(err, "list members", errMap{})
		}
		out = append(out, n)
	}
	return out, wrap(rows.Err(), "list members", errMap{})
}

// GroupsOfUser returns a page of the groups user p.Name is a member of.
func (db *DB) GroupsOfUser(ctx context.Context, p actiongate.DirectoryListParams) ([]*actiongate.Group, error) {
	if err := exists(ctx, db.pool, "quicksight_user", p.AccountID, p.Namespace, p.Name); err != nil {
		return nil, err
	}
	if p.Limit < 1 {
		return []*actiongate.Group{}, nil
	}
	return db.groups(ctx, "list groups of user", `SELECT `+groupColumns+` FROM group_membership m
		JOIN quicksight_group g ON g.account_id = m.account_id AND g.namespace = m.namespace AND g.name = m.group_name
		WHERE m.account_id = $1 AND m.namespace = $2 AND m.user_name = $3 AND m.group_name > $4
		ORDER BY m.group_name LIMIT $5`, p.AccountID, p.Namespace, p.Name, p.After, p.Limit)
}
