package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/actiongate/actiongate"
)

// userColumns are the columns scanUser reads, in its order.
const userColumns = `account_id, namespace, name, principal_id, email, role, identity_type, iam_arn,
	custom_permissions_name, external_login_provider, external_login_url, external_login_id, created_time`

const groupColumns = `g.account_id, g.namespace, g.name, g.principal_id, g.description, g.created_time`

func directoryNotFound(what, account, namespace, name string) *actiongate.Error {
	return actiongate.Errorf(actiongate.KindNotFound, "%s %s does not exist in namespace %s of account %s.", what, name, namespace, account)
}

func scanUser(row interface{ Scan(...any) error }) (*actiongate.User, error) {
	var (
		u       actiongate.User
		it      string
		created int64
	)
	if err := row.Scan(&u.AccountID, &u.Namespace, &u.Name, &u.PrincipalID, &u.Email, &u.Role, &it, &u.IAMARN,
		&u.CustomPermissionsName, &u.ExternalLoginProvider, &u.ExternalLoginURL, &u.ExternalLoginID, &created); err != nil {
		return nil, err
	}
	u.IdentityType = actiongate.IdentityType(it)
	u.CreatedTime = fromMicros(created)
	return &u, nil
}

func scanGroup(row interface{ Scan(...any) error }) (*actiongate.Group, error) {
	var (
		g       actiongate.Group
		created int64
	)
	if err := row.Scan(&g.AccountID, &g.Namespace, &g.Name, &g.PrincipalID, &g.Description, &created); err != nil {
		return nil, err
	}
	g.CreatedTime = fromMicros(created)
	return &g, nil
}

// UserCreate stores a new user. KindExists when the name is taken.
func (db *DB) UserCreate(ctx context.Context, u *actiongate.User) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO quicksight_user (`+userColumns+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			u.AccountID, u.Namespace, u.Name, u.PrincipalID, u.Email, u.Role, string(u.IdentityType), u.IAMARN,
			u.CustomPermissionsName, u.ExternalLoginProvider, u.ExternalLoginURL, u.ExternalLoginID, micros(u.CreatedTime))
		return wrap(err, "insert user", func() *actiongate.Error {
			return actiongate.Errorf(actiongate.KindExists, "User %s exists already.", u.Name)
		})
	})
}

// UserGet returns a user; KindNotFound when it does not exist.
func (db *DB) UserGet(ctx context.Context, account, namespace, name string) (*actiongate.User, error) {
	u, err := scanUser(db.readRow(ctx, `SELECT `+userColumns+` FROM quicksight_user
		WHERE account_id = ? AND namespace = ? AND name = ?`, account, namespace, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, directoryNotFound("User", account, namespace, name)
	}
	return u, wrap(err, "get user", nil)
}

// UserUpdate replaces the user's email, role, custom permissions and external
// login. KindNotFound when it does not exist.
func (db *DB) UserUpdate(ctx context.Context, u *actiongate.User) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE quicksight_user SET email = ?, role = ?, custom_permissions_name = ?,
			external_login_provider = ?, external_login_url = ?, external_login_id = ?
			WHERE account_id = ? AND namespace = ? AND name = ?`,
			u.Email, u.Role, u.CustomPermissionsName, u.ExternalLoginProvider, u.ExternalLoginURL, u.ExternalLoginID,
			u.AccountID, u.Namespace, u.Name)
		return affected(res, err, "update user", directoryNotFound("User", u.AccountID, u.Namespace, u.Name))
	})
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
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE account_id = ? AND namespace = ? AND name = ?`,
			account, namespace, name)
		if err := affected(res, err, "delete "+what, directoryNotFound(what, account, namespace, name)); err != nil {
			return err
		}
		// The connectors that lose a permission get a new version, so that a
		// permission merge that read the old ones fails and is merged again.
		if _, err := tx.ExecContext(ctx, `UPDATE connector SET version = version + 1
			WHERE account_id = ? AND id IN (SELECT connector_id FROM permission WHERE account_id = ? AND principal = ?)`,
			account, account, principal); err != nil {
			return wrap(err, "delete "+what+" permissions", nil)
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM permission WHERE account_id = ? AND principal = ?`, account, principal)
		return wrap(err, "delete "+what+" permissions", nil)
	})
}

// affected returns notFound when res changed no row.
func affected(res sql.Result, err error, op string, notFound *actiongate.Error) error {
	if err != nil {
		return wrap(err, op, nil)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return wrap(err, op, nil)
	}
	if n == 0 {
		return notFound
	}
	return nil
}

// UserList returns a page of users ordered by name.
func (db *DB) UserList(ctx context.Context, p actiongate.DirectoryListParams) ([]*actiongate.User, error) {
	out := []*actiongate.User{}
	if p.Limit < 1 {
		return out, nil
	}
	rows, err := db.reader.QueryContext(ctx, `SELECT `+userColumns+` FROM quicksight_user
		WHERE account_id = ? AND namespace = ? AND name > ? ORDER BY name LIMIT ?`,
		p.AccountID, p.Namespace, p.After, p.Limit)
	if err != nil {
		return nil, wrap(err, "list users", nil)
	}
	defer rows.Close()
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, wrap(err, "list users", nil)
		}
		out = append(out, u)
	}
	return out, wrap(rows.Err(), "list users", nil)
}

// GroupCreate stores a new group. KindExists when the name is taken.
func (db *DB) GroupCreate(ctx context.Context, g *actiongate.Group) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO quicksight_group
			(account_id, namespace, name, principal_id, description, created_time) VALUES (?, ?, ?, ?, ?, ?)`,
			g.AccountID, g.Namespace, g.Name, g.PrincipalID, g.Description, micros(g.CreatedTime))
		return wrap(err, "insert group", func() *actiongate.Error {
			return actiongate.Errorf(actiongate.KindExists, "Group %s exists already.", g.Name)
		})
	})
}

// GroupGet returns a group; KindNotFound when it does not exist.
func (db *DB) GroupGet(ctx context.Context, account, namespace, name string) (*actiongate.Group, error) {
	g, err := scanGroup(db.reader.QueryRowContext(ctx, `SELECT `+groupColumns+` FROM quicksight_group g
		WHERE g.account_id = ? AND g.namespace = ? AND g.name = ?`, account, namespace, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, directoryNotFound("Group", account, namespace, name)
	}
	return g, wrap(err, "get group", nil)
}

// GroupUpdate replaces the group's description. KindNotFound when it does not exist.
func (db *DB) GroupUpdate(ctx context.Context, g *actiongate.Group) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE quicksight_group SET description = ?
			WHERE account_id = ? AND namespace = ? AND name = ?`, g.Description, g.AccountID, g.Namespace, g.Name)
		return affected(res, err, "update group", directoryNotFound("Group", g.AccountID, g.Namespace, g.Name))
	})
}

// GroupList returns a page of groups ordered by name, those whose name starts
// with p.NamePrefix when it is set.
func (db *DB) GroupList(ctx context.Context, p actiongate.DirectoryListParams) ([]*actiongate.Group, error) {
	if p.Limit < 1 {
		return []*actiongate.Group{}, nil
	}
	// substr counts characters, as length does: an exact prefix test, unlike LIKE.
	return db.groups(ctx, "list groups", `SELECT `+groupColumns+` FROM quicksight_group g
		WHERE g.account_id = ? AND g.namespace = ? AND g.name > ? AND substr(g.name, 1, length(?)) = ?
		ORDER BY g.name LIMIT ?`, p.AccountID, p.Namespace, p.After, p.NamePrefix, p.NamePrefix, p.Limit)
}

func (db *DB) groups(ctx context.Context, op, query string, args ...any) ([]*actiongate.Group, error) {
	rows, err := db.readRows(ctx, query, args...)
	if err != nil {
		return nil, wrap(err, op, nil)
	}
	defer rows.Close()
	out := []*actiongate.Group{}
	for rows.Next() {
		g, err := scanGroup(rows)
		if err != nil {
			return nil, wrap(err, op, nil)
		}
		out = append(out, g)
	}
	return out, wrap(rows.Err(), op, nil)
}

// MembershipAdd makes user a member of group; again is no error. KindNotFound
// when either does not exist.
func (db *DB) MembershipAdd(ctx context.Context, account, namespace, group, user string) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		if err := exists(ctx, tx, "quicksight_group", account, namespace, group); err != nil {
			return wrap(err, "add member", nil)
		}
		if err := exists(ctx, tx, "quicksight_user", account, namespace, user); err != nil {
			return wrap(err, "add member", nil)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO group_membership (account_id, namespace, group_name, user_name)
			VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`, account, namespace, group, user)
		return wrap(err, "add member", nil)
	})
}

// exists returns KindNotFound unless table has the row of name.
func exists(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, table, account, namespace, name string) error {
	var one int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM `+table+` WHERE account_id = ? AND namespace = ? AND name = ?`,
		account, namespace, name).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		what := "User"
		if table == "quicksight_group" {
			what = "Group"
		}
		return directoryNotFound(what, account, namespace, name)
	}
	return err
}

// MembershipGet returns nil when user is a member of group, KindNotFound otherwise.
func (db *DB) MembershipGet(ctx context.Context, account, namespace, group, user string) error {
	var one int
	err := db.reader.QueryRowContext(ctx, `SELECT 1 FROM group_membership
		WHERE account_id = ? AND namespace = ? AND group_name = ? AND user_name = ?`, account, namespace, group, user).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return actiongate.Errorf(actiongate.KindNotFound, "User %s is not a member of group %s.", user, group)
	}
	return wrap(err, "get member", nil)
}

// MembershipDelete removes user from group; KindNotFound when it is not a member.
func (db *DB) MembershipDelete(ctx context.Context, account, namespace, group, user string) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM group_membership
			WHERE account_id = ? AND namespace = ? AND group_name = ? AND user_name = ?`, account, namespace, group, user)
		return affected(res, err, "delete member", actiongate.Errorf(actiongate.KindNotFound,
			"User %s is not a member of group %s.", user, group))
	})
}

// MembershipList returns a page of the member names of group p.Name, ordered.
func (db *DB) MembershipList(ctx context.Context, p actiongate.DirectoryListParams) ([]string, error) {
	if err := exists(ctx, db.reader, "quicksight_group", p.AccountID, p.Namespace, p.Name); err != nil {
		return nil, wrap(err, "list members", nil)
	}
	out := []string{}
	if p.Limit < 1 {
		return out, nil
	}
	rows, err := db.reader.QueryContext(ctx, `SELECT user_name FROM group_membership
		WHERE account_id = ? AND namespace = ? AND group_name = ? AND user_name > ?
		ORDER BY user_name LIMIT ?`, p.AccountID, p.Namespace, p.Name, p.After, p.Limit)
	if err != nil {
		return nil, wrap(err, "list members", nil)
	}
	defer rows.Close()
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, wrap(err, "list members", nil)
		}
		out = append(out, n)
	}
	return out, wrap(rows.Err(), "list members", nil)
}

// GroupsOfUser returns a page of the groups user p.Name is a member of.
func (db *DB) GroupsOfUser(ctx context.Context, p actiongate.DirectoryListParams) ([]*actiongate.Group, error) {
	if err := exists(ctx, db.reader, "quicksight_user", p.AccountID, p.Namespace, p.Name); err != nil {
		return nil, wrap(err, "list groups of user", nil)
	}
	if p.Limit < 1 {
		return []*actiongate.Group{}, nil
	}
	return db.groups(ctx, "list groups of user", `SELECT `+groupColumns+` FROM group_membership m
		JOIN quicksight_group g ON g.account_id = m.account_id AND g.namespace = m.namespace AND g.name = m.group_name
		WHERE m.account_id = ? AND m.namespace = ? AND m.user_name = ? AND m.group_name > ?
		ORDER BY m.group_name LIMIT ?`, p.AccountID, p.Namespace, p.Name, p.After, p.Limit)
}
